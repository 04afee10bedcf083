// @vitest-environment jsdom
/**
 * 扫码用户 of a channel QR code (issue 11 point 5): the list by scan time either way, one OpenID
 * looked up, pages on reaching the bottom; the export of the list as filtered with its progress,
 * files and failure, resumed after leaving the page; audiences frozen and listed. A viewer reads
 * and never sees a button that writes.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type {
  AudienceResult,
  AudienceView,
  ExportProgress,
  ExportStarted,
  ListAudiencesResult,
  ListQrScannersResult,
  MemberRole,
  QrScannerView,
} from '../../typings/admin';
import { fail, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
import {
  callPageMethod,
  type CloudCall,
  cleanup,
  dispatchIn,
  findByClass,
  renderPage,
  settle,
  stubWx,
  tapVanButton,
  typeIntoVanField,
  visibleText,
  requestsOf,
  textsOf,
} from './harness';

const PAGE = 'admin/pages/channel-qr/scanners/index';
const QR_ID = 'qr-store';
const STORAGE_KEY = `channel-qr-scanner-export:${QR_ID}`;

function scanner(index: number, overrides: Partial<QrScannerView> = {}): QrScannerView {
  return {
    openid: `o-scanner-${String(index).padStart(4, '0')}`,
    tags: ['门店用户'],
    // 2025-03-01 09:30 China time, a minute later per user.
    firstScanAt: new Date(Date.UTC(2025, 2, 1, 1, 30 + index)).toISOString(),
    lastScanAt: new Date(Date.UTC(2025, 2, 1, 1, 30 + index)).toISOString(),
    scans: 1,
    followedFromQr: true,
    replyStatus: 'sent',
    ...overrides,
  };
}

const FIRST_PAGE = Array.from({ length: 20 }, (_, index) => scanner(100 - index));

function progress(overrides: Partial<ExportProgress> = {}): ExportProgress {
  return {
    exportId: 'exp-1',
    kind: 'qrScanners',
    title: '门店码 扫码用户',
    state: 'running',
    rowsDone: 100_000,
    filesDone: 1,
    rowsPlanned: 250_000,
    files: [
      {
        name: 'qr-store-scanners-1.csv',
        fileID: 'cloud://local/exports/exp-1/1.csv',
        url: 'http://127.0.0.1/exports/exp-1/1.csv?sign=a',
        bytes: 7_340_032,
      },
    ],
    linksExpireAt: '2025-03-02T01:30:00.000Z',
    createdAt: '2025-03-01T01:30:00.000Z',
    ...overrides,
  };
}

function audience(overrides: Partial<AudienceView> = {}): AudienceView {
  return {
    audienceId: 'aud-1',
    name: '三月门店新客',
    qrId: QR_ID,
    state: 'ready',
    size: 9,
    snapshotAt: '2025-03-01T02:00:00.000Z',
    createdAt: '2025-03-01T02:00:00.000Z',
    ...overrides,
  };
}

function stub(role: MemberRole, handlers: AdminHandlers = {}): CloudCall[] {
  return stubAdminAs(
    role,
    {
      listQrScanners: () => ok<ListQrScannersResult>({ scanners: [scanner(2), scanner(1)] }),
      listAudiences: () => ok<ListAudiencesResult>({ audiences: [] }),
    },
    handlers,
  );
}

function answerModal(confirm: boolean) {
  const showModal = vi.fn(
    (options: { content?: string; success?: (r: { confirm: boolean }) => void }) => {
      options.success?.({ confirm });
    },
  );
  stubWx({ showModal, showToast: vi.fn() });
  return showModal;
}

/** The phone's storage, as wx.*StorageSync keep it. */
function stubStorage(initial: Record<string, unknown> = {}): Map<string, unknown> {
  const kept = new Map(Object.entries(initial));
  stubWx({
    getStorageSync: (key: string) => (kept.has(key) ? kept.get(key) : ''),
    setStorageSync: (key: string, data: unknown) => kept.set(key, data),
    removeStorageSync: (key: string) => kept.delete(key),
  });
  return kept;
}

