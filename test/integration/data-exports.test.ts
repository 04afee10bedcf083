/**
 * Exports for a brand's CRM (issue 12 point 6) through the local stack, as the 导出 page calls
 * them: scans, payouts and scanners of a period as CSV files of 100,000 rows, built in the
 * background by the machine the channel QR export uses and finished by the scheduler; one export
 * at a time per user; an export's progress and links are its requester's alone. Small numbers
 * come from real scans and claims (so the columns are what the functions write); volume comes
 * from scan documents written straight into `scans` through the SDK, shaped as data/scans.ts
 * writes them. The 2,000,000-row case is data-exports-2m.test.ts (its speed: test/bench/data-export.bench.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYOUT_STATE_LABELS } from '../../cloudfunctions/core/domain/payout';
import { adminClient } from '../../local/admin-client';
import type { ExportDataRequest } from '../../typings/admin';
import { ADMIN, rewardKit, startRewardStack } from '../support/rewards';
import type { TestStack } from '../support/stack';

const OPERATOR = { openid: 'o-demo-operator' };
const MARKETER = { openid: 'o-demo-marketer' };
const VIEWER = { openid: 'o-demo-viewer' };
/** A past period holding the bulk scans: 2026-01-01 and 02 (China time). */
const PERIOD_FROM = Date.parse('2026-01-01T00:00:00+08:00');
const PERIOD_TO = Date.parse('2026-01-03T00:00:00+08:00');
const BULK = 120_000;
const SCAN_HEADER = '扫码时间,码,OpenID,方式,码包申请,码段起点,场景值,纬度,经度';

