import { db } from '../cloud.js';
import { serverWritten } from './client-writes.js';
import type { Campaign, CampaignDefinition, CampaignStatus } from '../domain/campaign.js';

/**
 * `campaigns`: one document per reward campaign, its definition and its books. The books move
 * only by `_.inc` in conditional updates, so at every moment
 *
 *   budgetFen = remainingFen + reservedFen + paidFen
 *
 * and `remainingFen` never goes below zero: a reservation is one update that matches only while
 * enough remains (`remainingFen >= amount`).
 *
 * Each reservation also leaves a *hold* in `holds` (same update), naming the claim that made it;
 * the claim's payout carries the same `holdId`. A hold is cleared once its payout exists — when
 * the payout settles, or by the scheduler's sweep — and a hold whose claim
 * died before making its payout is given back to `remainingFen`, exactly once (the update
 * matches only while the hold is there). So a crash between holding and locking never strands
 * budget.
 */
export interface CampaignRecord extends Omit<Campaign, 'id'> {
  _id: string;
  remainingFen: number;
  reservedFen: number;
  paidFen: number;
  /**
   * Money WeChat Pay paid out after we had given its budget back (fen, only ever `_.inc`): the
   * campaign spent this much beyond its budget. Absent when zero. See payoutAnomalies.
   */
  overspentFen?: number;
  /** Reservations whose payout was not yet seen (only read by the holds sweep). */
  holds?: BudgetHold[];
  /**
   * Moves by one with every change of the definition or the status (absent on campaigns not
   * changed since it was kept): a claim that read the campaign earlier holds budget only while
   * it is the revision it read (reserveBudget).
   */
  revision?: number;
  /** Epoch ms. */
  updatedAt: number;
  createdBy: string;
  updatedBy: string;
}

/** One reservation of budget by one claim, until its payout is seen. */
export interface BudgetHold {
  /** Random per claim; the payout stores it as `holdId`. */
  id: string;
  fen: number;
  /** Epoch ms. */
  at: number;
  /** The code claimed (absent on holds made before it was kept). */
  code?: string;
}

const CAMPAIGNS = 'campaigns';

/** The books and rules without the holds, which only the sweep needs. */
const WITHOUT_HOLDS = { holds: false } as const;

export function toCampaign(record: CampaignRecord): Campaign {
  return {
    id: record._id,
    name: record.name,
    startAt: record.startAt,
    endAt: record.endAt,
    budgetFen: record.budgetFen,
    amount: record.amount,
    firstScanOnly: record.firstScanOnly,
    // Campaigns made before the setting existed never allowed typed codes to claim.
    allowTypedCodes: record.allowTypedCodes === true,
    amountDisplay: record.amountDisplay,
    targeting: record.targeting,
    limits: record.limits,
    payout: record.payout,
    risk: record.risk,
    status: record.status,
    createdAt: record.createdAt,
  };
}

export async function insertCampaign(def: CampaignDefinition, by: string): Promise<string> {
  const now = Date.now();
  const { _id } = (await db()
    .collection(CAMPAIGNS)
    .add({
      data: {
        ...def,
        status: 'draft',
        remainingFen: def.budgetFen,
        reservedFen: 0,
        paidFen: 0,
        revision: 0,
        createdAt: now,
        updatedAt: now,
        createdBy: by,
        updatedBy: by,
      },
    })) as { _id: string };
  return _id;
}

export async function findCampaign(campaignId: string): Promise<CampaignRecord | undefined> {
  const { data } = await db()
    .collection(CAMPAIGNS)
    .where({ _id: campaignId, ...serverWritten() })
    .field(WITHOUT_HOLDS)
    .limit(1)
    .get();
  return data[0] as CampaignRecord | undefined;
}

export async function listCampaignRecords(options: {
  status?: CampaignStatus;
  limit: number;
  offset: number;
}): Promise<CampaignRecord[]> {
  const { data } = await db()
    .collection(CAMPAIGNS)
    .where({ ...(options.status ? { status: options.status } : {}), ...serverWritten() })
    .field(WITHOUT_HOLDS)
    .orderBy('createdAt', 'desc')
    .skip(options.offset)
    .limit(options.limit)
    .get();
  return data as CampaignRecord[];
}

/** Campaigns that are running now by status (the window is the domain rules' to check). */
export async function listRunningCampaigns(): Promise<CampaignRecord[]> {
  const { data } = await db()
    .collection(CAMPAIGNS)
    .where({ status: 'running', ...serverWritten() })
    .field(WITHOUT_HOLDS)
    .limit(100)
    .get();
  return data as CampaignRecord[];
}

/** Running campaigns read for the budget: the SDK's most per request. */
const RUNNING_CAMPAIGNS_READ = 1000;

/** The budget left on each running campaign (the 工作台 figure), its only field read. */
export async function runningCampaignBudgets(): Promise<{ remainingFen?: number }[]> {
  const { data } = await db()
    .collection(CAMPAIGNS)
    .where({ status: 'running', ...serverWritten() })
    .field({ remainingFen: true })
    .limit(RUNNING_CAMPAIGNS_READ)
    .get();
  return data as { remainingFen?: number }[];
}

