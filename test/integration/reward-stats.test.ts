/**
 * `rewardStats` (the shape issue 12 pins): claims, paid money, releases and refusals by reason per
 * China-time day or hour, read from the rollups. Claims are real (scan → claim → WeChat Pay
 * confirms) and counted live; their reservation times are then scripted across two China-time
 * days, around midnight, and `npm run stats:rebuild` recounts the rollups from the payouts. A
 * payout WeChat Pay refuses counts as released where its claim was made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RewardStatsRequest } from '../../typings/admin';
import { rewardKit, startRewardStack } from '../support/rewards';
import type { TestStack } from '../support/stack';
import { rebuildStats } from '../support/stats';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Midnight China time (UTC+8) of the day `at` falls in, epoch ms. */
const chinaMidnight = (at: number): number => at - ((at + 8 * HOUR) % DAY);
const iso = (at: number): string => new Date(at).toISOString();

describe('admin rewardStats: claims per China-time day and hour', () => {
  let stack: TestStack;
  let kit: ReturnType<typeof rewardKit>;
  let campaignId: string;
  const today = chinaMidnight(Date.now());
  const yesterday = today - DAY;
  /**
   * Today and tomorrow (China time), by day: claims and refusals made live land on the day they
   * happen, so a run across midnight keeps them in this window.
   */
  const liveDays = { from: iso(today), to: iso(today + 2 * DAY), granularity: 'day' } as const;

  const payout = async (code: string): Promise<any> =>
    (await kit.database().collection('payouts').where({ code }).get()).data[0];

  /** A real claim; `received` when WeChat Pay confirmed it; then reserved at `at`. */
  const claimAt = async (openid: string, index: number, at: number, received: boolean) => {
    const scan = await kit.resolveScan(openid, index);
    const claim = await kit.reward('claim', scan.scanId, openid);
    expect(claim.ok, JSON.stringify(claim)).toBe(true);
    const { outNo } = await payout(scan.code);
    if (received) {
      await kit.paySim('confirm-transfer', { out_bill_no: outNo });
      for (let i = 0; (await payout(scan.code)).state !== 'received'; i++) {
        if (i > 200) throw new Error(`payout ${outNo} not received in 20 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await kit
      .database()
      .collection('payouts')
      .doc(outNo)
      .update({ data: { createdAt: at } });
  };

  const stats = (request: RewardStatsRequest) => kit.admin.call('rewardStats', request);

  beforeAll(async () => {
    stack = await startRewardStack();
    kit = rewardKit(stack);
    campaignId = (await kit.startCampaign({ name: '日统计', amount: { kind: 'fixed', fen: 150 } }))
      .campaignId;
    // Yesterday 10:00 (received) and 23:59 (waiting); today 00:01 (received).
    await claimAt('o-stats-a', 60, yesterday + 10 * HOUR, true);
    await claimAt('o-stats-b', 61, today - 60_000, false);
    await claimAt('o-stats-c', 62, today + 60_000, true);
    await rebuildStats(stack.url);
  }, 180_000);

  /** A bucket's figures with no releases or refusals. */
  const claimed = (claims: number, paid: number, paidFen: number) => ({
    claims,
    paid,
    paidFen,
    released: 0,
    refused: 0,
    refusedByReason: {},
  });
  afterAll(() => stack?.destroy());

  it('counts claims and received money per China-time day, midnight splitting the days', async () => {
    const reply = await stats({
      from: iso(yesterday),
      to: iso(today + DAY),
      granularity: 'day',
      campaignId,
    });
    expect(reply).toEqual({
      buckets: [
        { start: iso(yesterday), ...claimed(2, 1, 150) },
        { start: iso(today), ...claimed(1, 1, 150) },
      ],
      totals: claimed(3, 2, 300),
    });
    // The bucket starts are midnight in Shanghai.
    expect(new Date(reply.buckets[1]!.start).getUTCHours()).toBe(16);
  });

  it('buckets by China-time hour, empty hours included as zeros', async () => {
    const reply = await stats({
      from: iso(yesterday + 9 * HOUR),
      to: iso(yesterday + 12 * HOUR),
      granularity: 'hour',
    });
    expect(reply.buckets).toEqual([
      { start: iso(yesterday + 9 * HOUR), ...claimed(0, 0, 0) },
      { start: iso(yesterday + 10 * HOUR), ...claimed(1, 1, 150) },
      { start: iso(yesterday + 11 * HOUR), ...claimed(0, 0, 0) },
    ]);
    // A window starting mid-hour starts its first bucket on the hour.
    const late = await stats({
      from: iso(today - 30 * 60_000),
      to: iso(today + 30 * 60_000),
      granularity: 'hour',
    });
    expect(late.buckets).toEqual([
      { start: iso(today - HOUR), ...claimed(1, 0, 0) },
      { start: iso(today), ...claimed(1, 1, 150) },
    ]);
  });

  it("keeps to one campaign's payouts when asked", async () => {
    const other = await stats({
      from: iso(yesterday),
      to: iso(today + DAY),
      granularity: 'day',
      campaignId: 'another-campaign',
    });
    expect(other.totals).toEqual(claimed(0, 0, 0));
    const all = await stats({ from: iso(yesterday), to: iso(today + DAY), granularity: 'day' });
    expect(all.totals).toEqual(claimed(3, 2, 300));
  });

  it('counts refused claims by reason as they happen, for the campaign whose rule refused them', async () => {
    const before = (await stats({ ...liveDays, campaignId })).totals;
    const beforeAll = (await stats(liveDays)).totals;
    // The code of o-stats-c's paid claim, claimed again by another user who scanned it.
    const scan = await kit.resolveScan('o-stats-d', 62);
    const again = await kit.reward('claim', scan.scanId, 'o-stats-d');
    expect(again.error.code).toBe('CODE_ALREADY_REWARDED');
    // Someone else's scan: refused before any campaign is looked at.
    const stolen = await kit.reward('claim', scan.scanId, 'o-stats-e');
    expect(stolen.error.code).toBe('SCAN_NOT_FOUND');

    const after = (await stats({ ...liveDays, campaignId })).totals;
    const afterAll = (await stats(liveDays)).totals;
    expect(afterAll.refused - beforeAll.refused).toBe(2);
    expect(afterAll.refusedByReason.SCAN_NOT_FOUND).toBe(
      (beforeAll.refusedByReason.SCAN_NOT_FOUND ?? 0) + 1,
    );
    expect(afterAll.refusedByReason.CODE_ALREADY_REWARDED).toBe(
      (beforeAll.refusedByReason.CODE_ALREADY_REWARDED ?? 0) + 1,
    );
    // The campaign's own figures hold only the refusal its rules made.
    expect(after.refused - before.refused).toBe(1);
    expect(after.refusedByReason).toEqual({
      ...before.refusedByReason,
      CODE_ALREADY_REWARDED: (before.refusedByReason.CODE_ALREADY_REWARDED ?? 0) + 1,
    });
    // A rebuild counts them again from the refusals recorded.
    await rebuildStats(stack.url);
    expect((await stats(liveDays)).totals).toEqual(afterAll);
  });

  it('counts a payout that failed and gave its budget back as released, in its bucket and the totals', async () => {
    const hourOf = (at: number) => at - (at % HOUR);
    const figures = async (from: number, to: number, granularity: 'day' | 'hour') => {
      return stats({ from: iso(from), to: iso(to), granularity, campaignId });
    };
    const started = Date.now();
    const dayBefore = await stats({ ...liveDays, campaignId });
    const hoursBefore = await figures(hourOf(started), hourOf(started) + 2 * HOUR, 'hour');
    const booksBefore = await kit.books(campaignId);

    // WeChat Pay refuses the transfer itself (400 INVALID_REQUEST): definitely not paid.
    await kit.paySim('faults', { api: 'transfer-create', err_code: 'INVALID_REQUEST', times: 1 });
    const scan = await kit.resolveScan('o-stats-f', 63);
    await kit.reward('claim', scan.scanId, 'o-stats-f');
    const failed = await payout(scan.code);
    expect(failed.state).toBe('budget_released');
    expect(failed.amountFen).toBe(150);

    // The claim and its release count in the hour and the day it was made (China time), and
    // in no other; nothing was paid.
    const dayAfter = await stats({ ...liveDays, campaignId });
    const claimDay = iso(chinaMidnight(failed.createdAt));
    expect(dayAfter.buckets.map((bucket: { start: string }) => bucket.start)).toContain(claimDay);
    expect(dayAfter.buckets).toEqual(
      dayBefore.buckets.map((bucket: (typeof dayBefore.buckets)[number]) =>
        bucket.start === claimDay
          ? { ...bucket, claims: bucket.claims + 1, released: bucket.released + 1 }
          : bucket,
      ),
    );
    expect(dayAfter.totals).toEqual({
      ...dayBefore.totals,
      claims: dayBefore.totals.claims + 1,
      released: dayBefore.totals.released + 1,
    });
    const hoursAfter = await figures(hourOf(started), hourOf(started) + 2 * HOUR, 'hour');
    const at = hoursAfter.buckets.findIndex(
      (bucket: { start: string }) => bucket.start === iso(hourOf(failed.createdAt)),
    );
    expect(at).toBeGreaterThanOrEqual(0);
    expect(hoursAfter.buckets[at]).toEqual({
      ...hoursBefore.buckets[at],
      claims: hoursBefore.buckets[at].claims + 1,
      released: hoursBefore.buckets[at].released + 1,
    });
    expect(hoursAfter.totals.released).toBe(hoursBefore.totals.released + 1);
    // The campaign's books agree: the amount is back, nothing is held for it.
    expect(await kit.books(campaignId)).toEqual(booksBefore);

    // A rebuild counts the release again from the payout.
    await rebuildStats(stack.url);
    expect(await stats({ ...liveDays, campaignId })).toEqual(dayAfter);
    expect(await figures(hourOf(started), hourOf(started) + 2 * HOUR, 'hour')).toEqual(hoursAfter);
  });

  it('refuses a reversed or oversized window in Chinese', async () => {
    const reversed = await kit.admin.reply('rewardStats', {
      from: iso(today),
      to: iso(yesterday),
      granularity: 'day',
    });
    expect(reversed).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/晚于/) },
    });
    const huge = await kit.admin.reply('rewardStats', {
      from: iso(today - 40 * DAY),
      to: iso(today),
      granularity: 'hour',
    });
    expect(huge).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('按小时最多统计 31 天') },
    });
  });
});
