/**
 * The claim's limits hold under parallel requests and against a world that moves while a claim is
 * in flight (issue: trust — money and permissions):
 *   - only a 一物一码 ticket scan claims, unless the campaign allows typed codes;
 *   - per-user (day, campaign) and per-IP limits are counters taken conditionally with the budget
 *     hold: one user's 20 simultaneous claims with a limit of 3 pay exactly 3;
 *   - pausing a campaign stops a claim already past its reads;
 *   - a claim frozen past the holds sweep cannot pay from budget the sweep gave back.
 * Claims go through `POST /functions/reward`; WeChat Pay is the stack's simulator.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { holdDatabaseRequest, onDatabaseRequest } from '../support/requests';
import { rewardKit, startRewardStack } from '../support/rewards';
import type { TestStack } from '../support/stack';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The China-time day `at` falls in, as a day number: the day a user's daily limit counts. */
const chinaDay = (at: number): number => Math.floor((at + 8 * HOUR) / (24 * HOUR));
/** The clock hour `at` falls in, as an hour number: the hour an IP's hourly limit counts. */
const clockHour = (at: number): number => Math.floor(at / HOUR);
/** China time of `at` as `YYYYMMDDHH`. */
const chinaHourText = (at: number): string =>
  new Date(at + 8 * HOUR).toISOString().slice(0, 13).replace(/[-T]/g, '');
/** The quota's field of the China day `at` falls in (`days.d<YYYYMMDD>`). */
const dayField = (at: number): string => `d${chinaHourText(at).slice(0, 8)}`;
/** The quota's field of the clock hour `at` falls in, China time (`hours.h<YYYYMMDDHH>`). */
const hourField = (at: number): string => `h${chinaHourText(at)}`;

/** A claim's answer with when the test asked it and had the answer: the claim's clock read between. */
interface TimedAnswer {
  answer: any;
  askedAt: number;
  answeredAt: number;
}

/** How many of `items` fall under each key. */
const countBy = <T>(
  items: T[],
  keyOf: (item: T) => string | number,
): Map<string | number, number> => {
  const counts = new Map<string | number, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return counts;
};

/** A quota's counters (`days` or `hours`) without the entries every take of which was given back. */
const countersOf = (counters: Record<string, number> | undefined): Record<string, number> =>
  Object.fromEntries(Object.entries(counters ?? {}).filter(([, n]) => n !== 0));

