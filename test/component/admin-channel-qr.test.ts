// @vitest-environment jsdom
/**
 * 渠道二维码 list and 二维码详情: search by name, filter by status, each code's type, status,
 * expiry and figures; copy (refused for failed creations) and batch delete with the seed's two
 * prompts; the details with the QR image, the URL to copy, settings, replies and five metrics.
 * A viewer sees no button that writes.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type {
  ChannelQrDetails,
  ChannelQrResult,
  DeleteChannelQrsResult,
  ListChannelQrsResult,
  MemberRole,
} from '../../typings/admin';
import { listed, metrics, qrView } from './admin-channel-qr-fixtures';
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

const LIST_PAGE = 'admin/pages/channel-qr/index';
const DETAIL_PAGE = 'admin/pages/channel-qr/detail/index';

const ACTIVE = listed(qrView(), { scans: 12, newFollowers: 5 });
const PERMANENT = listed(
  qrView({
    qrId: 'qr-live',
    name: '直播间',
    type: 'permanent',
    expiresAt: undefined,
    expireSeconds: undefined,
    channel: '直播',
  }),
  { scans: 3, newFollowers: 1 },
);
const FAILED = listed(
  qrView({ qrId: 'qr-failed', name: '包裹卡', status: 'creation_failed', ticket: '', url: '' }),
);
const EXPIRED = listed(qrView({ qrId: 'qr-old', name: '去年海报', status: 'expired' }));

function stub(role: MemberRole, handlers: AdminHandlers = {}): CloudCall[] {
  return stubAdminAs(
    role,
    {
      listChannelQrs: () => ok<ListChannelQrsResult>({ qrs: [ACTIVE, PERMANENT, FAILED, EXPIRED] }),
      getChannelQr: () =>
        ok<ChannelQrDetails>({
          qr: qrView(),
          metrics: metrics({
            scans: 12,
            scanners: 9,
            newFollowers: 5,
            repliesSent: 8,
            repliesReceived: 7,
          }),
        }),
    },
    handlers,
  );
}

/** wx.showModal answering as a person who taps confirm (true) or cancel (false). */
function answerModal(confirm: boolean) {
  const showModal = vi.fn(
    (options: { content?: string; success?: (r: { confirm: boolean }) => void }) => {
      options.success?.({ confirm });
    },
  );
  stubWx({ showModal, showToast: vi.fn() });
  return showModal;
}

afterEach(cleanup);