describe('CRM exports', () => {
  let stack: TestStack;
  let kit: ReturnType<typeof rewardKit>;
  let campaignId: string;
  const real: { openid: string; scanId: string; code: string }[] = [];
  /** When the real scans were made (beforeAll). */
  let realScansAt = Date.now();

  const as = (who: { openid: string }) => adminClient(stack.url, who);
  const admin = () => as(ADMIN);
  const tick = () =>
    stack.runtime.invoke(
      'scheduler',
      { Type: 'Timer', TriggerName: 'every-minute' },
      { SOURCE: 'wx_trigger' },
    );
  const csvLines = async (url: string) => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const text = Buffer.from(await response.arrayBuffer()).toString('utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    return text.slice(1).split('\r\n').slice(0, -1);
  };
  /** China midnight starting the day of `at` (epoch ms). */
  const chinaMidnight = (at: number) => at - ((at + 8 * 3600_000) % 86_400_000);
  /**
   * Whole China days from the day the real scans were made to today's end: a run across
   * midnight (China time) keeps them in its period.
   */
  const realScanDays = () => ({
    from: new Date(chinaMidnight(realScansAt)).toISOString(),
    to: new Date(chinaMidnight(Date.now()) + 86_400_000).toISOString(),
  });
  /** Starts an export and runs the scheduler until it is done; its progress. */
  const exportAll = async (who: { openid: string }, params: ExportDataRequest) => {
    const { exportId } = await as(who).call('exportData', params);
    let progress = await as(who).call('getExport', { exportId });
    for (let runs = 0; progress.state === 'running' && runs < 5; runs += 1) {
      await tick();
      progress = await as(who).call('getExport', { exportId });
    }
    return progress;
  };

  beforeAll(async () => {
    stack = await startRewardStack();
    kit = rewardKit(stack);
    const campaign = await kit.startCampaign({ name: '春季扫码红包' });
    campaignId = campaign.campaignId;
    // Real scans: alice two codes, bob one; alice claims her first.
    realScansAt = Date.now();
    for (const [openid, index] of [
      ['o-demo-alice', 11],
      ['o-demo-alice', 12],
      ['o-demo-bob', 13],
    ] as const) {
      real.push({ openid, ...(await kit.resolveScan(openid, index)) });
    }
    const claimed = await kit.reward('claim', real[0]!.scanId, real[0]!.openid);
    expect(claimed, JSON.stringify(claimed)).toMatchObject({ ok: true });

    // Volume: BULK scans one a second over the period (two share each second: ties are paged
    // by id), and scans just outside it on both sides.
    const scans = kit.database().collection('scans');
    const doc = (i: number, scannedAt: number) => ({
      _id: `bulk-${String(i).padStart(7, '0')}`,
      via: i % 10 === 0 ? 'code' : 'ticket',
      code: String(200_000_000 + i),
      applicationId: 'app-bulk',
      rangeStart: 0,
      openid: `o-bulk-${i % 40_000}`,
      scannedAt,
      ...(i % 10 === 0 ? {} : { scene: 1124 }),
    });
    for (let start = 0; start < BULK; start += 1000) {
      const data = [];
      for (let i = start; i < start + 1000; i += 1)
        data.push(doc(i, PERIOD_FROM + Math.floor(i / 2) * 1000));
      await scans.add({ data });
    }
    await scans.add({
      data: [doc(BULK, PERIOD_FROM - 1), doc(BULK + 1, PERIOD_TO), doc(BULK + 2, PERIOD_TO + 5)],
    });
  }, 240_000);
  afterAll(() => stack?.destroy());

  it('exports a period of scans in files of 100,000, in time order, the rest by the scheduler', async () => {
    const params: ExportDataRequest = {
      kind: 'scans',
      from: new Date(PERIOD_FROM).toISOString(),
      to: new Date(PERIOD_TO).toISOString(),
    };
    const { exportId } = await as(OPERATOR).call('exportData', params);
    const first = await as(OPERATOR).call('getExport', { exportId });
    expect(first).toMatchObject({
      kind: 'scans',
      title: '扫码记录 2026-01-01 至 2026-01-02',
      state: 'running',
      rowsDone: 100_000,
      filesDone: 1,
      // Written straight into `scans`, the bulk never reached the rollups the plan reads.
      rowsPlanned: 0,
    });

    // One export at a time per user, whatever its kind; another member is not held up.
    const second = await as(OPERATOR).reply('exportData', { ...params, kind: 'scanners' });
    expect(second).toMatchObject({
      ok: false,
      error: { code: 'EXPORT_IN_PROGRESS', message: expect.stringMatching(/导出正在进行/) },
    });
    // Nobody else reads it (its rows are users' data), not even an administrator.
    expect(await admin().reply('getExport', { exportId })).toMatchObject({
      ok: false,
      error: { code: 'EXPORT_NOT_FOUND' },
    });

    const outcome: any = await tick();
    const job = outcome.result.jobs.find((j: any) => j.name === 'exportJobs');
    expect(job, JSON.stringify(outcome)).toMatchObject({
      ok: true,
      result: { exports: 1, files: 1 },
    });
    const done = await as(OPERATOR).call('getExport', { exportId });
    expect(done).toMatchObject({ state: 'done', rowsDone: BULK, filesDone: 2 });
    expect(Date.parse(done.linksExpireAt!) - Date.now()).toBeGreaterThan(23 * 3600_000);

    const sizes = [100_000, BULK - 100_000];
    const seen = new Set<string>();
    let previous = 0;
    for (const [index, file] of done.files.entries()) {
      expect(file.name).toBe(`scans-20260101-20260102-0${index + 1}.csv`);
      const lines = await csvLines(file.url);
      expect(lines[0]).toBe(SCAN_HEADER);
      expect(lines.length - 1).toBe(sizes[index]);
      for (const line of lines.slice(1)) {
        const [time, code, openid, via, application, rangeStart, scene] = line.split(',');
        const i = Number(code) - 200_000_000;
        seen.add(code!);
        const at = Date.parse(`${time!.replace(' ', 'T')}+08:00`);
        expect(at).toBe(PERIOD_FROM + Math.floor(i / 2) * 1000);
        expect(at).toBeGreaterThanOrEqual(previous);
        previous = at;
        expect(openid).toBe(`o-bulk-${i % 40_000}`);
        expect(via).toBe(i % 10 === 0 ? '输入码' : '一物一码');
        expect([application, rangeStart, scene]).toEqual([
          'app-bulk',
          '0',
          i % 10 === 0 ? '' : '1124',
        ]);
      }
    }
    // Every scan of the period once; none from just before or at its end.
    expect(seen.size).toBe(BULK);

    // Done: the lock is free again.
    const again = await as(OPERATOR).reply('exportData', { ...params, kind: 'scanners' });
    expect(again).toMatchObject({ ok: true });
  }, 240_000);

  it('exports real scans of a product with what the scan recorded', async () => {
    const progress = await exportAll(MARKETER, {
      kind: 'scans',
      ...realScanDays(),
      productId: stack.demo!.productId,
    });
    expect(progress).toMatchObject({ state: 'done', rowsDone: 3, filesDone: 1, rowsPlanned: 3 });
    const lines = await csvLines(progress.files[0].url);
    expect(lines[0]).toBe(SCAN_HEADER);
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows.map((row) => [row[1], row[2], row[3], row[4], row[6]])).toEqual(
      real.map((scan) => [scan.code, scan.openid, '一物一码', stack.demo!.applicationId, '1124']),
    );
    // A product bound to no range has no scans: a file with its header only.
    const { product } = await admin().call('createProduct', {
      title: '新品 330ml',
      brand: '码上山泉',
      images: [],
      attributes: [],
      trace: [],
    });
    const none = await exportAll(MARKETER, {
      kind: 'scans',
      ...realScanDays(),
      productId: product.productId,
    });
    expect(none).toMatchObject({ state: 'done', rowsDone: 0, filesDone: 1 });
    expect(await csvLines(none.files[0].url)).toEqual([SCAN_HEADER]);
  }, 60_000);

  it("exports a campaign's payouts and the scanners of the day", async () => {
    const payouts = await exportAll(MARKETER, { kind: 'payouts', ...realScanDays(), campaignId });
    expect(payouts).toMatchObject({ state: 'done', rowsDone: 1 });
    const [header, row] = await csvLines(payouts.files[0].url);
    expect(header).toBe('领取时间,活动ID,活动,码,OpenID,金额（元）,状态,状态时间,商户单号');
    const [stored] = await kit.payoutsOf(campaignId);
    const fields = row!.split(',');
    expect(fields.slice(1, 6)).toEqual([
      campaignId,
      '春季扫码红包',
      real[0]!.code,
      'o-demo-alice',
      '1.00',
    ]);
    expect(fields[6]).toBe(PAYOUT_STATE_LABELS[stored.state as keyof typeof PAYOUT_STATE_LABELS]);
    expect(fields[8]).toBe(stored.outNo);

    const scanners = await exportAll(MARKETER, { kind: 'scanners', ...realScanDays() });
    expect(scanners).toMatchObject({ state: 'done', rowsDone: 3 });
    const lines = await csvLines(scanners.files[0].url);
    expect(lines[0]).toBe('OpenID,码,首次扫码时间');
    expect(
      lines
        .slice(1)
        .map((line) => line.split(',').slice(0, 2).join(','))
        .sort(),
    ).toEqual(real.map((scan) => `${scan.openid},${scan.code}`).sort());

    // The caller's own exports, newest first.
    const listed = await as(MARKETER).call('listExports');
    expect(listed.exports.map((item) => item.kind)).toEqual([
      'scanners',
      'payouts',
      'scans',
      'scans',
    ]);
    expect((await as(OPERATOR).call('listExports')).exports.map((item) => item.kind)).toEqual([
      'scanners',
      'scans',
    ]);
  }, 60_000);

  it('refuses a viewer, a reversed or too long period and a filter the data has not', async () => {
    expect(
      await as(VIEWER).reply('exportData', { kind: 'scans', ...realScanDays() }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const { from, to } = realScanDays();
    expect(await admin().reply('exportData', { kind: 'scans', from: to, to: from })).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('结束时间须晚于开始时间'),
      },
    });
    expect(
      await admin().reply('exportData', { kind: 'scans', from: '2024-01-01T00:00:00+08:00', to }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('一次最多导出一年') },
    });
    expect(
      await admin().reply('exportData', {
        kind: 'payouts',
        from,
        to,
        productId: stack.demo!.productId,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: '只有扫码记录可按商品筛选' },
    });
    expect(
      await admin().reply('exportData', { kind: 'payouts', from, to, campaignId: 'nope' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});
