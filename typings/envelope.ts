/**
 * The one reply shape of every cloud-function action. `code` is a stable UPPER_SNAKE string that
 * callers branch on; `message` is Chinese text fit to show a consumer as-is.
 *
 * Type-only: the Mini Program imports it with `import type`, so nothing here exists at runtime.
 */
/** Error codes any action may answer with; each function's contract adds its own. */
export type CommonErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_ACTION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UPSTREAM_ERROR'
  | 'INTERNAL';

export interface EnvelopeError {
  code: string;
  message: string;
}

export interface EnvelopeOk<T> {
  ok: true;
  data: T;
}

export interface EnvelopeFail {
  ok: false;
  error: EnvelopeError;
}

export type Envelope<T> = EnvelopeOk<T> | EnvelopeFail;
