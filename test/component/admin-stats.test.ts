// @vitest-environment jsdom
/**
 * 数据 and 导出: what an operator sees while the figures load, once they are in (cards, the
 * breakdowns, the province table, the hour-of-day heat, the diversion alerts), for a period with
 * no scans, when the read fails (Chinese message, retry), when they change the period or pull to
 * refresh; and the export page's form, progress, links and refusals.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type {
  DiversionAlertView,
  ExportProgress,
  RewardStatsResult,
  ScanStatsBucket,
  ScanStatsResult,
} from '../../typings/admin';
import { fail, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
import {
  type CloudCall,
  callPageMethod,
  cleanup,
  dispatchIn,
  findByClass,
  renderPage,
  settle,
  stubWx,
  tapVanButton,
  visibleText,
} from './harness';

const STATS_PAGE = 'admin/pages/stats/index';
const EXPORT_PAGE = 'admin/pages/stats/export/index';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** Days from 2026-03-08 to 2026-03-14 (China time) as scanStats answers them. */
const DAYS = [8, 9, 10, 11, 12, 13, 14].map((day) =>
  new Date(Date.parse(`2026-03-${String(day).padStart(2, '0')}T00:00:00+08:00`)).toISOString(),
);

function scanResult(scans: number[]): ScanStatsResult {
  const buckets = DAYS.map((start, i) => ({
    start,
    scans: scans[i] ?? 0,
    scanners: Math.ceil((scans[i] ?? 0) / 2),
    firstScans: Math.floor((scans[i] ?? 0) / 3),
  }));
  const sum = (field: 'scans' | 'scanners' | 'firstScans') =>
    buckets.reduce((all, bucket) => all + bucket[field], 0);
  return {
    buckets,
    totals: { scans: sum('scans'), scanners: sum('scanners'), firstScans: sum('firstScans') },
  };
}

const REWARD: RewardStatsResult = {
  buckets: DAYS.map((start, i) => ({
    start,
    claims: i,
    paid: i,
    paidFen: i * 150,
    released: 0,
    refused: 0,
    refusedByReason: {},
  })),
  totals: {
    claims: 21,
    paid: 21,
    paidFen: 3150,
    released: 0,
    refused: 2,
    refusedByReason: { CODE_ALREADY_REWARDED: 2 },
  },
};

const grouped = (rows: [string, number][]): ScanStatsResult => ({
  buckets: rows.map(([key, scans]) => ({
    start: DAYS[0]!,
    key,
    scans,
    scanners: scans,
    firstScans: 1,
  })),
  totals: { scans: 0, scanners: 0, firstScans: 0 },
});

/** Hour buckets: 20 scans at 21:00 China time, 5 at 09:00. */
const HOURS: ScanStatsBucket[] = [
  { start: '2026-03-14T13:00:00.000Z', scans: 20, scanners: 10, firstScans: 4 },
  { start: '2026-03-14T01:00:00.000Z', scans: 5, scanners: 5, firstScans: 1 },
];

const ALERT: DiversionAlertView = {
  applicationId: 'app-1',
  codeStart: 0,
  codeEnd: 9999,
  productId: 'prod-water',
  province: '广东省',
  lastCity: '深圳市',
  scans: 12,
  threshold: 10,
  alerting: true,
  firstSeenAt: '2026-03-12T02:00:00.000Z',
  lastSeenAt: '2026-03-14T06:30:00.000Z',
};

function statsHandlers(scans = [3, 0, 8, 5, 0, 12, 20]): AdminHandlers {
  return {
    scanStats: (call) => {
      const data = call.data as { groupBy?: string; granularity: string };
      if (data.groupBy === 'product')
        return ok(
          grouped([
            ['prod-water', 30],
            ['-', 18],
          ]),
        );
      if (data.groupBy === 'campaign')
        return ok(
          grouped([
            ['camp-spring', 40],
            ['-', 8],
          ]),
        );
      if (data.groupBy === 'province')
        return ok(
          grouped([
            ['广东省', 30],
            ['浙江省', 12],
            ['-', 6],
          ]),
        );
      if (data.granularity === 'hour') return ok({ buckets: HOURS, totals: scanResult([]).totals });
      return ok(scanResult(scans));
    },
    rewardStats: () => ok(REWARD),
    productScanStats: () =>
      ok({
        products: [
          { productId: 'prod-water', scanners: 20, repeatScanners: 5, repurchasers: 2, scans: 30 },
        ],
      }),
    listDiversionAlerts: () =>
      ok({ alerts: [ALERT, { ...ALERT, province: '浙江省', scans: 2, alerting: false }] }),
    listProducts: () => ok({ products: [{ productId: 'prod-water', title: '山泉水 550ml' }] }),
    listCampaigns: () => ok({ campaigns: [{ campaignId: 'camp-spring', name: '春季扫码红包' }] }),
  };
}