/**
 * Replaces the definition. A budget change moves `remainingFen` by the same amount, in the same
 * conditional update: a cut larger than what remains unpromised matches nothing (false).
 * Objects are written with `_.set` so a changed amount rule does not keep the old rule's keys.
 */
export async function replaceDefinition(
  campaignId: string,
  expected: { status: CampaignStatus; budgetFen: number },
  def: CampaignDefinition,
  by: string,
): Promise<boolean> {
  const _ = db().command;
  const delta = def.budgetFen - expected.budgetFen;
  const { stats } = await db()
    .collection(CAMPAIGNS)
    .where({
      _id: campaignId,
      status: expected.status,
      budgetFen: expected.budgetFen,
      remainingFen: _.gte(Math.max(0, -delta)),
    })
    .update({
      data: {
        name: def.name,
        startAt: def.startAt,
        endAt: def.endAt,
        budgetFen: _.inc(delta),
        remainingFen: _.inc(delta),
        amount: _.set(def.amount),
        firstScanOnly: def.firstScanOnly,
        allowTypedCodes: def.allowTypedCodes,
        amountDisplay: def.amountDisplay,
        targeting: _.set(def.targeting),
        limits: _.set(def.limits),
        payout: _.set(def.payout),
        risk: _.set(def.risk),
        revision: _.inc(1),
        updatedAt: Date.now(),
        updatedBy: by,
      },
    });
  return stats.updated > 0;
}

/** Moves the status from `from` to `to`; false when it was no longer `from`. */
export async function changeStatus(
  campaignId: string,
  from: CampaignStatus,
  to: CampaignStatus,
  by: string,
): Promise<boolean> {
  const _ = db().command;
  const { stats } = await db()
    .collection(CAMPAIGNS)
    .where({ _id: campaignId, status: from })
    .update({ data: { status: to, revision: _.inc(1), updatedAt: Date.now(), updatedBy: by } });
  return stats.updated > 0;
}

/**
 * Holds `amountFen` of the budget for one payout: one conditional update that matches only while
 * at least that much remains, so concurrent claims can never overspend, only while the campaign
 * is running and inside its window, so pausing or ending it stops claims already in flight, and
 * only while it is the `revision` the claim read, so a claim decided on an older definition
 * (amount, limits, targeting, payout) pays nothing from it. False = not enough left, no longer
 * running, or changed since (findCampaign tells which).
 */
export async function reserveBudget(
  campaignId: string,
  hold: BudgetHold,
  revision: number | undefined,
): Promise<boolean> {
  const _ = db().command;
  const { stats } = await db()
    .collection(CAMPAIGNS)
    .where({
      _id: campaignId,
      revision: revision ?? _.exists(false),
      status: 'running',
      startAt: _.lte(hold.at),
      endAt: _.gt(hold.at),
      remainingFen: _.gte(hold.fen),
      ...serverWritten(),
    })
    .update({
      data: {
        remainingFen: _.inc(-hold.fen),
        reservedFen: _.inc(hold.fen),
        holds: _.push([hold]),
      },
    });
  return stats.updated > 0;
}

/**
 * Gives a hold's budget back — its claim made no payout (the code was locked by another, or the
 * claim died) — exactly once: false when the hold was already cleared or returned.
 */
export async function returnHold(campaignId: string, hold: BudgetHold): Promise<boolean> {
  const _ = db().command;
  const { stats } = await db()
    .collection(CAMPAIGNS)
    .where({ _id: campaignId, 'holds.id': hold.id })
    .update({
      data: {
        remainingFen: _.inc(hold.fen),
        reservedFen: _.inc(-hold.fen),
        holds: _.pull({ id: hold.id }),
      },
    });
  return stats.updated > 0;
}

/**
 * Whether a claim of `code` holds budget on the campaign: a claim refused for budget learns that
 * another claim of its own code took it (its payout is on its way).
 */
export async function codeHoldsBudget(campaignId: string, code: string): Promise<boolean> {
  const { total } = await db()
    .collection(CAMPAIGNS)
    .where({ _id: campaignId, 'holds.code': code, ...serverWritten() })
    .count();
  return total > 0;
}

/** Forgets holds whose payouts exist: the payouts carry the reservation from here on. */
export async function clearHolds(campaignId: string, holdIds: string[]): Promise<void> {
  if (holdIds.length === 0) return;
  const _ = db().command;
  await db()
    .collection(CAMPAIGNS)
    .doc(campaignId)
    .update({ data: { holds: _.pull({ id: _.in(holdIds) }) } });
}

/** Campaigns with a hold made before `before` (epoch ms), holds included. */
export async function campaignsWithStaleHolds(before: number): Promise<CampaignRecord[]> {
  const _ = db().command;
  const { data } = await db()
    .collection(CAMPAIGNS)
    .where({ 'holds.at': _.lt(before), ...serverWritten() })
    .limit(100)
    .get();
  return data as CampaignRecord[];
}

/** Adds to the campaign's overspend (money paid after its budget was released). */
export async function addOverspend(campaignId: string, fen: number): Promise<void> {
  const _ = db().command;
  await db()
    .collection(CAMPAIGNS)
    .doc(campaignId)
    .update({ data: { overspentFen: _.inc(fen) } });
}
