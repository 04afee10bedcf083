// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { CODES_ERROR_COPY } from '../../miniprogram/admin/pages/codes/present';
import { formatDateTime } from '../../miniprogram/utils/time';
import type {
  ApplyCodesResult,
  CodeActivationView,
  CodeApplicationView,
  ListApplicationsResult,
} from '../../typings/admin';
import type { Envelope } from '../../typings/envelope';
import { fail, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
import {
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

const CODES_PAGE = 'admin/pages/codes/index';
/** Codes whose server sentence says which field or line is wrong: shown after our words. */
const WITH_DETAIL = [
  'INVALID_ARGUMENT',
  'PACKAGE_RANGE_MISMATCH',
  'PACKAGE_DUPLICATE_CODE',
] as const;

function application(n: number, overrides: Partial<CodeApplicationView> = {}): CodeApplicationView {
  return {
    applicationId: String(880000 + n),
    isvApplicationId: `PO-${n}`,
    codeCount: 10_000,
    status: 'FINISH',
    ready: true,
    ranges: [{ codeStart: 0, codeEnd: 9_999 }],
    appliedAt: new Date(Date.UTC(2025, 2, 3, 10, 0) - n * 3_600_000).toISOString(),
    ...overrides,
  };
}

const APPLICATIONS = [
  application(1, { codeCount: 30_000, status: 'PROCESSING', ready: false, ranges: [] }),
  application(2),
];

const ACTIVATION: CodeActivationView = {
  code: 'A1b2C3d4E',
  applicationId: '880002',
  isvApplicationId: 'PO-2',
  codeStart: 0,
  codeEnd: 9_999,
  activityName: '山泉水 扫码验真',
  productBrand: '码上山泉',
  productTitle: '山泉水 550ml',
  productCode: '6901234567892',
  wxaAppid: 'wx0000000000000000',
  wxaPath: 'pages/landing/index',
  wxaType: 0,
  index: 17,
};

function stubAdmin(handlers: AdminHandlers = {}, role: 'operator' | 'viewer' = 'operator') {
  return stubAdminAs(
    role,
    {
      listApplications: () => ok<ListApplicationsResult>({ applications: APPLICATIONS }),
      applyCodes: (call) =>
        ok<ApplyCodesResult>({
          application: application(9, {
            codeCount: Number(call.data.count),
            isvApplicationId: String(call.data.isvApplicationId),
            status: 'APPLIED',
            ready: false,
            ranges: [],
          }),
          created: true,
        }),
      queryActivation: () => ok(ACTIVATION),
    },
    handlers,
  );
}

/** wx.showModal answering as a person who taps confirm (true) or cancel (false). */
function answerModal(confirm: boolean) {
  const showModal = vi.fn((options: { success?: (r: { confirm: boolean }) => void }) => {
    options.success?.({ confirm });
  });
  stubWx({ showModal, showLoading: vi.fn(), hideLoading: vi.fn() });
  return showModal;
}

afterEach(cleanup);

describe('码包 page: applications', () => {
  test('lists applications newest first: count, status in Chinese, order id, time', async () => {
    const calls = stubAdmin();
    const page = await renderPage(CODES_PAGE);
    expect(requestsOf(calls, 'listApplications')).toEqual([{ limit: 20, offset: 0 }]);
    expect(textsOf(page, 'application-count')).toEqual([
      '30,000 个码（3 万）',
      '10,000 个码（1 万）',
    ]);
    expect(textsOf(page, 'application-status')).toEqual(['生成中', '已生成']);
    expect(textsOf(page, 'application-order')).toEqual(['订单号 PO-1', '订单号 PO-2']);
    expect(visibleText(page)).toContain(`申请时间 ${formatDateTime(APPLICATIONS[0]!.appliedAt)}`);
    expect(visibleText(page)).toContain('没有更多申请单了');
  });

  test('shows skeletons while the list loads', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    stubAdmin({
      listApplications: async () => {
        await gate;
        return ok<ListApplicationsResult>({ applications: APPLICATIONS });
      },
    });
    const page = await renderPage(CODES_PAGE);
    expect(findByClass(page, 'list-skeleton')).toHaveLength(1);
    expect(findByClass(page, 'application-card')).toHaveLength(0);
    release();
    await settle();
    expect(findByClass(page, 'list-skeleton')).toHaveLength(0);
    expect(findByClass(page, 'application-card')).toHaveLength(2);
  });

  test('no application yet: an empty state that says how to start', async () => {
    stubAdmin({ listApplications: () => ok<ListApplicationsResult>({ applications: [] }) });
    const page = await renderPage(CODES_PAGE);
    expect(textsOf(page, 'codes-empty')).toEqual(['还没有申请过码包，在上方选择数量后申请']);
  });

  test.each(
    Object.entries(CODES_ERROR_COPY).filter(
      ([code]) => !(WITH_DETAIL as readonly string[]).includes(code),
    ),
  )(
    'a list refused with %s shows our words and its code, and retry recovers',
    async (code, words) => {
      const replies: Envelope<ListApplicationsResult>[] = [
        fail(code),
        ok({ applications: APPLICATIONS }),
      ];
      stubAdmin({ listApplications: () => replies.shift() });
      const page = await renderPage(CODES_PAGE);
      expect(visibleText(page)).toContain(words);
      expect(visibleText(page)).toContain(`错误码 ${code}`);
      expect(visibleText(page)).not.toContain('服务端的原话');
      await tapVanButton(page, '#list-error >>> .retry-button');
      expect(findByClass(page, 'application-card')).toHaveLength(2);
    },
  );

  test.each(WITH_DETAIL)(
    '%s names what to fix: our words, then the server sentence',
    async (code) => {
      stubAdmin({ listApplications: () => fail(code, '码包第 3 行的序号是 9，应为 2') });
      const page = await renderPage(CODES_PAGE);
      expect(visibleText(page)).toContain(
        `${CODES_ERROR_COPY[code]}：码包第 3 行的序号是 9，应为 2`,
      );
    },
  );

  test('tapping an application opens it', async () => {
    stubAdmin();
    const navigateTo = vi.fn();
    stubWx({ navigateTo });
    const page = await renderPage(CODES_PAGE);
    await dispatchIn(page, '.application-1', 'tap');
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/admin/pages/codes/application?applicationId=880002',
    });
  });

  test('pull to refresh reloads the list', async () => {
    const calls = stubAdmin();
    const stopPullDownRefresh = vi.fn();
    stubWx({ stopPullDownRefresh });
    const page = await renderPage(CODES_PAGE);
    await (page.instance as unknown as { onPullDownRefresh(): Promise<void> }).onPullDownRefresh();
    await settle();
    expect(requestsOf(calls, 'listApplications')).toHaveLength(2);
    expect(stopPullDownRefresh).toHaveBeenCalled();
  });
});

