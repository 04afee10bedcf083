// @vitest-environment jsdom
/**
 * 红包活动 list and 活动详情: campaigns by status with budget bars, the books, claims per day, and
 * start / pause / resume / end behind a confirmation; a viewer sees no button that writes.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type {
  CampaignResult,
  ListCampaignsResult,
  MemberRole,
  RewardStatsResult,
} from '../../typings/admin';
import { campaignView } from './admin-campaigns-fixtures';
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
  visibleText,
  requestsOf,
  textsOf,
} from './harness';

const LIST_PAGE = 'admin/pages/campaigns/index';
const DETAIL_PAGE = 'admin/pages/campaigns/detail/index';

const RUNNING = campaignView();
const DRAFT = campaignView({
  campaignId: 'camp-draft',
  name: '夏日回馈',
  status: 'draft',
  budget: { budgetFen: 100_000, remainingFen: 100_000, reservedFen: 0, paidFen: 0 },
});

function figures(claims: number, paid: number, paidFen: number): RewardStatsResult['totals'] {
  return { claims, paid, paidFen, released: 0, refused: 0, refusedByReason: {} };
}

const STATS: RewardStatsResult = {
  buckets: [
    { start: '2025-03-29T16:00:00.000Z', ...figures(4, 3, 600) },
    { start: '2025-03-30T16:00:00.000Z', ...figures(8, 7, 1_050) },
  ],
  totals: figures(12, 10, 1_650),
};

function stub(role: MemberRole, handlers: AdminHandlers = {}): CloudCall[] {
  return stubAdminAs(
    role,
    {
      listCampaigns: () => ok<ListCampaignsResult>({ campaigns: [RUNNING, DRAFT] }),
      getCampaign: () => ok<CampaignResult>({ campaign: RUNNING }),
      rewardStats: () => ok(STATS),
    },
    handlers,
  );
}

/** wx.showModal answering as a person who taps confirm (true) or cancel (false). */
function answerModal(confirm: boolean) {
  const showModal = vi.fn((options: { success?: (r: { confirm: boolean }) => void }) => {
    options.success?.({ confirm });
  });
  stubWx({ showModal });
  return showModal;
}

afterEach(cleanup);

