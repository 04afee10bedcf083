/**
 * Reads of `payouts` (data/payouts.ts) that list or count many: what reconciliation looks at
 * next, the operators' lists and the flagged ones, and the figures' claims per China-time bucket.
 * Fences (payouts.ts fenceHold) are never listed as payouts.
 */
import { db } from '../cloud.js';
import type { PayoutState } from '../domain/payout.js';
import { serverWritten } from './client-writes.js';
import type { PayoutRecord } from './payouts.js';

const PAYOUTS = 'payouts';

/** Payouts reconciliation should look at now, oldest due first. */
export async function listDuePayouts(now: number, limit: number): Promise<PayoutRecord[]> {
  const _ = db().command;
  const { data } = await db()
    .collection(PAYOUTS)
    .where({ dueAt: _.lte(now), ...serverWritten() })
    .orderBy('dueAt', 'asc')
    .limit(limit)
    .get();
  return data as PayoutRecord[];
}

export interface PayoutFilter {
  campaignId?: string;
  state?: PayoutState;
  /** Only payouts flagged for operators and not settled since. */
  flagged?: boolean;
  /** One code's payout: the unique `code` index answers it. */
  code?: string;
}

/** Operators' list, newest first. */
export async function listPayouts(
  filter: PayoutFilter,
  page: { limit: number; offset: number },
): Promise<PayoutRecord[]> {
  const _ = db().command;
  const { data } = await db()
    .collection(PAYOUTS)
    .where({
      // Fences (fenceHold) are not payouts.
      fence: _.exists(false),
      ...(filter.code ? { code: filter.code } : {}),
      ...(filter.campaignId ? { campaignId: filter.campaignId } : {}),
      ...(filter.flagged ? { flaggedAt: _.exists(true) } : {}),
      ...(filter.state
        ? { state: filter.state }
        : filter.flagged
          ? { state: _.nin(['received', 'budget_released']) }
          : {}),
      ...serverWritten(),
    })
    .orderBy('createdAt', 'desc')
    .skip(page.offset)
    .limit(page.limit)
    .get();
  return data as PayoutRecord[];
}

/**
 * Operators' flagged list: unsettled past the deadline (as listPayouts `flagged`), plus any payout
 * flagged with a reason whatever its state — money paid after release sits on a settled payout.
 */
export async function listFlaggedPayouts(
  filter: Pick<PayoutFilter, 'campaignId' | 'state' | 'code'>,
  page: { limit: number; offset: number },
): Promise<PayoutRecord[]> {
  const _ = db().command;
  const base = {
    ...(filter.code ? { code: filter.code } : {}),
    ...(filter.campaignId ? { campaignId: filter.campaignId } : {}),
    ...(filter.state ? { state: filter.state } : {}),
  };
  const { data } = await db()
    .collection(PAYOUTS)
    .where(
      _.or([
        {
          ...base,
          flaggedAt: _.exists(true),
          ...(filter.state ? {} : { state: _.nin(['received', 'budget_released']) }),
        },
        { ...base, flagReason: _.exists(true) },
      ]),
    )
    .orderBy('createdAt', 'desc')
    .skip(page.offset)
    .limit(page.limit)
    .get();
  return data as PayoutRecord[];
}

/** How many payouts listFlaggedPayouts would list without a filter (the 工作台 figure). */
export async function countFlaggedPayouts(): Promise<number> {
  const _ = db().command;
  const { total } = await db()
    .collection(PAYOUTS)
    .where(
      _.or([
        {
          flaggedAt: _.exists(true),
          state: _.nin(['received', 'budget_released']),
          ...serverWritten(),
        },
        { flagReason: _.exists(true), ...serverWritten() },
      ]),
    )
    .count();
  return total;
}
