import { AppError } from '../errors.js';
import { TransportError, WeChatCallError } from './call-errors.js';

/**
 * WeChat answered with a non-zero `errcode`. Carries WeChat's own code and text for the log; the
 * action edge turns it into an AppError with a Chinese message (see `toAppError`). The request
 * URL is deliberately not kept: it holds the access token.
 */
export class WeChatApiError extends WeChatCallError {
  constructor(
    api: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(api, `${api} failed: errcode ${errcode} ${errmsg}`);
    this.name = 'WeChatApiError';
  }
}

/**
 * WeChat could not be reached or answered with something that is not its JSON: a timeout, a
 * refused connection, an HTTP error status. `retryable` says whether another attempt may succeed.
 */
export class WeChatTransportError extends TransportError {
  constructor(api: string, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(api, message, retryable, options);
    this.name = 'WeChatTransportError';
  }
}

/** The Official Account is not configured in this environment (OA_APPID / OA_SECRET). */
export class WeChatConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeChatConfigError';
  }
}

// WeChat's codes that mean our credentials or account setup are wrong, not the request.
const CONFIG_ERRCODES = new Set([40002, 40013, 40125, 40164, 41002, 41004, 48001, 50001, 50002]);

/**
 * The stable error code and Chinese message an action answers with for a WeChat failure. Codes an
 * operator can act on get their own code; everything else is UPSTREAM_ERROR.
 */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof WeChatConfigError) {
    return new AppError('UPSTREAM_CONFIG', '公众号接口尚未配置，请联系管理员', { cause: error });
  }
  if (error instanceof WeChatTransportError) {
    return new AppError('UPSTREAM_ERROR', '微信服务暂时不可用，请稍后重试', { cause: error });
  }
  if (!(error instanceof WeChatApiError)) return undefined;
  const { errcode } = error;
  if (errcode === 80301) {
    return new AppError('APPLICATION_NOT_FOUND', '申请单不存在或不属于本公众号', { cause: error });
  }
  if (errcode === 40097) {
    return new AppError('UPSTREAM_INVALID_ARGUMENT', '微信认为请求参数无效，请检查后重试', {
      cause: error,
    });
  }
  if (errcode === 45009) {
    return new AppError('UPSTREAM_QUOTA_EXCEEDED', '今日微信接口调用次数已用完，请明天再试', {
      cause: error,
    });
  }
  if (errcode === 45011) {
    return new AppError('UPSTREAM_RATE_LIMITED', '微信接口调用过于频繁，请稍后重试', {
      cause: error,
    });
  }
  if (CONFIG_ERRCODES.has(errcode)) {
    return new AppError(
      'UPSTREAM_CONFIG',
      '公众号接口配置有误（凭证、权限或 IP 白名单），请联系管理员',
      {
        cause: error,
      },
    );
  }
  return new AppError('UPSTREAM_ERROR', `微信接口返回错误（${errcode}），请稍后重试`, {
    cause: error,
  });
}