describe('码包 page: apply', () => {
  test('the count moves in steps of 10,000; apply asks first, then sends count and an order id', async () => {
    const calls = stubAdmin();
    const showModal = answerModal(true);
    const page = await renderPage(CODES_PAGE);

    await dispatchIn(page, '#count-stepper', 'change', 20_000);
    expect(textsOf(page, 'apply-count')).toEqual(['共 20,000 个码（2 万）']);
    // A typed count off the grid is put back on it.
    await dispatchIn(page, '#count-stepper', 'change', 23_456);
    expect(textsOf(page, 'apply-count')).toEqual(['共 20,000 个码（2 万）']);

    await tapVanButton(page, '.apply-button');
    expect(showModal).toHaveBeenCalledTimes(1);
    const [sent] = requestsOf(calls, 'applyCodes');
    expect(sent).toMatchObject({ count: 20_000 });
    expect(String(sent!.isvApplicationId)).toMatch(/^MS\d{14}-[0-9a-z]{8}$/);
    const modal = showModal.mock.calls[0]![0] as unknown as { content: string; title: string };
    expect(modal.title).toBe('申请码包');
    expect(modal.content).toContain('20,000 个码');
    expect(modal.content).toContain(String(sent!.isvApplicationId));

    expect(textsOf(page, 'page-notice')[0]).toBe('已提交申请：20,000 个码（2 万），申请单 880009');
    // The new application heads the list.
    expect(textsOf(page, 'application-count')[0]).toBe('20,000 个码（2 万）');
    expect(textsOf(page, 'application-status')[0]).toBe('已提交');
  });

  test('cancelling the confirmation applies for nothing', async () => {
    const calls = stubAdmin();
    answerModal(false);
    const page = await renderPage(CODES_PAGE);
    await tapVanButton(page, '.apply-button');
    expect(requestsOf(calls, 'applyCodes')).toEqual([]);
  });

  test('a retry after a timeout reuses the order id, so WeChat never orders twice', async () => {
    const replies: (Envelope<ApplyCodesResult> | { throws: string })[] = [
      { throws: 'timeout' },
      fail('UPSTREAM_ERROR'),
    ];
    const calls = stubAdmin({
      applyCodes: (call) =>
        replies.shift() ??
        ok<ApplyCodesResult>({
          application: application(9, { isvApplicationId: String(call.data.isvApplicationId) }),
          created: false,
        }),
    });
    const showModal = answerModal(true);
    const page = await renderPage(CODES_PAGE);

    await tapVanButton(page, '.apply-button');
    const first = String(requestsOf(calls, 'applyCodes')[0]!.isvApplicationId);
    expect(textsOf(page, 'page-notice')[0]).toBe(
      `网络异常，请检查网络后重试。再次点击申请将沿用订单号 ${first}，不会重复申请`,
    );
    expect(textsOf(page, 'pending-order')).toEqual([
      `上次申请结果未确认，重试将沿用订单号 ${first}，不会重复申请`,
    ]);

    await tapVanButton(page, '.apply-button');
    const modal = showModal.mock.calls[1]![0] as unknown as { title: string; content: string };
    expect(modal.title).toBe('重新提交申请');
    expect(modal.content).toContain('沿用上次的订单号');
    await tapVanButton(page, '.apply-button');

    const sent = requestsOf(calls, 'applyCodes').map((r) => r.isvApplicationId);
    expect(sent).toEqual([first, first, first]);
    // The server found the order already made: it says so, and the id is spent.
    expect(textsOf(page, 'page-notice')[0]).toBe(
      '该订单此前已提交成功（申请单 880009），没有重复申请',
    );
    expect(findByClass(page, 'pending-order')).toHaveLength(0);

    // The next order is a new one.
    await tapVanButton(page, '.apply-button');
    const next = requestsOf(calls, 'applyCodes').at(-1)!.isvApplicationId;
    expect(next).not.toBe(first);
  });

  test('the kept order id survives leaving and reopening the page', async () => {
    const replies: (Envelope<ApplyCodesResult> | { throws: string })[] = [{ throws: 'timeout' }];
    const calls = stubAdmin({
      applyCodes: () => replies.shift() ?? fail('INTERNAL'),
    });
    answerModal(true);
    const page = await renderPage(CODES_PAGE);
    await tapVanButton(page, '.apply-button');
    const first = requestsOf(calls, 'applyCodes')[0]!.isvApplicationId;
    // Same singleton store while the Mini Program runs: reopen the page in the same module graph.
    (page.instance as unknown as { onLoad(q: object): Promise<void> }).onLoad({});
    await settle();
    await tapVanButton(page, '.apply-button');
    expect(requestsOf(calls, 'applyCodes').map((r) => r.isvApplicationId)).toEqual([first, first]);
  });

  test('another count is another order: a new id', async () => {
    const calls = stubAdmin({ applyCodes: () => fail('INTERNAL') });
    answerModal(true);
    const page = await renderPage(CODES_PAGE);
    await tapVanButton(page, '.apply-button');
    await dispatchIn(page, '#count-stepper', 'change', 30_000);
    expect(findByClass(page, 'pending-order')).toHaveLength(0);
    await tapVanButton(page, '.apply-button');
    const [a, b] = requestsOf(calls, 'applyCodes');
    expect(a!.count).toBe(10_000);
    expect(b!.count).toBe(30_000);
    expect(a!.isvApplicationId).not.toBe(b!.isvApplicationId);
  });

  test('an order id refused as APPLICATION_CONFLICT is dropped: the next tap sends a new one', async () => {
    const calls = stubAdmin({ applyCodes: () => fail('APPLICATION_CONFLICT') });
    answerModal(true);
    const page = await renderPage(CODES_PAGE);
    await tapVanButton(page, '.apply-button');
    expect(textsOf(page, 'page-notice')[0]).toBe(CODES_ERROR_COPY.APPLICATION_CONFLICT);
    await tapVanButton(page, '.apply-button');
    const [a, b] = requestsOf(calls, 'applyCodes');
    expect(a!.isvApplicationId).not.toBe(b!.isvApplicationId);
  });
});

