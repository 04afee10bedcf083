/**
 * The bases of every failure calling WeChat (the OA and marketcode APIs in core/wechat/errors.ts,
 * WeChat Pay in core/wechat/pay/errors.ts). Each carries the API as a path without query, never a
 * URL (a URL may hold the access token), and nothing secret: no key, signature base or body.
 */
export class WeChatCallError extends Error {
  constructor(
    /** The API that failed, as a path without query (e.g. `/intp/marketcode/applycode`). */
    readonly api: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WeChatCallError';
  }
}

/**
 * WeChat could not be reached, timed out, the connection broke mid-reply, or it answered with
 * something that is not its reply. `retryable`: another attempt may succeed (for a payment, the
 * request may have reached WeChat Pay: the outcome is unknown, not failed).
 */
export class TransportError extends WeChatCallError {
  constructor(
    api: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(api, `${api}: ${message}`, options);
    this.name = 'TransportError';
  }
}