afterEach(() => {
  vi.useRealTimers();
  cleanup();
});

describe('扫码用户 list', () => {
  test('skeletons while loading, then each user with tags, scan time, follow and reply status', async () => {
    let release: () => void = () => undefined;
    const calls = stub('operator', {
      listQrScanners: () =>
        new Promise((resolve) => {
          release = () =>
            resolve(
              ok<ListQrScannersResult>({
                scanners: [
                  scanner(2, { scans: 3, lastScanAt: '2025-03-02T04:00:00.000Z' }),
                  scanner(1, { followedFromQr: false, replyStatus: 'failed', tags: [] }),
                ],
              }),
            );
        }),
    });
    const page = await renderPage(PAGE, { qrId: QR_ID });
    expect(findByClass(page, 'list-skeleton')).toHaveLength(1);
    release();
    await settle();
    expect(findByClass(page, 'list-skeleton')).toHaveLength(0);
    expect(requestsOf(calls, 'listQrScanners')).toEqual([
      { qrId: QR_ID, order: 'desc', limit: 20 },
    ]);
    expect(textsOf(page, 'scanner-openid')).toEqual(['o-scanner-0002', 'o-scanner-0001']);
    expect(textsOf(page, 'scanner-time')).toEqual([
      '首次扫码 2025-03-01 09:32',
      '首次扫码 2025-03-01 09:31',
    ]);
    expect(textsOf(page, 'scanner-repeat')).toEqual(['扫码 3 次，最近 2025-03-02 12:00']);
    expect(textsOf(page, 'scanner-follow')).toEqual(['扫码后关注', '已关注用户扫码']);
    expect(textsOf(page, 'scanner-tag')).toEqual(['门店用户']);
    expect(textsOf(page, 'scanner-reply')).toEqual(['回复已发送', '回复发送失败']);
    expect(textsOf(page, 'list-end')).toEqual(['没有更多用户了']);
  });

  test('no scanners yet: an empty state that says what will appear', async () => {
    stub('operator', { listQrScanners: () => ok<ListQrScannersResult>({ scanners: [] }) });
    const page = await renderPage(PAGE, { qrId: QR_ID });
    expect(textsOf(page, 'empty-text')).toEqual(['还没有用户扫码']);
    expect(visibleText(page)).toContain('未关注用户扫码后未关注不计入');
  });

  test('a refused list shows our Chinese words and its code, and retry recovers', async () => {
    let refuse = true;
    stub('operator', {
      listQrScanners: () =>
        refuse ? fail('QR_NOT_FOUND') : ok<ListQrScannersResult>({ scanners: [scanner(1)] }),
    });
    const page = await renderPage(PAGE, { qrId: QR_ID });
    expect(visibleText(page)).toContain('二维码不存在，可能已被删除，请返回列表刷新');
    expect(visibleText(page)).toContain('QR_NOT_FOUND');
    refuse = false;
    await tapVanButton(page, '#list-error >>> .retry-button');
    expect(textsOf(page, 'scanner-openid')).toEqual(['o-scanner-0001']);
  });

  test('look up one OpenID, sort oldest first, and clear the lookup', async () => {
    const calls = stub('operator', {
      listQrScanners: (call) =>
        ok<ListQrScannersResult>({
          scanners: call.data.openid
            ? [scanner(1)].filter((one) => one.openid === call.data.openid)
            : call.data.order === 'asc'
              ? [scanner(1), scanner(2)]
              : [scanner(2), scanner(1)],
        }),
    });
    const page = await renderPage(PAGE, { qrId: QR_ID });
    await typeIntoVanField(page, '#openid-field', '  o-scanner-0001 ');
    await tapVanButton(page, '.search-button');
    expect(requestsOf(calls, 'listQrScanners').at(-1)).toEqual({
      qrId: QR_ID,
      order: 'desc',
      openid: 'o-scanner-0001',
      limit: 20,
    });
    expect(textsOf(page, 'scanner-openid')).toEqual(['o-scanner-0001']);
    expect(textsOf(page, 'export-button')).toEqual(['导出查找结果']);

    await typeIntoVanField(page, '#openid-field', 'o-nobody');
    await tapVanButton(page, '.search-button');
    expect(textsOf(page, 'empty-text')).toEqual(['没有这个 OpenID 的扫码记录']);

    await callPageMethod(page, 'onClearSearch');
    await settle();
    await dispatchIn(page, '.order-toggle', 'tap');
    expect(requestsOf(calls, 'listQrScanners').at(-1)).toEqual({
      qrId: QR_ID,
      order: 'asc',
      limit: 20,
    });
    expect(textsOf(page, 'order-toggle')).toEqual(['扫码时间：最早扫码在前 ⇅']);
    expect(textsOf(page, 'scanner-openid')).toEqual(['o-scanner-0001', 'o-scanner-0002']);
  });

  test('reaching the bottom loads the next page after the last one shown', async () => {
    const calls = stub('operator', {
      listQrScanners: (call) =>
        ok<ListQrScannersResult>({
          scanners: call.data.offset ? [scanner(80), scanner(79)] : FIRST_PAGE,
        }),
    });
    const page = await renderPage(PAGE, { qrId: QR_ID });
    expect(findByClass(page, 'scanner-openid')).toHaveLength(20);
    expect(findByClass(page, 'more-button')).toHaveLength(1);
    await callPageMethod(page, 'onReachBottom');
    await settle();
    expect(requestsOf(calls, 'listQrScanners').at(-1)).toEqual({
      qrId: QR_ID,
      order: 'desc',
      limit: 20,
      offset: 20,
    });
    expect(textsOf(page, 'scanner-openid').slice(-2)).toEqual(['o-scanner-0080', 'o-scanner-0079']);
    expect(textsOf(page, 'list-end')).toEqual(['没有更多用户了']);
  });

  test('a failed next page keeps the list and says why', async () => {
    stub('operator', {
      listQrScanners: (call) =>
        call.data.offset
          ? { throws: 'timeout' }
          : ok<ListQrScannersResult>({ scanners: FIRST_PAGE }),
    });
    const page = await renderPage(PAGE, { qrId: QR_ID });
    await tapVanButton(page, '.more-button');
    expect(findByClass(page, 'scanner-openid')).toHaveLength(20);
    expect(textsOf(page, 'page-notice')).toEqual(['网络异常，请检查网络后重试']);
  });
});

