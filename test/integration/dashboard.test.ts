/**
 * 工作台's figures (admin `dashboard`, issue 10 point 2) on scripted scans and claims: today's scans
 * and first scans, rewards claimed and paid today, the budget left on running campaigns and the
 * payouts flagged for attention — "today" being the calendar day in China time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardFigures } from '../../typings/admin';
import { rewardKit, startRewardStack } from '../support/rewards';
import type { TestStack } from '../support/stack';

describe('admin dashboard', () => {
  let stack: TestStack;
  let kit: ReturnType<typeof rewardKit>;

  beforeAll(async () => {
    stack = await startRewardStack();
    kit = rewardKit(stack);
  });
  afterAll(() => stack?.destroy());

  const figures = async (openid = 'o-local-admin'): Promise<DashboardFigures> => {
    return kit.admin.as(openid).call('dashboard');
  };
  const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    for (let i = 0; i < 200; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('condition not reached in 20 s');
  };
  /** 00:00 China time of the day the figures counted. */
  const dayStart = (figures: DashboardFigures) => Date.parse(`${figures.day}T00:00:00+08:00`);

  it('counts today in China time, the running budget and the flagged payouts', async () => {
    const before = await figures();
    expect(before.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Math.abs(Date.parse(before.asOf) - Date.now())).toBeLessThan(60_000);
    // The China day that asOf falls in.
    expect(new Date(Date.parse(before.asOf) + 8 * 3_600_000).toISOString().slice(0, 10)).toBe(
      before.day,
    );

    const campaign = await kit.startCampaign({ name: '工作台', budgetFen: 10_000 });
    const other = await kit.startCampaign({ name: '工作台 2', budgetFen: 2_500 });

    // Three users scan three codes through WeChat; two claim (1.00 元 each), one pays out.
    const scans = [
      await kit.resolveScan('o-dash-a', 300),
      await kit.resolveScan('o-dash-b', 301),
      await kit.resolveScan('o-dash-c', 302),
    ];
    // A second scan of a code by someone else: a scan, not a first scan.
    await kit.resolveScan('o-dash-d', 300);
    const outNos: string[] = [];
    for (const [i, scan] of scans.slice(0, 2).entries()) {
      const claim = await kit.reward('claim', scan.scanId, `o-dash-${'ab'[i]}`);
      expect(claim.ok, JSON.stringify(claim)).toBe(true);
      const { data } = await kit.database().collection('payouts').where({ code: scan.code }).get();
      outNos.push(data[0].outNo);
    }
    await kit.paySim('confirm-transfer', { out_bill_no: outNos[0] });

    // Yesterday (China time) a scan and a first scan were recorded: not today's.
    const yesterday = dayStart(before) - 1;
    const db = kit.database();
    await db.collection('scans').add({
      data: {
        _id: 'dash-yesterday',
        via: 'ticket',
        code: 'YESTERDAY',
        openid: 'o-old',
        scannedAt: yesterday,
      },
    });
    await db.collection('codes').add({
      data: {
        code: 'YESTERDAY',
        scanCount: 1,
        firstScannedAt: yesterday,
        lastScannedAt: yesterday,
      },
    });

    // The day's figures: before's, plus what this test recorded in the day counted. Times are
    // the ones the stack recorded, so a run across midnight (China time) expects the new day's.
    const recorded = {
      scans: (
        await db
          .collection('scans')
          .where({ openid: db.command.in(['o-dash-a', 'o-dash-b', 'o-dash-c', 'o-dash-d']) })
          .get()
      ).data,
      codes: (
        await db
          .collection('codes')
          .where({ code: db.command.in(scans.map((s) => s.code)) })
          .get()
      ).data,
      payouts: (
        await db
          .collection('payouts')
          .where({ _id: db.command.in(outNos) })
          .get()
      ).data,
    };
    expect(recorded).toMatchObject({
      scans: { length: 4 },
      codes: { length: 3 },
      payouts: { length: 2 },
    });
    const expected = (day: string) => {
      const start = Date.parse(`${day}T00:00:00+08:00`);
      const on = (at: number) => at >= start && at < start + 86_400_000;
      const base = day === before.day ? before : undefined;
      const count = (rows: any[], at: (row: any) => number) =>
        rows.filter((row) => on(at(row))).length;
      return {
        day,
        scans: (base?.scans ?? 0) + count(recorded.scans, (s) => s.scannedAt),
        firstScans: (base?.firstScans ?? 0) + count(recorded.codes, (c) => c.firstScannedAt),
        rewardsClaimed: (base?.rewardsClaimed ?? 0) + count(recorded.payouts, (p) => p.createdAt),
        rewardsPaid:
          (base?.rewardsPaid ?? 0) +
          count(
            recorded.payouts.filter((p) => p._id === outNos[0]),
            (p) => p.createdAt,
          ),
      };
    };
    const after = await until(
      figures,
      (value) => value.rewardsPaid === expected(value.day).rewardsPaid,
    );
    // Today, or the next day when midnight fell since `before`.
    expect([
      before.day,
      new Date(dayStart(before) + 32 * 3_600_000).toISOString().slice(0, 10),
    ]).toContain(after.day);
    expect(after).toMatchObject({
      ...expected(after.day),
      runningCampaigns: before.runningCampaigns + 2,
      // 100.00 + 25.00 元, less the two rewards of 1.00 元 held or paid.
      budgetLeftFen: before.budgetLeftFen + 10_000 + 2_500 - 200,
      flaggedPayouts: before.flaggedPayouts,
    });

    // Reconciliation flags the waiting payout; pausing a campaign takes its budget off the figure.
    await db
      .collection('payouts')
      .where({ _id: outNos[1] })
      .update({ data: { flaggedAt: Date.now() } });
    await kit.admin.call('setCampaignStatus', { campaignId: other.campaignId, status: 'paused' });
    const later = await figures();
    expect(later.flaggedPayouts).toBe(before.flaggedPayouts + 1);
    expect(later.runningCampaigns).toBe(before.runningCampaigns + 1);
    expect(later.budgetLeftFen).toBe(before.budgetLeftFen + 10_000 - 200);
    // The same payout is what 发放记录's flagged list shows.
    const flagged = await kit.admin.call('listPayouts', { flagged: true });
    expect(flagged.payouts.map((p) => p.outNo)).toContain(outNos[1]);
    expect(flagged.payouts).toHaveLength(later.flaggedPayouts);

    await kit.endCampaign(campaign.campaignId);
    await kit.endCampaign(other.campaignId);
  }, 120_000);

  it('is read by every member and refused to a visitor', async () => {
    for (const role of ['operator', 'marketer', 'viewer'] as const) {
      const openid = `o-dash-${role}`;
      await kit.admin.call('grantRole', { openid, role });
      expect((await figures(openid)).day).toMatch(/^\d{4}-/);
    }
    const visitor = await kit.admin.as('o-dash-none').reply('dashboard');
    expect(visitor).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