describe('红包活动 list', () => {
  test('each campaign with its status, China-time window and budget bar in 元', async () => {
    const calls = stub('marketer');
    const page = await renderPage(LIST_PAGE);
    expect(requestsOf(calls, 'listCampaigns')).toEqual([{ limit: 100 }]);
    expect(textsOf(page, 'campaign-name')).toEqual(['春季扫码红包', '夏日回馈']);
    expect(textsOf(page, 'campaign-status')).toEqual(['进行中', '草稿']);
    expect(textsOf(page, 'campaign-window')[0]).toBe('2025-03-01 09:30 至 2025-04-01 00:00');
    expect(textsOf(page, 'legend-paid')[0]).toBe('已发 1,251.50 元');
    expect(textsOf(page, 'legend-held')[0]).toBe('预留 3.00 元');
    expect(textsOf(page, 'legend-remaining')[0]).toBe('剩余 3,745.50 元');
    expect(textsOf(page, 'budget-total')[0]).toBe('预算 5,000.00 元');
    // The bar's paid share: 125,150 of 500,000 fen.
    const paid = findByClass(page, 'budget-bar__paid')[0] as unknown as HTMLElement;
    expect(paid.getAttribute('style')).toContain('width: 25%');
  });

  test('the tabs ask for one status at a time', async () => {
    const calls = stub('marketer', {
      listCampaigns: (call) =>
        ok<ListCampaignsResult>({
          campaigns: [RUNNING, DRAFT].filter(
            (c) => !call.data.status || c.status === call.data.status,
          ),
        }),
    });
    const page = await renderPage(LIST_PAGE);
    expect(textsOf(page, 'status-tab')).toEqual(['全部', '草稿', '进行中', '已暂停', '已结束']);
    await dispatchIn(page, '.status-tab-2', 'tap');
    expect(requestsOf(calls, 'listCampaigns').at(-1)).toEqual({ status: 'running', limit: 100 });
    expect(textsOf(page, 'campaign-name')).toEqual(['春季扫码红包']);
    expect(findByClass(page, 'status-tab--on')).toHaveLength(1);
    await dispatchIn(page, '.status-tab-3', 'tap');
    expect(textsOf(page, 'campaigns-empty')[0]).toContain('这个状态下没有活动');
  });

  test('skeletons while loading, then an empty state offering 新建活动', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    stub('marketer', {
      listCampaigns: async () => {
        await gate;
        return ok<ListCampaignsResult>({ campaigns: [] });
      },
    });
    const navigateTo = vi.fn();
    stubWx({ navigateTo });
    const page = await renderPage(LIST_PAGE);
    expect(findByClass(page, 'list-skeleton')).toHaveLength(1);
    expect(findByClass(page, 'van-skeleton__row').length).toBeGreaterThan(0);
    release();
    await settle();
    expect(findByClass(page, 'list-skeleton')).toHaveLength(0);
    expect(textsOf(page, 'empty-text')).toEqual(['还没有红包活动']);
    await tapVanButton(page, '.empty-create');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/admin/pages/campaigns/edit/index' });
  });

  test('a viewer sees the campaigns but no 新建活动', async () => {
    stub('viewer');
    const page = await renderPage(LIST_PAGE);
    expect(textsOf(page, 'campaign-name')).toHaveLength(2);
    expect(findByClass(page, 'create-campaign')).toHaveLength(0);
    expect(visibleText(page)).not.toContain('新建活动');
  });

  test('a failed load says why in Chinese and retries', async () => {
    let fails = true;
    const calls = stub('marketer', {
      listCampaigns: () =>
        fails ? fail('NETWORK_ERROR') : ok<ListCampaignsResult>({ campaigns: [RUNNING] }),
    });
    const page = await renderPage(LIST_PAGE);
    expect(visibleText(page)).toContain('网络异常，请检查网络后重试');
    fails = false;
    await dispatchIn(page, '#list-error', 'retry');
    expect(requestsOf(calls, 'listCampaigns')).toHaveLength(2);
    expect(textsOf(page, 'campaign-name')).toEqual(['春季扫码红包']);
  });

  test('pull to refresh reads the caller and the list again', async () => {
    const calls = stub('marketer');
    const stopPullDownRefresh = vi.fn();
    stubWx({ stopPullDownRefresh });
    const page = await renderPage(LIST_PAGE);
    await callPageMethod(page, 'onPullDownRefresh');
    await settle();
    expect(requestsOf(calls, 'me')).toHaveLength(2);
    expect(requestsOf(calls, 'listCampaigns')).toHaveLength(2);
    expect(stopPullDownRefresh).toHaveBeenCalled();
  });

  test('opens a campaign on tap', async () => {
    stub('marketer');
    const navigateTo = vi.fn();
    stubWx({ navigateTo });
    const page = await renderPage(LIST_PAGE);
    await dispatchIn(page, '.campaign-1', 'tap');
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/admin/pages/campaigns/detail/index?campaignId=camp-draft',
    });
  });
});

