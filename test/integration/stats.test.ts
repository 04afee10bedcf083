/**
 * Issue 12's figures through the local stack: scans counted into rollups as they happen
 * (scanStats, productScanStats), equal to what the raw scans say after a concurrent burst, and
 * equal again after `npm run stats:rebuild` recomputes them; where scans happened (IP database,
 * granted location) and the first-scan place later scanners see; the diversion (窜货) story;
 * a past day's hours by key read from their fold, and a shard written after the fold still
 * counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dayLabel,
  markTags,
  rollupId,
  scanIncrements,
  shardOf,
  splitIncrements,
} from '../../cloudfunctions/core/domain/rollups';
import { adminClient } from '../../local/admin-client';
import type { ScanStatsRequest } from '../../typings/admin';
import { ADMIN, inBatches } from '../support/rewards';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';
import { rebuildStats } from '../support/stats';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const chinaMidnight = (at: number): number => at - ((at + 8 * HOUR) % DAY);
const iso = (at: number): string => new Date(at).toISOString();

/** Public addresses ip2region places (checked in test/unit/where.test.ts). */
const IP = {
  shanghai: '116.228.111.118',
  shenzhen: '113.108.0.1',
  beijing: '123.125.0.1',
} as const;
const HANGZHOU = { latitude: 30.27, longitude: 120.15 };

