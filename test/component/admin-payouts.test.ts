// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { PAYOUT_STATE_LABELS as SERVER_STATE_LABELS } from '../../cloudfunctions/core/domain/payout';
import { RED_PACKET_ERROR_TABLE } from '../../cloudfunctions/core/wechat/pay/v2/outcomes';
import { classifyTransferError } from '../../cloudfunctions/core/wechat/pay/v3/transfer-errors';
import {
  PAYOUT_ERROR_COPY,
  PAYOUT_STATE_LABELS,
  PROVIDER_CODE_MEANINGS,
} from '../../miniprogram/admin/pages/payouts/present';
import type {
  CampaignView,
  ListCampaignsResult,
  ListPayoutsResult,
  PayoutAdminView,
} from '../../typings/admin';
import type { Envelope } from '../../typings/envelope';
import { formatDateTime } from '../../miniprogram/utils/time';
import { fail, meAs, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
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
  textsOf,
} from './harness';

const PAYOUTS_PAGE = 'admin/pages/payouts/index';
const CODE = 'A1b2C3d4E';

/** The page reads only a campaign's id and name (the filter picker). */
function campaign(campaignId: string, name: string): CampaignView {
  return { campaignId, name, status: 'running' } as CampaignView;
}
const CAMPAIGNS = [campaign('camp-spring', '春季扫码红包'), campaign('camp-summer', '夏日回馈')];

function payout(n: number, overrides: Partial<PayoutAdminView> = {}): PayoutAdminView {
  const created = new Date(Date.UTC(2025, 2, 3, 10, 0) - n * 60_000).toISOString();
  return {
    outNo: `MSH${String(n).padStart(6, '0')}`,
    code: `CODE${String(n).padStart(5, '0')}`,
    campaignId: 'camp-spring',
    campaignName: '春季扫码红包',
    openid: 'oUSER1234567890abcdefUVW',
    provider: 'v3-transfer',
    amountFen: 150,
    state: 'received',
    stateText: '已领取',
    createdAt: created,
    updatedAt: created,
    checks: 0,
    ledger: [],
    ...overrides,
  };
}

const LEDGER_PAYOUT = payout(1, {
  code: CODE,
  amountFen: 1_005,
  state: 'received',
  stateText: '已领取',
  ledger: [
    { from: 'reserved', to: 'sending', toText: '发放中', at: '2025-03-03T09:59:00.000Z' },
    {
      from: 'sending',
      to: 'waiting_user',
      toText: '待用户确认',
      at: '2025-03-03T09:59:01.000Z',
      // As describeEvent stores it (and ledgers already stored keep it).
      detail: 'ref=1330000071100999991182020050700019480001',
    },
    {
      from: 'waiting_user',
      to: 'received',
      toText: '已领取',
      at: '2025-03-03T10:02:00.000Z',
      detail: 'ref=1330000071100999991182020050700019480001',
    },
  ],
});

/** The admin function as an operator meets it; `handlers` replace single actions. */
function stubAdmin(handlers: AdminHandlers = {}): CloudCall[] {
  return stubAdminAs(
    'operator',
    {
      listCampaigns: () => ok<ListCampaignsResult>({ campaigns: CAMPAIGNS }),
      listPayouts: () => ok<ListPayoutsResult>({ payouts: [LEDGER_PAYOUT, payout(2)] }),
    },
    handlers,
  );
}

/** What each listPayouts call asked for, without the action name. */
function payoutRequests(calls: CloudCall[]): Record<string, unknown>[] {
  return calls
    .filter((call) => call.data.action === 'listPayouts')
    .map(({ data: { action: _action, ...request } }) => request);
}

afterEach(cleanup);

