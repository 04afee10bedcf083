import type { ProviderSettings } from '../domain/campaign.js';
import { db } from '../cloud.js';
import type { LedgerEntry, PayoutSnapshot, PayoutState } from '../domain/payout.js';
import { isClientWritten, serverWritten } from './client-writes.js';
import { isDuplicateKeyError, isTransactionConflict } from './errors.js';

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
  /**
   * The campaign's budget hold this payout took over (data/campaigns.ts BudgetHold). Unique: a
   * fence (fenceHold) under the same id keeps a claim that stalled past the holds sweep from
   * inserting its payout after the sweep gave its budget back.
   */
  holdId: string;
  clientIp?: string;
  /** The provider texts, frozen at reservation: a resend must be byte-identical. */
  request: FrozenRequest;
  /** v2 send_listid / v3 transfer_bill_no, once known. */
  providerRef?: string;
  /** v2 `package` (not encoded) or v3 `package_info`: what the user's client opens. */
  clientPackage?: string;
  /**
   * When reconciliation should look at it next (epoch ms, domain/payout-reconciliation.ts planReconciliation);
   * absent once there is nothing more to do automatically. The scheduler reads by it.
   */
  dueAt?: number;
  /** Set when the payout is still unsettled past its deadline: operators must look. */
  flaggedAt?: number;
  /**
   * Why it was flagged when WeChat Pay's word disagreed with our books (a different amount,
   * openid, merchant or appid; money paid after the budget was released). Absent for a plain
   * "still unsettled" flag.
   */
  flagReason?: string;
  // everUnknown (domain/payout.ts PayoutSnapshot): a failure is confirmed by query before release.
}

/** The provider texts as they were when the payout was reserved, so a resend is identical. */
export type FrozenRequest = ProviderSettings;

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
  const { data } = await db()
    .collection(PAYOUTS)
    .where({ code, ...serverWritten() })
    .limit(1)
    .get();
  return data[0] as PayoutRecord | undefined;
}

export async function findPayout(outNo: string): Promise<PayoutRecord | undefined> {
  const { data } = await db()
    .collection(PAYOUTS)
    .where({ _id: outNo, ...serverWritten() })
    .limit(1)
    .get();
  return data[0] as PayoutRecord | undefined;
}

/** Fields a transition may set besides the state machine's own. */
export type TransitionPatch = Partial<
  Pick<PayoutRecord, 'providerRef' | 'clientPackage' | 'everUnknown'>
>;

/** When reconciliation looks next; null: never again automatically (the field is removed). */
export type DueAt = number | null;

/**
 * Writes one transition if the payout is still in `from`: state, clock, check count and the
 * ledger entry in one conditional update. False when another writer moved it first.
 */
export async function writeTransition(
  outNo: string,
  from: PayoutState,
  entry: LedgerEntry,
  dueAt: DueAt,
  patch: TransitionPatch = {},
): Promise<boolean> {
  const { stats } = await db()
    .collection(PAYOUTS)
    .where({ _id: outNo, state: from, ...serverWritten() })
    .update({
      data: transitionData(entry, dueAt, patch),
    });
  return stats.updated > 0;
}

/** What every transition writes: the new state, a fresh check schedule, the ledger entry. */
function transitionData(
  entry: LedgerEntry,
  dueAt: DueAt,
  patch: TransitionPatch,
): Record<string, unknown> {
  const _ = db().command;
  return {
    ...patch,
    state: entry.to,
    stateSince: entry.at,
    checks: 0,
    lastCheckedAt: _.remove(),
    dueAt: dueAt ?? _.remove(),
    ledger: _.push([entry]),
  };
}

/**
 * A transition that moves money between the campaign's books — `received` (held → paid) or
 * `release` (held → remaining) — written with the payout's change in one transaction, so the
 * books move exactly once however many writers (claim, status, scheduler, callback) race.
 * False when the payout had already left `from`.
 */
