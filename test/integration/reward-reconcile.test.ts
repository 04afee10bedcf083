/**
 * Payouts under a misbehaving WeChat Pay, then reconciliation: 500 claims (250 v2 red envelopes,
 * 250 v3 商家转账) with 30% of the payout calls faulted — system errors, PROCESSING, timeouts
 * after the envelope was made, 5xx pages, merchant out of money, rate limits — plus failing
 * queries. Users open or confirm about half of what reaches them. Then the scheduler's
 * reconciliation runs while time passes.
 *
 * Time passing, without waiting a day: the WeChat Pay simulator's clock moves forward
 * (`/_sim/clock`: refunds of unopened envelopes, overdue closes of unconfirmed bills), and the
 * stored payouts are aged by the same amount (their createdAt / stateSince / lastCheckedAt /
 * dueAt moved back), which is what the scheduler sees of the passing time.
 *
 * The finance team's three assertions: every payout ends terminal (received or budget released),
 * no out-number is paid twice and WeChat Pay paid exactly what we booked as paid, and each
 * campaign's books read remaining = budget − paid with nothing held.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignView } from '../../typings/admin';
import {
  inBatches,
  rewardKit,
  V2_PAYOUT,
  V3_PAYOUT,
  type BulkScan,
  startRewardStack,
} from '../support/rewards';
import type { TestStack } from '../support/stack';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CLAIMS_PER_PROVIDER = 250;
const BUDGET_FEN = 40_000;
const TERMINAL = ['received', 'budget_released'];

/** 75 faults (30% of 250 calls), in a mixed order so they land among healthy calls. */
function faultPlan(api: 'sendminiprogramhb' | 'transfer-create'): Record<string, unknown>[] {
  const kinds: [Record<string, unknown>, number][] = [
    [{ err_code: 'SYSTEMERROR' }, 20],
    [api === 'sendminiprogramhb' ? { err_code: 'PROCESSING' } : { err_code: 'ACCEPTED' }, 15],
    [{ err_code: 'NOTENOUGH' }, 10],
    // Handled at WeChat Pay, but the answer never comes back in time.
    [{ timeout: true, delayMs: 9_000 }, 10],
    [{ status: 502 }, 10],
    [{ err_code: 'FREQ_LIMIT' }, 10],
  ];
  const queues = kinds.map(([spec, count]) => Array.from({ length: count }, () => spec));
  const mixed: Record<string, unknown>[] = [];
  while (queues.some((queue) => queue.length > 0))
    for (const queue of queues) if (queue.length > 0) mixed.push({ api, ...queue.shift()! });
  return mixed;
}