describe('发放记录 page', () => {
  test('lists payouts newest first: amount in 元, state in Chinese, campaign, code, time', async () => {
    const flagged = payout(3, {
      state: 'unknown',
      stateText: '结果待查',
      amountFen: 88,
      flaggedAt: '2025-03-04T10:00:00.000Z',
      flagReason: 'MISMATCH 金额不一致：微信支付 2.00 元，账上 0.88 元',
    });
    const calls = stubAdmin({
      listPayouts: () => ok<ListPayoutsResult>({ payouts: [LEDGER_PAYOUT, payout(2), flagged] }),
    });
    const page = await renderPage(PAYOUTS_PAGE);

    expect(calls.map((call) => call.data.action).sort()).toEqual([
      'listCampaigns',
      'listPayouts',
      'me',
    ]);
    expect(payoutRequests(calls)).toEqual([{ limit: 20, offset: 0 }]);
    expect(textsOf(page, 'payout-amount')).toEqual(['10.05 元', '1.50 元', '0.88 元']);
    expect(textsOf(page, 'payout-state')).toEqual(['已领取', '已领取', '结果待查']);
    expect(textsOf(page, 'payout-code')).toEqual([`码 ${CODE}`, '码 CODE00002', '码 CODE00003']);
    expect(textsOf(page, 'payout-campaign')).toEqual([
      '春季扫码红包',
      '春季扫码红包',
      '春季扫码红包',
    ]);
    expect(textsOf(page, 'payout-time')[0]).toBe(formatDateTime(LEDGER_PAYOUT.createdAt));
    // Only the flagged one carries its reason.
    expect(textsOf(page, 'payout-flag')).toEqual([
      '告警：MISMATCH 金额不一致：微信支付 2.00 元，账上 0.88 元',
    ]);
    expect(findByClass(page, 'ledger-row')).toHaveLength(0);
    expect(visibleText(page)).toContain('没有更多记录了');
  });

  test('a payout flagged only for being overdue says so and when', async () => {
    const overdue = payout(4, {
      state: 'sent',
      stateText: '已发出',
      flaggedAt: '2025-03-05T10:00:00.000Z',
    });
    stubAdmin({ listPayouts: () => ok<ListPayoutsResult>({ payouts: [overdue] }) });
    const page = await renderPage(PAYOUTS_PAGE);
    expect(textsOf(page, 'payout-flag')).toEqual([
      `告警：超时未结清（${formatDateTime(overdue.flaggedAt)} 标记），请核对微信支付账单`,
    ]);
  });

  test('shows skeletons while the list loads', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    stubAdmin({
      listPayouts: async () => {
        await gate;
        return ok<ListPayoutsResult>({ payouts: [payout(1)] });
      },
    });
    const page = await renderPage(PAYOUTS_PAGE);
    expect(findByClass(page, 'list-skeleton')).toHaveLength(1);
    expect(findByClass(page, 'van-skeleton__row').length).toBeGreaterThan(0);
    expect(findByClass(page, 'payout-card')).toHaveLength(0);

    release();
    await settle();
    expect(findByClass(page, 'list-skeleton')).toHaveLength(0);
    expect(findByClass(page, 'payout-card')).toHaveLength(1);
  });

  test('no payouts yet: an empty state that says where they come from', async () => {
    stubAdmin({ listPayouts: () => ok<ListPayoutsResult>({ payouts: [] }) });
    const page = await renderPage(PAYOUTS_PAGE);
    expect(textsOf(page, 'payouts-empty')).toEqual([
      '还没有发放记录，用户扫码领取红包后会出现在这里',
    ]);
  });

  test('filters by campaign and state from the pickers, and flagged only', async () => {
    const calls = stubAdmin();
    const page = await renderPage(PAYOUTS_PAGE);

    await dispatchIn(page, '#campaign-picker', 'change', { value: 2 });
    expect(textsOf(page, 'campaign-filter')).toEqual(['夏日回馈 ▾']);
    // 全部状态, then the states in STATE_ORDER: 7 is 发放失败.
    await dispatchIn(page, '#state-picker', 'change', { value: 7 });
    expect(textsOf(page, 'state-filter')).toEqual(['发放失败 ▾']);
    await dispatchIn(page, '#flagged-toggle', 'tap');
    expect(findByClass(page, 'flagged-on')).toHaveLength(1);

    expect(payoutRequests(calls)).toEqual([
      { limit: 20, offset: 0 },
      { campaignId: 'camp-summer', limit: 20, offset: 0 },
      { campaignId: 'camp-summer', state: 'failed', limit: 20, offset: 0 },
      { campaignId: 'camp-summer', state: 'failed', flagged: true, limit: 20, offset: 0 },
    ]);

    await dispatchIn(page, '#clear-filters', 'tap');
    expect(payoutRequests(calls).at(-1)).toEqual({ limit: 20, offset: 0 });
    expect(textsOf(page, 'campaign-filter')).toEqual(['全部活动 ▾']);
    expect(textsOf(page, 'state-filter')).toEqual(['全部状态 ▾']);
    expect(findByClass(page, 'flagged-on')).toHaveLength(0);
  });

  test('every code the server records in a ledger step has operators’ words', () => {
    // The red-packet err_codes the server's table documents, the transfer codes it classifies
    // by name (anything else falls to its HTTP status), and the codes of our own events.
    const transferCodes = [
      'FREQUENCY_LIMITED',
      'FREQUENCY_LIMIT_EXCEED',
      'NOT_ENOUGH',
      'SYSTEM_ERROR',
      'NO_AUTH',
      'PARAM_ERROR',
      'INVALID_REQUEST',
      'NOT_FOUND',
    ];
    const unnamed = classifyTransferError(400, 'NO_SUCH_CODE');
    for (const code of transferCodes) {
      // Named by the classifier: a code it stopped naming leaves this list.
      expect([code, classifyTransferError(400, code)]).not.toEqual([code, unnamed]);
    }
    const recorded = [
      ...Object.keys(RED_PACKET_ERROR_TABLE),
      ...transferCodes,
      'TRANSPORT',
      'RETURN_FAIL',
      'FAILED',
      'REFUND',
    ];
    expect(recorded.filter((code) => !PROVIDER_CODE_MEANINGS[code])).toEqual([]);
  });

  test('the state picker offers every state in Chinese, the same words as the server', async () => {
    expect(PAYOUT_STATE_LABELS).toEqual(SERVER_STATE_LABELS);
    stubAdmin();
    const page = await renderPage(PAYOUTS_PAGE);
    expect(page.querySelector('#state-picker')).toBeTruthy();
    const instance = page.instance as unknown as { data: { stateChoices: { name: string }[] } };
    expect(instance.data.stateChoices.map((choice) => choice.name)).toEqual([
      '全部状态',
      '已预留',
      '发放中',
      '已发出',
      '待用户确认',
      '已领取',
      '结果待查',
      '发放失败',
      '已退回预算',
    ]);
  });

  test('flagged only with nothing flagged says no payout matches', async () => {
    const calls = stubAdmin({
      listPayouts: (call) =>
        ok<ListPayoutsResult>({ payouts: call.data.flagged ? [] : [payout(1)] }),
    });
    const page = await renderPage(PAYOUTS_PAGE);
    await dispatchIn(page, '#flagged-toggle', 'tap');
    expect(payoutRequests(calls).at(-1)).toEqual({ flagged: true, limit: 20, offset: 0 });
    expect(textsOf(page, 'payouts-empty')).toEqual(['没有符合筛选条件的发放记录']);
  });

  test('searches by code: the exact code is sent, and a code with no payout says so', async () => {
    const calls = stubAdmin({
      listPayouts: (call) =>
        ok<ListPayoutsResult>({ payouts: call.data.code === CODE ? [LEDGER_PAYOUT] : [] }),
    });
    const page = await renderPage(PAYOUTS_PAGE);

    // Pasted with spaces around it.
    await typeIntoVanField(page, '#code-field', ` ${CODE} `);
    await tapVanButton(page, '.code-search');
    expect(payoutRequests(calls).at(-1)).toEqual({ code: CODE, limit: 20, offset: 0 });
    expect(textsOf(page, 'payout-code')).toEqual([`码 ${CODE}`]);

    await typeIntoVanField(page, '#code-field', 'ZZZZZZZZZ');
    await tapVanButton(page, '.code-search');
    expect(textsOf(page, 'payouts-empty')).toEqual(['码 ZZZZZZZZZ 没有发放记录']);
  });

  test('a code that cannot be one is explained without asking the server', async () => {
    const calls = stubAdmin();
    const page = await renderPage(PAYOUTS_PAGE);
    await typeIntoVanField(page, '#code-field', '12345');
    await tapVanButton(page, '.code-search');
    expect(payoutRequests(calls)).toHaveLength(1);
    expect(textsOf(page, 'page-notice')).toEqual([
      '码须为 9 位字符（字母、数字或符号），请核对后再查',
    ]);
  });

  test('opened for a campaign or a code starts filtered by it, and says so', async () => {
    const calls = stubAdmin();
    const page = await renderPage(PAYOUTS_PAGE, { campaignId: 'camp-summer', code: CODE });
    expect(payoutRequests(calls)).toEqual([
      { campaignId: 'camp-summer', code: CODE, limit: 20, offset: 0 },
    ]);
    expect(textsOf(page, 'campaign-filter')).toEqual(['夏日回馈 ▾']);
    expect(textsOf(page, 'code-filter')).toEqual([`码 ${CODE} ·`]);
    cleanup();

    // Filters left from the last visit do not carry over to a plain opening.
    const again = stubAdmin();
    await renderPage(PAYOUTS_PAGE);
    expect(payoutRequests(again)).toEqual([{ limit: 20, offset: 0 }]);
  });

  test('opened from 工作台 with flagged=1 lists only the flagged payouts, the toggle on', async () => {
    const calls = stubAdmin();
    const page = await renderPage(PAYOUTS_PAGE, { flagged: '1' });
    expect(payoutRequests(calls)).toEqual([{ flagged: true, limit: 20, offset: 0 }]);
    expect(findByClass(page, 'flagged-on')).toHaveLength(1);

    // The toggle turns it off like any filter.
    await dispatchIn(page, '#flagged-toggle', 'tap');
    expect(payoutRequests(calls).at(-1)).toEqual({ limit: 20, offset: 0 });
    expect(findByClass(page, 'flagged-on')).toHaveLength(0);
  });

  test('tapping a payout opens its ledger: each transition in Chinese with its time', async () => {
    stubAdmin();
    const page = await renderPage(PAYOUTS_PAGE);
    await dispatchIn(page, '.payout-0', 'tap');

    expect(textsOf(page, 'ledger-transition')).toEqual([
      '已预留 → 发放中',
      '发放中 → 待用户确认',
      '待用户确认 → 已领取',
    ]);
    expect(textsOf(page, 'ledger-at')).toEqual(
      LEDGER_PAYOUT.ledger.map((entry) => formatDateTime(entry.at)),
    );
    expect(textsOf(page, 'ledger-detail')).toEqual([
      '微信转账单号 1330000071100999991182020050700019480001',
      '微信转账单号 1330000071100999991182020050700019480001',
    ]);
    const text = visibleText(page);
    expect(text).toContain('发放方式：商家转账');
    expect(text).toContain('领取用户：oUSE…fUVW');
    expect(text).not.toContain(LEDGER_PAYOUT.openid);
    expect(text).toContain(`商户单号：${LEDGER_PAYOUT.outNo}`);
    expect(text).toContain('下次核对：不再自动查询');

    // Tap again: closed.
    await dispatchIn(page, '.payout-0', 'tap');
    expect(findByClass(page, 'ledger-row')).toHaveLength(0);
  });

  test('a ledger step reads its reference labelled and a bare WeChat code in Chinese', async () => {
    const ref = '1000041701202612043000000000001';
    stubAdmin({
      listPayouts: () =>
        ok<ListPayoutsResult>({
          payouts: [
            payout(1, {
              code: CODE,
              provider: 'v2-redpacket',
              state: 'sent',
              stateText: '已发出',
              ledger: [
                {
                  from: 'reserved',
                  to: 'sending',
                  toText: '发放中',
                  at: '2025-03-03T09:58:00.000Z',
                },
                {
                  from: 'sending',
                  to: 'unknown',
                  toText: '结果待查',
                  at: '2025-03-03T09:58:01.000Z',
                  detail: 'SYSTEMERROR',
                },
                {
                  from: 'unknown',
                  to: 'reserved',
                  toText: '已预留',
                  at: '2025-03-03T09:58:30.000Z',
                  detail: 'NOTENOUGH 帐号余额不足',
                },
                {
                  from: 'reserved',
                  to: 'sent',
                  toText: '已发出',
                  at: '2025-03-03T09:59:00.000Z',
                  detail: `ref=${ref}`,
                },
                {
                  from: 'sent',
                  to: 'unknown',
                  toText: '结果待查',
                  at: '2025-03-03T09:59:30.000Z',
                  detail: 'SOMETHING_NEW',
                },
                {
                  from: 'unknown',
                  to: 'unknown',
                  toText: '结果待查',
                  at: '2025-03-03T10:00:00.000Z',
                  detail: 'TRANSPORT connect ETIMEDOUT',
                },
              ],
            }),
          ],
        }),
    });
    const page = await renderPage(PAYOUTS_PAGE);
    await dispatchIn(page, '.payout-0', 'tap');

    expect(textsOf(page, 'ledger-detail')).toEqual([
      'SYSTEMERROR（微信支付系统繁忙，结果待查）',
      // WeChat's own message stands; no second wording beside it.
      'NOTENOUGH 帐号余额不足',
      `微信单号 ${ref}`,
      'SOMETHING_NEW',
      'TRANSPORT（网络超时，结果待查） connect ETIMEDOUT',
    ]);
    expect(visibleText(page)).not.toContain('ref=');
  });

  test.each(Object.entries(PAYOUT_ERROR_COPY))(
    'a list refused with %s shows our Chinese words and its code, and retry recovers',
    async (code, words) => {
      const replies: Envelope<ListPayoutsResult>[] = [fail(code), ok({ payouts: [payout(1)] })];
      stubAdmin({ listPayouts: () => replies.shift() });
      const page = await renderPage(PAYOUTS_PAGE);
      expect(visibleText(page)).toContain(words);
      expect(visibleText(page)).toContain(`错误码 ${code}`);
      expect(visibleText(page)).not.toContain('服务端的原话');

      await tapVanButton(page, '#list-error >>> .retry-button');
      expect(findByClass(page, 'payout-card')).toHaveLength(1);
    },
  );

  test('a dead network is explained in Chinese', async () => {
    stubAdmin({ listPayouts: () => ({ throws: 'request:fail timeout' }) });
    const page = await renderPage(PAYOUTS_PAGE);
    expect(visibleText(page)).toContain('网络异常，请检查网络后重试');
  });

  test('campaigns that fail to load leave the list working and offer a retry', async () => {
    const replies = [fail('INTERNAL'), ok<ListCampaignsResult>({ campaigns: CAMPAIGNS })];
    stubAdmin({ listCampaigns: () => replies.shift() });
    const page = await renderPage(PAYOUTS_PAGE);
    expect(findByClass(page, 'payout-card')).toHaveLength(2);
    expect(textsOf(page, 'campaigns-failed')).toEqual(['活动列表加载失败，点此重试']);

    await dispatchIn(page, '.campaigns-failed', 'tap');
    expect(findByClass(page, 'campaigns-failed')).toHaveLength(0);
    await dispatchIn(page, '#campaign-picker', 'change', { value: 1 });
    expect(textsOf(page, 'campaign-filter')).toEqual(['春季扫码红包 ▾']);
  });

  test('pages on: 加载更多 and reaching the bottom ask from the next offset and append', async () => {
    const first = Array.from({ length: 20 }, (_, i) => payout(i + 1));
    const calls = stubAdmin({
      listPayouts: (call) =>
        ok<ListPayoutsResult>({
          payouts:
            call.data.offset === 0
              ? first
              : call.data.offset === 20
                ? Array.from({ length: 20 }, (_, i) => payout(i + 21))
                : [payout(41)],
        }),
    });
    const page = await renderPage(PAYOUTS_PAGE);
    expect(findByClass(page, 'payout-card')).toHaveLength(20);

    await tapVanButton(page, '.more-button');
    expect(findByClass(page, 'payout-card')).toHaveLength(40);
    await callPageMethod(page, 'onReachBottom');
    await settle();
    expect(payoutRequests(calls).map((r) => [r.offset, r.limit])).toEqual([
      [0, 20],
      [20, 20],
      [40, 20],
    ]);
    expect(textsOf(page, 'payout-code').at(-1)).toBe('码 CODE00041');
    expect(visibleText(page)).toContain('没有更多记录了');
    // Nothing more to ask for.
    await callPageMethod(page, 'onReachBottom');
    await settle();
    expect(payoutRequests(calls)).toHaveLength(3);
  });

  test('a next page that fails keeps what is shown and says why', async () => {
    const first = Array.from({ length: 20 }, (_, i) => payout(i + 1));
    stubAdmin({
      listPayouts: (call) =>
        call.data.offset === 0 ? ok<ListPayoutsResult>({ payouts: first }) : fail('INTERNAL'),
    });
    const page = await renderPage(PAYOUTS_PAGE);
    await tapVanButton(page, '.more-button');
    expect(findByClass(page, 'payout-card')).toHaveLength(20);
    expect(textsOf(page, 'page-notice')).toEqual(['服务暂时不可用，请稍后重试']);
    expect(findByClass(page, 'more-button')).toHaveLength(1);
  });

  test('a reply for filters since changed is dropped: the list matches the filters shown', async () => {
    let releaseOld: () => void = () => {};
    const old = new Promise<void>((resolve) => (releaseOld = resolve));
    stubAdmin({
      listPayouts: async (call) => {
        if (!call.data.campaignId) {
          await old;
          return ok<ListPayoutsResult>({ payouts: [payout(1), payout(2)] });
        }
        return ok<ListPayoutsResult>({
          payouts: [payout(9, { campaignId: 'camp-summer', campaignName: '夏日回馈' })],
        });
      },
    });
    const page = await renderPage(PAYOUTS_PAGE);
    await dispatchIn(page, '#campaign-picker', 'change', { value: 2 });
    releaseOld();
    await settle();
    expect(textsOf(page, 'payout-campaign')).toEqual(['夏日回馈']);
  });

  test('pull to refresh reloads who I am, campaigns and payouts, then stops the spinner', async () => {
    const calls = stubAdmin();
    const stopPullDownRefresh = vi.fn();
    stubWx({ stopPullDownRefresh });
    const page = await renderPage(PAYOUTS_PAGE);
    await callPageMethod(page, 'onPullDownRefresh');
    await settle();
    const actions = calls.map((call) => String(call.data.action));
    expect(actions.filter((a) => a === 'me')).toHaveLength(2);
    expect(actions.filter((a) => a === 'listCampaigns')).toHaveLength(2);
    expect(actions.filter((a) => a === 'listPayouts')).toHaveLength(2);
    expect(stopPullDownRefresh).toHaveBeenCalled();
  });

  test('every role reads payouts; a WeChat user who is not a member sees no list', async () => {
    stubAdmin({ me: () => meAs('viewer') });
    const viewer = await renderPage(PAYOUTS_PAGE);
    expect(findByClass(viewer, 'payout-card')).toHaveLength(2);
    // Read-only: nothing on the page writes.
    expect(visibleText(viewer)).not.toMatch(/重发|撤销|删除/);
    cleanup();

    const calls = stubAdmin({ me: () => meAs(null) });
    const stranger = await renderPage(PAYOUTS_PAGE);
    expect(visibleText(stranger)).toContain('你的角色不能查看发放记录');
    expect(calls.map((call) => call.data.action)).toEqual(['me']);
  });

  test('a failed 我是谁 shows its error and retry loads the list', async () => {
    const replies = [fail('UNAUTHENTICATED'), meAs('marketer')];
    stubAdmin({ me: () => replies.shift() });
    const page = await renderPage(PAYOUTS_PAGE);
    expect(visibleText(page)).toContain('错误码 UNAUTHENTICATED');
    await tapVanButton(page, '#session-error >>> .retry-button');
    expect(findByClass(page, 'payout-card')).toHaveLength(2);
  });
});