describe('渠道二维码 list', () => {
  test('each code with its type, status in Chinese, expiry and figures', async () => {
    const calls = stub('operator');
    const page = await renderPage(LIST_PAGE);
    expect(requestsOf(calls, 'listChannelQrs')).toEqual([{ limit: 100 }]);
    expect(textsOf(page, 'qr-name')).toEqual(['上海门店海报', '直播间', '包裹卡', '去年海报']);
    expect(textsOf(page, 'qr-status')).toEqual(['生效中', '生效中', '创建失败', '已过期']);
    expect(textsOf(page, 'qr-type')).toEqual([
      '临时二维码',
      '永久二维码',
      '临时二维码',
      '临时二维码',
    ]);
    expect(textsOf(page, 'qr-expiry')).toEqual([
      '有效期至 2025-03-31 00:00',
      '永久有效',
      '有效期至 2025-03-31 00:00',
      '已于 2025-03-31 00:00 过期',
    ]);
    expect(textsOf(page, 'qr-scans').slice(0, 2)).toEqual(['扫码次数 12', '扫码次数 3']);
    expect(textsOf(page, 'qr-followers').slice(0, 2)).toEqual(['新增关注 5', '新增关注 1']);
  });

  test('search by name and filter by status ask the server for exactly that', async () => {
    const calls = stub('operator', {
      listChannelQrs: (call) =>
        ok<ListChannelQrsResult>({
          qrs: [ACTIVE, PERMANENT, FAILED, EXPIRED].filter(
            (qr) =>
              (!call.data.status || qr.status === call.data.status) &&
              (!call.data.keyword || qr.name.includes(String(call.data.keyword))),
          ),
        }),
    });
    const page = await renderPage(LIST_PAGE);
    await typeIntoVanField(page, '#search-field', '直播');
    await tapVanButton(page, '.search-button');
    expect(requestsOf(calls, 'listChannelQrs').at(-1)).toEqual({ keyword: '直播', limit: 100 });
    expect(textsOf(page, 'qr-name')).toEqual(['直播间']);

    await dispatchIn(page, '#status-filter', 'change', { value: 4 });
    expect(requestsOf(calls, 'listChannelQrs').at(-1)).toEqual({
      keyword: '直播',
      status: 'creation_failed',
      limit: 100,
    });
    expect(textsOf(page, 'filter-value')[0]).toContain('创建失败');
    expect(textsOf(page, 'qrs-empty')[0]).toContain('没有符合条件的二维码');
  });

  test('skeletons while loading, then an empty state offering 新建渠道码', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    stub('operator', {
      listChannelQrs: async () => {
        await gate;
        return ok<ListChannelQrsResult>({ qrs: [] });
      },
    });
    const navigateTo = vi.fn();
    stubWx({ navigateTo });
    const page = await renderPage(LIST_PAGE);
    expect(findByClass(page, 'list-skeleton')).toHaveLength(1);
    release();
    await settle();
    expect(findByClass(page, 'list-skeleton')).toHaveLength(0);
    expect(textsOf(page, 'empty-text')).toEqual(['还没有渠道二维码']);
    await tapVanButton(page, '.empty-create');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/admin/pages/channel-qr/edit/index' });
  });

  test('a viewer sees the codes but no 新建, 复制 or delete; selecting only downloads', async () => {
    stub('viewer');
    const page = await renderPage(LIST_PAGE);
    expect(textsOf(page, 'qr-name')).toHaveLength(4);
    expect(findByClass(page, 'create-qr')).toHaveLength(0);
    expect(findByClass(page, 'qr-copy')).toHaveLength(0);
    expect(visibleText(page)).not.toContain('新建渠道码');
    // Downloads are reads: a viewer selects codes for the zip and the links, never to delete.
    expect(findByClass(page, 'qr-check')).toHaveLength(4);
    await dispatchIn(page, '.qr-check', 'tap');
    expect(textsOf(page, 'batch-count')).toEqual(['已选 1 个']);
    expect(findByClass(page, 'batch-zip')).toHaveLength(1);
    expect(findByClass(page, 'batch-links')).toHaveLength(1);
    expect(findByClass(page, 'batch-delete')).toHaveLength(0);
  });

  test('batch delete of a live code warns that it still makes followers', async () => {
    const calls = stub('operator', {
      deleteChannelQrs: () =>
        ok<DeleteChannelQrsResult>({
          deleted: [
            { qrId: 'qr-store', previousStatus: 'active' },
            { qrId: 'qr-old', previousStatus: 'expired' },
          ],
          skipped: [],
        }),
    });
    const showModal = answerModal(true);
    const page = await renderPage(LIST_PAGE);
    await dispatchIn(page, '.qr-0 .qr-check', 'tap');
    await dispatchIn(page, '.qr-3 .qr-check', 'tap');
    expect(textsOf(page, 'batch-count')).toEqual(['已选 2 个']);
    await tapVanButton(page, '.batch-delete');
    expect(showModal.mock.calls[0]![0]).toMatchObject({
      title: '批量删除 2 个二维码',
      content:
        '删除后，受微信限制该二维码仍可扫码关注公众号，但其渠道、标签和自动回复等配置将不再生效。确定删除吗？',
    });
    expect(requestsOf(calls, 'deleteChannelQrs')).toEqual([{ qrIds: ['qr-store', 'qr-old'] }]);
    expect(findByClass(page, 'batch-bar')).toHaveLength(0);
  });

  test('deleting only expired or failed codes says they leave the list; cancel sends nothing', async () => {
    const calls = stub('operator');
    const showModal = answerModal(false);
    const page = await renderPage(LIST_PAGE);
    await dispatchIn(page, '.qr-2 .qr-check', 'tap');
    await dispatchIn(page, '.qr-3 .qr-check', 'tap');
    await tapVanButton(page, '.batch-delete');
    expect(showModal.mock.calls[0]![0].content).toBe(
      '二维码已过期或创建失败，删除后将不再显示在列表中。确定删除吗？',
    );
    expect(requestsOf(calls, 'deleteChannelQrs')).toEqual([]);
    expect(textsOf(page, 'batch-count')).toEqual(['已选 2 个']);
  });

  test('copy is refused for a failed creation, saying why; otherwise confirmed and opened', async () => {
    const calls = stub('operator', {
      copyChannelQr: () =>
        ok<ChannelQrResult>({ qr: qrView({ qrId: 'qr-copy', name: '上海门店海报_copy' }) }),
    });
    const showModal = answerModal(true);
    const navigateTo = vi.fn();
    stubWx({ navigateTo });
    const page = await renderPage(LIST_PAGE);
    await dispatchIn(page, '.qr-2 .qr-copy', 'tap');
    expect(showModal.mock.calls[0]![0]).toMatchObject({
      title: '不能复制',
      content: '创建失败的二维码不能复制，请新建二维码',
    });
    expect(requestsOf(calls, 'copyChannelQr')).toEqual([]);

    await dispatchIn(page, '.qr-0 .qr-copy', 'tap');
    expect(showModal.mock.calls[1]![0].content).toContain('上海门店海报_copy');
    expect(requestsOf(calls, 'copyChannelQr')).toEqual([{ qrId: 'qr-store' }]);
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/admin/pages/channel-qr/edit/index?qrId=qr-copy',
    });
  });

  test('a failed load says why in Chinese and retries; pull to refresh reads again', async () => {
    let fails = true;
    const calls = stub('operator', {
      listChannelQrs: () =>
        fails ? fail('NETWORK_ERROR') : ok<ListChannelQrsResult>({ qrs: [ACTIVE] }),
    });
    const stopPullDownRefresh = vi.fn();
    stubWx({ stopPullDownRefresh });
    const page = await renderPage(LIST_PAGE);
    expect(visibleText(page)).toContain('网络异常，请检查网络后重试');
    fails = false;
    await dispatchIn(page, '#list-error', 'retry');
    expect(textsOf(page, 'qr-name')).toEqual(['上海门店海报']);
    await callPageMethod(page, 'onPullDownRefresh');
    await settle();
    expect(requestsOf(calls, 'listChannelQrs')).toHaveLength(3);
    expect(stopPullDownRefresh).toHaveBeenCalled();
  });
});