describe('reward: 30% faults across 500 claims, then reconciliation', () => {
  let stack: TestStack;
  let kit: ReturnType<typeof rewardKit>;

  beforeAll(async () => {
    stack = await startRewardStack();
    kit = rewardKit(stack);
  });
  afterAll(() => stack?.destroy());
  // Each test's campaign must be the only candidate for its claims, even after a failed test.
  afterEach(() => kit.endRunningCampaigns());

  /** One scheduler run: what its job `name` did (payouts: reconciliation; holds: the sweep). */
  const runScheduler = async (name = 'payouts'): Promise<any> => {
    const outcome: any = await stack.runtime.invoke(
      'scheduler',
      { Type: 'Timer', TriggerName: 'every-minute' },
      { SOURCE: 'wx_trigger' },
    );
    expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
    const job = outcome.result.jobs.find((entry: any) => entry.name === name);
    expect(job.ok, JSON.stringify(job)).toBe(true);
    return job.result;
  };

  /** Time passes: WeChat Pay's clock, and the age of every payout still open. */
  const passTime = async (ms: number): Promise<void> => {
    await kit.paySim('clock', { advanceMs: ms });
    const db = kit.database();
    const _ = db.command;
    const open = { state: _.nin(TERMINAL) };
    const payouts = db.collection('payouts');
    // A payout a late callback is settling in a transaction: these writes wait for its commit.
    await payouts.where(open).update({ data: { createdAt: _.inc(-ms), stateSince: _.inc(-ms) } });
    await payouts.where({ ...open, dueAt: _.exists(true) }).update({ data: { dueAt: _.inc(-ms) } });
    await payouts
      .where({ ...open, lastCheckedAt: _.exists(true) })
      .update({ data: { lastCheckedAt: _.inc(-ms) } });
  };

  /** Runs reconciliation until a run finds nothing due. */
  const reconcileNow = async (): Promise<void> => {
    for (let run = 0; run < 20; run++) if ((await runScheduler()).examined === 0) return;
    throw new Error('reconciliation still had due payouts after 20 runs');
  };

  /** Users open / confirm every other payout that is waiting for them. */
  const usersOpenHalf = async (campaigns: CampaignView[]): Promise<number> => {
    let opened = 0;
    for (const campaign of campaigns) {
      const waiting = (await kit.payoutsOf(campaign.campaignId))
        .filter((payout) => payout.state === 'sent' || payout.state === 'waiting_user')
        .sort((a, b) => a.outNo.localeCompare(b.outNo));
      for (const [i, payout] of waiting.entries()) {
        if (i % 2 === 1) continue;
        if (payout.provider === 'v2-redpacket') {
          await kit.paySim('open-redpacket', { billno: payout.outNo });
        } else {
          await kit.paySim('confirm-transfer', { out_bill_no: payout.outNo });
        }
        opened += 1;
      }
    }
    return opened;
  };

  it('ends with every payout terminal, nothing paid twice, and budget = initial − paid', async () => {
    const phases = [
      { payout: V2_PAYOUT, prefix: 'faults-v2', skip: 2_000, api: 'sendminiprogramhb' as const },
      { payout: V3_PAYOUT, prefix: 'faults-v3', skip: 2_500, api: 'transfer-create' as const },
    ];
    const campaigns: CampaignView[] = [];
    const claimants = new Map<string, BulkScan>();

    for (const phase of phases) {
      const campaign = await kit.startCampaign({
        name: `故障演练 ${phase.payout.provider}`,
        payout: phase.payout,
        budgetFen: BUDGET_FEN,
        amount: { kind: 'fixed', fen: 100 },
      });
      campaigns.push(campaign);
      const scans = await kit.bulkScans(phase.prefix, phase.skip, CLAIMS_PER_PROVIDER);
      for (const scan of scans) claimants.set(scan.code, scan);

      for (const fault of faultPlan(phase.api)) await kit.paySim('faults', fault);
      // Queries fail now and then too: reconciliation must shrug and look again later.
      const queryApi = phase.api === 'sendminiprogramhb' ? 'gethbinfo' : 'transfer-query';
      await kit.paySim('faults', { api: queryApi, err_code: 'SYSTEMERROR', times: 10 });

      await kit.warmUp();
      const answers = await inBatches(
        scans.map((scan) => () => kit.reward('claim', scan.scanId, scan.openid)),
        32,
      );
      // A fault is never the claimant's error: every claim answers with its payout — unless the
      // function itself ran out of time on this loaded machine (a send held back by a timeout
      // fault is 8 s of its 20), which leaves a payout mid-send for reconciliation: fine too.
      for (const answer of answers) {
        if (!answer.ok && answer.errCode === -504003) continue;
        expect(answer.ok, JSON.stringify(answer)).toBe(true);
      }
      // The next phase's faults must not be consumed by this one's leftovers.
      const left = await fetch(`${stack.url}/wechatpay/_sim/faults`, { method: 'DELETE' });
      expect(left.status).toBe(200);
      await kit.endCampaign(campaign.campaignId);
    }

    // The faults did bite: some payouts' outcomes were unknown, some sends were refused.
    const early = (
      await Promise.all(campaigns.map((campaign) => kit.payoutsOf(campaign.campaignId)))
    ).flat();
    expect(early).toHaveLength(2 * CLAIMS_PER_PROVIDER);
    const events = early.flatMap((payout) => payout.ledger.map((entry: any) => entry.event));
    expect(events.filter((event) => event === 'outcome_unknown').length).toBeGreaterThan(20);
    expect(events.filter((event) => event === 'rejected').length).toBeGreaterThan(10);
    expect(early.some((payout) => !TERMINAL.includes(payout.state))).toBe(true);

    // Users open what reached them; reconciliation settles the unknown and resends the refused.
    expect(await usersOpenHalf(campaigns)).toBeGreaterThan(100);
    for (const step of [2 * MINUTE, 10 * MINUTE, HOUR]) {
      await passTime(step);
      await reconcileNow();
    }
    // What was resent reaches users too; again about half of them act.
    await usersOpenHalf(campaigns);
    // A day later WeChat Pay refunds the unopened envelopes and closes the unconfirmed bills.
    await passTime(25 * HOUR);
    await reconcileNow();
    for (let i = 0; i < 2; i++) {
      await passTime(5 * HOUR);
      await reconcileNow();
    }

    const pay = await kit.payState();
    for (const campaign of campaigns) {
      const payouts = await kit.payoutsOf(campaign.campaignId);
      expect(payouts).toHaveLength(CLAIMS_PER_PROVIDER);
      const open = payouts.filter((payout) => !TERMINAL.includes(payout.state));
      expect(open.map((payout) => `${payout.outNo} ${payout.state}`)).toEqual([]);
      // One payout per code, each to the user who scanned it.
      expect(new Set(payouts.map((payout) => payout.code)).size).toBe(CLAIMS_PER_PROVIDER);
      for (const payout of payouts) expect(payout.openid).toBe(claimants.get(payout.code)!.openid);

      // WeChat Pay's record, for this campaign's claimants: every envelope or bill it holds
      // carries one of our out-numbers (no second number ever went out for a code), and what it
      // paid, by out-number.
      const users = new Set(payouts.map((payout) => payout.openid));
      const outNos = new Set(payouts.map((payout) => payout.outNo));
      const theirs: { outNo: string; paid: boolean; fen: number }[] =
        campaign.payout.provider === 'v2-redpacket'
          ? pay.envelopes
              .filter((e: any) => users.has(e.re_openid))
              .map((e: any) => ({
                outNo: e.mch_billno,
                paid: e.status === 'RECEIVED',
                fen: e.total_amount,
              }))
          : pay.bills
              .filter((b: any) => users.has(b.openid))
              .map((b: any) => ({
                outNo: b.out_bill_no,
                paid: b.state === 'SUCCESS',
                fen: b.transfer_amount,
              }));
      for (const entry of theirs) expect(outNos.has(entry.outNo), entry.outNo).toBe(true);
      expect(new Set(theirs.map((entry) => entry.outNo)).size).toBe(theirs.length);
      const paidThere = new Map(
        theirs.filter((entry) => entry.paid).map((entry) => [entry.outNo, entry.fen]),
      );
      const received = payouts.filter((payout) => payout.state === 'received');
      expect(new Map(received.map((payout) => [payout.outNo, payout.amountFen]))).toEqual(
        paidThere,
      );
      expect(received.length).toBeGreaterThan(50);
      expect(received.length).toBeLessThan(CLAIMS_PER_PROVIDER);

      const paidFen = received.reduce((sum, payout) => sum + payout.amountFen, 0);
      expect(await kit.books(campaign.campaignId)).toEqual({
        budgetFen: BUDGET_FEN,
        remainingFen: BUDGET_FEN - paidFen,
        reservedFen: 0,
        paidFen,
      });
    }
  }, 600_000);

  it('gives back budget a dead claim held without a payout, exactly once', async () => {
    const campaign = await kit.startCampaign({ name: '预算回收', budgetFen: 1_000 });
    const id = campaign.campaignId;
    const [scan] = await kit.bulkScans('holds', 3_100, 1);
    const claim = await kit.reward('claim', scan!.scanId, scan!.openid);
    expect(claim.ok, JSON.stringify(claim)).toBe(true);
    const db = kit.database();
    const _ = db.command;
    const record = async (): Promise<any> =>
      (await db.collection('campaigns').where({ _id: id }).get()).data[0];
    // A claim that finishes leaves its hold as a note: its payout carries the reservation.
    const [payout] = await kit.payoutsOf(id);
    const [noted] = (await record()).holds;
    expect(noted).toMatchObject({ id: payout.holdId, fen: 100 });

    // Minutes later, beside that note, two claims that did not finish: one died after holding
    // 200 fen (no payout); one is still running (held 50 fen a moment ago).
    const old = Date.now() - 5 * MINUTE;
    await db
      .collection('campaigns')
      .doc(id)
      .update({
        data: {
          remainingFen: _.inc(-250),
          reservedFen: _.inc(250),
          holds: _.set([
            { id: 'died-before-payout', fen: 200, at: old },
            { ...noted, at: old },
            { id: 'still-running', fen: 50, at: Date.now() },
          ]),
        },
      });

    expect(await runScheduler('holds')).toEqual({ cleared: 1, returned: 1, returnedFen: 200 });
    expect(await kit.books(id)).toEqual({
      budgetFen: 1_000,
      remainingFen: 850,
      reservedFen: 150,
      paidFen: 0,
    });
    expect((await record()).holds.map((hold: any) => hold.id)).toEqual(['still-running']);
    // Run again: nothing is given back twice.
    expect(await runScheduler('holds')).toEqual({ cleared: 0, returned: 0, returnedFen: 0 });
    expect((await kit.books(id)).remainingFen).toBe(850);
  });

  it('flags a payout still unsettled after 48 h for operators, and settles it when WeChat Pay answers', async () => {
    const campaign = await kit.startCampaign({
      name: '对账告警',
      payout: V2_PAYOUT,
      amount: { kind: 'fixed', fen: 150 },
    });
    const [scan] = await kit.bulkScans('flagged', 3_000, 1);
    const claim = await kit.reward('claim', scan!.scanId, scan!.openid);
    expect(claim.data.payout.state).toBe('sent');
    // WeChat Pay cannot answer queries for this envelope for two days.
    await kit.paySim('faults', { api: 'gethbinfo', err_code: 'SYSTEMERROR', times: 1000 });
    await passTime(49 * HOUR);
    await reconcileNow();

    const listed = await kit.admin.call('listPayouts', { flagged: true });
    expect(listed.payouts).toEqual([
      expect.objectContaining({
        code: scan!.code,
        campaignName: '对账告警',
        provider: 'v2-redpacket',
        amountFen: 150,
        state: 'sent',
        stateText: '已发出',
        flaggedAt: expect.any(String),
        nextCheckAt: expect.any(String),
      }),
    ]);
    expect(listed.payouts[0]!.ledger.map((entry) => entry.toText)).toEqual(['发放中', '已发出']);
    const stranger = await kit.admin.as('o-someone').reply('listPayouts', { flagged: true });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // WeChat Pay answers again: the envelope was refunded a day ago; the budget comes back.
    await fetch(`${stack.url}/wechatpay/_sim/faults`, { method: 'DELETE' });
    await passTime(5 * HOUR);
    await reconcileNow();
    expect((await kit.admin.call('listPayouts', { flagged: true })).payouts).toEqual([]);
    const [settled] = (await kit.admin.call('listPayouts', { campaignId: campaign.campaignId }))
      .payouts;
    expect(settled).toMatchObject({ state: 'budget_released', stateText: '已退回预算' });
    expect(settled!.ledger.at(-2)!.detail).toContain('REFUND');
    expect(await kit.books(campaign.campaignId)).toMatchObject({
      remainingFen: campaign.budget.budgetFen,
      reservedFen: 0,
      paidFen: 0,
    });
  }, 300_000);
});