/** Each element of the class as its parts' texts joined by spaces (`label value hint`). */
function rowTexts(page: Awaited<ReturnType<typeof renderPage>>, className: string): string[] {
  return findByClass(page, className).map((row) =>
    Array.from(row.children)
      .map((part) => (part.textContent ?? '').trim())
      .filter(Boolean)
      .join(' '),
  );
}

/** The shade of the heat cell of `hour` (China time). */
function heatLevel(page: Awaited<ReturnType<typeof renderPage>>, hour: number): string {
  const cell = findByClass(page, 'heat-cell')[hour];
  // j-component prefixes each class with its component's name (`…--heat-cell--4`).
  const level = Array.from(cell?.classList ?? [])
    .map((name) => /heat-cell--(\d)$/.exec(name)?.[1])
    .find(Boolean);
  return level ? `heat-cell--${level}` : '';
}

function actionsOf(calls: CloudCall[]): string[] {
  return calls.map((call) => String(call.data.action));
}

describe('数据', () => {
  test('shows skeletons until the figures arrive, then cards, charts, breakdowns, heat and alerts', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-03-14T12:00:00+08:00') });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handlers = statsHandlers();
    const calls = stubAdminAs('operator', {
      ...handlers,
      scanStats: async (call) => {
        await gate;
        return handlers.scanStats!(call);
      },
    });
    const page = await renderPage(STATS_PAGE);
    expect(findByClass(page, 'stats-skeleton')).toHaveLength(1);
    expect(visibleText(page)).not.toContain('扫码次数');

    release();
    await settle(6);
    const text = visibleText(page);
    expect(findByClass(page, 'stats-skeleton')).toHaveLength(0);
    // Last 7 days by default, read as days.
    const scanCall = calls.find((call) => call.data.action === 'scanStats' && !call.data.groupBy);
    expect(scanCall?.data).toMatchObject({
      from: '2026-03-07T16:00:00.000Z',
      to: '2026-03-14T16:00:00.000Z',
      granularity: 'day',
    });
    expect(text).toContain('2026-03-08 至 2026-03-14（北京时间），按天');
    expect(rowTexts(page, 'figure-card')).toEqual([
      '扫码次数 48 次',
      '扫码人数 25 按时段累计',
      '首次扫码 14 个码',
      '红包领取 21 次',
      '已到账 31.50 元 21 笔',
      '被拒领取 2 次',
    ]);
    // Both trend charts are on the page with their canvas.
    expect(page.querySelector('#scan-chart')).toBeTruthy();
    expect(page.querySelector('#reward-chart')).toBeTruthy();
    // Breakdowns: names from the catalog, most scans first, the unknown key in words.
    expect(
      findByClass(page, 'product-row').map((row) => row.textContent?.replace(/\s+/g, '')),
    ).toEqual(['山泉水550ml30次', '未绑定商品18次']);
    // Who came back to the product in the period.
    expect(findByClass(page, 'loyalty-line').map((line) => line.textContent?.trim())).toEqual([
      '20 人首次扫码 · 回头客 5 人 · 复购 2 人',
    ]);
    expect(
      findByClass(page, 'campaign-row').map((row) => row.textContent?.replace(/\s+/g, '')),
    ).toEqual(['春季扫码红包40次', '无活动8次']);
    expect(rowTexts(page, 'province-row')).toEqual([
      '广东省 30 1 62.5%',
      '浙江省 12 1 25%',
      '未知地区 6 1 12.5%',
    ]);
    // The heat: 21:00 is the busiest hour (China time), 09:00 lighter, 03:00 empty.
    expect(findByClass(page, 'heat-cell')).toHaveLength(24);
    expect(heatLevel(page, 21)).toBe('heat-cell--4');
    expect(heatLevel(page, 9)).toBe('heat-cell--1');
    expect(heatLevel(page, 3)).toBe('heat-cell--0');
    expect(text).toContain('扫码最多的时段：21:00–22:00（20 次）');
    // Only alerting provinces are alerts.
    expect(findByClass(page, 'alert-row')).toHaveLength(1);
    expect(text).toContain('山泉水 550ml · 码段 0–9999');
    expect(text).toContain('在 广东省 深圳市 扫码 12 次（阈值 10）');
    expect(actionsOf(calls)).toContain('listDiversionAlerts');
  });

  test('counts read with separators and in the units 工作台 uses for the same figures', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-03-14T12:00:00+08:00') });
    stubAdminAs('viewer', {
      ...statsHandlers([3_000, 0, 8_000, 5_000, 0, 12_000, 20_000]),
      rewardStats: () =>
        ok({ ...REWARD, totals: { ...REWARD.totals, claims: 4_321, paid: 4_000, refused: 1_234 } }),
    });
    const page = await renderPage(STATS_PAGE);
    await settle(6);
    const cards = rowTexts(page, 'figure-card');
    // 工作台 reads `今日扫码 12,345 次`, `今日首次扫码 678 个码`, `今日领取红包 90 次`, `… 88 笔`.
    expect(cards).toContain('扫码次数 48,000 次');
    expect(cards).toContain('首次扫码 15,998 个码');
    expect(cards).toContain('红包领取 4,321 次');
    expect(cards).toContain('被拒领取 1,234 次');
    expect(cards.find((card) => card.startsWith('已到账'))).toMatch(/ 4,000 笔$/);
  });

  test('a period without scans says so instead of drawing empty charts', async () => {
    stubAdminAs('viewer', statsHandlers([0, 0, 0, 0, 0, 0, 0]));
    const page = await renderPage(STATS_PAGE);
    await settle(6);
    expect(page.querySelector('#stats-empty')).toBeTruthy();
    expect(visibleText(page)).toContain('这段时间还没有扫码');
    expect(page.querySelector('#scan-chart')).toBeFalsy();
    // A viewer reads the figures but is not offered the export.
    expect(page.querySelector('#open-export')).toBeFalsy();
  });

  test('a failed read shows the Chinese message and its code, and 重试 reads again', async () => {
    let failing = true;
    const handlers = statsHandlers();
    const calls = stubAdminAs('operator', {
      ...handlers,
      scanStats: (call) => (failing ? fail('NETWORK_ERROR') : handlers.scanStats!(call)),
    });
    const page = await renderPage(STATS_PAGE);
    await settle(6);
    expect(visibleText(page)).toContain('网络异常，请检查网络后下拉刷新');
    expect(visibleText(page)).toContain('NETWORK_ERROR');

    failing = false;
    const before = calls.length;
    await dispatchIn(page, '#stats-error >>> .load-state__retry', 'click').catch(async () =>
      callPageMethod(page, 'onRetry'),
    );
    await settle(6);
    expect(calls.length).toBeGreaterThan(before);
    expect(visibleText(page)).toContain('扫码次数');
    expect(visibleText(page)).not.toContain('NETWORK_ERROR');
  });

  test('today reads hours; 近30天 reads days; pull to refresh reads again and stops the spinner', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-03-14T12:00:00+08:00') });
    const calls = stubAdminAs('operator', statsHandlers());
    const stop = vi.fn();
    stubWx({ stopPullDownRefresh: stop });
    const page = await renderPage(STATS_PAGE);
    await settle(6);

    await dispatchIn(page, '#preset-today', 'tap');
    await settle(6);
    const today = calls
      .filter((call) => call.data.action === 'scanStats' && !call.data.groupBy)
      .at(-1);
    expect(today?.data).toMatchObject({
      from: '2026-03-13T16:00:00.000Z',
      to: '2026-03-14T16:00:00.000Z',
      granularity: 'hour',
    });
    expect(findByClass(page, 'range-chip--on').map((chip) => chip.textContent?.trim())).toEqual([
      '今天',
      '按小时',
    ]);

    const beforeMonth = calls.length;
    await dispatchIn(page, '#preset-30d', 'tap');
    await settle(6);
    // The trend by day, and the same days by hour for the hour-of-day heat.
    const month = calls
      .slice(beforeMonth)
      .filter((call) => call.data.action === 'scanStats' && !call.data.groupBy)
      .map((call) => ({ from: call.data.from, granularity: call.data.granularity }));
    expect(month).toEqual([
      { from: '2026-02-12T16:00:00.000Z', granularity: 'day' },
      { from: '2026-02-12T16:00:00.000Z', granularity: 'hour' },
    ]);
    expect(findByClass(page, 'range-chip--on').map((chip) => chip.textContent?.trim())).toEqual([
      '近30天',
      '按天',
    ]);

    const before = calls.length;
    await callPageMethod(page, 'onPullDownRefresh');
    await settle(6);
    expect(calls.length).toBeGreaterThan(before);
    expect(stop).toHaveBeenCalled();
  });

  test('a section that fails says so on its own; the rest of the page stands', async () => {
    stubAdminAs('operator', { ...statsHandlers(), rewardStats: () => fail('INTERNAL') });
    const page = await renderPage(STATS_PAGE);
    await settle(6);
    const text = visibleText(page);
    expect(text).toContain('服务暂时不可用，请稍后重试（点此重试）');
    expect(text).toContain('扫码次数');
    expect(findByClass(page, 'province-row')).toHaveLength(3);
  });
});