describe('figures from write-time rollups', () => {
  let stack: TestStack;
  const today = chinaMidnight(Date.now());
  /**
   * Today and tomorrow (China time): scans land on the day they happen, so a run across
   * midnight keeps every scan it made in the window.
   */
  const window = { from: iso(today), to: iso(today + 2 * DAY) };
  const days = [today, today + DAY];

  const admin = (user: { openid: string } = ADMIN) => adminClient(stack.url, user);
  const ticketFor = async (openid: string, index: number): Promise<string> => {
    const response = await fetch(`${stack.url}/wechat/_sim/scan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ openid, applicationId: Number(stack.demo!.applicationId), index }),
    });
    return ((await response.json()) as { query: { code_ticket: string } }).query.code_ticket;
  };
  const scan = async (
    openid: string,
    index: number,
    where: { clientIp?: string; location?: { latitude: number; longitude: number } } = {},
  ) => {
    const codeTicket = await ticketFor(openid, index);
    const reply = (
      await stack.call(
        'scan',
        {
          action: 'resolve',
          codeTicket,
          scene: 1124,
          ...(where.location ? { location: where.location } : {}),
        },
        { openid, ...(where.clientIp ? { clientIp: where.clientIp } : {}) },
      )
    ).body;
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    return reply.data;
  };
  /** The window's days unless the request names its own. */
  const stats = (
    request: Omit<ScanStatsRequest, 'from' | 'to'> & Partial<Pick<ScanStatsRequest, 'from' | 'to'>>,
  ) => admin().call('scanStats', { ...window, ...request });
  /** The window's scans as stored: the raw data the figures must agree with. */
  const rawScans = async () => {
    const db = sdkFor(stack.url).database();
    const _ = db.command;
    const scans: any[] = [];
    for (let offset = 0; ; offset += 1000) {
      const { data } = await db
        .collection('scans')
        .where({ scannedAt: _.gte(today) })
        .skip(offset)
        .limit(1000)
        .get();
      scans.push(...data);
      if (data.length < 1000) break;
    }
    const { data: codes } = await db
      .collection('codes')
      .where({ firstScannedAt: _.gte(today) })
      .limit(1000)
      .get();
    const firsts = new Set(codes.map((code: any) => code.firstScanId));
    return { scans, firsts };
  };

  /** Scans, distinct scanners and first scans of some raw scans. */
  const figuresOf = (rows: any[], firsts: Set<string>) => ({
    scans: rows.length,
    scanners: new Set(rows.map((s) => s.openid)).size,
    firstScans: rows.filter((s) => firsts.has(s._id)).length,
  });
  /**
   * The buckets scanStats must give for raw scans: per bucket (`unit` long, China time), per key
   * when grouped (busiest first, empty keys left out), every bucket when not.
   */
  const bucketsOf = (
    scans: any[],
    firsts: Set<string>,
    unit: number,
    keyOf?: (scan: any) => string,
  ) =>
    days
      .flatMap((day) => Array.from({ length: DAY / unit }, (_, i) => day + i * unit))
      .flatMap((start) => {
        const rows = scans.filter((s) => s.scannedAt >= start && s.scannedAt < start + unit);
        if (!keyOf) return [{ start: iso(start), ...figuresOf(rows, firsts) }];
        return [...new Set(rows.map(keyOf))]
          .map((key) => ({
            start: iso(start),
            key,
            ...figuresOf(
              rows.filter((s) => keyOf(s) === key),
              firsts,
            ),
          }))
          .sort((a, b) => b.scans - a.scans || (a.key < b.key ? -1 : 1));
      });

  beforeAll(async () => {
    stack = await startTestStack({ seed: { campaign: true }, wechat: { finishDelayMs: 0 } });
  }, 120_000);
  afterAll(() => stack?.destroy());

  it('counts a concurrent burst exactly as the raw scans say, and a rebuild agrees', async () => {
    // 16 users × 3 codes from a pool of 20 (so codes are shared: first scans race), from three
    // provinces, each user scanning in parallel with the others and with themself.
    const ips = [IP.shanghai, IP.shenzhen, IP.beijing];
    const tasks = Array.from({ length: 16 }, (_, user) =>
      [0, 1, 2].map(
        (k) => async () =>
          scan(`o-burst-${user}`, 100 + ((user * 7 + k * 3) % 20), {
            clientIp: ips[user % 3],
          }),
      ),
    ).flat();
    await inBatches(tasks, 24);

    const { scans, firsts } = await rawScans();
    expect(scans).toHaveLength(48);
    // Each day as the raw scans have it: in a run within one day, one bucket of everything.
    const day = await stats({ granularity: 'day' });
    expect(day.buckets).toEqual(bucketsOf(scans, firsts, DAY));
    expect(day.totals).toMatchObject({ scans: 48, firstScans: 20 });
    expect(new Set(scans.map((s) => s.openid)).size).toBe(16);

    // Per province: scans, distinct scanners and first scans as the raw rows have them.
    const byProvince = await stats({ granularity: 'day', groupBy: 'province' });
    expect(byProvince.buckets).toEqual(bucketsOf(scans, firsts, DAY, (s) => s.province));
    expect(new Set(byProvince.buckets.map((b) => b.key))).toEqual(
      new Set(['上海市', '广东省', '北京市']),
    );
    // The demo campaign targets the demo product: every scan counted under both.
    const byCampaign = await stats({ granularity: 'day', groupBy: 'campaign' });
    expect(byCampaign.buckets).toEqual(bucketsOf(scans, firsts, DAY, (s) => s.campaignId));
    expect(byCampaign.totals).toMatchObject({ scans: 48, firstScans: 20 });
    expect(new Set(scans.map((s) => s.campaignId)).size).toBe(1);
    expect(scans.every((s) => s.productId === stack.demo!.productId)).toBe(true);

    // Hours: each hour as the raw scans have it (China time); their scans sum to the day's.
    const hours = await stats({ granularity: 'hour' });
    expect(hours.buckets).toHaveLength(48);
    expect(hours.buckets).toEqual(bucketsOf(scans, firsts, HOUR));
    expect(hours.totals).toMatchObject({ scans: 48, firstScans: 20 });

    // A rebuild from raw data gives the very same figures.
    const before = await Promise.all([
      stats({ granularity: 'day' }),
      stats({ granularity: 'hour' }),
      stats({ granularity: 'hour', groupBy: 'province' }),
      stats({ granularity: 'day', groupBy: 'range' }),
      stats({ granularity: 'day', groupBy: 'product' }),
      admin().call('productScanStats', window),
    ]);
    const outcome = await rebuildStats(stack.url);
    expect(outcome.scans).toBeGreaterThanOrEqual(48);
    const after = await Promise.all([
      stats({ granularity: 'day' }),
      stats({ granularity: 'hour' }),
      stats({ granularity: 'hour', groupBy: 'province' }),
      stats({ granularity: 'day', groupBy: 'range' }),
      stats({ granularity: 'day', groupBy: 'product' }),
      admin().call('productScanStats', window),
    ]);
    expect(after).toEqual(before);
  }, 180_000);

  it('counts repeat scanners and repurchase per product', async () => {
    await scan('o-loyal-a', 300); // one code
    await scan('o-loyal-b', 301);
    await scan('o-loyal-b', 301); // the same code again: a repeat scanner, no repurchase
    await scan('o-loyal-c', 302);
    await scan('o-loyal-c', 303); // a second code: repurchase
    const { scans } = await rawScans();
    const mine = scans.filter((s) => s.productId === stack.demo!.productId);
    const perUser = new Map<string, { scans: number; codes: Set<string> }>();
    for (const s of mine) {
      const entry = perUser.get(s.openid) ?? { scans: 0, codes: new Set<string>() };
      entry.scans += 1;
      entry.codes.add(s.code);
      perUser.set(s.openid, entry);
    }
    const reply = await admin().call('productScanStats', window);
    expect(reply.products).toEqual([
      {
        productId: stack.demo!.productId,
        scans: mine.length,
        scanners: perUser.size,
        repeatScanners: [...perUser.values()].filter((u) => u.scans >= 2).length,
        repurchasers: [...perUser.values()].filter((u) => u.codes.size >= 2).length,
      },
    ]);
    expect(perUser.get('o-loyal-b')).toMatchObject({ scans: 2 });
    expect(perUser.get('o-loyal-c')?.codes.size).toBe(2);
  });

  it('places a scan by its granted location first, else its IP, and shows the first place to later scanners', async () => {
    const byLocation = await scan('o-place-a', 400, { clientIp: IP.beijing, location: HANGZHOU });
    const byIp = await scan('o-place-b', 401, { clientIp: IP.shenzhen });
    const db = sdkFor(stack.url).database();
    const stored = async (scanId: string) =>
      (await db.collection('scans').where({ _id: scanId }).get()).data[0] as any;
    expect(await stored(byLocation.scanId)).toMatchObject({ province: '浙江省', city: '杭州市' });
    expect(await stored(byIp.scanId)).toMatchObject({ province: '广东省', city: '深圳市' });
    // Later scanners of those codes see where the first scan happened.
    const later = await scan('o-place-c', 400, { clientIp: IP.shanghai });
    expect(later.verdict).toMatchObject({ kind: 'GENUINE_REPEAT', firstScanPlace: '浙江省杭州市' });
    const laterIp = await scan('o-place-c', 401);
    expect(laterIp.verdict.firstScanPlace).toBe('广东省深圳市');
  });

  it('raises a diversion alert when a range sold in Shanghai turns up in Guangdong', async () => {
    const { applicationId, codeStart } = stack.demo!;
    const refused = await admin().reply('setRangeRegions', {
      applicationId,
      codeStart,
      regions: [{ province: '火星' }],
    });
    expect(refused).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: '无法识别的省份：火星' },
    });
    const set = await admin().call('setRangeRegions', {
      applicationId,
      codeStart,
      regions: [{ province: '上海' }],
      alertThreshold: 2,
    });
    expect(set.range).toMatchObject({
      salesRegions: [{ province: '上海市' }],
      diversionThreshold: 2,
    });

    const alerts = async (includeBelowThreshold = false) =>
      (await admin().call('listDiversionAlerts', { includeBelowThreshold })).alerts;
    await scan('o-div-1', 500, { clientIp: IP.shanghai }); // inside: not counted
    expect(await alerts(true)).toEqual([]);
    await scan('o-div-1', 501, { clientIp: IP.shenzhen });
    expect(await alerts()).toEqual([]);
    expect(await alerts(true)).toMatchObject([
      { province: '广东省', lastCity: '深圳市', scans: 1, threshold: 2, alerting: false },
    ]);
    await scan('o-div-2', 502, { clientIp: IP.shenzhen });
    const [alert] = await alerts();
    expect(alert).toMatchObject({
      applicationId,
      codeStart,
      productId: stack.demo!.productId,
      province: '广东省',
      scans: 2,
      threshold: 2,
      alerting: true,
    });
    expect(Date.parse(alert!.firstSeenAt)).toBeLessThanOrEqual(Date.parse(alert!.lastSeenAt));
    // A viewer reads alerts; only those who run the codes set regions.
    const viewer = { openid: 'o-demo-viewer' };
    expect((await admin(viewer).reply('listDiversionAlerts')).ok).toBe(true);
    const denied = await admin(viewer).reply('setRangeRegions', {
      applicationId,
      codeStart,
      regions: [],
    });
    expect(denied).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses a reversed or oversized window in Chinese', async () => {
    const reversed = await admin().reply('scanStats', {
      from: window.to,
      to: window.from,
      granularity: 'day',
    });
    expect(reversed).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/晚于/) },
    });
    const huge = await admin().reply('scanStats', {
      from: iso(today - 40 * DAY),
      to: window.to,
      granularity: 'hour',
    });
    expect(huge).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('按小时最多统计 31 天') },
    });
  });
  it("reads a past day's hours by key from one fold per day, and still counts a shard written after it", async () => {
    const db = sdkFor(stack.url).database();
    const _ = db.command;
    const yesterday = today - DAY;
    const day = dayLabel(yesterday);
    const { applicationId } = stack.demo!;
    // Yesterday's scans as recorded: three in Guangdong at 10:00–11:00, two in Shanghai at 11:00–12:00.
    const rows = [
      ['o-fold-a', '广东省', 10],
      ['o-fold-b', '广东省', 10],
      ['o-fold-a', '广东省', 10],
      ['o-fold-a', '上海市', 11],
      ['o-fold-c', '上海市', 11],
    ].map(([openid, province, hour], i) => ({
      _id: `fold-scan-${i}`,
      via: 'ticket',
      code: `FOLD0000${i}`,
      applicationId,
      rangeStart: 0,
      openid,
      scannedAt: yesterday + (hour as number) * HOUR + i * 60_000,
      province,
    }));
    await db.collection('scans').add({ data: rows });
    // The live counters as they stood: what a rebuild makes from the rows.
    await rebuildStats(stack.url);

    const yesterdayByHour = async () =>
      (
        await stats({
          granularity: 'hour',
          groupBy: 'province',
          from: iso(yesterday),
          to: iso(today),
        })
      ).buckets;
    const bucket = (hour: number, key: string, scans: number, scanners: number) => ({
      start: iso(yesterday + hour * HOUR),
      key,
      scans,
      scanners,
      firstScans: 0,
    });
    expect(await yesterdayByHour()).toEqual([
      bucket(10, '广东省', 3, 2),
      bucket(11, '上海市', 2, 2),
    ]);
    // The read left the day's hours by province summed in one document.
    const { data: fold } = await db.collection('scanHourRollups').doc(`${day}-province`).get();
    expect(Object.keys(fold.h).sort()).toEqual(['10', '11']);
    expect(fold.h['10']['广东省']).toEqual({ s: 3, u: 2 });
    expect(await yesterdayByHour()).toEqual([
      bucket(10, '广东省', 3, 2),
      bucket(11, '上海市', 2, 2),
    ]);

    // A scan of 10:59 whose count lands in its shard only now (a slow function).
    // (In a shard whose document the rebuild made: one of the first scan's.)
    let lateId = 'fold-scan-late';
    while (shardOf(lateId) !== shardOf('fold-scan-0')) lateId += '+';
    const late = {
      _id: lateId,
      via: 'ticket',
      code: 'FOLD0000L',
      applicationId,
      rangeStart: 0,
      openid: 'o-fold-d',
      scannedAt: yesterday + 10 * HOUR + 59 * 60_000,
      province: '广东省',
    };
    await db.collection('scans').add({ data: late });
    const keys = {
      product: '-',
      range: `${applicationId}:0`,
      campaign: '-',
      province: '广东省',
    };
    const { hours } = splitIncrements(
      scanIncrements({
        hour: '10',
        keys,
        firstIn: new Set(markTags('10', keys)),
        firstScan: false,
      }),
    );
    const { stats: written } = await db
      .collection('scanHourRollups')
      .where({ _id: rollupId(day, shardOf(late._id)) })
      .update({
        data: Object.fromEntries(Object.entries(hours).map(([path, by]) => [path, _.inc(by)])),
      });
    expect(written.updated).toBe(1);
    expect(await yesterdayByHour()).toEqual([
      bucket(10, '广东省', 4, 3),
      bucket(11, '上海市', 2, 2),
    ]);
    // And a rebuild from the raw scans agrees.
    await rebuildStats(stack.url);
    expect(await yesterdayByHour()).toEqual([
      bucket(10, '广东省', 4, 3),
      bucket(11, '上海市', 2, 2),
    ]);
  }, 120_000);
});