describe('pull to refresh', () => {
  test('reads the users, the export shown and the audiences again', async () => {
    stubStorage({ [STORAGE_KEY]: { exportId: 'exp-1' } });
    const calls = stub('operator', {
      getExport: () => ok<ExportProgress>(progress({ state: 'done' })),
    });
    const stopPullDownRefresh = vi.fn();
    stubWx({ stopPullDownRefresh });
    const page = await renderPage(PAGE, { qrId: QR_ID });
    await callPageMethod(page, 'onPullDownRefresh');
    await settle();
    expect(requestsOf(calls, 'listQrScanners')).toHaveLength(2);
    expect(requestsOf(calls, 'getExport')).toHaveLength(2);
    expect(requestsOf(calls, 'listAudiences')).toHaveLength(2);
    expect(stopPullDownRefresh).toHaveBeenCalled();
  });
});

describe('导出扫码用户', () => {
  test('exports the list as filtered, shows rows and percent, then the files with links', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const storage = stubStorage();
    let reads = 0;
    const calls = stub('operator', {
      exportQrScanners: () => ok<ExportStarted>({ exportId: 'exp-1' }),
      getExport: () =>
        ok<ExportProgress>(
          ++reads === 1
            ? progress({ rowsDone: 100_000, rowsPlanned: 250_000 })
            : progress({
                state: 'done',
                rowsDone: 250_012,
                filesDone: 3,
                finishedAt: '2025-03-01T01:32:00.000Z',
                files: [1, 2, 3].map((n) => ({
                  name: `qr-store-scanners-${n}.csv`,
                  fileID: `cloud://local/exports/exp-1/${n}.csv`,
                  url: `http://127.0.0.1/exports/exp-1/${n}.csv?sign=b`,
                  bytes: 7_340_032,
                })),
              }),
        ),
    });
    const showModal = answerModal(true);
    const setClipboardData = vi.fn();
    stubWx({ setClipboardData });
    const page = await renderPage(PAGE, { qrId: QR_ID });
    expect(findByClass(page, 'export-card')).toHaveLength(0);

    await tapVanButton(page, '.export-button');
    expect(showModal.mock.calls[0]![0].content).toContain('每 10 万行一个文件，最多 200 万行');
    expect(requestsOf(calls, 'exportQrScanners')).toEqual([{ qrId: QR_ID, order: 'desc' }]);
    expect(requestsOf(calls, 'getExport')).toEqual([{ exportId: 'exp-1' }]);
    expect(storage.get(STORAGE_KEY)).toEqual({ exportId: 'exp-1' });
    expect(textsOf(page, 'export-state')).toEqual(['导出中']);
    expect(textsOf(page, 'export-progress')).toEqual(['100,000 / 250,000 行（40%）']);
    const fill = findByClass(page, 'progress-bar__fill')[0]!;
    expect(fill.getAttribute('style')).toContain('width: 40%');
    expect(textsOf(page, 'export-file__name')).toEqual(['qr-store-scanners-1.csv']);

    // The scheduler finishes it; the page reads it again on its own.
    vi.advanceTimersByTime(3_000);
    await settle();
    expect(requestsOf(calls, 'getExport')).toHaveLength(2);
    expect(textsOf(page, 'export-state')).toEqual(['已完成']);
    expect(textsOf(page, 'export-progress')).toEqual(['已导出 250,012 行，共 3 个文件']);
    expect(textsOf(page, 'export-file__name')).toEqual([
      'qr-store-scanners-1.csv',
      'qr-store-scanners-2.csv',
      'qr-store-scanners-3.csv',
    ]);
    expect(textsOf(page, 'export-file__size')[0]).toBe('7.0 MB');
    expect(visibleText(page)).toContain('链接有效期至 2025-03-02 09:30');
    await dispatchIn(page, '.export-file-2 .copy-file-link', 'tap');
    expect(setClipboardData).toHaveBeenCalledWith({
      data: 'http://127.0.0.1/exports/exp-1/3.csv?sign=b',
    });
    // Done: no more reads.
    vi.advanceTimersByTime(9_000);
    await settle();
    expect(requestsOf(calls, 'getExport')).toHaveLength(2);
  });

  test('exports exactly the OpenID looked up, oldest first', async () => {
    stubStorage();
    const calls = stub('operator', {
      listQrScanners: () => ok<ListQrScannersResult>({ scanners: [scanner(1)] }),
      exportQrScanners: () => ok<ExportStarted>({ exportId: 'exp-2' }),
      getExport: () =>
        ok<ExportProgress>(
          progress({ exportId: 'exp-2', state: 'done', rowsDone: 1, rowsPlanned: 1 }),
        ),
    });
    answerModal(true);
    const page = await renderPage(PAGE, { qrId: QR_ID });
    await dispatchIn(page, '.order-toggle', 'tap');
    await typeIntoVanField(page, '#openid-field', 'o-scanner-0001');
    await tapVanButton(page, '.search-button');
    await tapVanButton(page, '.export-button');
    expect(requestsOf(calls, 'exportQrScanners')).toEqual([
      { qrId: QR_ID, order: 'asc', openid: 'o-scanner-0001' },
    ]);
    expect(textsOf(page, 'export-progress')).toEqual(['已导出 1 行，共 1 个文件']);
  });

  test('cancelling the confirmation exports nothing', async () => {
    stubStorage();
    const calls = stub('operator');
    answerModal(false);
    const page = await renderPage(PAGE, { qrId: QR_ID });
    await tapVanButton(page, '.export-button');
    expect(requestsOf(calls, 'exportQrScanners')).toEqual([]);
  });

  test('a failed export says so with the reason', async () => {
    stubStorage();
    stub('operator', {
      exportQrScanners: () => ok<ExportStarted>({ exportId: 'exp-3' }),
      getExport: () =>
        ok<ExportProgress>(
          progress({
            exportId: 'exp-3',
            state: 'failed',
            rowsDone: 0,
            filesDone: 0,
            files: [],
            linksExpireAt: undefined,
            error: '导出多次失败，已停止，请重新导出',
          }),
        ),
    });
    answerModal(true);
    const page = await renderPage(PAGE, { qrId: QR_ID });
    await tapVanButton(page, '.export-button');
    expect(textsOf(page, 'export-state')).toEqual(['导出失败']);
    expect(textsOf(page, 'export-failure')).toEqual(['导出多次失败，已停止，请重新导出']);
    // Failed is final: the operator may export again.
    expect(findByClass(page, 'export-button')[0]?.outerHTML).not.toContain('disabled');
  });

  test('one export at a time: the refusal is shown in Chinese, nothing else changes', async () => {
    stubStorage();
    stub('operator', {
      exportQrScanners: () =>
        fail('EXPORT_IN_PROGRESS', '你已有一个导出正在进行，请等它完成后再导出'),
    });
    answerModal(true);
    const page = await renderPage(PAGE, { qrId: QR_ID });
    await tapVanButton(page, '.export-button');
    expect(textsOf(page, 'export-error')).toEqual(['你已有一个导出正在进行，请等它完成后再导出']);
    expect(findByClass(page, 'export-progress')).toHaveLength(0);
  });

  test('coming back to the page shows the running export again and follows it', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    stubStorage({ [STORAGE_KEY]: { exportId: 'exp-1' } });
    let reads = 0;
    const calls = stub('operator', {
      getExport: () =>
        ok<ExportProgress>(
          progress({ rowsDone: ++reads === 1 ? 200_000 : 250_000, filesDone: reads + 1 }),
        ),
    });
    const page = await renderPage(PAGE, { qrId: QR_ID });
    expect(requestsOf(calls, 'getExport')).toEqual([{ exportId: 'exp-1' }]);
    expect(textsOf(page, 'export-progress')).toEqual(['200,000 / 250,000 行（80%）']);
    // The counter was an estimate: past the plan, the bar waits at 99% for the job to say done.
    vi.advanceTimersByTime(3_000);
    await settle();
    expect(textsOf(page, 'export-progress')).toEqual(['250,000 / 250,000 行（99%）']);
    expect(findByClass(page, 'export-button')[0]?.outerHTML).toContain('disabled');
    // Leaving stops the reads.
    await callPageMethod(page, 'onHide');
    vi.advanceTimersByTime(30_000);
    await settle();
    expect(requestsOf(calls, 'getExport')).toHaveLength(2);
  });

  test('an export the server no longer knows is forgotten quietly', async () => {
    const storage = stubStorage({ [STORAGE_KEY]: { exportId: 'exp-gone' } });
    stub('operator', { getExport: () => fail('EXPORT_NOT_FOUND', '导出记录不存在') });
    const page = await renderPage(PAGE, { qrId: QR_ID });
    expect(findByClass(page, 'export-card')).toHaveLength(0);
    expect(storage.has(STORAGE_KEY)).toBe(false);
  });
});

