import { db } from '../cloud.js';
import { chinaDate } from '../domain/payout-bill-numbers.js';
import { serverWritten } from './client-writes.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * `claimQuotas`: the per-user and per-IP claim limits of a campaign as counters, taken by ONE
 * conditional update (or the insert that creates them) each, just before the budget hold — so
 * twenty claims by one user at once cannot all pass a count read before any of them wrote (a
 * limit of 3 pays exactly 3).
 *
 *   user quota  `_id` = u|<campaignId>|<openid>  { total, days: { d<YYYYMMDD>: n }, holders }
 *   IP quota    `_id` = i|<campaignId>|<ip>      { hours: { h<YYYYMMDDHH>: n } }
 *
 * Days and hours are China time (UTC+8) of the claim's instant, the one its payout is dated
 * (`createdAt`, rewards/claim-lock.ts); the IP limit counts per clock hour. A taken quota is
 * given back when the claim makes no payout (budget gone, code locked by another claim). A claim
 * that dies between taking it and making its payout keeps it taken: the user loses one claim,
 * never gains one.
 *
 * A user quota also lists the claims that hold it and their codes (`holders`, one entry pushed
 * with each take and pulled by its own id with each return, so never longer than the campaign's
 * limit): a claim refused by the limit whose own code is listed is the user's second tap on that
 * code, and answers the payout the first one is making (rewards/claim.ts).
 */
const QUOTAS = 'claimQuotas';

export interface QuotaKeys {
  /** `days` field name of the day `now` falls in. */
  day: string;
  /** `hours` field name of the hour `now` falls in. */
  hour: string;
}

export function quotaKeys(now: number): QuotaKeys {
  const hour = new Date(now + 8 * 3_600_000).getUTCHours();
  return { day: `d${chinaDate(now)}`, hour: `h${chinaDate(now)}${String(hour).padStart(2, '0')}` };
}

export const userQuotaId = (campaignId: string, openid: string): string =>
  `u|${campaignId}|${openid}`;
export const ipQuotaId = (campaignId: string, ip: string): string => `i|${campaignId}|${ip}`;

export interface QuotaRecord {
  _id: string;
  campaignId: string;
  total?: number;
  days?: Record<string, number>;
  /** The claims holding this user quota (absent on quotas taken before it was kept). */
  holders?: QuotaHolder[];
  hours?: Record<string, number>;
}

/** The quota documents among `ids` that exist (a refused claim reads why it was refused). */
export async function readQuotas(ids: string[]): Promise<Map<string, QuotaRecord>> {
  if (ids.length === 0) return new Map();
  const _ = db().command;
  const { data } = await db()
    .collection(QUOTAS)
    .where({ _id: _.in(ids), ...serverWritten() })
    .limit(ids.length)
    .get();
  return new Map((data as QuotaRecord[]).map((record) => [record._id, record]));
}

/** One claim holding a user quota: its own random id, and the code it claims. */
export interface QuotaHolder {
  id: string;
  code: string;
}

/** One claim of a user quota: at most `perCampaign` ever and `perDay` on the day of `keys`. */
export interface UserQuotaTake {
  kind: 'user';
  id: string;
  campaignId: string;
  /** The claim taking it. */
  holder: QuotaHolder;
  perDay: number;
  perCampaign: number;
}

/** One claim of an IP quota: at most `perHour` in the hour of `keys`. */
export interface IpQuotaTake {
  kind: 'ip';
  id: string;
  campaignId: string;
  perHour: number;
}

export type QuotaTake = UserQuotaTake | IpQuotaTake;

/**
 * Takes one claim of the quota if it is not used up: true when taken. Nothing is read first: a
 * user's quota is most often new (their first claim in the campaign), so it is inserted holding
 * this claim, and only when it exists is it taken by the conditional update (one request more);
 * an IP's is most often there already (shared addresses), so the update comes first and the
 * insert only when it matched nothing. Two creators race on the `_id`; the loser takes it by the
 * conditional update like everyone else, so parallel claims never pass a limit together.
 */
export async function takeQuota(take: QuotaTake, keys: QuotaKeys): Promise<boolean> {
  if (take.kind === 'user') {
    const inserted = await insertQuota(take, keys);
    return inserted || updateQuota(take, keys);
  }
  if (await updateQuota(take, keys)) return true;
  // Matched nothing: new (insert it), or used up (the insert finds it and the update refuses).
  return (await insertQuota(take, keys)) || updateQuota(take, keys);
}

/** Creates the quota holding this one claim; false when it exists already. */
async function insertQuota(take: QuotaTake, keys: QuotaKeys): Promise<boolean> {
  try {
    await db()
      .collection(QUOTAS)
      .add({
        data:
          take.kind === 'user'
            ? {
                _id: take.id,
                campaignId: take.campaignId,
                total: 1,
                days: { [keys.day]: 1 },
                holders: [take.holder],
              }
            : { _id: take.id, campaignId: take.campaignId, hours: { [keys.hour]: 1 } },
      });
    return true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return false;
  }
}

/** Counts one more claim on the existing quota if it is not used up (one conditional update). */
async function updateQuota(take: QuotaTake, keys: QuotaKeys): Promise<boolean> {
  const _ = db().command;
  const under = (field: string, limit: number) =>
    _.or([{ [field]: _.lt(limit) }, { [field]: _.exists(false) }]);
  const where =
    take.kind === 'user'
      ? _.and([
          { _id: take.id, total: _.lt(take.perCampaign), ...serverWritten() },
          under(`days.${keys.day}`, take.perDay),
        ])
      : _.and([{ _id: take.id, ...serverWritten() }, under(`hours.${keys.hour}`, take.perHour)]);
  const data =
    take.kind === 'user'
      ? { total: _.inc(1), [`days.${keys.day}`]: _.inc(1), holders: _.push([take.holder]) }
      : { [`hours.${keys.hour}`]: _.inc(1) };
  const { stats } = await db().collection(QUOTAS).where(where).update({ data });
  return stats.updated > 0;
}

/** Gives back one claim taken by takeQuota with the same keys (its claim made no payout). */
export async function returnQuota(take: QuotaTake, keys: QuotaKeys): Promise<void> {
  const _ = db().command;
  await db()
    .collection(QUOTAS)
    .doc(take.id)
    .update({
      data:
        take.kind === 'user'
          ? {
              total: _.inc(-1),
              [`days.${keys.day}`]: _.inc(-1),
              holders: _.pull({ id: take.holder.id }),
            }
          : { [`hours.${keys.hour}`]: _.inc(-1) },
    });
}
