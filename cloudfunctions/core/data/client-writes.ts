import { db } from '../cloud.js';

/**
 * Documents a Mini Program client could have written are never trusted.
 *
 * Every collection is server-only (collections.ts `permission`: 仅管理端可读写), so clients cannot
 * write at all; but that is a console setting, one click from undone. CloudBase stamps `_openid`
 * (the writer's openid) on every document a Mini Program client inserts, and a client cannot
 * insert without it; these functions never write that field. So a document carrying `_openid` was
 * not written by them, and it is never a role, a payout, a campaign, a token or a scan: queries
 * exclude it with `serverWritten()` in their where(), reads inside a transaction (doc().get(),
 * which takes no condition) drop it with `isClientWritten()`.
 */
export const CLIENT_OWNER_FIELD = '_openid';

/** The where() condition that keeps only documents the server wrote. */
export function serverWritten(): { _openid: unknown } {
  return { [CLIENT_OWNER_FIELD]: db().command.exists(false) } as { _openid: unknown };
}

/** The where() condition that finds documents a client wrote (to remove them). */
export function clientWritten(): { _openid: unknown } {
  return { [CLIENT_OWNER_FIELD]: db().command.exists(true) } as { _openid: unknown };
}

/** For reads that cannot filter (a transaction's doc().get()): true when a client wrote it. */
export function isClientWritten(document: unknown): boolean {
  return (
    typeof document === 'object' &&
    document !== null &&
    Object.prototype.hasOwnProperty.call(document, CLIENT_OWNER_FIELD)
  );
}
