/**
 * The money guarantees of the reward claim, end to end through the local stack: campaigns made
 * with the admin actions, scans, claims through `POST /functions/reward` with up to
 * REWARD_INSTANCES function instances at once, and WeChat Pay played by the stack's simulator
 * (`/wechatpay`).
 *
 * Scans come two ways. The one-code tests resolve real tickets through the WeChat simulator
 * (`/wechat/_sim/scan` then `scan.resolve`), exactly as the landing page does. The budget test
 * needs 1,000 scanned codes: it inserts their `scans` and `codes` documents through the SDK,
 * shaped as the scan function writes them (data/scans.ts, data/codes.ts), which takes a second
 * instead of a thousand resolves.
 *
 * Campaigns here pay by v3 商家转账 (signed JSON, which the simulator checks); v2 red envelopes
 * go through the same claim path in reward-reconcile.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignFields, CampaignView } from '../../typings/admin';
import { inBatches, rewardKit, startRewardStack } from '../support/rewards';
import type { TestStack } from '../support/stack';

describe('reward: claims through the local stack', () => {
  let stack: TestStack;
  let kit: ReturnType<typeof rewardKit>;
  const admin = () => kit.admin;
  const reward = (action: string, scanId: string, openid: string) =>
    kit.reward(action, scanId, openid);
  const fields = (overrides: Partial<CampaignFields> = {}) => kit.fields(overrides);
  const startCampaign = (overrides: Partial<CampaignFields> = {}) => kit.startCampaign(overrides);
  const payoutsOf = (campaignId: string) => kit.payoutsOf(campaignId);
  const endCampaign = (campaignId: string) => kit.endCampaign(campaignId);
  const resolveScan = (openid: string, index: number) => kit.resolveScan(openid, index);
  const payState = () => kit.payState();

  beforeAll(async () => {
    stack = await startRewardStack();
    kit = rewardKit(stack);
  });
  afterAll(() => stack?.destroy());

  describe('campaign admin actions', () => {
    it('creates a draft, validates in Chinese, starts, pauses and shows the books', async () => {
      const invalid = await admin().reply(
        'createCampaign',
        fields({ amount: { kind: 'fixed', fen: 5 } }),
      );
      expect(invalid).toEqual({
        ok: false,
        error: {
          code: 'INVALID_CAMPAIGN',
          message: expect.stringMatching(/转账金额须在 0\.10–200\.00 元之间/),
        },
      });

      const untargeted = await admin().reply(
        'createCampaign',
        fields({ targeting: { productIds: [], rangeIds: [] } }),
      );
      expect(untargeted).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/请至少选择一个商品或码段/) },
      });

      const created = await admin().call('createCampaign', fields({ budgetFen: 5_000 }));
      const { campaignId } = created.campaign;
      expect(created.campaign).toMatchObject({
        status: 'draft',
        budget: { budgetFen: 5_000, remainingFen: 5_000, reservedFen: 0, paidFen: 0 },
      });

      const notAdmin = await admin().as('o-someone').reply('listCampaigns');
      expect(notAdmin).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

      const updated = await admin().call('updateCampaign', {
        campaignId,
        ...fields({
          name: '春季扫码红包',
          budgetFen: 8_000,
          amount: { kind: 'uniform', minFen: 30, maxFen: 80 },
        }),
      });
      expect(updated.campaign).toMatchObject({
        name: '春季扫码红包',
        amount: { kind: 'uniform', minFen: 30, maxFen: 80 },
        budget: { budgetFen: 8_000, remainingFen: 8_000 },
      });
      expect(updated.campaign.amount).not.toHaveProperty('fen');

      const wrongMove = await admin().reply('setCampaignStatus', { campaignId, status: 'paused' });
      expect(wrongMove).toEqual({
        ok: false,
        error: { code: 'INVALID_STATUS_CHANGE', message: '活动「草稿」时不能改为「已暂停」' },
      });

      for (const status of ['running', 'paused', 'ended'] as const) {
        const moved = await admin().call('setCampaignStatus', { campaignId, status });
        expect(moved.campaign.status).toBe(status);
      }
      const frozen = await admin().reply('updateCampaign', { campaignId, ...fields() });
      expect(frozen).toMatchObject({ ok: false, error: { code: 'CAMPAIGN_ENDED' } });

      const listed = await admin().call('listCampaigns', { status: 'ended' });
      expect(listed.campaigns.map((c) => c.campaignId)).toContain(campaignId);
      const got = await admin().call('getCampaign', { campaignId });
      expect(got.campaign.budget).toEqual({
        budgetFen: 8_000,
        remainingFen: 8_000,
        reservedFen: 0,
        paidFen: 0,
      });
    });
  });

  describe('one code', () => {
    let campaign: CampaignView;
    afterAll(() => endCampaign(campaign.campaignId));

    it('claims once, answers the same payout again, and refuses another user’s scan', async () => {
      campaign = await startCampaign();
      const alice = 'o-claim-alice';
      const scan = await resolveScan(alice, 10);

      const stranger = await reward('claim', scan.scanId, 'o-claim-mallory');
      expect(stranger.ok).toBe(false);
      expect(stranger.error.code).toBe('SCAN_NOT_FOUND');

      const first = await reward('claim', scan.scanId, alice);
      expect(first.ok, JSON.stringify(first)).toBe(true);
      expect(first.data.payout).toMatchObject({ amountFen: 100, amountText: '1.00' });
      expect(first.data.payout.state).toBe('waiting_user');
      expect(first.data.payout.stateText).toBe('待确认收款');
      expect(first.data.client).toMatchObject({
        provider: 'v3-transfer',
        params: { appId: 'wx-local-miniprogram', package: expect.any(String) },
      });
      const second = await reward('claim', scan.scanId, alice);
      expect(second.ok).toBe(true);
      expect(second.data.payout.claimedAt).toBe(first.data.payout.claimedAt);
      const payouts = await payoutsOf(campaign.campaignId);
      expect(payouts).toHaveLength(1);

      const status = await reward('status', scan.scanId, alice);
      expect(status.data.payout).toMatchObject({ amountFen: 100, state: payouts[0].state });
      expect((await reward('status', scan.scanId, 'o-claim-mallory')).error.code).toBe(
        'SCAN_NOT_FOUND',
      );
    });

    it('200 users claiming one code at once: exactly one payout', async () => {
      const users = Array.from({ length: 200 }, (_, i) => `o-crowd-${i}`);
      const index = 20;
      // Scanning is not what is under test: a modest width keeps one code's scans from queuing.
      const scans = await inBatches(
        users.map((openid) => () => resolveScan(openid, index)),
        8,
      );
      const before = (await payoutsOf(campaign.campaignId)).length;
      await kit.warmUp();

      const answers = await Promise.all(
        users.map((openid, i) => reward('claim', scans[i]!.scanId, openid)),
      );
      const won = answers.filter((answer) => answer.ok);
      expect(won).toHaveLength(1);
      const refusals = new Set(answers.filter((a) => !a.ok).map((a) => a.error.code));
      // Losers either saw the code locked, or lost the budget race to a hold later given back.
      for (const code of refusals)
        expect(['CODE_ALREADY_REWARDED', 'BUDGET_EXHAUSTED']).toContain(code);

      const payouts = (await payoutsOf(campaign.campaignId)).filter(
        (payout) => payout.code === scans[0]!.code,
      );
      expect(payouts).toHaveLength(1);
      expect((await payoutsOf(campaign.campaignId)).length).toBe(before + 1);

      // Every hold a loser made was given back: the books hold exactly the two payouts.
      const books = (await admin().call('getCampaign', { campaignId: campaign.campaignId }))
        .campaign.budget;
      expect(books.remainingFen + books.reservedFen + books.paidFen).toBe(books.budgetFen);
      expect(books.reservedFen + books.paidFen).toBe(200);

      // WeChat Pay saw one bill for the code, created once.
      const bills = (await payState()).bills.filter(
        (bill: any) => bill.out_bill_no === payouts[0].outNo,
      );
      expect(bills).toEqual([expect.objectContaining({ creates: 1, transfer_amount: 100 })]);
    });
  });

  describe('what the scan carried', () => {
    let campaign: CampaignView;
    beforeAll(async () => {
      await kit.endRunningCampaigns();
      campaign = await startCampaign({ name: '扫码所带', budgetFen: 10_000 });
    });
    afterAll(() => endCampaign(campaign.campaignId));

    it('a code last scanned before scans kept the claim facts still pays, exactly once', async () => {
      const [scan] = await kit.bulkScans('legacy', 3_300, 1, { legacy: true });
      const stored = (await kit.database().collection('codes').where({ code: scan!.code }).get())
        .data[0];
      expect(stored).not.toHaveProperty('claimFacts');
      await kit.warmUp(8);

      // The same user presses on two phones and retries at once: one payout whatever the path.
      // Claims racing the winner that find the user's quota taken by it answer its payout once it
      // is written (reward-limits.test.ts holds that race step by step); on a machine too busy
      // for the winner to write it within their look they are refused by the limit, never paid.
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => reward('claim', scan!.scanId, scan!.openid)),
      );
      const won = answers.filter((answer) => answer.ok);
      expect(won.length).toBeGreaterThanOrEqual(1);
      expect(new Set(won.map((answer) => answer.data.payout.claimedAt)).size).toBe(1);
      // (Five a day and five in the campaign: claims in flight hold them all; either is named.)
      for (const answer of answers.filter((entry) => !entry.ok))
        expect(['USER_DAILY_LIMIT', 'USER_CAMPAIGN_LIMIT']).toContain(answer.error.code);
      const again = await reward('claim', scan!.scanId, scan!.openid);
      expect(again.ok, JSON.stringify(again)).toBe(true);
      expect(again.data.payout.claimedAt).toBe(won[0]!.data.payout.claimedAt);
      const payouts = (await payoutsOf(campaign.campaignId)).filter(
        (payout) => payout.code === scan!.code,
      );
      expect(payouts).toHaveLength(1);
      expect(payouts[0]).toMatchObject({ amountFen: 100, openid: scan!.openid });
      const bills = (await payState()).bills.filter(
        (bill: any) => bill.out_bill_no === payouts[0].outNo,
      );
      expect(bills).toEqual([expect.objectContaining({ creates: 1, transfer_amount: 100 })]);
    });

    it('a finished claim leaves its hold as a note until its payout settles, then the note goes', async () => {
      const [scan] = await kit.bulkScans('settles', 3_400, 1);
      const claim = await reward('claim', scan!.scanId, scan!.openid);
      expect(claim.ok, JSON.stringify(claim)).toBe(true);
      const [payout] = (await payoutsOf(campaign.campaignId)).filter(
        (entry) => entry.code === scan!.code,
      );
      const holdIds = async (): Promise<string[]> =>
        (
          await kit.database().collection('campaigns').where({ _id: campaign.campaignId }).get()
        ).data[0].holds.map((hold: { id: string }) => hold.id);
      expect(await holdIds()).toContain(payout.holdId);

      await kit.paySim('confirm-transfer', { out_bill_no: payout.outNo });
      for (let i = 0; i < 200 && (await holdIds()).includes(payout.holdId); i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await holdIds()).not.toContain(payout.holdId);
      const settled = (await payoutsOf(campaign.campaignId)).find(
        (entry) => entry.outNo === payout.outNo,
      );
      expect(settled.state).toBe('received');
      // The note's going moved no money: the books still add up, the 1 yuan now paid.
      expect(await kit.books(campaign.campaignId)).toMatchObject({ paidFen: 100 });
    });
  });

  describe('budget', () => {
    it('falls back to the next campaign when the preferred one runs out mid-race', async () => {
      // Ends sooner, so it ranks first; room for two rewards only.
      const small = await startCampaign({
        name: '限量红包',
        budgetFen: 200,
        endAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      const large = await startCampaign({ name: '常规红包', budgetFen: 100_000 });
      const scans = await kit.bulkScans('fallback', 2_100, 12);
      await kit.warmUp();
      // All twelve read the small campaign's 2 yuan in round 1 and pick it.
      const answers = await Promise.all(
        scans.map((scan) => reward('claim', scan.scanId, scan.openid)),
      );
      for (const answer of answers) expect(answer.ok, JSON.stringify(answer)).toBe(true);
      const names = answers.map((answer) => answer.data.payout.campaignName);
      expect(names.filter((name) => name === '限量红包')).toHaveLength(2);
      expect(names.filter((name) => name === '常规红包')).toHaveLength(10);
      expect((await kit.books(small.campaignId)).remainingFen).toBe(0);
      expect((await kit.books(large.campaignId)).remainingFen).toBe(100_000 - 1_000);
      await endCampaign(small.campaignId);
      await endCampaign(large.campaignId);
    });

    it('1,000 claims against a budget of 100 fixed rewards: exactly 100 payouts', async () => {
      const campaign = await startCampaign({
        budgetFen: 10_000,
        amount: { kind: 'fixed', fen: 100 },
      });
      const scans = await kit.bulkScans('bulk', 1000, 1000);

      await kit.warmUp();
      // 128 claims in flight at any moment: more than the instances, so it always queues.
      const answers = await inBatches(
        scans.map((scan) => () => reward('claim', scan.scanId, scan.openid)),
        128,
      );
      const won = answers.filter((answer) => answer.ok);
      const refused = answers.filter((answer) => !answer.ok);
      expect(won).toHaveLength(100);
      expect(new Set(refused.map((answer) => answer.error.code))).toEqual(
        new Set(['BUDGET_EXHAUSTED']),
      );

      const payouts = await payoutsOf(campaign.campaignId);
      expect(payouts).toHaveLength(100);
      expect(new Set(payouts.map((payout) => payout.code)).size).toBe(100);
      expect(payouts.reduce((sum, payout) => sum + payout.amountFen, 0)).toBe(10_000);
      const books = (await admin().call('getCampaign', { campaignId: campaign.campaignId }))
        .campaign.budget;
      expect(books.remainingFen).toBe(0);
      expect(books.reservedFen + books.paidFen).toBe(10_000);

      const outNos = new Set(payouts.map((payout) => payout.outNo));
      const bills = (await payState()).bills.filter((bill: any) => outNos.has(bill.out_bill_no));
      expect(bills).toHaveLength(100);
      expect(bills.every((bill: any) => bill.creates === 1)).toBe(true);
      await endCampaign(campaign.campaignId);
    }, 120_000);
  });
});