describe('活动详情', () => {
  test('the books: budget, paid, held, remaining, and overspent when there is any', async () => {
    stub('marketer', {
      getCampaign: () =>
        ok<CampaignResult>({
          campaign: campaignView({
            budget: {
              budgetFen: 500_000,
              remainingFen: 0,
              reservedFen: 0,
              paidFen: 500_000,
              overspentFen: 150,
            },
          }),
        }),
    });
    const page = await renderPage(DETAIL_PAGE, { campaignId: 'camp-spring' });
    expect(textsOf(page, 'books-budget')).toEqual(['5,000.00 元']);
    expect(textsOf(page, 'books-paid')).toEqual(['5,000.00 元']);
    expect(textsOf(page, 'books-held')).toEqual(['0.00 元']);
    expect(textsOf(page, 'books-remaining')).toEqual(['0.00 元']);
    expect(textsOf(page, 'books-overspent')).toEqual(['1.50 元']);
  });

  test('no overspent line while nothing was overspent', async () => {
    stub('marketer');
    const page = await renderPage(DETAIL_PAGE, { campaignId: 'camp-spring' });
    expect(textsOf(page, 'books-paid')).toEqual(['1,251.50 元']);
    expect(textsOf(page, 'books-held')).toEqual(['3.00 元']);
    expect(findByClass(page, 'books-overspent')).toHaveLength(0);
  });

  test('claims per day over the last 14 China-time days of the window, newest first', async () => {
    const calls = stub('marketer');
    const page = await renderPage(DETAIL_PAGE, { campaignId: 'camp-spring' });
    // The campaign ended 2025-04-01 00:00 China time: the 14 days before it.
    expect(requestsOf(calls, 'rewardStats')).toEqual([
      {
        from: '2025-03-17T16:00:00.000Z',
        to: '2025-03-31T16:00:00.000Z',
        granularity: 'day',
        campaignId: 'camp-spring',
      },
    ]);
    expect(textsOf(page, 'stats-total')).toEqual(['共 12 次领取，已发 16.50 元']);
    expect(textsOf(page, 'stats-day')).toEqual(['03-31', '03-30']);
    expect(textsOf(page, 'stats-claims')).toEqual(['8 次', '4 次']);
    expect(textsOf(page, 'stats-paid')).toEqual(['10.50 元', '6.00 元']);
    // The chart names its days as the rows under it do, oldest first.
    const chart = (page.data as { statsChart: { categories: string[] } }).statsChart;
    expect(chart.categories).toEqual(['03-30', '03-31']);
    expect(page.querySelector('.stats-chart__empty')).toBeFalsy();
  });

  test('a started campaign nobody claimed shows the empty state alone: no total, no zero rows', async () => {
    stub('marketer', {
      rewardStats: () =>
        ok<RewardStatsResult>({
          buckets: [
            { start: '2025-03-29T16:00:00.000Z', ...figures(0, 0, 0) },
            { start: '2025-03-30T16:00:00.000Z', ...figures(0, 0, 0) },
          ],
          totals: figures(0, 0, 0),
        }),
    });
    const page = await renderPage(DETAIL_PAGE, { campaignId: 'camp-spring' });
    expect(textsOf(page, 'stats-chart__empty')).toEqual(['还没有人领取']);
    expect(findByClass(page, 'stats-row')).toHaveLength(0);
    expect(findByClass(page, 'stats-total')).toHaveLength(0);
  });

  test('a campaign that has not started has no figures yet', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const later = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const calls = stub('marketer', {
      getCampaign: () =>
        ok<CampaignResult>({ campaign: { ...DRAFT, startAt: future, endAt: later } }),
    });
    const page = await renderPage(DETAIL_PAGE, { campaignId: 'camp-draft' });
    expect(requestsOf(calls, 'rewardStats')).toEqual([]);
    expect(textsOf(page, 'stats-empty')).toEqual(['活动尚未开始，开始后这里显示每日领取']);
  });

  test('pause asks first; confirmed, it is sent and the new status shows', async () => {
    const calls = stub('marketer', {
      setCampaignStatus: () => ok<CampaignResult>({ campaign: campaignView({ status: 'paused' }) }),
    });
    const showModal = answerModal(true);
    const page = await renderPage(DETAIL_PAGE, { campaignId: 'camp-spring' });
    expect(textsOf(page, 'status-action')).toEqual(['暂停', '结束']);

    await tapVanButton(page, '.status-action-paused');
    expect(showModal).toHaveBeenCalledWith(
      expect.objectContaining({
        title: '暂停活动',
        content: '暂停活动「春季扫码红包」？暂停期间扫码不能领取奖励，可随时恢复。',
        confirmText: '暂停',
      }),
    );
    expect(requestsOf(calls, 'setCampaignStatus')).toEqual([
      { campaignId: 'camp-spring', status: 'paused' },
    ]);
    expect(textsOf(page, 'detail-status')).toEqual(['已暂停']);
    expect(textsOf(page, 'detail-notice')).toEqual(['活动已暂停']);
    // Paused: resume or end.
    expect(textsOf(page, 'status-action')).toEqual(['恢复', '结束']);
  });

  test('ending says it cannot be undone, in red; cancelled, nothing is sent', async () => {
    const calls = stub('marketer');
    const showModal = answerModal(false);
    const page = await renderPage(DETAIL_PAGE, { campaignId: 'camp-spring' });
    expect(visibleText(page)).toContain('结束活动不可撤销');
    await tapVanButton(page, '.status-action-ended');
    expect(showModal).toHaveBeenCalledWith(
      expect.objectContaining({
        title: '结束活动',
        content: expect.stringMatching(/结束后不能恢复，也不能再修改.*此操作不可撤销/),
        confirmColor: '#ee0a24',
      }),
    );
    expect(requestsOf(calls, 'setCampaignStatus')).toEqual([]);
    expect(textsOf(page, 'detail-status')).toEqual(['进行中']);
  });

  test('a draft starts after confirmation; a refusal is shown in Chinese', async () => {
    const calls = stub('marketer', {
      getCampaign: () => ok<CampaignResult>({ campaign: DRAFT }),
      setCampaignStatus: () => fail('INVALID_CAMPAIGN', '请至少选择一个商品或码段'),
    });
    answerModal(true);
    const page = await renderPage(DETAIL_PAGE, { campaignId: 'camp-draft' });
    expect(textsOf(page, 'status-action')).toEqual(['开始', '结束']);
    await tapVanButton(page, '.status-action-running');
    expect(requestsOf(calls, 'setCampaignStatus')).toEqual([
      { campaignId: 'camp-draft', status: 'running' },
    ]);
    expect(textsOf(page, 'detail-notice')).toEqual([
      '活动设置有误，请按提示修改后再保存：请至少选择一个商品或码段',
    ]);
  });

  test('an ended campaign offers no status change and no edit', async () => {
    stub('marketer', {
      getCampaign: () => ok<CampaignResult>({ campaign: campaignView({ status: 'ended' }) }),
    });
    const page = await renderPage(DETAIL_PAGE, { campaignId: 'camp-spring' });
    expect(findByClass(page, 'status-action')).toHaveLength(0);
    expect(findByClass(page, 'edit-campaign')).toHaveLength(0);
    expect(textsOf(page, 'detail-status')).toEqual(['已结束']);
  });

  test('a viewer sees the books and figures but no button that writes', async () => {
    stub('viewer');
    const page = await renderPage(DETAIL_PAGE, { campaignId: 'camp-spring' });
    expect(textsOf(page, 'books-paid')).toEqual(['1,251.50 元']);
    expect(textsOf(page, 'stats-claims')).toEqual(['8 次', '4 次']);
    expect(findByClass(page, 'status-action')).toHaveLength(0);
    expect(findByClass(page, 'edit-campaign')).toHaveLength(0);
    expect(findByClass(page, 'open-payouts')).toHaveLength(1);
  });

  test('发放记录 opens the payouts filtered by this campaign', async () => {
    stub('marketer');
    const navigateTo = vi.fn();
    stubWx({ navigateTo });
    const page = await renderPage(DETAIL_PAGE, { campaignId: 'camp-spring' });
    await tapVanButton(page, '.open-payouts');
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/admin/pages/payouts/index?campaignId=camp-spring',
    });
    await tapVanButton(page, '.edit-campaign');
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/admin/pages/campaigns/edit/index?campaignId=camp-spring',
    });
  });
});
