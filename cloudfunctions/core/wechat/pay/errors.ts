/**
 * Failures talking to WeChat Pay. Like the OA client's errors they carry the API path (never a URL
 * with credentials), WeChat's own code for the log, and `retryable`; none of them ever holds a key,
 * a signature base string or a request body (bases: core/wechat/call-errors.ts).
 */
import { TransportError, WeChatCallError } from '../call-errors.js';

/** WeChat Pay could not be reached, timed out, or the connection broke mid-reply. */
export class PayTransportError extends TransportError {
  constructor(
    api: string,
    message: string,
    /** True when the request may have reached WeChat Pay: the outcome is unknown, not failed. */
    retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(api, message, retryable, options);
    this.name = 'PayTransportError';
  }
}

/** The reply is not what the protocol promises (not XML/JSON, a DOCTYPE, missing fields). */
export class PayProtocolError extends WeChatCallError {
  constructor(api: string, message: string, options?: { cause?: unknown }) {
    super(api, `${api}: ${message}`, options);
    this.name = 'PayProtocolError';
  }
}

export type SignatureFailure =
  | 'MISSING_HEADERS'
  | 'UNKNOWN_SERIAL'
  | 'STALE_TIMESTAMP'
  | 'PROBE'
  | 'BAD_SIGNATURE'
  | 'BAD_V2_SIGN';

/**
 * A reply or callback whose signature is absent or wrong. Its content must not be trusted: treat the
 * call's outcome as unknown and reconcile by query.
 */
export class PaySignatureError extends WeChatCallError {
  constructor(
    api: string,
    readonly reason: SignatureFailure,
  ) {
    super(api, `${api}: signature rejected (${reason})`);
    this.name = 'PaySignatureError';
  }
}

/** A callback resource that does not decrypt (wrong key, or tampered ciphertext, nonce or AAD). */
export class PayDecryptError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PayDecryptError';
  }
}

/**
 * WeChat Pay answered with an error of its own: a v2 `err_code` (gethbinfo) or a v3 non-2xx with
 * `{ code, message }`. `message` is WeChat's text, for the log only; branch on `code`.
 */
export class PayApiError extends WeChatCallError {
  constructor(
    api: string,
    readonly code: string,
    readonly wechatMessage: string,
    readonly retryable: boolean,
    /** HTTP status for v3; undefined for v2 (which answers 200 with an err_code). */
    readonly status?: number,
    /** v3 only: whether the error reply carried a valid WeChat Pay signature. */
    readonly verified?: boolean,
  ) {
    super(
      api,
      `${api} failed: ${status === undefined ? '' : `HTTP ${status} `}${code} ${wechatMessage}`,
    );
    this.name = 'PayApiError';
  }
}