// ---------------------------------------------------------------------------------------------

function progress(overrides: Partial<ExportProgress> = {}): ExportProgress {
  return {
    exportId: 'exp-1',
    kind: 'scans',
    title: '扫码记录 2026-02-13 至 2026-03-14',
    state: 'running',
    rowsDone: 100_000,
    filesDone: 1,
    rowsPlanned: 250_000,
    files: [
      {
        name: 'scans-20260213-20260314-01.csv',
        fileID: 'cloud://env/exports/exp-1/scans-20260213-20260314-01.csv',
        url: 'https://files.example/exp-1/01.csv',
        bytes: 7_340_032,
      },
    ],
    linksExpireAt: '2026-03-15T04:00:00.000Z',
    createdAt: '2026-03-14T04:00:00.000Z',
    ...overrides,
  };
}

describe('导出', () => {
  test('starts an export of the chosen data and dates, then shows its progress and links', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-03-14T12:00:00+08:00') });
    let exports: ExportProgress[] = [];
    const calls = stubAdminAs('marketer', {
      listExports: () => ok({ exports }),
      listProducts: () => ok({ products: [] }),
      listCampaigns: () => ok({ campaigns: [{ campaignId: 'camp-spring', name: '春季扫码红包' }] }),
      exportData: () => {
        exports = [progress({ kind: 'payouts', title: '红包发放 2026-02-13 至 2026-03-14' })];
        return ok({ exportId: 'exp-1' });
      },
    });
    const copy = vi.fn();
    stubWx({ setClipboardData: copy });
    const page = await renderPage(EXPORT_PAGE);
    await settle(6);
    expect(page.querySelector('.exports-empty')).toBeTruthy();
    expect(visibleText(page)).toContain('还没有导出');

    await dispatchIn(page, '#kind-payouts', 'tap');
    await settle();
    await dispatchIn(page, '#campaign-picker', 'change', { value: '1' });
    await settle();
    await tapVanButton(page, '.start-export');
    await settle(6);

    const started = calls.find((call) => call.data.action === 'exportData');
    expect(started?.data).toEqual({
      action: 'exportData',
      kind: 'payouts',
      from: '2026-02-12T16:00:00.000Z',
      to: '2026-03-14T16:00:00.000Z',
      campaignId: 'camp-spring',
    });
    const text = visibleText(page);
    expect(text).toContain('已开始导出');
    expect(text).toContain('红包发放 2026-02-13 至 2026-03-14');
    expect(text).toContain('导出中');
    expect(text).toContain('已导出 100000 / 约 250000 行，1 个文件');
    expect(text).toContain('7.0 MB · 复制链接');
    expect(text).toMatch(/链接有效至 3月15日 12:00/);
    // One export at a time: the button waits while this one runs.
    expect(text).toContain('导出进行中…');

    await dispatchIn(page, '.export-file', 'tap');
    expect(copy).toHaveBeenCalledWith({ data: 'https://files.example/exp-1/01.csv' });
  });

  test('a refused export says why in Chinese; a finished one shows 已完成 with every file', async () => {
    stubAdminAs('operator', {
      listExports: () =>
        ok({
          exports: [
            progress({
              state: 'done',
              rowsDone: 250_000,
              filesDone: 3,
              files: [1, 2, 3].map((n) => ({
                name: `scans-20260213-20260314-0${n}.csv`,
                fileID: `cloud://env/${n}`,
                url: `https://files.example/${n}.csv`,
                bytes: 1024 * 300,
              })),
            }),
          ],
        }),
      listProducts: () => ok({ products: [] }),
      listCampaigns: () => ok({ campaigns: [] }),
      exportData: () => fail('EXPORT_IN_PROGRESS'),
    });
    const page = await renderPage(EXPORT_PAGE);
    await settle(6);
    const text = visibleText(page);
    expect(text).toContain('已完成');
    expect(text).toContain('共 250000 行，3 个文件');
    expect(findByClass(page, 'export-file')).toHaveLength(3);

    await tapVanButton(page, '.start-export');
    await settle(6);
    expect(visibleText(page)).toContain('你已有一个导出正在进行，请等它完成后再导出');
  });

  test('a viewer is told the role cannot export, and nothing is asked of the server', async () => {
    const calls = stubAdminAs('viewer', {});
    const page = await renderPage(EXPORT_PAGE);
    await settle(6);
    expect(visibleText(page)).toContain('你的角色不能导出数据');
    expect(actionsOf(calls)).toEqual(['me']);
  });
});