describe('人群', () => {
  test('the code’s audiences with their size and snapshot time', async () => {
    const calls = stub('operator', {
      listAudiences: () =>
        ok<ListAudiencesResult>({
          audiences: [
            audience(),
            audience({ audienceId: 'aud-0', name: '开业首周', state: 'building', size: 1000 }),
          ],
        }),
    });
    const page = await renderPage(PAGE, { qrId: QR_ID });
    expect(requestsOf(calls, 'listAudiences')).toEqual([{ qrId: QR_ID, limit: 20 }]);
    expect(textsOf(page, 'audience-name')).toEqual(['三月门店新客', '开业首周']);
    expect(textsOf(page, 'audience-state')).toEqual(['已生成', '生成中']);
    expect(textsOf(page, 'audience-size')).toEqual(['9 人', '已加入 1000 人，下拉刷新查看进度']);
    expect(textsOf(page, 'audience-time')[0]).toBe('截至 2025-03-01 10:00');
  });

  test('audiences that cannot be read say why and retry, the users still shown', async () => {
    let refuse = true;
    stub('operator', {
      listAudiences: () =>
        refuse ? { throws: 'timeout' } : ok<ListAudiencesResult>({ audiences: [audience()] }),
    });
    const page = await renderPage(PAGE, { qrId: QR_ID });
    expect(textsOf(page, 'audiences-error')[0]).toContain('网络异常，请检查网络后重试');
    expect(textsOf(page, 'scanner-openid')).toHaveLength(2);
    refuse = false;
    await dispatchIn(page, '.retry-audiences', 'tap');
    expect(textsOf(page, 'audience-name')).toEqual(['三月门店新客']);
    expect(findByClass(page, 'audiences-error')).toHaveLength(0);
  });

  test('none yet: says so', async () => {
    stub('operator');
    const page = await renderPage(PAGE, { qrId: QR_ID });
    expect(textsOf(page, 'audiences-empty')).toEqual(['还没有保存的人群']);
  });

  test('saving one asks first, explaining it is frozen, then lists it', async () => {
    const calls = stub('operator', {
      createAudience: (call) =>
        ok<AudienceResult>({ audience: audience({ name: String(call.data.name), size: 2 }) }),
    });
    const showModal = answerModal(true);
    const page = await renderPage(PAGE, { qrId: QR_ID });
    await typeIntoVanField(page, '#audience-name', '三月门店新客');
    await tapVanButton(page, '.create-audience');
    expect(showModal.mock.calls[0]![0].content).toContain('之后新扫码的用户不会加入');
    expect(requestsOf(calls, 'createAudience')).toEqual([{ qrId: QR_ID, name: '三月门店新客' }]);
    expect(textsOf(page, 'audience-name')).toEqual(['三月门店新客']);
    expect(textsOf(page, 'audience-size')).toEqual(['2 人']);
    expect(textsOf(page, 'audience-state')).toEqual(['已生成']);
  });

  test('unnamed, it is named after the code and the time; cancelled, nothing is made', async () => {
    const calls = stub('operator', {
      createAudience: (call) =>
        ok<AudienceResult>({ audience: audience({ name: String(call.data.name) }) }),
    });
    answerModal(false);
    const page = await renderPage(PAGE, { qrId: QR_ID });
    await tapVanButton(page, '.create-audience');
    expect(requestsOf(calls, 'createAudience')).toEqual([]);
    answerModal(true);
    await tapVanButton(page, '.create-audience');
    expect(String(requestsOf(calls, 'createAudience')[0]?.name)).toMatch(
      /^渠道码 扫码用户 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
    );
  });

  test('a refused audience is explained and nothing is listed', async () => {
    stub('operator', { createAudience: () => fail('QR_NOT_FOUND') });
    answerModal(true);
    const page = await renderPage(PAGE, { qrId: QR_ID });
    await tapVanButton(page, '.create-audience');
    expect(textsOf(page, 'page-notice')).toEqual(['二维码不存在，可能已被删除，请返回列表刷新']);
    expect(findByClass(page, 'audience-row')).toHaveLength(0);
  });
});

describe('roles', () => {
  test('a viewer reads the users and audiences but cannot export or save audiences', async () => {
    stub('viewer', {
      listAudiences: () => ok<ListAudiencesResult>({ audiences: [audience()] }),
    });
    const page = await renderPage(PAGE, { qrId: QR_ID });
    expect(textsOf(page, 'scanner-openid')).toHaveLength(2);
    expect(textsOf(page, 'audience-name')).toEqual(['三月门店新客']);
    expect(findByClass(page, 'export-button')).toHaveLength(0);
    expect(findByClass(page, 'create-audience')).toHaveLength(0);
  });
});