describe('reward: limits under parallel claims, pauses and stalls', () => {
  let stack: TestStack;
  let kit: ReturnType<typeof rewardKit>;

  /** Database requests the functions made so far, by `<collection> <action>`. */
  const seen = new Map<string, number>();
  const seenCount = (key: string): number => seen.get(key) ?? 0;
  /** Resolves once `key` has been requested `count` times in all. */
  const untilSeen = async (key: string, count: number): Promise<void> => {
    while (seenCount(key) < count) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  beforeAll(async () => {
    stack = await startRewardStack();
    kit = rewardKit(stack);
    onDatabaseRequest(stack, (action, collection) => {
      const key = `${collection ?? '(tx)'} ${action.replace('database.', '')}`;
      seen.set(key, seenCount(key) + 1);
    });
  }, 180_000);
  afterAll(() => stack?.destroy());
  // Each test's campaign must be the only candidate for its claims.
  afterEach(() => kit.endRunningCampaigns());

  const claim = (scan: { scanId: string; openid: string }) =>
    kit.reward('claim', scan.scanId, scan.openid);
  /** Claims at once, each answer with when it was asked and answered. */
  const timedClaims = (scans: { scanId: string; openid: string }[]): Promise<TimedAnswer[]> =>
    Promise.all(
      scans.map(async (scan) => {
        const askedAt = Date.now();
        const answer = await claim(scan);
        return { answer, askedAt, answeredAt: Date.now() };
      }),
    );
  const quotaOf = async (id: string): Promise<any> =>
    (await kit.database().collection('claimQuotas').where({ _id: id }).get()).data[0];

  /**
   * A burst of claims under a limit per period (a China day, a clock hour; `periodOf` numbers
   * them) holds it in every period the claims fell in, as their payouts were made: never more
   * than `limit` paid in one, and exactly `limit` in a period a refused claim was asked and
   * answered in (its refusal says that period's were taken). In a run within one period, exactly
   * `limit` paid; a burst across a boundary (a run across midnight) may pay a period's more.
   */
  const expectLimitPerPeriod = (
    claims: TimedAnswer[],
    payouts: any[],
    periodOf: (at: number) => number,
    limit: number,
  ): void => {
    const answered = JSON.stringify(claims.map((c) => c.answer.error?.code ?? 'ok'));
    expect(payouts, answered).toHaveLength(claims.filter((c) => c.answer.ok).length);
    const paid = countBy(payouts, (payout) => periodOf(payout.createdAt));
    for (const count of paid.values()) expect(count, answered).toBeLessThanOrEqual(limit);
    const refusedIn = new Set(
      claims
        .filter((c) => !c.answer.ok && periodOf(c.askedAt) === periodOf(c.answeredAt))
        .map((c) => periodOf(c.askedAt)),
    );
    for (const period of refusedIn) expect(paid.get(period) ?? 0, answered).toBe(limit);
    // Some period holds at least `limit` claims of the burst: its limit was reached.
    expect(payouts.length).toBeGreaterThanOrEqual(limit);
  };

  /**
   * A claim by a user whose day and campaign limits are both used up by the claims made at
   * `claimedAt`: refused by the day's limit on the day those were made (China time), by the
   * campaign's on a later one (a run across midnight).
   */
  const expectRefusedPastLimits = async (
    scan: { scanId: string; openid: string },
    claimedAt: number[],
  ): Promise<void> => {
    const asked = chinaDay(Date.now());
    const answer = await claim(scan);
    const expected = [...new Set([asked, chinaDay(Date.now())])].map((day) =>
      claimedAt.every((at) => chinaDay(at) === day) ? 'USER_DAILY_LIMIT' : 'USER_CAMPAIGN_LIMIT',
    );
    expect(expected).toContain(answer.error?.code);
  };

  /** Bills WeChat Pay made for these out-numbers. */
  const billsFor = async (outNos: string[]): Promise<any[]> =>
    (await kit.payState()).bills.filter((bill: any) => outNos.includes(bill.out_bill_no));

  const expectBooksBalanced = async (campaignId: string, paidOrHeld: number): Promise<void> => {
    const books = await kit.books(campaignId);
    expect(books.remainingFen + books.reservedFen + books.paidFen).toBe(books.budgetFen);
    expect(books.reservedFen + books.paidFen).toBe(paidOrHeld);
  };

  describe('how the code was scanned', () => {
    it('refuses a typed code unless the campaign allows typed codes', async () => {
      const strict = await kit.startCampaign({ name: '扫码专享' });
      expect(strict.allowTypedCodes).toBe(false);
      const [typed] = await kit.bulkScans('typed', 4_000, 1, { via: 'code' });
      const refused = await claim(typed!);
      expect(refused.ok).toBe(false);
      expect(refused.error).toEqual({
        code: 'TICKET_SCAN_REQUIRED',
        message: '请用微信扫一扫扫描商品上的码领取奖励',
      });
      expect(await kit.payoutsOf(strict.campaignId)).toEqual([]);
      expect((await kit.books(strict.campaignId)).remainingFen).toBe(strict.budgetFen);

      // A ticket scan of a code of the same range claims.
      const [ticket] = await kit.bulkScans('ticket', 4_001, 1);
      const paid = await claim(ticket!);
      expect(paid.ok, JSON.stringify(paid)).toBe(true);
      await kit.endCampaign(strict.campaignId);

      const open = await kit.startCampaign({ name: '手输也可领', allowTypedCodes: true });
      expect(open.allowTypedCodes).toBe(true);
      const again = await claim(typed!);
      expect(again.ok, JSON.stringify(again)).toBe(true);
      expect(again.data.payout.campaignName).toBe('手输也可领');
    });
  });

  it('a code typed in before the buyer scans it does not take the buyer’s first-scan reward', async () => {
    const campaign = await kit.startCampaign({ name: '首扫有礼', firstScanOnly: true });
    const index = 4_050;
    const { data } = await kit
      .database()
      .collection('packageCodes')
      .where({ applicationId: stack.demo!.applicationId, index })
      .get();
    const code = (data[0] as { code: string }).code;
    // Someone who holds the codes (a packer) types this one in first.
    const typed = await stack.call('scan', { action: 'verify', code }, { openid: 'o-packer' });
    expect(typed.body.ok, JSON.stringify(typed.body)).toBe(true);
    expect((await claim({ scanId: typed.body.data.scanId, openid: 'o-packer' })).error.code).toBe(
      'TICKET_SCAN_REQUIRED',
    );
    // The buyer scans the printed code: theirs is the first ticket scan, and it pays.
    const bought = await kit.resolveScan('o-buyer-first', index);
    const paid = await claim({ scanId: bought.scanId, openid: 'o-buyer-first' });
    expect(paid.ok, JSON.stringify(paid)).toBe(true);
    expect(paid.data.payout.campaignName).toBe('首扫有礼');
    // A later ticket scan is not the first.
    const second = await kit.resolveScan('o-second-buyer', index);
    const refused = await claim({ scanId: second.scanId, openid: 'o-second-buyer' });
    expect(refused.error.code).toBe('CODE_ALREADY_REWARDED');
    expect(await kit.payoutsOf(campaign.campaignId)).toHaveLength(1);
  });

  describe('per-user and per-IP limits', () => {
    it(
      'one user claiming 20 codes at once with a limit of 3: exactly 3 paid',
      { timeout: 180_000 },
      async () => {
        const campaign = await kit.startCampaign({
          name: '每人限三次',
          limits: { perUserPerDay: 3, perUserPerCampaign: 3 },
        });
        const scans = await kit.bulkScans('greedy', 4_100, 20, { openid: 'o-greedy' });
        await kit.warmUp(8);
        const askedOn = chinaDay(Date.now());
        const answers = await Promise.all(scans.map(claim));
        const won = answers.filter((answer) => answer.ok);
        expect(won).toHaveLength(3);
        const refusals = answers.filter((answer) => !answer.ok).map((answer) => answer.error.code);
        // The day's limit speaks; a burst across midnight (China time) meets the campaign's too.
        const allowed =
          chinaDay(Date.now()) === askedOn
            ? ['USER_DAILY_LIMIT']
            : ['USER_DAILY_LIMIT', 'USER_CAMPAIGN_LIMIT'];
        expect(refusals).toHaveLength(17);
        for (const code of refusals) expect(allowed).toContain(code);

        const payouts = await kit.payoutsOf(campaign.campaignId);
        expect(payouts).toHaveLength(3);
        expect(await billsFor(payouts.map((payout) => payout.outNo))).toHaveLength(3);
        await expectBooksBalanced(campaign.campaignId, 300);
        // The refused claims gave back the budget they held meanwhile.
        expect((await kit.books(campaign.campaignId)).remainingFen).toBe(campaign.budgetFen - 300);

        // Later, a fourth claim is still refused.
        const [later] = await kit.bulkScans('greedy-later', 4_120, 1, { openid: 'o-greedy' });
        await expectRefusedPastLimits(
          later!,
          payouts.map((payout) => payout.createdAt),
        );
      },
    );

    it('a daily limit under a larger campaign limit: exactly the day’s number paid', async () => {
      const campaign = await kit.startCampaign({
        name: '每日两次',
        limits: { perUserPerDay: 2, perUserPerCampaign: 5 },
      });
      const scans = await kit.bulkScans('daily', 4_200, 12, { openid: 'o-daily' });
      const claims = await timedClaims(scans);
      // Two a day (China time), as the payouts were made: exactly 2 in a run within one day.
      const payouts = await kit.payoutsOf(campaign.campaignId);
      expectLimitPerPeriod(claims, payouts, chinaDay, 2);
      // Never more than 2 a day leaves the campaign's 5 unreached: the day's limit refuses.
      expect(new Set(claims.filter((c) => !c.answer.ok).map((c) => c.answer.error.code))).toEqual(
        new Set(['USER_DAILY_LIMIT']),
      );
      // The user's quota counts each claim in the day its payout was made.
      const quota = await quotaOf(`u|${campaign.campaignId}|o-daily`);
      expect(quota.total).toBe(payouts.length);
      expect(countersOf(quota.days)).toEqual(
        Object.fromEntries(countBy(payouts, (payout) => dayField(payout.createdAt))),
      );
    });

    it('a campaign limit reached over several days: refused as the campaign’s limit', async () => {
      const campaign = await kit.startCampaign({
        name: '每日一次，共两次',
        limits: { perUserPerDay: 1, perUserPerCampaign: 2 },
      });
      const scans = await kit.bulkScans('days', 4_300, 4, { openid: 'o-days' });
      const db = kit.database();
      const quotas = db.collection('claimQuotas');
      const quotaId = `u|${campaign.campaignId}|o-days`;
      /** A day passes for this user's quota: today's claims become yesterday's. */
      const nextDay = async () => {
        const [quota] = (await quotas.where({ _id: quotaId }).get()).data;
        await quotas.where({ _id: quotaId }).update({
          data: { days: db.command.set({ d20000101: quota.total }) },
        });
      };
      const first = await claim(scans[0]!);
      expect(first.ok, JSON.stringify(first)).toBe(true);
      const [made] = await kit.payoutsOf(campaign.campaignId);
      expect(countersOf((await quotaOf(quotaId)).days)).toEqual({ [dayField(made.createdAt)]: 1 });
      // Another claim the same day (China time) is refused by the day's limit; one made the next
      // day (a run across midnight) is the new day's first, and pays.
      const [again] = await timedClaims([scans[1]!]);
      const outcomes = [again.askedAt, again.answeredAt].map((at) =>
        chinaDay(at) === chinaDay(made.createdAt) ? 'USER_DAILY_LIMIT' : 'paid',
      );
      expect(outcomes).toContain(again.answer.ok ? 'paid' : again.answer.error.code);
      const afterAgain = await kit.payoutsOf(campaign.campaignId);
      if (again.answer.ok) {
        const paidAgain = afterAgain.find((payout) => payout.code === scans[1]!.code);
        expect(chinaDay(paidAgain.createdAt)).toBeGreaterThan(chinaDay(made.createdAt));
      } else {
        expect(afterAgain).toHaveLength(1);
        expect((await quotaOf(quotaId)).total).toBe(1);
      }
      await nextDay();
      const second = await claim(scans[1]!);
      expect(second.ok, JSON.stringify(second)).toBe(true);
      await nextDay();
      expect((await claim(scans[2]!)).error.code).toBe('USER_CAMPAIGN_LIMIT');
      expect(await kit.payoutsOf(campaign.campaignId)).toHaveLength(2);
    });

    it('20 users behind one IP at once with 3 per hour: exactly 3 paid', async () => {
      const campaign = await kit.startCampaign({
        name: '同一 IP 限三次',
        risk: { openidBlacklist: [], maxClaimsPerIpPerHour: 3, excludeSuspicious: false },
      });
      // Every call of the test reaches the stack from 127.0.0.1, reported as one CLIENTIP
      // (LOCAL_CLIENT_IP, local/server.ts).
      const scans = await kit.bulkScans('same-ip', 4_400, 20);
      const claims = await timedClaims(scans);
      // Three an hour (clock hour), as the payouts were made: exactly 3 in a run within one hour.
      const payouts = await kit.payoutsOf(campaign.campaignId);
      expectLimitPerPeriod(claims, payouts, clockHour, 3);
      expect(new Set(claims.filter((c) => !c.answer.ok).map((c) => c.answer.error.code))).toEqual(
        new Set(['IP_RATE_LIMITED']),
      );
      // The IP's quota counts each claim in the hour its payout was made.
      const quota = await quotaOf(`i|${campaign.campaignId}|${payouts[0].clientIp}`);
      expect(countersOf(quota.hours)).toEqual(
        Object.fromEntries(countBy(payouts, (payout) => hourField(payout.createdAt))),
      );
      await expectBooksBalanced(campaign.campaignId, 100 * payouts.length);
    });

    it('a claim is dated when it was made, the instant its limits counted it in, however long its takes wait', async () => {
      const campaign = await kit.startCampaign({
        name: '领取时刻',
        limits: { perUserPerDay: 1, perUserPerCampaign: 1 },
      });
      const [scan] = await kit.bulkScans('dated', 4_450, 1);
      // The claim has counted itself in its day and is taking the user's quota (a new one)…
      const take = holdDatabaseRequest(
        stack,
        (action, collection) =>
          action === 'database.insertDocument' && collection === 'claimQuotas',
      );
      const askedAt = Date.now();
      const pending = claim(scan!);
      await take.reached;
      const takingAt = Date.now();
      // …and the clock moves on before it is through (across midnight, this is the next day).
      await new Promise((resolve) => setTimeout(resolve, 20));
      take.release();
      const answer = await pending;
      expect(answer.ok, JSON.stringify(answer)).toBe(true);

      const [payout] = await kit.payoutsOf(campaign.campaignId);
      expect(payout.createdAt).toBeGreaterThanOrEqual(askedAt);
      expect(payout.createdAt).toBeLessThanOrEqual(takingAt);
      expect(answer.data.payout.claimedAt).toBe(new Date(payout.createdAt).toISOString());
      const quota = await quotaOf(`u|${campaign.campaignId}|${scan!.openid}`);
      expect(countersOf(quota.days)).toEqual({ [dayField(payout.createdAt)]: 1 });
    });
  });

  describe('the world moves while a claim is in flight', () => {
    it('pausing the campaign stops a claim that already read it as running', async () => {
      const campaign = await kit.startCampaign({ name: '暂停即停' });
      const [scan] = await kit.bulkScans('paused', 4_500, 1);
      // The claim has read the campaign as running and is about to hold its budget…
      const hold = holdDatabaseRequest(
        stack,
        (action, collection) => action === 'database.modifyDocument' && collection === 'campaigns',
      );
      const pending = claim(scan!);
      await hold.reached;
      // …when the marketer pauses it.
      await kit.admin.call('setCampaignStatus', {
        campaignId: campaign.campaignId,
        status: 'paused',
      });
      hold.release();
      const answer = await pending;
      expect(answer.ok).toBe(false);
      expect(answer.error.code).toBe('NOT_RUNNING');
      expect(await kit.payoutsOf(campaign.campaignId)).toEqual([]);
      expect(await kit.books(campaign.campaignId)).toEqual({
        budgetFen: campaign.budgetFen,
        remainingFen: campaign.budgetFen,
        reservedFen: 0,
        paidFen: 0,
      });
    });

    it('a claim frozen past the holds sweep pays nothing from the budget given back', async () => {
      const campaign = await kit.startCampaign({ name: '超时回收', budgetFen: 1_000 });
      const id = campaign.campaignId;
      const [scan] = await kit.bulkScans('frozen', 4_600, 1);
      const db = kit.database();
      const billsBefore = (await kit.payState()).bills.length;

      // The claim holds 100 fen, then freezes on its way to lock the code with its payout.
      const insert = holdDatabaseRequest(
        stack,
        (action, collection) => action === 'database.insertDocument' && collection === 'payouts',
      );
      const pending = claim(scan!);
      await insert.reached;
      const record = async (): Promise<any> =>
        (await db.collection('campaigns').where({ _id: id }).get()).data[0];
      const held = (await record()).holds;
      expect(held).toHaveLength(1);
      expect((await kit.books(id)).reservedFen).toBe(100);

      // Minutes pass (the hold is aged past the grace), and the sweep runs.
      await db
        .collection('campaigns')
        .doc(id)
        .update({ data: { holds: db.command.set([{ ...held[0], at: Date.now() - 5 * MINUTE }]) } });
      const outcome: any = await stack.runtime.invoke(
        'scheduler',
        { Type: 'Timer', TriggerName: 'every-minute' },
        { SOURCE: 'wx_trigger' },
      );
      expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
      const sweep = outcome.result.jobs.find((job: any) => job.name === 'holds');
      expect(sweep.result).toEqual({ cleared: 0, returned: 1, returnedFen: 100 });
      expect((await kit.books(id)).remainingFen).toBe(1_000);

      // The claim wakes up: its payout may not be made from budget no longer held for it.
      insert.release();
      const answer = await pending;
      expect(answer.ok).toBe(false);
      expect(answer.error.code).toBe('CLAIM_INTERRUPTED');
      expect(await kit.payoutsOf(id)).toEqual([]);
      expect(await kit.books(id)).toEqual({
        budgetFen: 1_000,
        remainingFen: 1_000,
        reservedFen: 0,
        paidFen: 0,
      });
      expect((await kit.payState()).bills).toHaveLength(billsBefore);

      // Claiming again starts afresh and pays once; the sweep gives nothing back twice.
      const again = await claim(scan!);
      expect(again.ok, JSON.stringify(again)).toBe(true);
      await expectBooksBalanced(id, 100);
      expect((await kit.payoutsOf(id)).map((payout) => payout.code)).toEqual([scan!.code]);
    });
  });

  describe('one user tapping claim twice at once on one code', () => {
    /**
     * Two parallel claims of one scan, the winner held at its payout insert until the loser has
     * been refused where the winner's take left nothing (`loserRefused`): both must answer the
     * one payout, as a repeated claim does.
     */
    const doubleTap = async (
      scan: { scanId: string; openid: string },
      loserRefused: () => Promise<void>,
    ) => {
      const insert = holdDatabaseRequest(
        stack,
        (action, collection) => action === 'database.insertDocument' && collection === 'payouts',
      );
      const taps = Promise.all([claim(scan), claim(scan)]);
      await insert.reached;
      await loserRefused();
      insert.release();
      return taps;
    };

    const expectOnePayout = async (
      campaignId: string,
      taps: any[],
      scan: { code: string },
    ): Promise<void> => {
      for (const tap of taps) expect(tap.ok, JSON.stringify(tap)).toBe(true);
      const [first, second] = taps.map((tap) => tap.data.payout);
      expect(second.claimedAt).toBe(first.claimedAt);
      expect(second.amountFen).toBe(first.amountFen);
      expect(second.campaignId).toBe(campaignId);
      const payouts = await kit.payoutsOf(campaignId);
      expect(payouts.map((payout) => payout.code)).toEqual([scan.code]);
      expect(await billsFor(payouts.map((payout) => payout.outNo))).toHaveLength(1);
      await expectBooksBalanced(campaignId, 100);
    };

    it('with a limit of one claim a day: both taps answer the one payout', async () => {
      const campaign = await kit.startCampaign({
        name: '每人每天一次',
        limits: { perUserPerDay: 1, perUserPerCampaign: 1 },
      });
      const [scan] = await kit.bulkScans('double-tap', 4_700, 1);
      await kit.warmUp(2);
      // The loser's quota take finds the winner's, and it reads the quota to say which limit.
      const reads = seenCount('claimQuotas getDocument');
      const taps = await doubleTap(scan!, () => untilSeen('claimQuotas getDocument', reads + 1));
      await expectOnePayout(campaign.campaignId, taps, scan!);
      expect((await kit.books(campaign.campaignId)).remainingFen).toBe(campaign.budgetFen - 100);

      // Another code of the same user is still refused by the limit.
      const [other] = await kit.bulkScans('double-tap-other', 4_701, 1, { openid: scan!.openid });
      await expectRefusedPastLimits(
        other!,
        (await kit.payoutsOf(campaign.campaignId)).map((payout) => payout.createdAt),
      );
      expect(await kit.payoutsOf(campaign.campaignId)).toHaveLength(1);
    });

    it('with budget for exactly one claim: both taps answer the one payout', async () => {
      const campaign = await kit.startCampaign({ name: '预算仅够一份', budgetFen: 100 });
      const [scan] = await kit.bulkScans('double-tap-budget', 4_710, 1);
      await kit.warmUp(2);
      // The loser's hold misses: the winner's took the whole budget.
      const holds = seenCount('campaigns modifyDocument');
      const taps = await doubleTap(scan!, () => untilSeen('campaigns modifyDocument', holds + 2));
      await expectOnePayout(campaign.campaignId, taps, scan!);
      expect((await kit.books(campaign.campaignId)).remainingFen).toBe(0);

      // Another code of the same user finds the budget gone.
      const [other] = await kit.bulkScans('double-tap-budget-other', 4_711, 1, {
        openid: scan!.openid,
      });
      expect((await claim(other!)).error.code).toBe('BUDGET_EXHAUSTED');
      expect(await kit.payoutsOf(campaign.campaignId)).toHaveLength(1);
    });
  });

  describe('campaigns as the reward instance keeps them (a minute)', () => {
    // Calls one after another reach the same warm instance (the runtime hands out the idle
    // instance used last), so the second claim of each test decides on the kept campaign first.
    const holdsTried = () => seenCount('campaigns modifyDocument');

    it('an amount edited since the instance read the campaign: the next claim pays the new amount', async () => {
      const campaign = await kit.startCampaign({
        name: '改金额',
        amount: { kind: 'fixed', fen: 100 },
      });
      const [first, second] = await kit.bulkScans('edited', 4_800, 2);
      const paid = await claim(first!);
      expect(paid.data.payout.amountFen).toBe(100);

      await kit.admin.call('updateCampaign', {
        campaignId: campaign.campaignId,
        ...kit.fields({ name: '改金额', amount: { kind: 'fixed', fen: 250 } }),
      });
      const before = holdsTried();
      const again = await claim(second!);
      expect(again.ok, JSON.stringify(again)).toBe(true);
      expect(again.data.payout.amountFen).toBe(250);
      // The hold on the revision the instance kept missed, and the one on the edited campaign paid.
      expect(holdsTried() - before).toBe(2);
      const payouts = await kit.payoutsOf(campaign.campaignId);
      expect(payouts.map((payout) => payout.amountFen).sort()).toEqual([100, 250]);
      await expectBooksBalanced(campaign.campaignId, 350);
    });

    it('a campaign paused since the instance read it: the next claim is refused and takes nothing', async () => {
      const campaign = await kit.startCampaign({
        name: '暂停后领取',
        limits: { perUserPerDay: 1, perUserPerCampaign: 1 },
      });
      const [first, second] = await kit.bulkScans('paused-warm', 4_820, 2);
      expect((await claim(first!)).ok).toBe(true);

      await kit.admin.call('setCampaignStatus', {
        campaignId: campaign.campaignId,
        status: 'paused',
      });
      const refused = await claim(second!);
      expect(refused.ok).toBe(false);
      expect(refused.error.code).toBe('NOT_RUNNING');
      expect(await kit.payoutsOf(campaign.campaignId)).toHaveLength(1);
      await expectBooksBalanced(campaign.campaignId, 100);

      // Running again, the same user's claim pays: the refused one gave its quota back.
      await kit.admin.call('setCampaignStatus', {
        campaignId: campaign.campaignId,
        status: 'running',
      });
      const resumed = await claim(second!);
      expect(resumed.ok, JSON.stringify(resumed)).toBe(true);
      await expectBooksBalanced(campaign.campaignId, 200);
    });

    it('a campaign paused before the claim: refused as not running on a fresh read too, when the landing offered it', async () => {
      const campaign = await kit.startCampaign({ name: '领取前暂停' });
      const [first, second, third, fourth] = await kit.bulkScans('paused-fresh', 4_860, 4);
      await kit.admin.call('setCampaignStatus', {
        campaignId: campaign.campaignId,
        status: 'paused',
      });
      /** A claim as the landing sends it: with the campaign its offer showed. */
      const claimOffered = async (scan: { scanId: string; openid: string }, offered: string) =>
        (
          await stack.call(
            'reward',
            { action: 'claim', scanId: scan.scanId, campaignId: offered },
            { openid: scan.openid },
          )
        ).body;

      // An instance that kept the campaign finds it paused at its hold and reads the list again;
      // one that read the list since never sees it: both say the campaign stopped.
      expect((await claimOffered(first!, campaign.campaignId)).error.code).toBe('NOT_RUNNING');
      const before = seenCount('campaigns getDocument');
      const fresh = await claimOffered(second!, campaign.campaignId);
      expect(fresh.error.code).toBe('NOT_RUNNING');
      expect(fresh.error.message).toBe('活动未在进行中');
      // Its list had no running campaign for the code: the offered one was read to say why.
      expect(seenCount('campaigns getDocument') - before).toBeGreaterThanOrEqual(1);
      // Without the offer (an older client) the same claim can only say no campaign pays.
      expect((await claim(third!)).error.code).toBe('NOT_TARGETED');
      // An offer the code is not in (or no campaign at all) changes nothing.
      expect((await claimOffered(fourth!, 'camp-not-there')).error.code).toBe('NOT_TARGETED');
      expect(await kit.payoutsOf(campaign.campaignId)).toHaveLength(0);
      await expectBooksBalanced(campaign.campaignId, 0);
    });

    it('a campaign started since the instance read the list: a claim no kept campaign pays is paid by it', async () => {
      const old = await kit.startCampaign({ name: '旧活动' });
      const [first, second] = await kit.bulkScans('started', 4_840, 2);
      expect((await claim(first!)).data.payout.campaignName).toBe('旧活动');

      await kit.endCampaign(old.campaignId);
      const started = await kit.startCampaign({ name: '新活动' });
      const paid = await claim(second!);
      expect(paid.ok, JSON.stringify(paid)).toBe(true);
      expect(paid.data.payout.campaignName).toBe('新活动');
      expect(await kit.payoutsOf(started.campaignId)).toHaveLength(1);
      await expectBooksBalanced(old.campaignId, 100);
      await expectBooksBalanced(started.campaignId, 100);
    });
  });
});
