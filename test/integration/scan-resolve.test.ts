/**
 * The consumer's scan end to end through the local stack: the WeChat simulator hands a user a
 * `code_ticket` for a code ("scan code N as user U"), the `scan` function resolves it to the
 * landing view. Every verdict, the idempotent re-resolve, the refusals, the round trips a scan
 * costs, and twenty users scanning one code at once. Plus `verify` and the product admin actions.
 *
 * The demo seed provides application A (codes 0–9999 activated, 山泉水 550ml bound; no reward
 * campaign). Application B is made here: codes 0–4999 activated for a product with low suspicion
 * limits, 5000–9999 imported but never activated; reward campaigns target B's activated range and
 * its product, created before the first scan (a scan instance keeps running campaigns a minute).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignFields } from '../../typings/admin';
import { MemoryTokenStore } from '../../cloudfunctions/core/data/tokens';
import { MarketcodeClient } from '../../cloudfunctions/core/wechat/marketcode/client';
import { AccessTokens } from '../../cloudfunctions/core/wechat/oa/access-token';
import { OfficialAccountClient } from '../../cloudfunctions/core/wechat/oa/client';
import { wechatTokenIssuer } from '../../cloudfunctions/core/wechat/oa/token-endpoint';
import { adminClient } from '../../local/admin-client';
import { DEMO } from '../../local/seed/demo';
import { rewardKit, V2_PAYOUT, V3_PAYOUT } from '../support/rewards';
import { sdkFor } from '../support/sdk';
import { holdDatabaseRequest, onDatabaseRequest, onStorageRequest } from '../support/requests';
import { startTestStack, type TestStack } from '../support/stack';

const ADMIN = { openid: 'o-local-admin' };
const STRICT = { windowMinutes: 60, maxScans: 3, maxScanners: 2, maxPlaces: 1 };
const SHANGHAI = { latitude: 31.2304, longitude: 121.4737 };
const BEIJING = { latitude: 39.9042, longitude: 116.4074 };

describe('scan: resolve and verify through the local stack', () => {
  let stack: TestStack;
  let appA: string;
  let appB: string;
  let strictProductId: string;
  let rangeCampaignId: string;
  /** Every database request the functions make, as `action collection`. */
  const requests: string[] = [];
  const storageRequests: string[] = [];

  const sim = async (path: string, body?: unknown, method = 'POST') => {
    const response = await fetch(`${stack.url}/wechat/_sim/${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const admin = () => adminClient(stack.url, ADMIN);
  /** The user scans code `index` of an application: the launch the Mini Program would get. */
  const scanCode = async (openid: string, applicationId: string, index: number) => {
    const launch = await sim('scan', { openid, applicationId: Number(applicationId), index });
    expect(launch.status).toBe(200);
    return { code: launch.body.code as string, ticket: launch.body.query.code_ticket as string };
  };
  const resolve = async (openid: string, codeTicket: string, extra: object = {}) =>
    (await stack.call('scan', { action: 'resolve', codeTicket, scene: 1124, ...extra }, { openid }))
      .body;
  const verify = async (openid: string, code: string) =>
    (await stack.call('scan', { action: 'verify', code }, { openid })).body;
  /**
   * Database requests of one call. The OA token's are left out (an instance reads it once per
   * 30 s), and so are the running campaigns' (`campaignReads`: an instance reads them the first
   * time it builds a landing view, then once a minute at most).
   */
  const measured = async <T>(run: () => Promise<T>) => {
    requests.length = 0;
    storageRequests.length = 0;
    const result = await run();
    const cached = (r: string) => r.endsWith(' tokens') || r.endsWith(' campaigns');
    return {
      result,
      database: requests.filter((r) => !cached(r)),
      campaignReads: requests.filter((r) => r.endsWith(' campaigns')),
    };
  };
  /** A running campaign (v2 envelopes unless `overrides` says otherwise); its id. */
  const startCampaign = async (overrides: Partial<CampaignFields>): Promise<string> =>
    (await rewardKit(stack).startCampaign({ payout: V2_PAYOUT, ...overrides })).campaignId;
  const codeOf = async (applicationId: string, index: number): Promise<string> => {
    const db = sdkFor(stack.url).database();
    const { data } = await db.collection('packageCodes').where({ applicationId, index }).get();
    return (data[0] as any).code;
  };
  const codeState = async (code: string) => {
    const db = sdkFor(stack.url).database();
    return (await db.collection('codes').where({ code }).get()).data[0] as any;
  };

  beforeAll(async () => {
    stack = await startTestStack({ seed: true, wechat: { finishDelayMs: 0 } });
    appA = stack.demo!.applicationId;

    const applied = await admin().call('applyCodes', { count: 10_000, isvApplicationId: 'T-B' });
    appB = applied.application.applicationId;
    const refreshed = await admin().call('refreshApplication', { applicationId: appB });
    const range = refreshed.ranges[0]!;
    expect((await admin().reply('importRange', { applicationId: appB, ...range })).ok).toBe(true);
    const activated = await admin().reply('activateRange', {
      applicationId: appB,
      codeStart: range.codeStart,
      codeEnd: range.codeStart + 4_999,
      activityName: '严格测试',
      productBrand: '码上',
      productTitle: '限量矿泉水',
      productCode: DEMO.product.ean,
      wxaPath: 'pages/landing/index',
    });
    expect(activated.ok).toBe(true);
    const created = await admin().call('createProduct', {
      title: '限量矿泉水',
      brand: '码上',
      images: ['https://example.com/limited.png'],
      attributes: [{ name: '净含量', value: '350ml' }],
      trace: [{ name: '灌装', time: '2025-03-01', place: '二厂' }],
      follow: { enabled: false },
      suspicion: STRICT,
    });
    strictProductId = created.product.productId;
    const bound = await admin().call('bindProduct', {
      applicationId: appB,
      codeStart: range.codeStart,
      productId: strictProductId,
    });
    expect(bound.range).toMatchObject({ productId: strictProductId });

    // Before the first scan, so every scan instance reads them. B's range campaign outranks the
    // product's (narrower targeting first); the one on A's product is never started.
    rangeCampaignId = await startCampaign({
      name: '限量款扫码红包',
      amount: { kind: 'uniform', minFen: 100, maxFen: 300 },
      targeting: { productIds: [], rangeIds: [`${appB}:${range.codeStart}`] },
      // Ends later than the product campaign, which ranks first when both target a code the
      // same way: here the range wins anyway.
      endAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    });
    await startCampaign({
      name: '限量款转账奖励',
      amountDisplay: 'hidden-until-opened',
      targeting: { productIds: [strictProductId], rangeIds: [] },
      payout: V3_PAYOUT,
    });
    const draft = await admin().reply(
      'createCampaign',
      rewardKit(stack).fields({
        payout: V2_PAYOUT,
        targeting: { productIds: [stack.demo!.productId], rangeIds: [] },
      }),
    );
    expect(draft.ok).toBe(true);
    // The scheduler creates the day's rollup documents ahead of the scans, as in production.
    const tick = await stack.runtime.invoke(
      'scheduler',
      { Type: 'Timer', TriggerName: 'every-minute' },
      { SOURCE: 'wx_trigger' },
    );
    expect(tick.ok, JSON.stringify(tick)).toBe(true);

    onDatabaseRequest(stack, (action, collection) => {
      requests.push(`${action} ${collection ?? ''}`);
    });
    onStorageRequest(stack, (action) => {
      storageRequests.push(action);
    });
  }, 120_000);
  afterAll(() => stack?.destroy());

  describe('resolve', () => {
    let first: { code: string; ticket: string };
    let firstView: any;

    it('shows the first scan as GENUINE_FIRST with product, pictures, trace and follow card', async () => {
      first = await scanCode(DEMO.users.alice, appA, 0);
      const { result, database, campaignReads } = await measured(() =>
        resolve(DEMO.users.alice, first.ticket),
      );
      expect(result.ok).toBe(true);
      firstView = result.data;
      expect(firstView).toMatchObject({
        code: first.code,
        product: {
          id: stack.demo!.productId,
          title: DEMO.product.title,
          brand: DEMO.product.brand,
          ean: DEMO.product.ean,
        },
        verdict: {
          kind: 'GENUINE_FIRST',
          scanCount: 1,
          distinctScanners: 1,
          firstScanByCaller: true,
        },
        follow: { enabled: true, officialAccountName: '码上山泉' },
      });
      // No running campaign targets A's codes (a draft does not count).
      expect(firstView).not.toHaveProperty('reward');
      expect(firstView.scanId).toMatch(/^[0-9a-f]{32}$/);
      expect(Date.parse(firstView.verdict.firstScannedAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(firstView.product.attributes).toContainEqual({ name: '净含量', value: '550ml' });

      // Cloud file IDs became temporary URLs the phone can load.
      expect(firstView.product.images).toHaveLength(3);
      const picture = await fetch(firstView.product.images[0]);
      expect(picture.status).toBe(200);
      expect(
        Buffer.from(await picture.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');

      // The template's five steps, 灌装 overridden by the range, 门店上架 added.
      expect(firstView.trace.map((step: any) => step.name)).toEqual([
        '水源地',
        '水质检测',
        '灌装',
        '出厂质检',
        '物流配送',
        '门店上架',
      ]);
      expect(firstView.trace[2]).toMatchObject({
        note: expect.stringContaining('MS20250303-A'),
        place: '码上山泉灌装一厂（吉林白山）',
        images: [expect.stringMatching(/^http:/)],
      });

      // A fixed number of round trips: see core/scan/resolve.ts. This is the first scan of the
      // stack, so its instance is cold: 13 (the user's first this window: the allowance is one
      // insert; the user's first scan ever: their marks are one failed update, then an insert),
      // plus one read of the running campaigns.
      expect(database).toEqual([
        'database.insertDocument rateLimits',
        'database.getDocument scans',
        // Round 1: the range and its product are one aggregate.
        'database.insertDocument scans',
        'database.aggregateDocuments codeRanges',
        'database.getDocument codes',
        // Round 2: the scanner, the code's index (no state yet), the figures' marks, the scan's keys.
        'database.insertDocument codeScanners',
        'database.getDocument packageCodes',
        'database.modifyAndReturnDoc scannerMarks',
        'database.modifyDocument scans',
        'database.insertDocument scannerMarks',
        // Round 3: the code's state and the figures (the day's and the hours-by-key documents).
        'database.insertDocument codes',
        'database.modifyDocument scanRollups',
        'database.modifyDocument scanHourRollups',
      ]);
      expect(campaignReads).toEqual(['database.getDocument campaigns']);
      expect(storageRequests.filter((a) => a === 'storage.batchGetDownloadUrl').length).toBe(1);
    });

    it('records the scan and the code, and never the ticket', async () => {
      const db = sdkFor(stack.url).database();
      const { data } = await db.collection('scans').where({ _id: firstView.scanId }).get();
      const scan = data[0] as any;
      expect(scan).toMatchObject({
        via: 'ticket',
        code: first.code,
        applicationId: appA,
        openid: DEMO.users.alice,
        scene: 1124,
        clientIp: expect.any(String),
      });
      expect(JSON.stringify(scan)).not.toContain(first.ticket);
      expect(await codeState(first.code)).toMatchObject({
        applicationId: appA,
        index: 0,
        scanCount: 1,
        distinctScanners: 1,
        firstScanBy: DEMO.users.alice,
        firstScanId: firstView.scanId,
      });
    });

    it('counts the same ticket resolved again once, and shows the same scan', async () => {
      const { result, database, campaignReads } = await measured(() =>
        resolve(DEMO.users.alice, first.ticket),
      );
      expect(result.data).toEqual({
        ...firstView,
        verdict: { ...firstView.verdict },
      });
      expect((await codeState(first.code)).scanCount).toBe(1);
      // The allowance (the instance saw the window made: the conditional _.inc alone) beside the
      // earlier scan, then the range with its product (one aggregate) and the state; WeChat is
      // not asked; the instance, warm now, keeps the campaigns.
      expect(database).toHaveLength(4);
      expect(database.filter((r) => r.endsWith(' rateLimits'))).toEqual([
        'database.modifyDocument rateLimits',
      ]);
      expect(campaignReads).toEqual([]);
    });

    it('counts a new ticket of the same user as a repeat the user started', async () => {
      const again = await scanCode(DEMO.users.alice, appA, 0);
      const { result, database, campaignReads } = await measured(() =>
        resolve(DEMO.users.alice, again.ticket),
      );
      expect(result.data.scanId).not.toBe(firstView.scanId);
      expect(result.data.verdict).toEqual({
        kind: 'GENUINE_REPEAT',
        // Placed by the caller's IP (the stack reports LOCAL_CLIENT_IP, a Shanghai address).
        firstScanPlace: '上海市',
        scanCount: 2,
        distinctScanners: 1,
        firstScannedAt: firstView.verdict.firstScannedAt,
        firstScanByCaller: true,
      });
      // 7 (no index read: the code has a state; the product comes with the range; the allowance
      // of a user's later call in a window the instance saw is one conditional _.inc), and 3 for
      // the figures (marks, the two rollups), each beside the scan's own round: the instance has
      // read this range before, so the scan's keys went into its insert.
      // The rollups' two requests are sent together and may arrive in either order.
      expect(database).toHaveLength(10);
      expect(database.filter((r) => r.endsWith(' scans'))).toEqual([
        'database.getDocument scans',
        'database.insertDocument scans',
      ]);
      expect(database.filter((r) => /scannerMarks|Rollups/.test(r)).sort()).toEqual([
        'database.modifyAndReturnDoc scannerMarks',
        'database.modifyDocument scanHourRollups',
        'database.modifyDocument scanRollups',
      ]);
      expect(database.filter((r) => / (packageCodes|products)$/.test(r))).toEqual([]);
      expect(campaignReads).toEqual([]);
    });

    it('shows another user a repeat that someone else started', async () => {
      const bobs = await scanCode(DEMO.users.bob, appA, 0);
      const reply = await resolve(DEMO.users.bob, bobs.ticket, { location: SHANGHAI });
      expect(reply.data.verdict).toEqual({
        kind: 'GENUINE_REPEAT',
        firstScanPlace: '上海市',
        scanCount: 3,
        distinctScanners: 2,
        firstScannedAt: firstView.verdict.firstScannedAt,
        firstScanByCaller: false,
      });
      expect(await codeState(first.code)).toMatchObject({ scanCount: 3, distinctScanners: 2 });
    });

    it('keeps the place of the first scan, named by the server from its coordinates', async () => {
      // The city the coordinates lie in (domain/regions.ts), never a name the page sent.
      const { ticket } = await scanCode(DEMO.users.bob, appA, 1);
      // A page (or a script) may send any text as the place: it is never stored or shown.
      const reply = await resolve(DEMO.users.bob, ticket, {
        location: { ...SHANGHAI, place: '此码已被他人领取，请勿购买' },
      });
      expect(reply.ok).toBe(true);
      expect(reply.data.verdict).toMatchObject({
        kind: 'GENUINE_FIRST',
        firstScanPlace: '上海市',
      });
      const later = await scanCode(DEMO.users.alice, appA, 1);
      const seen = await resolve(DEMO.users.alice, later.ticket, {
        location: { ...BEIJING, place: '假货' },
      });
      expect(seen.data.verdict).toMatchObject({
        kind: 'GENUINE_REPEAT',
        firstScanPlace: '上海市',
      });
      const db = sdkFor(stack.url).database();
      const stored = (await db.collection('scans').where({ _id: reply.data.scanId }).get())
        .data[0] as any;
      // Coordinates kept rounded to 0.01°, nothing else.
      expect(stored.location).toEqual({ latitude: 31.23, longitude: 121.47 });
      expect(JSON.stringify(await codeState(seen.data.code))).not.toMatch(/领取|假货/);
    });

    it('flags a code scanned by too many users in too many places as SUSPICIOUS', async () => {
      const places = [SHANGHAI, BEIJING, SHANGHAI];
      const kinds: string[] = [];
      let last: any;
      for (const [i, user] of ['o-s1', 'o-s2', 'o-s3'].entries()) {
        const { ticket } = await scanCode(user, appB, 10);
        last = (await resolve(user, ticket, { location: places[i] })).data;
        kinds.push(last.verdict.kind);
      }
      expect(kinds).toEqual(['GENUINE_FIRST', 'SUSPICIOUS', 'SUSPICIOUS']);
      expect(last.verdict).toMatchObject({
        scanCount: 3,
        distinctScanners: 3,
        reasons: ['TOO_MANY_SCANNERS', 'TOO_MANY_PLACES'],
      });
      expect(last.product).toMatchObject({
        id: strictProductId,
        images: ['https://example.com/limited.png'],
      });
      expect(last.follow).toEqual({ enabled: false });
    });

    it('offers the best running campaign that targets the code, amount as the campaign shows it', async () => {
      const { ticket } = await scanCode(DEMO.users.alice, appB, 12);
      const reply = await resolve(DEMO.users.alice, ticket);
      expect(reply.data.verdict.kind).toBe('GENUINE_FIRST');
      // The range campaign beats the product campaign; eligibility waits for the claim.
      expect(reply.data.reward).toEqual({
        campaignId: rangeCampaignId,
        name: '限量款扫码红包',
        amountDisplay: 'shown',
        amountText: '1.00–3.00',
        provider: 'v2-redpacket',
      });
      // A replay shows the same offer.
      expect((await resolve(DEMO.users.alice, ticket)).data.reward).toEqual(reply.data.reward);
    });

    it('flags a code scanned too often, even by one user', async () => {
      const kinds: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const { ticket } = await scanCode('o-s4', appB, 11);
        kinds.push((await resolve('o-s4', ticket)).data.verdict.kind);
      }
      expect(kinds).toEqual(['GENUINE_FIRST', 'GENUINE_REPEAT', 'GENUINE_REPEAT', 'SUSPICIOUS']);
      const last = await scanCode('o-s4', appB, 11);
      expect((await resolve('o-s4', last.ticket)).data.verdict.reasons).toEqual(['TOO_MANY_SCANS']);
    });

    it('counts a scan under the product its range is bound to now, also right after a rebind', async () => {
      // A warm instance puts the keys into the scan's insert from the binding it last read
      // (core/scan/known-ranges.ts); a rebind since is caught by the fresh read, which notes
      // the keys again and counts under the new product.
      const activated = await admin().reply('activateRange', {
        applicationId: appB,
        codeStart: 6_000,
        codeEnd: 6_099,
        activityName: '改绑测试',
        productBrand: '码上',
        productTitle: '山泉水',
        productCode: DEMO.product.ean,
        wxaPath: 'pages/landing/index',
      });
      expect(activated.ok).toBe(true);
      const bind = (productId: string) =>
        admin().call('bindProduct', { applicationId: appB, codeStart: 6_000, productId });
      const db = sdkFor(stack.url).database();
      const recorded = async (scanId: string) =>
        (await db.collection('scans').where({ _id: scanId }).get()).data[0] as any;
      const now = Date.now();
      const productScans = async (productId: string): Promise<number> => {
        const { buckets } = await admin().call('scanStats', {
          from: new Date(now - 86_400_000).toISOString(),
          to: new Date(now + 86_400_000).toISOString(),
          granularity: 'day',
          groupBy: 'product',
        });
        return buckets
          .filter((bucket) => bucket.key === productId)
          .reduce((sum, bucket) => sum + bucket.scans, 0);
      };
      const scanAt = async (index: number) => {
        const { ticket } = await scanCode('o-rebind', appB, index);
        const { result, database } = await measured(() => resolve('o-rebind', ticket));
        expect(result.ok).toBe(true);
        return { scan: await recorded(result.data.scanId), database };
      };
      const noted = (database: string[]) =>
        database.filter((r) => r === 'database.modifyDocument scans');

      await bind(stack.demo!.productId);
      await scanAt(6_000);
      // The instance has read this range: the keys travel in the insert, nothing is noted after.
      const hinted = await scanAt(6_001);
      expect(hinted.scan).toMatchObject({ productId: stack.demo!.productId });
      expect(hinted.scan).not.toHaveProperty('campaignId');
      expect(noted(hinted.database)).toEqual([]);
      // A code's first scan: 11 (12 before the keys travelled in the insert).
      expect(hinted.database).toHaveLength(11);

      // Bound to the strict product, which a running campaign targets: the insert carried the
      // old product, the fresh read corrects it with one more write, and the figures count the
      // new product.
      await bind(strictProductId);
      const before = {
        strict: await productScans(strictProductId),
        demo: await productScans(stack.demo!.productId),
      };
      const rebound = await scanAt(6_002);
      expect(rebound.scan).toMatchObject({
        productId: strictProductId,
        campaignId: expect.any(String),
      });
      expect(noted(rebound.database)).toEqual(['database.modifyDocument scans']);
      expect(await productScans(strictProductId)).toBe(before.strict + 1);
      expect(await productScans(stack.demo!.productId)).toBe(before.demo);

      // And back: the campaign the insert carried no longer applies and is removed.
      await bind(stack.demo!.productId);
      const back = await scanAt(6_003);
      expect(back.scan).toMatchObject({ productId: stack.demo!.productId });
      expect(back.scan).not.toHaveProperty('campaignId');
      expect(noted(back.database)).toEqual(['database.modifyDocument scans']);
    });

    it('shows NOT_ACTIVATED for a code WeChat activated that was never activated here', async () => {
      // Activated at WeChat directly (not through the admin function): no codeRanges record.
      const base = `${stack.url}/wechat`;
      const credentials = { appid: 'wx-local-oa', secret: 'local-oa-secret' };
      const direct = new MarketcodeClient(
        new OfficialAccountClient({
          base,
          tokens: new AccessTokens({
            appid: credentials.appid,
            store: new MemoryTokenStore(),
            issuer: wechatTokenIssuer(base, 'stable_token', credentials),
          }),
        }),
      );
      await direct.activate({
        applicationId: appB,
        codeStart: 9_000,
        codeEnd: 9_099,
        activityName: '别处激活',
        productBrand: '码上',
        productTitle: '外部',
        productCode: DEMO.product.ean,
        wxaAppid: 'wx-local-miniprogram',
        wxaPath: 'pages/landing/index',
      });
      const { code, ticket } = await scanCode(DEMO.users.alice, appB, 9_000);
      const reply = await resolve(DEMO.users.alice, ticket);
      expect(reply.data).toMatchObject({
        code,
        product: null,
        trace: [],
        verdict: { kind: 'NOT_ACTIVATED', scanCount: 0, distinctScanners: 0 },
      });
      // Not activated here: no range or product a campaign could target.
      expect(reply.data).not.toHaveProperty('reward');
      expect(await codeState(code)).toBeUndefined();
    });

    it('refuses an unknown ticket with TICKET_INVALID', async () => {
      const reply = await resolve(DEMO.users.alice, 'ffffffffffffffffffffffffffffffff');
      expect(reply).toEqual({
        ok: false,
        error: { code: 'TICKET_INVALID', message: expect.stringMatching(/扫码.*重新扫描/) },
      });
      const empty = await resolve(DEMO.users.alice, '');
      expect(empty.error.code).toBe('INVALID_ARGUMENT');
    });

    it("refuses another user's ticket, which stays good for its owner", async () => {
      const { ticket } = await scanCode(DEMO.users.alice, appA, 2);
      expect((await resolve(DEMO.users.bob, ticket)).error.code).toBe('TICKET_INVALID');
      // An openid in the event is ignored: identity comes from the WeChat context only.
      const spoofed = await stack.call(
        'scan',
        { action: 'resolve', codeTicket: ticket, openid: DEMO.users.alice },
        { openid: DEMO.users.bob },
      );
      expect(spoofed.body.error.code).toBe('TICKET_INVALID');
      const owner = await resolve(DEMO.users.alice, ticket);
      expect(owner.data.verdict).toMatchObject({ kind: 'GENUINE_FIRST', scanCount: 1 });
    });

    it('refuses a caller without a WeChat identity', async () => {
      const { ticket } = await scanCode(DEMO.users.alice, appA, 3);
      const reply = await stack.call('scan', { action: 'resolve', codeTicket: ticket });
      expect(reply.body.error.code).toBe('UNAUTHENTICATED');
    });

    it('refuses an expired ticket, but still shows a scan resolved before it expired', async () => {
      const fresh = await scanCode(DEMO.users.alice, appA, 4);
      const seen = await resolve(DEMO.users.alice, fresh.ticket);
      const unused = await scanCode(DEMO.users.alice, appA, 5);
      const ttl = (await sim('config', undefined, 'GET')).body.config.ticketTtlMs as number;
      expect((await sim('clock', { advanceMs: ttl + 1_000 })).status).toBe(200);

      const expired = await resolve(DEMO.users.alice, unused.ticket);
      expect(expired.error).toEqual({ code: 'TICKET_INVALID', message: expect.any(String) });
      const reopened = await resolve(DEMO.users.alice, fresh.ticket);
      expect(reopened.data.scanId).toBe(seen.data.scanId);
      expect(reopened.data.verdict.scanCount).toBe(1);
    });

    it('answers UPSTREAM_ERROR when WeChat fails, and works again once it recovers', async () => {
      const { ticket } = await scanCode(DEMO.users.alice, appA, 6);
      // The OA client tries three times (backing off) before it gives up.
      await sim('faults', { api: 'tickettocode', errcode: -1, times: 3 });
      const busy = await resolve(DEMO.users.alice, ticket);
      expect(busy).toEqual({
        ok: false,
        error: { code: 'UPSTREAM_ERROR', message: expect.stringContaining('稍后重试') },
      });
      await sim('faults', { api: 'tickettocode', status: 503, times: 3 });
      expect((await resolve(DEMO.users.alice, ticket)).error.code).toBe('UPSTREAM_ERROR');
      expect((await sim('faults', undefined, 'GET')).body.faults).toEqual([]);
      const recovered = await resolve(DEMO.users.alice, ticket);
      expect(recovered.data.verdict).toMatchObject({ kind: 'GENUINE_FIRST', scanCount: 1 });
    });

    it('answers UPSTREAM_QUOTA_EXCEEDED at once when the daily quota is spent (45009), without retrying', async () => {
      const { ticket } = await scanCode(DEMO.users.bob, appA, 7);
      const before = (await sim('state', undefined, 'GET')).body.calls.tickettocode as number;
      await sim('faults', { api: 'tickettocode', errcode: 45009, times: 3 });
      const spent = await resolve(DEMO.users.bob, ticket);
      expect(spent.error).toEqual({
        code: 'UPSTREAM_QUOTA_EXCEEDED',
        message: expect.stringContaining('次数'),
      });
      expect((await sim('state', undefined, 'GET')).body.calls.tickettocode - before).toBe(1);
      await sim('faults', undefined, 'DELETE');
    });

    it('counts twenty simultaneous first scans of one code by twenty users exactly', async () => {
      const users = Array.from({ length: 20 }, (_, i) => `o-crowd-${i}`);
      const launches = await Promise.all(users.map((user) => scanCode(user, appA, 100)));
      const replies = await Promise.all(users.map((user, i) => resolve(user, launches[i]!.ticket)));
      expect(replies.every((reply) => reply.ok)).toBe(true);
      const kinds = replies.map((reply) => reply.data.verdict.kind);
      expect(kinds.filter((kind) => kind === 'GENUINE_FIRST')).toHaveLength(1);
      expect(new Set(replies.map((reply) => reply.data.scanId)).size).toBe(20);

      const code = launches[0]!.code;
      const state = await codeState(code);
      expect(state).toMatchObject({ scanCount: 20, distinctScanners: 20 });
      expect(state.recent).toHaveLength(20);
      const winner = replies.find((reply) => reply.data.verdict.kind === 'GENUINE_FIRST')!;
      expect(state.firstScanId).toBe(winner.data.scanId);
      const db = sdkFor(stack.url).database();
      expect((await db.collection('codeScanners').where({ code }).count()).total).toBe(20);
      expect((await db.collection('scans').where({ code }).count()).total).toBe(20);
    });
  });

  describe('verify', () => {
    it('checks a raw code: first, then the same user again within the minute counts once', async () => {
      const code = await codeOf(appA, 20);
      // A typed code's scan id is its user's per clock minute (core/scan/scan-ids.ts): both
      // verifies of one user must fall in the same minute, so start early in one.
      await untilEarlyInAMinute();
      const wechatBefore = (await sim('state', undefined, 'GET')).body.calls;
      const { result, database } = await measured(() => verify('o-verify-1', code));
      expect(result.data).toMatchObject({
        code,
        product: { title: DEMO.product.title },
        verdict: { kind: 'GENUINE_FIRST', scanCount: 1, firstScanByCaller: true },
      });
      // Imported here: answered from our data (core/scan/resolve.ts), WeChat is not asked: 7
      // (the covering range with its product in one aggregate), and 4 for the figures of a user's
      // first scan ever: the range known before the scan's insert, its keys go into the insert.
      expect(database).toHaveLength(11);
      expect(database.filter((r) => r.endsWith(' scans'))).toEqual([
        'database.insertDocument scans',
      ]);
      const db = sdkFor(stack.url).database();
      const recorded = (await db.collection('scans').where({ _id: result.data.scanId }).get())
        .data[0] as any;
      expect(recorded).toMatchObject({ code, productId: stack.demo!.productId });
      expect((await sim('state', undefined, 'GET')).body.calls).toEqual(wechatBefore);
      const again = await verify('o-verify-1', code);
      expect(again.data.scanId).toBe(result.data.scanId);
      expect((await codeState(code)).scanCount).toBe(1);
      const other = await verify(DEMO.users.alice, code);
      expect(other.data.verdict).toMatchObject({
        kind: 'GENUINE_REPEAT',
        scanCount: 2,
        firstScanByCaller: false,
      });
    });

    it('shows a code WeChat does not know as INVALID', async () => {
      const reply = await verify(DEMO.users.bob, 'ZZZZZZZZZ');
      expect(reply.data).toMatchObject({
        code: 'ZZZZZZZZZ',
        product: null,
        verdict: { kind: 'INVALID', scanCount: 0 },
      });
    });

    it('shows an imported code outside every activation as NOT_ACTIVATED, from our own data', async () => {
      const code = await codeOf(appB, 7_000);
      const before = (await sim('state', undefined, 'GET')).body.calls.codeactivequery as number;
      const reply = await verify(DEMO.users.bob, code);
      expect(reply.data).toMatchObject({ code, verdict: { kind: 'NOT_ACTIVATED' } });
      expect(await codeState(code)).toBeUndefined();
      expect((await sim('state', undefined, 'GET')).body.calls.codeactivequery).toBe(before);
    });

    it.each(['bare', 'errcode'])(
      'shows a code WeChat knows but has not activated as NOT_ACTIVATED (codeactivequery answers %s)',
      async (form) => {
        // A code not imported here (its row removed), so WeChat is asked.
        const code = await codeOf(appB, form === 'bare' ? 7_100 : 7_101);
        const db = sdkFor(stack.url).database();
        await db.collection('packageCodes').where({ code }).remove();
        expect((await sim('config', { notActivatedReply: form })).status).toBe(200);
        try {
          const before = (await sim('state', undefined, 'GET')).body.calls.codeactivequery;
          const reply = await verify(DEMO.users.bob, code);
          expect(reply.data).toMatchObject({
            code,
            product: null,
            verdict: { kind: 'NOT_ACTIVATED', scanCount: 0 },
          });
          // One call: a not-activated answer is an answer, not trouble to retry.
          expect((await sim('state', undefined, 'GET')).body.calls.codeactivequery - before).toBe(
            1,
          );
        } finally {
          await sim('config', { notActivatedReply: 'errcode' });
        }
      },
    );

    it('typed lookups never make a code SUSPICIOUS (they are not scans for the limits)', async () => {
      // The strict product allows 3 scans and 2 scanners an hour: five people typing the code
      // five times each would be far past both.
      const code = await codeOf(appB, 40);
      for (const user of ['o-t1', 'o-t2', 'o-t3', 'o-t4', 'o-t5']) {
        for (let i = 0; i < 5; i += 1) {
          const reply = await verify(user, code);
          expect(reply.data.verdict.kind).not.toBe('SUSPICIOUS');
        }
      }
      const { ticket } = await scanCode('o-buyer', appB, 40);
      const bought = await resolve('o-buyer', ticket);
      expect(bought.data.verdict.kind).toBe('GENUINE_REPEAT');
      expect((await codeState(code)).recent).toHaveLength(1);
    });

    it('a code typed in first: its first ticket scan is taken in the same write that counts it', async () => {
      const code = await codeOf(appA, 31);
      expect((await verify('o-typist', code)).data.verdict.kind).toBe('GENUINE_FIRST');
      expect((await codeState(code)).firstTicketScanId).toBeUndefined();
      const carol = await scanCode('o-carol', appA, 31);
      const { result, database } = await measured(() => resolve('o-carol', carol.ticket));
      expect(result.data.verdict).toMatchObject({ kind: 'GENUINE_REPEAT', scanCount: 2 });
      expect(await codeState(code)).toMatchObject({
        firstTicketScanId: result.data.scanId,
        scanCount: 2,
        distinctScanners: 2,
      });
      expect(database.filter((r) => r.endsWith(' codes'))).toEqual([
        'database.getDocument codes',
        'database.modifyDocument codes',
      ]);
    });

    it('a code typed in first: of two ticket scans at once, exactly one is its first ticket scan', async () => {
      const code = await codeOf(appA, 30);
      expect((await verify('o-typist', code)).data.verdict.kind).toBe('GENUINE_FIRST');
      const [carol, dave] = await Promise.all([
        scanCode('o-carol', appA, 30),
        scanCode('o-dave', appA, 30),
      ]);
      const replies = await Promise.all([
        resolve('o-carol', carol.ticket),
        resolve('o-dave', dave.ticket),
      ]);
      const scanIds = replies.map((reply) => reply.data.scanId as string);
      const state = await codeState(code);
      expect(scanIds).toContain(state.firstTicketScanId);
      expect(state).toMatchObject({ scanCount: 3, distinctScanners: 3 });
      expect(state.recent).toHaveLength(2);
    });

    it('limits each user: 30 calls in 10 minutes, then RATE_LIMITED in Chinese', async () => {
      const code = await codeOf(appA, 21);
      const replies = [];
      for (let i = 0; i < 31; i += 1) replies.push(await verify('o-flood-1', code));
      expect(replies.slice(0, 30).every((reply) => reply.ok)).toBe(true);
      expect(replies[30]).toEqual({
        ok: false,
        error: { code: 'RATE_LIMITED', message: expect.stringContaining('频繁') },
      });
      // Resolve shares the allowance; another user is not affected.
      const { ticket } = await scanCode('o-flood-1', appA, 22);
      expect((await resolve('o-flood-1', ticket)).error.code).toBe('RATE_LIMITED');
      expect((await verify('o-flood-2', code)).ok).toBe(true);
    });

    it('bounds the WeChat calls a user can cause with typed codes unknown here', async () => {
      const before = (await sim('state', undefined, 'GET')).body.calls.codeactivequery as number;
      const replies = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          verify('o-flood-3', `QQQQQQQ${String(i).padStart(2, '0')}`),
        ),
      );
      const answered = replies.filter((reply) => reply.ok);
      expect(answered).toHaveLength(20);
      expect(answered.every((reply) => reply.data.verdict.kind === 'INVALID')).toBe(true);
      expect(replies.filter((reply) => reply.error?.code === 'RATE_LIMITED')).toHaveLength(5);
      expect((await sim('state', undefined, 'GET')).body.calls.codeactivequery - before).toBe(20);
    });

    it('reads the range covering an imported code beside the scan, when the instance knows one', async () => {
      // The instance learns A's range (a verify reads the covering range first, then remembers
      // it); the next verify's covering read is held back: the scan's insert goes out meanwhile,
      // so they are one round, not two.
      expect((await verify('o-verify-round', await codeOf(appA, 24))).ok).toBe(true);
      const code = await codeOf(appA, 25);
      const held = holdDatabaseRequest(
        stack,
        (action, collection) =>
          action === 'database.aggregateDocuments' && collection === 'codeRanges',
      );
      requests.length = 0;
      const reply = verify('o-verify-round', code);
      await held.reached;
      const inserted = async (): Promise<boolean> => {
        for (let waited = 0; waited < 3_000; waited += 50) {
          if (requests.includes('database.insertDocument scans')) return true;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return false;
      };
      const insertedWhileHeld = await inserted();
      held.release();
      expect(insertedWhileHeld).toBe(true);
      expect((await reply).data).toMatchObject({
        code,
        product: { title: DEMO.product.title },
        verdict: { kind: 'GENUINE_FIRST', scanCount: 1 },
      });
      expect(await codeState(code)).toMatchObject({ rangeStart: 0, index: 25 });
    });

    it('counts a verify under the range now covering the code, after a range activated anew over it', async () => {
      // The instance knows B's first range (0–4999, the strict product); 4000–4099 is activated
      // anew, with no product: the newest covering activation wins, and the scan's insert, made
      // from the known range, is corrected.
      expect((await verify('o-verify-anew', await codeOf(appB, 3_999))).ok).toBe(true);
      const anew = await admin().reply('activateRange', {
        applicationId: appB,
        codeStart: 4_000,
        codeEnd: 4_099,
        activityName: '重新激活',
        productBrand: '码上',
        productTitle: '限量矿泉水',
        productCode: DEMO.product.ean,
        wxaPath: 'pages/landing/index',
      });
      expect(anew.ok).toBe(true);
      const code = await codeOf(appB, 4_050);
      const reply = await verify('o-verify-anew', code);
      // Shown as the new activation names it (no product bound), with no campaign's offer.
      expect(reply.data).toMatchObject({ code, product: { title: '限量矿泉水' } });
      expect(reply.data.product.id).not.toBe(strictProductId);
      expect(reply.data).not.toHaveProperty('reward');
      const db = sdkFor(stack.url).database();
      const recorded = (await db.collection('scans').where({ _id: reply.data.scanId }).get())
        .data[0] as any;
      expect(recorded).toMatchObject({ code, applicationId: appB, rangeStart: 4_000 });
      expect(recorded).not.toHaveProperty('productId');
      expect(recorded).not.toHaveProperty('campaignId');
      expect(await codeState(code)).toMatchObject({ rangeStart: 4_000, index: 4_050 });
    });

    it('refuses what is not a 9-character code', async () => {
      const reply = await verify(DEMO.users.bob, '12345');
      expect(reply.error).toEqual({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('9 位'),
      });
    });
  });

  describe('product admin actions', () => {
    it('are for administrators only', async () => {
      const alice = admin().as(DEMO.users.alice);
      const attempts = {
        listProducts: () => alice.reply('listProducts'),
        getProduct: () => alice.reply('getProduct', { productId: strictProductId }),
        createProduct: () =>
          alice.reply('createProduct', {
            title: 'x',
            brand: 'x',
            images: [],
            attributes: [],
            trace: [],
          }),
        bindProduct: () =>
          alice.reply('bindProduct', {
            applicationId: appA,
            codeStart: 0,
            productId: strictProductId,
          }),
      };
      for (const [action, attempt] of Object.entries(attempts)) {
        expect(await attempt(), action).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
    });

    it('create, update, get and list a product, with defaults filled in', async () => {
      const created = await admin().call('createProduct', {
        title: '气泡水 330ml',
        brand: '码上',
        ean: '6901234567892',
        images: ['cloud://local.local-local/product-images/p/1.png', 'https://example.com/2.png'],
        attributes: [],
        trace: [{ name: '灌装', time: '2025-03-01T08:00:00+08:00' }],
      });
      expect(created.product).toMatchObject({
        title: '气泡水 330ml',
        follow: { enabled: true, officialAccountName: '码上' },
        suspicion: { windowMinutes: 1440, maxScans: 20, maxScanners: 5, maxPlaces: 3 },
      });
      const productId = created.product.productId;
      const updated = await admin().call('updateProduct', {
        productId,
        title: '气泡水 330ml（青柠）',
        ean: '',
        suspicion: { maxScans: 10 },
      });
      expect(updated.product).toMatchObject({
        title: '气泡水 330ml（青柠）',
        suspicion: { maxScans: 10, maxScanners: 5 },
        images: ['cloud://local.local-local/product-images/p/1.png', 'https://example.com/2.png'],
      });
      expect(updated.product).not.toHaveProperty('ean');
      const got = await admin().call('getProduct', { productId });
      expect(got.product).toEqual(updated.product);
      const listed = await admin().call('listProducts');
      expect(listed.products[0]!.productId).toBe(productId);
    });

    it('refuse bad input with Chinese messages', async () => {
      const base = { title: 'x', brand: 'x', attributes: [], trace: [] };
      const image = await admin().reply('createProduct', {
        ...base,
        images: ['http://example.com/a.png'],
      });
      expect(image).toEqual({
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('cloud://') },
      });
      const ean = await admin().reply('createProduct', {
        ...base,
        images: [],
        ean: '6901234567890',
      });
      expect(ean).toEqual({
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('校验位') },
      });
      const limit = await admin().reply('createProduct', {
        ...base,
        images: [],
        suspicion: { maxScans: 500 },
      });
      expect(limit).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      const missing = await admin().reply('getProduct', { productId: 'nope' });
      expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    });

    it('bind only to an activated range that exists', async () => {
      const notStart = await admin().reply('bindProduct', {
        applicationId: appB,
        codeStart: 5_000,
        productId: strictProductId,
      });
      expect(notStart).toEqual({
        ok: false,
        error: { code: 'RANGE_NOT_ACTIVATED', message: expect.stringContaining('激活') },
      });
      const noProduct = await admin().reply('bindProduct', {
        applicationId: appA,
        codeStart: 0,
        productId: 'nope',
      });
      expect(noProduct).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      const listed = await admin().call('listRanges', { applicationId: appA });
      expect(listed.segments[0]!.activation).toMatchObject({
        productId: stack.demo!.productId,
        traceSteps: expect.arrayContaining([expect.objectContaining({ name: '门店上架' })]),
      });
    });
  });
});

/** Waits, when less than 15 s of the clock minute are left, for the next minute to start. */
async function untilEarlyInAMinute(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute));
}
