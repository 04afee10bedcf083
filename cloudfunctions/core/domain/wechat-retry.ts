/**
 * How a failed WeChat call is retried. Pure rules, no I/O: the OA client asks, then acts.
 *
 *   40001 / 42001 / 40014   the token is stale, expired or not the latest: refresh it once
 *                           (forced) and repeat the call once.
 *   -1 (system busy), 45011 (per-minute limit), a timeout or a 5xx
 *                           back off and repeat, at most MAX_ATTEMPTS calls in all, each wait
 *                           doubling from BASE_DELAY_MS and capped at MAX_DELAY_MS.
 *   45009 (daily quota)     stop at once: the quota comes back only at midnight or by an
 *                           operator's clear_quota, and every further call counts against it,
 *                           so the caller gets UPSTREAM_QUOTA_EXCEEDED straight away.
 *   anything else           stop: the request itself is wrong and will not improve.
 */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 42001, 40014]);
export const BUSY_ERRCODES: ReadonlySet<number> = new Set([-1, 45011]);
export const DAILY_QUOTA_ERRCODE = 45009;

export const MAX_ATTEMPTS = 3;
export const BASE_DELAY_MS = 200;
export const MAX_DELAY_MS = 2_000;

export type RetryDecision =
  { kind: 'refresh-token' } | { kind: 'back-off'; delayMs: number } | { kind: 'give-up' };

export interface FailedAttempt {
  /** WeChat's errcode, or `undefined` for a transport failure (timeout, 5xx, bad JSON). */
  errcode?: number;
  /** For transport failures: whether the failure may pass (a 4xx will not). */
  retryable?: boolean;
  /** Calls made so far for this request, the failed one included (1 after the first). */
  attempts: number;
  /** Whether this request already had its one forced token refresh. */
  refreshedToken: boolean;
  /** A number in [0, 1) to spread the waits of many callers (jitter). */
  random: number;
}

export function decideRetry(failure: FailedAttempt): RetryDecision {
  const { errcode } = failure;
  if (errcode !== undefined && TOKEN_ERRCODES.has(errcode)) {
    return failure.refreshedToken ? { kind: 'give-up' } : { kind: 'refresh-token' };
  }
  const busy = errcode === undefined ? failure.retryable === true : BUSY_ERRCODES.has(errcode);
  if (!busy || failure.attempts >= MAX_ATTEMPTS) return { kind: 'give-up' };
  return { kind: 'back-off', delayMs: backoffDelay(failure.attempts, failure.random) };
}

/** Wait before attempt `attempts + 1`: doubling, capped, with up to 50 % jitter on top. */
export function backoffDelay(attempts: number, random: number): number {
  const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.min(MAX_DELAY_MS, Math.round(base * (1 + random / 2)));
}
