/**
 * What the reward tests share: campaigns through the admin actions, scanned codes in bulk, the
 * payouts as stored, WeChat Pay as the simulator saw it, and a bounded-width runner.
 */
import { expect } from 'vitest';
import type { CampaignFields, CampaignView } from '../../typings/admin';
import { effectiveThresholds } from '../../cloudfunctions/core/domain/verdict';
import { adminClient } from '../../local/admin-client';
import { sdkFor } from './sdk';
import { startTestStack, type TestStack } from './stack';

export const ADMIN = { openid: 'o-local-admin' };

/**
 * Function instances per function for the reward suites. Two of them run side by side on a
 * two-core machine; 64 instances each (the runtime's default) spend the cores on cold starts and
 * push SDK calls past their 15 s timeout. Bursts larger than this queue at the runtime, as they
 * would at CloudBase's concurrency limit, and still race on the database.
 */
export const REWARD_INSTANCES = 24;

export const V3_PAYOUT: CampaignFields['payout'] = {
  provider: 'v3-transfer',
  transferRemark: '扫码奖励',
  reportActivityName: '扫码领现金',
  reportRewardDescription: '扫码即得现金奖励',
  userRecvPerception: '现金奖励',
};

export const V2_PAYOUT: CampaignFields['payout'] = {
  provider: 'v2-redpacket',
  sendName: '码上矿泉水',
  wishing: '感谢扫码，祝您好运',
  actName: '扫码领红包',
  remark: '每个码限领一次',
};

/** The stack every reward suite runs on: the demo seeded (without its campaign), instances capped. */
export function startRewardStack(): Promise<TestStack> {
  return startTestStack({
    seed: true,
    wechat: { finishDelayMs: 0 },
    maxInstancesPerFunction: REWARD_INSTANCES,
  });
}

/** Runs `tasks` at most `width` at a time (the runtime has 64 instances per function). */
export async function inBatches<T>(tasks: (() => Promise<T>)[], width = 64): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

export interface BulkScan {
  scanId: string;
  openid: string;
  code: string;
}

/**
 * Rewards helpers bound to a seeded stack (`startTestStack({ seed: true })`).
 */
