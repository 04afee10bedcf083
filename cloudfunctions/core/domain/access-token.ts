/**
 * When an Official Account access token may be used and when it must be renewed. Pure rules.
 *
 * Every function reads the one token the database holds; the scheduler renews it well ahead of its
 * expiry, so a function fetches one itself only when the scheduler has not run (first deploy, a
 * stopped timer) or WeChat rejected the token.
 */

/** A function stops using a token this long before it expires (a call plus clock skew). */
export const USE_MARGIN_MS = 60_000;

/**
 * The scheduler renews a token this long before it expires. stable_token hands out a new token only
 * in the last 5 minutes (earlier calls return the same one), so a few calls between 10 and 5
 * minutes are cheap no-ops; with /cgi-bin/token each renewal is a new token and the old one stays
 * valid 5 more minutes, so readers never see a gap.
 */
export const SCHEDULED_REFRESH_AHEAD_MS = 10 * 60_000;

/** How long one refresher holds the lease before others may assume it died. */
export const REFRESH_LEASE_MS = 15_000;

/** How long a caller waits for another instance's refresh before giving up. */
export const REFRESH_WAIT_MS = 20_000;

/** How often a waiting caller re-reads the store. */
export const REFRESH_POLL_MS = 150;

/** A warm instance trusts the token it read for this long before reading the store again. */
export const MEMORY_TTL_MS = 30_000;

export interface StoredToken {
  token?: string;
  /** Epoch milliseconds. */
  expiresAt?: number;
}

/** Whether `record` holds a token good for at least `marginMs` more. */
export function isFresh(
  record: StoredToken | undefined,
  now: number,
  marginMs = USE_MARGIN_MS,
): record is StoredToken & { token: string; expiresAt: number } {
  return (
    typeof record?.token === 'string' &&
    record.token !== '' &&
    typeof record.expiresAt === 'number' &&
    record.expiresAt - now > marginMs
  );
}

/** Expiry of a token WeChat issued at `now` with `expiresInSeconds` to live. */
export function expiryOf(now: number, expiresInSeconds: number): number {
  return now + Math.max(0, expiresInSeconds) * 1000;
}
