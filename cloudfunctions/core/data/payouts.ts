import type { CampaignPayoutSettings } from '../../../typings/admin.js';
import { db } from '../cloud.js';
import type { LedgerEntry, PayoutSnapshot, PayoutState } from '../domain/payout.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * `payouts`: one document per reward payout, `_id` = `outNo`, the deterministic out-number that
 * is the provider's idempotency key. The unique `code` index is the per-code lock: a second
 * payout for a code cannot be inserted, whatever races. Every state change is a conditional
 * update on the state it leaves (or, when money moves between the campaign's books, a
 * transaction), with its ledger entry pushed in the same write.
 */
export interface PayoutRecord extends PayoutSnapshot {
  _id: string;
  outNo: string;
  code: string;
  campaignId: string;
  /** Kept so the claimant's page can show the campaign without another read. */
  campaignName: string;
  scanId: string;
  openid: string;
  /** The Mini Program the payout is sent under. */
  appid: string;
  mchId: string;
  amountFen: number;
  clientIp?: string;
  /** The provider texts, frozen at reservation: a resend must be byte-identical. */
  request: FrozenRequest;
  /** v2 send_listid / v3 transfer_bill_no, once known. */
  providerRef?: string;
  /** v2 `package` (not encoded) or v3 `package_info`: what the user's client opens. */
  clientPackage?: string;
}

/** The provider texts as they were when the payout was reserved, so a resend is identical. */
export type FrozenRequest = CampaignPayoutSettings;

const PAYOUTS = 'payouts';

/** 'inserted', or 'duplicate' when this code (or out-number) already has its payout. */
export async function insertPayout(record: PayoutRecord): Promise<'inserted' | 'duplicate'> {
  try {
    await db().collection(PAYOUTS).add({ data: record });
    return 'inserted';
  } catch (error) {
    if (isDuplicateKeyError(error)) return 'duplicate';
    throw error;
  }
}

export async function findPayoutByCode(code: string): Promise<PayoutRecord | undefined> {
  const { data } = await db().collection(PAYOUTS).where({ code }).limit(1).get();
  return data[0] as PayoutRecord | undefined;
}

export async function findPayout(outNo: string): Promise<PayoutRecord | undefined> {
  const { data } = await db().collection(PAYOUTS).where({ _id: outNo }).limit(1).get();
  return data[0] as PayoutRecord | undefined;
}

/** Payouts of a campaign that still count against a limit (a released one gave its claim back). */
export async function countClaims(
  campaignId: string,
  by: { openid: string; since?: number } | { clientIp: string; since: number },
): Promise<number> {
  const _ = db().command;
  const { total } = await db()
    .collection(PAYOUTS)
    .where({
      campaignId,
      ...('openid' in by ? { openid: by.openid } : { clientIp: by.clientIp }),
      ...(by.since !== undefined ? { createdAt: _.gte(by.since) } : {}),
      state: _.neq('budget_released'),
    })
    .count();
  return total;
}

/** Fields a transition may set besides the state machine's own. */
export type TransitionPatch = Partial<Pick<PayoutRecord, 'providerRef' | 'clientPackage'>>;

/**
 * Writes one transition if the payout is still in `from`: state, clock, check count and the
 * ledger entry in one conditional update. False when another writer moved it first.
 */
export async function writeTransition(
  outNo: string,
  from: PayoutState,
  entry: LedgerEntry,
  patch: TransitionPatch = {},
): Promise<boolean> {
  const { stats } = await db()
    .collection(PAYOUTS)
    .where({ _id: outNo, state: from })
    .update({
      data: transitionData(entry, patch),
    });
  return stats.updated > 0;
}

/**
 * A transition that moves money between the campaign's books — `received` (held → paid) or
 * `release` (held → remaining) — written with the payout's change in one transaction, so the
 * books move exactly once however many writers (claim, status, scheduler, callback) race.
 * False when the payout had already left `from`.
 */
/** What every transition writes: the new state, a fresh check schedule, the ledger entry. */
function transitionData(entry: LedgerEntry, patch: TransitionPatch): Record<string, unknown> {
  const _ = db().command;
  return {
    ...patch,
    state: entry.to,
    stateSince: entry.at,
    checks: 0,
    lastCheckedAt: _.remove(),
    ledger: _.push([entry]),
  };
}

export async function writeSettlement(
  outNo: string,
  from: PayoutState,
  entry: LedgerEntry,
  books: { campaignId: string; amountFen: number; to: 'paid' | 'returned' },
  patch: TransitionPatch = {},
): Promise<boolean> {
  const _ = db().command;
  const database = db() as unknown as {
    runTransaction<T>(run: (tx: Transaction) => Promise<T>): Promise<T>;
  };
  return database.runTransaction(async (tx) => {
    const payouts = tx.collection(PAYOUTS);
    const current = (await payouts.doc(outNo).get()).data as PayoutRecord | undefined;
    if (current?.state !== from) return false;
    await payouts.doc(outNo).update({
      data: transitionData(entry, patch),
    });
    const { amountFen } = books;
    await tx
      .collection('campaigns')
      .doc(books.campaignId)
      .update({
        data:
          books.to === 'paid'
            ? { reservedFen: _.inc(-amountFen), paidFen: _.inc(amountFen) }
            : { reservedFen: _.inc(-amountFen), remainingFen: _.inc(amountFen) },
      });
    return true;
  });
}

interface TransactionDoc {
  get(): Promise<{ data: unknown }>;
  update(options: { data: Record<string, unknown> }): Promise<unknown>;
}
interface Transaction {
  collection(name: string): { doc(id: string): TransactionDoc };
}