export function rewardKit(stack: TestStack) {
  const { productId, applicationId, codeStart } = stack.demo!;
  const database = () => sdkFor(stack.url).database();

  /** The `admin` function as the stack's administrator. */
  const admin = adminClient(stack.url, ADMIN);
  const reward = async (action: string, scanId: string, openid: string) =>
    (await stack.call('reward', { action, scanId }, { openid })).body;

  const fields = (overrides: Partial<CampaignFields> = {}): CampaignFields => ({
    name: '扫码领现金',
    startAt: new Date(Date.now() - 60_000).toISOString(),
    endAt: new Date(Date.now() + 86_400_000).toISOString(),
    budgetFen: 100_000,
    amount: { kind: 'fixed', fen: 100 },
    firstScanOnly: false,
    amountDisplay: 'shown',
    targeting: { productIds: [productId], rangeIds: [] },
    limits: { perUserPerDay: 5, perUserPerCampaign: 5 },
    payout: V3_PAYOUT,
    risk: { openidBlacklist: [], maxClaimsPerIpPerHour: null, excludeSuspicious: false },
    ...overrides,
  });

  const startCampaign = async (overrides: Partial<CampaignFields> = {}): Promise<CampaignView> => {
    const created = await admin.call('createCampaign', fields(overrides));
    const started = await admin.call('setCampaignStatus', {
      campaignId: created.campaign.campaignId,
      status: 'running',
    });
    return started.campaign;
  };

  const endCampaign = async (campaignId: string): Promise<void> => {
    await admin.call('setCampaignStatus', { campaignId, status: 'ended' });
  };

  const books = async (campaignId: string) =>
    (await admin.call('getCampaign', { campaignId })).campaign.budget;

  /** Every payout of a campaign as stored. */
  const payoutsOf = async (campaignId: string): Promise<any[]> => {
    const found: any[] = [];
    for (let offset = 0; ; offset += 1000) {
      const { data } = await database()
        .collection('payouts')
        .where({ campaignId })
        .skip(offset)
        .limit(1000)
        .get();
      found.push(...data);
      if (data.length < 1000) return found;
    }
  };

  /** WeChat Pay's side, as the simulator saw it. */
  const payState = async (): Promise<any> =>
    (await fetch(`${stack.url}/wechatpay/_sim/state`)).json();

  const paySim = async (route: string, body: unknown): Promise<any> => {
    const response = await fetch(`${stack.url}/wechatpay/_sim/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    expect(response.status, JSON.stringify(answer)).toBe(200);
    return answer;
  };

  /** A real scan: a ticket from the WeChat simulator, resolved by the scan function. */
  const resolveScan = async (openid: string, index: number) => {
    const response = await fetch(`${stack.url}/wechat/_sim/scan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ openid, applicationId: Number(applicationId), index }),
    });
    const launch = (await response.json()) as { query: { code_ticket: string } };
    const view = (
      await stack.call(
        'scan',
        { action: 'resolve', codeTicket: launch.query.code_ticket, scene: 1124 },
        { openid },
      )
    ).body;
    expect(view.ok, JSON.stringify(view)).toBe(true);
    return view.data as { scanId: string; code: string };
  };

  /**
   * `count` freshly scanned codes of the demo range from `skip` on, one user each (or all by
   * `options.openid`): their `scans` and `codes` documents inserted through the SDK, shaped as
   * the scan function writes them for a ticket scan (data/scans.ts, data/codes.ts), or for a
   * typed code with `via: 'code'` — a second instead of `count` resolves. `legacy` leaves out
   * what a scan now carries for the claim (codes last scanned before it was kept).
   */
  const bulkScans = async (
    prefix: string,
    skip: number,
    count: number,
    options: { via?: 'ticket' | 'code'; openid?: string; legacy?: boolean } = {},
  ): Promise<BulkScan[]> => {
    const db = database();
    const { data: products } = await db.collection('products').where({ _id: productId }).get();
    const claimFacts = {
      applicationId,
      rangeStart: codeStart,
      productId,
      thresholds: effectiveThresholds(products[0]?.suspicion),
    };
    const { data: codes } = await db
      .collection('packageCodes')
      .where({ applicationId })
      .skip(skip)
      .limit(count)
      .get();
    expect(codes).toHaveLength(count);
    const now = Date.now();
    const scans = codes.map((entry: any, i: number) => ({
      scanId: `${prefix}-scan-${i}`,
      openid: options.openid ?? `o-${prefix}-${i}`,
      code: entry.code as string,
    }));
    await inBatches(
      scans.flatMap((scan) => [
        () =>
          db.collection('scans').add({
            data: {
              _id: scan.scanId,
              via: options.via ?? 'ticket',
              code: scan.code,
              applicationId,
              rangeStart: codeStart,
              openid: scan.openid,
              scannedAt: now,
            },
          }),
        () =>
          db.collection('codes').add({
            data: {
              code: scan.code,
              applicationId,
              rangeStart: codeStart,
              scanCount: 1,
              distinctScanners: 1,
              firstScannedAt: now,
              firstScanBy: scan.openid,
              firstScanId: scan.scanId,
              ...((options.via ?? 'ticket') === 'ticket' ? { firstTicketScanId: scan.scanId } : {}),
              recent: [{ at: now, by: scan.openid.slice(-8) }],
              lastScannedAt: now,
              lastScanId: scan.scanId,
              ...(options.legacy ? {} : { claimFacts }),
            },
          }),
      ]),
    );
    return scans;
  };

  /**
   * Starts `width` reward instances before a burst (each answers a refused `status`), so the burst
   * tests the claim's races rather than 64 cold starts competing for two cores.
   */
  const warmUp = async (width = REWARD_INSTANCES): Promise<void> => {
    const answers = await Promise.all(
      Array.from({ length: width }, (_, i) => reward('status', `warm-up-${i}`, `o-warm-up-${i}`)),
    );
    for (const answer of answers) expect(answer.error?.code).toBe('SCAN_NOT_FOUND');
  };

  /** Ends every running campaign, so the next test's campaign is the only candidate. */
  const endRunningCampaigns = async (): Promise<void> => {
    const listed = await admin.call('listCampaigns', { status: 'running', limit: 100 });
    for (const campaign of listed.campaigns) await endCampaign(campaign.campaignId);
  };

  return {
    admin,
    reward,
    warmUp,
    endRunningCampaigns,
    fields,
    startCampaign,
    endCampaign,
    books,
    payoutsOf,
    payState,
    paySim,
    resolveScan,
    bulkScans,
    database,
  };
}
