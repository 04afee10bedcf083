/**
 * The one reply shape of every cloud-function action. `code` is a stable UPPER_SNAKE string that
 * callers branch on; `message` is Chinese text fit to show a consumer as-is.
 *
 * Type-only: the Mini Program imports it with `import type`, so nothing here exists at runtime.
 */
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
