import { db } from '../cloud.js';
import { clientWritten, serverWritten } from './client-writes.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * The `tokens` collection: one document per appid (`_id` = appid) holding the current access
 * token and a refresh lease.
 *
 *   token, expiresAt, refreshedAt, endpoint   the token (never logged) and when it lapses (epoch ms)
 *   version                                    bumped by every save: the compare-and-swap key
 *   leaseHolder, leaseUntil                    who is refreshing now, and until when (epoch ms)
 *
 * A refresher first claims the lease with a conditional update on (version it read, lease free);
 * exactly one of any number of simultaneous claimants changes the document, the others re-read.
 *
 * A document a client wrote (it carries `_openid`, data/client-writes.ts) is never read as a token
 * and never updated; the first claimant removes it so the server's own document can take its id.
 */
export interface TokenRecord {
  appid: string;
  token?: string;
  expiresAt?: number;
  refreshedAt?: number;
  endpoint?: string;
  version: number;
  leaseHolder?: string;
  leaseUntil?: number;
}

export interface TokenFields {
  token: string;
  expiresAt: number;
  refreshedAt: number;
  endpoint: string;
}

/** Storage of tokens; the database one below, an in-memory one in unit tests. */
export interface TokenStore {
  read(appid: string): Promise<TokenRecord | undefined>;
  /**
   * Claims the refresh lease if the document is still at `seenVersion` (undefined: the document
   * does not exist yet) and no live lease is held. True when this caller won.
   */
  claim(
    appid: string,
    seenVersion: number | undefined,
    holder: string,
    now: number,
    leaseMs: number,
  ): Promise<boolean>;
  /** Stores a token and frees the lease, if `holder` still holds it. */
  save(appid: string, holder: string, fields: TokenFields): Promise<boolean>;
  /** Frees the lease after a failed refresh, if `holder` still holds it. */
  release(appid: string, holder: string): Promise<void>;
}

export class DatabaseTokenStore implements TokenStore {
  async read(appid: string): Promise<TokenRecord | undefined> {
    const { data } = await db()
      .collection('tokens')
      .where({ _id: appid, ...serverWritten() })
      .limit(1)
      .get();
    const doc = data[0] as (TokenRecord & { _id: string }) | undefined;
    return doc ? { ...doc, appid, version: doc.version ?? 0 } : undefined;
  }

  async claim(
    appid: string,
    seenVersion: number | undefined,
    holder: string,
    now: number,
    leaseMs: number,
  ): Promise<boolean> {
    const tokens = db().collection('tokens');
    if (seenVersion === undefined) {
      const create = async (): Promise<boolean> => {
        try {
          await tokens.add({
            data: { _id: appid, appid, version: 0, leaseHolder: holder, leaseUntil: now + leaseMs },
          });
          return true;
        } catch (error) {
          // Another instance created it first: it holds the lease.
          if (isDuplicateKeyError(error)) return false;
          throw error;
        }
      };
      if (await create()) return true;
      // The id may be held by a document a client wrote (read() skipped it): remove it and try
      // once more. Removing only a client's document never disturbs another instance's lease.
      const { stats } = await tokens.where({ _id: appid, ...clientWritten() }).remove();
      return stats.removed > 0 && create();
    }
    const _ = db().command;
    const { stats } = await tokens
      .where({ _id: appid, version: seenVersion, leaseUntil: _.lt(now), ...serverWritten() })
      .update({ data: { leaseHolder: holder, leaseUntil: now + leaseMs } });
    return stats.updated === 1;
  }

  async save(appid: string, holder: string, fields: TokenFields): Promise<boolean> {
    const _ = db().command;
    const { stats } = await db()
      .collection('tokens')
      .where({ _id: appid, leaseHolder: holder, ...serverWritten() })
      .update({ data: { ...fields, version: _.inc(1), leaseHolder: '', leaseUntil: 0 } });
    return stats.updated === 1;
  }

  async release(appid: string, holder: string): Promise<void> {
    await db()
      .collection('tokens')
      .where({ _id: appid, leaseHolder: holder, ...serverWritten() })
      .update({ data: { leaseHolder: '', leaseUntil: 0 } });
  }
}

/**
 * The same semantics in memory: for tests, and for tools that talk to WeChat outside a function.
 * Instances sharing one store behave like functions sharing the database.
 */
export class MemoryTokenStore implements TokenStore {
  private readonly records = new Map<string, TokenRecord>();

  async read(appid: string): Promise<TokenRecord | undefined> {
    const record = this.records.get(appid);
    return record ? { ...record } : undefined;
  }

  async claim(
    appid: string,
    seenVersion: number | undefined,
    holder: string,
    now: number,
    leaseMs: number,
  ): Promise<boolean> {
    const record = this.records.get(appid);
    if (seenVersion === undefined) {
      if (record) return false;
      this.records.set(appid, {
        appid,
        version: 0,
        leaseHolder: holder,
        leaseUntil: now + leaseMs,
      });
      return true;
    }
    if (!record || record.version !== seenVersion || (record.leaseUntil ?? 0) >= now) return false;
    Object.assign(record, { leaseHolder: holder, leaseUntil: now + leaseMs });
    return true;
  }

  async save(appid: string, holder: string, fields: TokenFields): Promise<boolean> {
    const record = this.records.get(appid);
    if (record?.leaseHolder !== holder) return false;
    Object.assign(record, fields, { version: record.version + 1, leaseHolder: '', leaseUntil: 0 });
    return true;
  }

  async release(appid: string, holder: string): Promise<void> {
    const record = this.records.get(appid);
    if (record?.leaseHolder === holder) Object.assign(record, { leaseHolder: '', leaseUntil: 0 });
  }

  /** Test hook: puts a record as if some earlier refresh had stored it. */
  put(record: TokenRecord): void {
    this.records.set(record.appid, { ...record });
  }
}