export async function writeSettlement(
  outNo: string,
  from: PayoutState,
  entry: LedgerEntry,
  books: { campaignId: string; amountFen: number; to: 'paid' | 'returned'; holdId?: string },
  dueAt: DueAt,
  patch: TransitionPatch = {},
): Promise<boolean> {
  const _ = db().command;
  const database = db() as unknown as {
    runTransaction<T>(run: (tx: Transaction) => Promise<T>): Promise<T>;
  };
  const settle = (): Promise<boolean> =>
    database.runTransaction(async (tx) => {
      const payouts = tx.collection(PAYOUTS);
      const current = (await payouts.doc(outNo).get()).data as PayoutRecord | undefined;
      if (current?.state !== from || isClientWritten(current)) return false;
      await payouts.doc(outNo).update({
        data: transitionData(entry, dueAt, patch),
      });
      const { amountFen } = books;
      // The payout's budget hold, if still noted, goes with it: the claim leaves it to this write
      // or to the holds sweep, whichever comes first (rewards/claim.ts).
      const note = books.holdId ? { holds: _.pull({ id: books.holdId }) } : {};
      await tx
        .collection('campaigns')
        .doc(books.campaignId)
        .update({
          data:
            books.to === 'paid'
              ? { reservedFen: _.inc(-amountFen), paidFen: _.inc(amountFen), ...note }
              : { reservedFen: _.inc(-amountFen), remainingFen: _.inc(amountFen), ...note },
        });
      return true;
    });
  // Another transaction wrote the payout or the campaign first (a write conflict): nothing was
  // written, so the whole settlement (re-read included) may simply run again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await settle();
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= SETTLE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

const SETTLE_ATTEMPTS = 3;

/**
 * A look that changed nothing: when to look next, and — for a provider query (`counted`) — one
 * more check and when it was made, so the next waits longer. Written only if the payout is still
 * where the look found it (same state since the same moment). `flag` marks it for operators.
 */
export async function writeCheck(
  payout: Pick<PayoutRecord, 'outNo' | 'state' | 'stateSince'>,
  check: { at: number; dueAt: DueAt; flag: boolean; counted: boolean },
): Promise<boolean> {
  const _ = db().command;
  const { stats } = await db()
    .collection(PAYOUTS)
    .where({
      _id: payout.outNo,
      state: payout.state,
      stateSince: payout.stateSince,
      ...serverWritten(),
    })
    .update({
      data: {
        ...(check.counted ? { checks: _.inc(1), lastCheckedAt: check.at } : {}),
        dueAt: check.dueAt ?? _.remove(),
        ...(check.flag ? { flaggedAt: check.at } : {}),
      },
    });
  return stats.updated > 0;
}

/**
 * What took each of these budget holds over: its claim's payout, or a fence the sweep put up
 * (fenceHold). Holds absent from the map have neither.
 */
export async function holdOwners(holdIds: string[]): Promise<Map<string, 'payout' | 'fence'>> {
  const owners = new Map<string, 'payout' | 'fence'>();
  const _ = db().command;
  // A read returns at most 1,000 documents; a busy campaign's sweep may look at more holds.
  for (let start = 0; start < holdIds.length; start += HOLD_OWNERS_PER_READ) {
    const ids = holdIds.slice(start, start + HOLD_OWNERS_PER_READ);
    const { data } = await db()
      .collection(PAYOUTS)
      .where({ holdId: _.in(ids), ...serverWritten() })
      .field({ holdId: true, fence: true })
      .limit(ids.length)
      .get();
    for (const owner of data as { holdId: string; fence?: boolean }[]) {
      owners.set(owner.holdId, owner.fence === true ? 'fence' : 'payout');
    }
  }
  return owners;
}

const HOLD_OWNERS_PER_READ = 1000;

/**
 * A fence in `payouts` for a budget hold whose claim made no payout, put up before the sweep gives
 * the hold back. It takes the hold's id under the unique `holdId` index, so the claim — should it
 * wake up after all — fails to insert its payout (a duplicate) and pays nothing from budget that is
 * no longer held for it. A fence is no payout: it has no campaign, user, state or amount, and its
 * `code` and `outNo` (unique indexes too) are its own id.
 * 'fenced', or 'taken' when the hold's payout or an earlier fence is already there.
 */
export async function fenceHold(holdId: string, at: number): Promise<'fenced' | 'taken'> {
  const id = `fence-${holdId}`;
  try {
    await db()
      .collection(PAYOUTS)
      .add({ data: { _id: id, outNo: id, code: id, holdId, fence: true, fencedAt: at } });
    return 'fenced';
  } catch (error) {
    if (isDuplicateKeyError(error)) return 'taken';
    throw error;
  }
}

/**
 * Flags a payout for operators with the reason WeChat Pay's word was not applied, and when to
 * look again. Unconditional on state: a flag never moves money, and a later look may add to it.
 */
export async function writeFlag(
  outNo: string,
  flag: { at: number; reason: string; dueAt?: DueAt },
): Promise<void> {
  const _ = db().command;
  await db()
    .collection(PAYOUTS)
    .where({ _id: outNo })
    .update({
      data: {
        flaggedAt: flag.at,
        flagReason: flag.reason,
        ...(flag.dueAt === undefined ? {} : { dueAt: flag.dueAt ?? _.remove() }),
      },
    });
}

interface TransactionDoc {
  get(): Promise<{ data: unknown }>;
  update(options: { data: Record<string, unknown> }): Promise<unknown>;
}
interface Transaction {
  collection(name: string): { doc(id: string): TransactionDoc };
}