describe('码包 page: look up a code', () => {
  test('by code: the activation in Chinese, with the index imported here', async () => {
    const calls = stubAdmin();
    const page = await renderPage(CODES_PAGE);
    await typeIntoVanField(page, '#lookup-field', ' A1b2C3d4E ');
    await tapVanButton(page, '.lookup-button');
    expect(requestsOf(calls, 'queryActivation')).toEqual([{ code: 'A1b2C3d4E' }]);
    const text = visibleText(page);
    expect(text).toContain('码 A1b2C3d4E · 已激活');
    expect(text).toContain('商品：山泉水 550ml（码上山泉，条码 6901234567892）');
    expect(text).toContain('扫码页面：pages/landing/index（正式版）');
    expect(text).toContain('码段：0–9999（申请单 880002）');
    expect(text).toContain('序号：17');
  });

  test('by code URL, with or without its scheme', async () => {
    const calls = stubAdmin();
    const page = await renderPage(CODES_PAGE);
    const url = 'P.URL.CN/AbCdEfGhIjKlMnOpQrS';
    expect(url).toHaveLength(28);
    await typeIntoVanField(page, '#lookup-field', `https://${url}`);
    await tapVanButton(page, '.lookup-button');
    expect(requestsOf(calls, 'queryActivation')).toEqual([{ codeUrl: url }]);
  });

  test('a code not activated says so; a typo is caught before asking', async () => {
    const calls = stubAdmin({ queryActivation: () => fail('NOT_ACTIVATED') });
    const page = await renderPage(CODES_PAGE);
    await typeIntoVanField(page, '#lookup-field', 'ZZZZZZZZZ');
    await tapVanButton(page, '.lookup-button');
    expect(textsOf(page, 'lookup-error')).toEqual(['该码尚未激活']);

    await typeIntoVanField(page, '#lookup-field', '12345');
    await tapVanButton(page, '.lookup-button');
    expect(requestsOf(calls, 'queryActivation')).toHaveLength(1);
    expect(textsOf(page, 'page-notice')).toEqual(['请输入 9 位码，或 28 位码链接（二维码内容）']);
  });
});

describe('码包 page: roles', () => {
  test('a viewer sees the applications and can look up, but has no apply button', async () => {
    stubAdmin({}, 'viewer');
    const page = await renderPage(CODES_PAGE);
    expect(findByClass(page, 'application-card')).toHaveLength(2);
    expect(findByClass(page, 'apply-card')).toHaveLength(0);
    expect(findByClass(page, 'apply-button')).toHaveLength(0);
    expect(findByClass(page, 'lookup-card')).toHaveLength(1);
    expect(visibleText(page)).not.toContain('申请码包');
  });
});