describe('二维码详情', () => {
  test('the code, its URL to copy, settings, replies in order and the five metrics', async () => {
    const calls = stub('operator');
    const setClipboardData = vi.fn();
    stubWx({ setClipboardData });
    const page = await renderPage(DETAIL_PAGE, { qrId: 'qr-store' });
    expect(requestsOf(calls, 'getChannelQr')).toEqual([{ qrId: 'qr-store' }]);
    expect(page.querySelector('#channel-qr')).toBeTruthy();
    expect(textsOf(page, 'qr-url')).toEqual(['http://weixin.qq.com/q/store-poster']);
    await tapVanButton(page, '.copy-url');
    expect(setClipboardData).toHaveBeenCalledWith({ data: 'http://weixin.qq.com/q/store-poster' });
    expect(textsOf(page, 'qr-status')).toEqual(['生效中']);
    expect(textsOf(page, 'qr-expiry')).toEqual(['有效期至 2025-03-31 00:00']);
    expect(textsOf(page, 'qr-channel')).toEqual(['门店']);
    expect(textsOf(page, 'qr-tag')).toEqual(['门店用户']);
    expect(textsOf(page, 'reply-kind')).toEqual(['1. 文字', '2. 图片']);
    expect(textsOf(page, 'reply-body')[0]).toBe('欢迎关注码上！');
    expect(textsOf(page, 'metric__label')).toEqual([
      '扫码次数',
      '扫码人数',
      '新增关注',
      '回复发送',
      '回复触达',
    ]);
    expect(textsOf(page, 'metric__value')).toEqual(['12', '9', '5', '8', '7']);
  });

  test('pull to refresh reads the figures again', async () => {
    let scans = 0;
    stub('operator', {
      getChannelQr: () =>
        ok<ChannelQrDetails>({ qr: qrView(), metrics: metrics({ scans: ++scans }) }),
    });
    const stopPullDownRefresh = vi.fn();
    stubWx({ stopPullDownRefresh });
    const page = await renderPage(DETAIL_PAGE, { qrId: 'qr-store' });
    expect(textsOf(page, 'metric__value')[0]).toBe('1');
    await callPageMethod(page, 'onPullDownRefresh');
    await settle();
    expect(textsOf(page, 'metric__value')[0]).toBe('2');
    expect(stopPullDownRefresh).toHaveBeenCalled();
  });

  test("a failed creation shows WeChat's reason and refuses a copy", async () => {
    const calls = stub('operator', {
      getChannelQr: () =>
        ok<ChannelQrDetails>({
          qr: qrView({
            status: 'creation_failed',
            url: '',
            ticket: '',
            failureReason: '45029 qrcode count out of limit',
          }),
          metrics: metrics(),
        }),
    });
    const showModal = answerModal(true);
    const page = await renderPage(DETAIL_PAGE, { qrId: 'qr-store' });
    expect(page.querySelector('#channel-qr')).toBeFalsy();
    expect(textsOf(page, 'qr-failure')).toEqual(['创建失败：45029 qrcode count out of limit']);
    await tapVanButton(page, '.copy-qr');
    expect(showModal.mock.calls[0]![0].content).toBe('创建失败的二维码不能复制，请新建二维码');
    expect(requestsOf(calls, 'copyChannelQr')).toEqual([]);
  });

  test("delete asks first with the seed's prompt; a viewer sees no write button", async () => {
    const calls = stub('operator', {
      deleteChannelQrs: () =>
        ok<DeleteChannelQrsResult>({
          deleted: [{ qrId: 'qr-store', previousStatus: 'active' }],
          skipped: [],
        }),
    });
    const showModal = answerModal(true);
    const page = await renderPage(DETAIL_PAGE, { qrId: 'qr-store' });
    await tapVanButton(page, '.delete-qr');
    expect(showModal.mock.calls[0]![0].content).toContain('仍可扫码关注公众号');
    expect(requestsOf(calls, 'deleteChannelQrs')).toEqual([{ qrIds: ['qr-store'] }]);
    cleanup();

    stub('viewer');
    const viewer = await renderPage(DETAIL_PAGE, { qrId: 'qr-store' });
    expect(textsOf(viewer, 'metric__value')).toHaveLength(5);
    for (const button of ['edit-qr', 'copy-qr', 'delete-qr'])
      expect(findByClass(viewer, button)).toHaveLength(0);
  });

  test('an unknown code says so in Chinese', async () => {
    stub('operator', { getChannelQr: () => fail('QR_NOT_FOUND', '二维码不存在') });
    const page = await renderPage(DETAIL_PAGE, { qrId: 'nope' });
    expect(visibleText(page)).toContain('二维码不存在，可能已被删除，请返回列表刷新');
  });
});
