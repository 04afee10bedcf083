/**
 * What a consumer is told when WeChat fails a scan's lookup (tickettocode, codeactivequery): an
 * invalid ticket is the consumer's to fix by scanning again; anything else is WeChat's, and the
 * consumer can only retry, while the log keeps WeChat's own code.
 */
import { AppError } from '../errors.js';
import {
  WeChatApiError,
  WeChatConfigError,
  WeChatTransportError,
  toAppError,
} from '../wechat/errors.js';

/** WeChat's "invalid args": for tickettocode, a ticket unknown, expired or of another user. */
const INVALID_ARGS = 40097;
/** WeChat's "daily API quota reached": retrying only spends more of it. */
const DAILY_QUOTA = 45009;

export function ticketFailure(error: unknown): unknown {
  if (error instanceof WeChatApiError && error.errcode === INVALID_ARGS) {
    return new AppError('TICKET_INVALID', '扫码信息无效或已过期，请重新扫描商品上的码', {
      cause: error,
    });
  }
  return upstreamFailure(error);
}

/** Whatever WeChat's trouble, the consumer can only retry; the log keeps WeChat's own code. */
export function upstreamFailure(error: unknown): unknown {
  if (error instanceof WeChatApiError && error.errcode === DAILY_QUOTA) {
    console.warn(`[scan] WeChat failed: ${error.message}`);
    return toAppError(error);
  }
  if (
    error instanceof WeChatApiError ||
    error instanceof WeChatTransportError ||
    error instanceof WeChatConfigError
  ) {
    console.warn(`[scan] WeChat failed: ${error.message}`);
    return new AppError('UPSTREAM_ERROR', '微信服务暂时繁忙，请稍后重试', { cause: error });
  }
  return error;
}
