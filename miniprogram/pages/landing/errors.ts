import type { EnvelopeError } from '../../../typings/envelope';

/**
 * What the consumer can do about a failed lookup:
 * - `retry`: the same request may well succeed (network, WeChat or our service hiccuped);
 * - `rescan`: the ticket itself is bad, so only a new scan helps;
 * - `reenter`: the typed code is malformed, so edit it;
 * - `none`: nothing on this phone helps (WeChat too old for cloud calls).
 */
export type ErrorRemedy = 'retry' | 'rescan' | 'reenter' | 'none';

export interface LandingErrorView {
  title: string;
  message: string;
  /** Shown small, for support; never user data. */
  code: string;
  remedy: ErrorRemedy;
}

type RequestKind = 'ticket' | 'code';

interface ErrorCopy {
  title: string;
  message: string;
  remedy: ErrorRemedy;
}

/** Our own words for the codes the landing page meets; the server's message covers the rest. */
const ERROR_COPY: Record<string, ErrorCopy> = {
  TICKET_INVALID: {
    title: '扫码凭证已失效',
    message: '凭证可能已过期或不属于你，请重新扫描商品上的防伪码',
    remedy: 'rescan',
  },
  UPSTREAM_ERROR: {
    title: '微信服务繁忙',
    message: '暂时查不到防伪信息，请稍后重试',
    remedy: 'retry',
  },
  // Today's WeChat quota is spent: retrying before tomorrow cannot help.
  UPSTREAM_QUOTA_EXCEEDED: {
    title: '今日查询已达上限',
    message: '今日查询人数过多，请明天再扫码查询',
    remedy: 'none',
  },
  RATE_LIMITED: {
    title: '查询过于频繁',
    message: '请稍等几分钟后再试',
    remedy: 'retry',
  },
  NETWORK_ERROR: {
    title: '网络不给力',
    message: '网络连接失败，请检查网络后重试',
    remedy: 'retry',
  },
  CLOUD_UNAVAILABLE: {
    title: '微信版本过低',
    message: '当前微信版本过低，无法查询防伪信息，请升级微信后再扫码',
    remedy: 'none',
  },
  INTERNAL: {
    title: '服务开小差了',
    message: '查询暂时失败，请稍后重试',
    remedy: 'retry',
  },
  BAD_REPLY: {
    title: '服务开小差了',
    message: '服务返回了无法识别的结果，请稍后重试',
    remedy: 'retry',
  },
};

// A malformed request means different things for a scanned ticket and a typed code.
const INVALID_ARGUMENT_COPY: Record<RequestKind, ErrorCopy> = {
  ticket: {
    title: '扫码信息有误',
    message: '没有读到有效的扫码凭证，请重新扫描商品上的防伪码',
    remedy: 'rescan',
  },
  code: {
    title: '防伪码格式不正确',
    message: '请核对商品上的 9 位防伪码后重新输入',
    remedy: 'reenter',
  },
};

/** The Chinese title, message and remedy for a failed lookup. */
export function describeLandingError(
  error: EnvelopeError,
  requestKind: RequestKind,
): LandingErrorView {
  const copy =
    error.code === 'INVALID_ARGUMENT'
      ? INVALID_ARGUMENT_COPY[requestKind]
      : (ERROR_COPY[error.code] ?? {
          title: '查询失败',
          // Server messages are written for consumers; an unknown code still gets a retry.
          message: error.message || '查询暂时失败，请稍后重试',
          remedy: 'retry',
        });
  return { ...copy, code: error.code };
}
