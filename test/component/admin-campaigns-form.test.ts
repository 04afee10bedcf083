// @vitest-environment jsdom
/**
 * 新建活动 / 编辑活动: every field, checked as typed with the server's rules (money to fen without
 * float errors, China-time window from date and time pickers, weighted tiers, WeChat's text
 * limits), the server's refusals in Chinese with the values kept, and what a running campaign may
 * change.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { MAX_TIERS as SERVER_MAX_TIERS } from '../../cloudfunctions/core/domain/amount';
import type { CampaignDefinition } from '../../cloudfunctions/core/domain/campaign';
import {
  PROVIDER_AMOUNT_LIMITS as SERVER_AMOUNT_LIMITS,
  V2_SCENE_IDS as SERVER_SCENE_IDS,
  validateCampaign,
} from '../../cloudfunctions/core/domain/campaign-validation';
import {
  checkDraft,
  composeChinaTime,
  emptyDraft,
  MAX_TIERS,
  PROVIDER_AMOUNT_LIMITS,
  splitChinaTime,
  V2_SCENE_IDS,
  yuanToFen,
  type CampaignDraft,
} from '../../miniprogram/admin/pages/campaigns/form';
import { utf8Bytes } from '../../miniprogram/admin/utils/text';
import type {
  CampaignFields,
  CampaignResult,
  ListApplicationsResult,
  ListProductsResult,
  ListRangesResult,
  MemberRole,
} from '../../typings/admin';
import { APPLICATIONS, campaignView, PRODUCTS, RANGES } from './admin-campaigns-fixtures';
import { fail, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
import {
  type CloudCall,
  cleanup,
  dispatchIn,
  findByClass,
  renderPage,
  stubWx,
  tapVanButton,
  typeIntoVanField,
  visibleText,
  textsOf,
} from './harness';

const EDIT_PAGE = 'admin/pages/campaigns/edit/index';

function stub(role: MemberRole, handlers: AdminHandlers = {}): CloudCall[] {
  return stubAdminAs(
    role,
    {
      listProducts: () => ok<ListProductsResult>(PRODUCTS),
      listApplications: () => ok<ListApplicationsResult>(APPLICATIONS),
      listRanges: () => ok<ListRangesResult>(RANGES),
      createCampaign: () => ok<CampaignResult>({ campaign: campaignView({ status: 'draft' }) }),
      updateCampaign: () => ok<CampaignResult>({ campaign: campaignView() }),
      getCampaign: () => ok<CampaignResult>({ campaign: campaignView() }),
    },
    handlers,
  );
}

function sent(calls: CloudCall[], action: string): Record<string, unknown>[] {
  return calls
    .filter((call) => call.data.action === action)
    .map(({ data: { action: _action, ...request } }) => request);
}

type Page = Awaited<ReturnType<typeof renderPage>>;

/** Fills a valid v3 campaign: name, window by pickers, budget, targeting, payout texts. */
async function fillValid(page: Page): Promise<void> {
  await typeIntoVanField(page, '#name-field', '春季扫码红包');
  await dispatchIn(page, '#start-date', 'change', { value: '2025-03-01' });
  await dispatchIn(page, '#start-time', 'change', { value: '09:30' });
  await dispatchIn(page, '#end-date', 'change', { value: '2025-04-01' });
  await dispatchIn(page, '#end-time', 'change', { value: '00:00' });
  await typeIntoVanField(page, '#budget-field', '1234.29');
  await dispatchIn(page, '.product-choice-0', 'tap');
  await dispatchIn(page, '.range-choice-0', 'tap');
  await typeIntoVanField(page, '#transferRemark-field', '扫码奖励');
  await typeIntoVanField(page, '#reportActivityName-field', '扫码领现金');
  await typeIntoVanField(page, '#reportRewardDescription-field', '扫码即得现金奖励');
}

afterEach(cleanup);

describe('campaign form rules', () => {
  test('元 to fen by string arithmetic: no float error, at most two decimals', () => {
    expect(yuanToFen('1234.29')).toBe(123_429);
    expect(yuanToFen('0.29')).toBe(29);
    expect(yuanToFen('1.1')).toBe(110);
    expect(yuanToFen('1.')).toBe(100);
    expect(yuanToFen(' 8 ')).toBe(800);
    expect(yuanToFen('1.234')).toBeNull();
    expect(yuanToFen('-1')).toBeNull();
    expect(yuanToFen('1e3')).toBeNull();
  });

  test('date and time compose to China time with its offset, and split back', () => {
    expect(composeChinaTime('2025-03-01', '09:30')).toBe('2025-03-01T09:30:00+08:00');
    expect(Date.parse(composeChinaTime('2025-03-01', '00:00') ?? '')).toBe(
      Date.UTC(2025, 1, 28, 16, 0),
    );
    expect(composeChinaTime('2025-03-01', '')).toBeNull();
    expect(splitChinaTime('2025-02-28T16:00:00.000Z')).toEqual({
      date: '2025-03-01',
      time: '00:00',
    });
  });

  test('UTF-8 bytes as WeChat Pay v2 counts them', () => {
    expect(utf8Bytes('abc')).toBe(3);
    expect(utf8Bytes('红包')).toBe(6);
    expect(utf8Bytes('🧧')).toBe(4);
  });
});

describe('新建活动', () => {
  test('creates a campaign with every field as the server expects', async () => {
    const calls = stub('marketer');
    const redirectTo = vi.fn();
    stubWx({ redirectTo, showToast: vi.fn() });
    const page = await renderPage(EDIT_PAGE);
    expect(textsOf(page, 'product-choice')).toEqual(['☐山泉水 550ml码上山泉', '☐冷泡茶码上山泉']);
    // Only the activated segment is offered.
    expect(textsOf(page, 'range-choice')).toEqual(['☐山泉水 550ml申请单 1234567890 · 码 1–5000']);

    await fillValid(page);
    await dispatchIn(page, '.switch-allowTypedCodes', 'change', true);
    await dispatchIn(page, '.switch-amountHidden', 'change', true);
    await typeIntoVanField(page, '#ip-field', '20');
    // A textarea: vant's field emits `change` with the text (typeIntoVanField finds inputs only).
    await dispatchIn(page, '#blacklist-field', 'change', 'o-bad-1\no-bad-2');
    await dispatchIn(page, '#perception-picker', 'change', { value: 1 });
    await tapVanButton(page, '.save-campaign');

    expect(sent(calls, 'createCampaign')).toEqual([
      {
        name: '春季扫码红包',
        startAt: '2025-03-01T09:30:00+08:00',
        endAt: '2025-04-01T00:00:00+08:00',
        budgetFen: 123_429,
        amount: { kind: 'fixed', fen: 100 },
        firstScanOnly: true,
        allowTypedCodes: true,
        amountDisplay: 'hidden-until-opened',
        targeting: { productIds: ['prod-water'], rangeIds: ['1234567890:1'] },
        limits: { perUserPerDay: 3, perUserPerCampaign: 10 },
        payout: {
          provider: 'v3-transfer',
          transferRemark: '扫码奖励',
          reportActivityName: '扫码领现金',
          reportRewardDescription: '扫码即得现金奖励',
          userRecvPerception: '活动奖励',
        },
        risk: {
          openidBlacklist: ['o-bad-1', 'o-bad-2'],
          maxClaimsPerIpPerHour: 20,
          excludeSuspicious: true,
        },
      },
    ]);
    expect(redirectTo).toHaveBeenCalledWith({
      url: '/admin/pages/campaigns/detail/index?campaignId=camp-spring',
    });
  });

  test('checks before sending: each problem under its field, nothing sent', async () => {
    const calls = stub('marketer');
    const page = await renderPage(EDIT_PAGE);
    await dispatchIn(page, '#start-date', 'change', { value: '2025-04-01' });
    await dispatchIn(page, '#start-time', 'change', { value: '10:00' });
    await dispatchIn(page, '#end-date', 'change', { value: '2025-04-01' });
    await dispatchIn(page, '#end-time', 'change', { value: '09:00' });
    await typeIntoVanField(page, '#budget-field', '0.005');
    await typeIntoVanField(page, '#fixed-field', '300');
    await typeIntoVanField(page, '#per-day-field', '20');
    await tapVanButton(page, '.save-campaign');

    const text = visibleText(page);
    expect(text).toContain('请填写活动名称');
    expect(textsOf(page, 'issue-end')).toEqual(['结束时间须晚于开始时间']);
    expect(text).toContain('预算须为大于 0 的金额（最多两位小数）');
    expect(textsOf(page, 'issue-amount')).toEqual(['转账金额须在 0.10–200.00 元之间']);
    expect(text).toContain('每人每日次数不能大于每人每活动次数');
    expect(textsOf(page, 'issue-targeting')).toEqual(['请至少选择一个商品或码段']);
    expect(text).toContain('请填写转账备注');
    expect(textsOf(page, 'save-notice')).toEqual(['还有信息需要修改，请查看标红的项目']);
    expect(sent(calls, 'createCampaign')).toEqual([]);

    // Picking a later end clears its message.
    await dispatchIn(page, '#end-date', 'change', { value: '2025-04-02' });
    expect(findByClass(page, 'issue-end')).toHaveLength(0);
  });

  test('payout texts count as you type, and save is blocked over WeChat’s limit', async () => {
    const calls = stub('marketer');
    const page = await renderPage(EDIT_PAGE);
    await fillValid(page);
    await dispatchIn(page, '#provider-picker', 'change', { value: 1 });
    // v2 texts count UTF-8 bytes: 11 汉字 = 33 bytes > 32.
    await typeIntoVanField(page, '#sendName-field', '码上矿泉水旗舰店官方品牌');
    expect(textsOf(page, 'count-sendName')).toEqual(['36/32 字节']);
    expect(findByClass(page, 'text-count--over')).toHaveLength(1);
    expect(visibleText(page)).toContain('有文案超过微信的长度限制，改短后才能保存');
    await tapVanButton(page, '.save-campaign');
    expect(sent(calls, 'createCampaign')).toEqual([]);

    await typeIntoVanField(page, '#sendName-field', '码上矿泉水');
    expect(textsOf(page, 'count-sendName')).toEqual(['15/32 字节']);
    expect(findByClass(page, 'text-count--over')).toHaveLength(0);
    await typeIntoVanField(page, '#wishing-field', '感谢扫码');
    await typeIntoVanField(page, '#actName-field', '扫码领红包');
    await typeIntoVanField(page, '#remark-field', '每码限领一次');
    await dispatchIn(page, '#scene-picker', 'change', { value: 1 });
    await tapVanButton(page, '.save-campaign');
    expect(sent(calls, 'createCampaign')[0]).toMatchObject({
      payout: {
        provider: 'v2-redpacket',
        sendName: '码上矿泉水',
        wishing: '感谢扫码',
        actName: '扫码领红包',
        remark: '每码限领一次',
        sceneId: 'PRODUCT_1',
      },
    });
  });

  test('v3 texts count characters: 33 字 is over its 32', async () => {
    stub('marketer');
    const page = await renderPage(EDIT_PAGE);
    await typeIntoVanField(page, '#transferRemark-field', '奖'.repeat(33));
    expect(textsOf(page, 'count-transferRemark')).toEqual(['33/32 字']);
    expect(findByClass(page, 'text-count--over')).toHaveLength(1);
  });

  test('weighted tiers: add, weigh, see each chance and the expected average, remove', async () => {
    const calls = stub('marketer');
    const page = await renderPage(EDIT_PAGE);
    await fillValid(page);
    await dispatchIn(page, '#amount-kind', 'change', { value: 2 });
    // Two tiers to start with: 1.00 元 × 90, 10.00 元 × 10.
    expect(textsOf(page, 'tier-chance')).toEqual(['概率 90.0%', '概率 10.0%']);
    expect(textsOf(page, 'amount-average')).toEqual(['每次平均约 1.90 元']);

    await tapVanButton(page, '.add-tier');
    await typeIntoVanField(page, '.tier-yuan-2', '0.5');
    await typeIntoVanField(page, '.tier-weight-2', '100');
    expect(textsOf(page, 'tier-chance')).toEqual(['概率 45.0%', '概率 5.0%', '概率 50.0%']);
    expect(textsOf(page, 'amount-average')).toEqual(['每次平均约 1.20 元']);

    await typeIntoVanField(page, '.tier-weight-1', '0');
    await tapVanButton(page, '.save-campaign');
    expect(visibleText(page)).toContain('第 2 档权重须为正整数');
    expect(sent(calls, 'createCampaign')).toEqual([]);

    await dispatchIn(page, '.tier-remove-1', 'tap');
    expect(findByClass(page, 'tier-row')).toHaveLength(2);
    await tapVanButton(page, '.save-campaign');
    expect(sent(calls, 'createCampaign')[0]?.amount).toEqual({
      kind: 'tiers',
      tiers: [
        { fen: 100, weight: 90 },
        { fen: 50, weight: 100 },
      ],
    });
  });

  test('the server’s refusal is shown in Chinese and every value stays', async () => {
    const calls = stub('marketer', {
      createCampaign: () => fail('INVALID_CAMPAIGN', '红包每人每日最多 10 个（微信限制）'),
    });
    const page = await renderPage(EDIT_PAGE);
    await fillValid(page);
    await tapVanButton(page, '.save-campaign');
    expect(sent(calls, 'createCampaign')).toHaveLength(1);
    expect(textsOf(page, 'save-notice')).toEqual([
      '活动设置有误，请按提示修改后再保存：红包每人每日最多 10 个（微信限制）',
    ]);
    expect(textsOf(page, 'start-date')).toEqual(['2025-03-01']);
    expect(textsOf(page, 'start-time')).toEqual(['09:30']);
    const instance = page.instance as unknown as { data: { draft: Record<string, unknown> } };
    expect(instance.data.draft).toMatchObject({
      name: '春季扫码红包',
      budgetYuan: '1234.29',
      productIds: ['prod-water'],
      transferRemark: '扫码奖励',
    });
  });

  test('a viewer cannot open the form', async () => {
    const calls = stub('viewer');
    const page = await renderPage(EDIT_PAGE);
    expect(visibleText(page)).toContain('你的角色不能新建或修改活动');
    expect(findByClass(page, 'save-campaign')).toHaveLength(0);
    expect(sent(calls, 'createCampaign')).toEqual([]);
  });
});

describe('编辑活动', () => {
  test('a running campaign: values loaded, provider fixed, budget not below what is spent', async () => {
    const calls = stub('marketer');
    const navigateBack = vi.fn();
    stubWx({ navigateBack, showToast: vi.fn() });
    const page = await renderPage(EDIT_PAGE, { campaignId: 'camp-spring' });
    expect(textsOf(page, 'start-date')).toEqual(['2025-03-01']);
    expect(textsOf(page, 'start-time')).toEqual(['09:30']);
    expect(textsOf(page, 'end-date')).toEqual(['2025-04-01']);
    expect(textsOf(page, 'end-time')).toEqual(['00:00']);
    expect(textsOf(page, 'provider-name')).toEqual(['商家转账（微信支付 v3）（不可更换）']);
    expect(textsOf(page, 'running-note')[0]).toContain('预算不能低于已发出和预留的 1254.50 元');

    // The picker is disabled; a change reaching the page anyway is ignored.
    await dispatchIn(page, '#provider-picker', 'change', { value: 1 });
    expect(findByClass(page, 'count-sendName')).toHaveLength(0);

    await typeIntoVanField(page, '#budget-field', '1000');
    await tapVanButton(page, '.save-campaign');
    expect(visibleText(page)).toContain('预算不能低于已发出和预留的 1254.50 元');
    expect(sent(calls, 'updateCampaign')).toEqual([]);

    await typeIntoVanField(page, '#budget-field', '8000');
    await tapVanButton(page, '.save-campaign');
    expect(sent(calls, 'updateCampaign')).toEqual([
      expect.objectContaining({
        campaignId: 'camp-spring',
        budgetFen: 800_000,
        startAt: '2025-03-01T09:30:00+08:00',
        endAt: '2025-04-01T00:00:00+08:00',
        targeting: { productIds: ['prod-water'], rangeIds: [] },
      }),
    ]);
    expect(navigateBack).toHaveBeenCalled();
  });

  test('a conflict from the server keeps the edits and says to refresh', async () => {
    stub('marketer', {
      updateCampaign: () => fail('CONFLICT', '活动刚刚发生了变化，请刷新后重试'),
    });
    const page = await renderPage(EDIT_PAGE, { campaignId: 'camp-spring' });
    await typeIntoVanField(page, '#name-field', '春季扫码红包（加码）');
    await tapVanButton(page, '.save-campaign');
    expect(textsOf(page, 'save-notice')[0]).toContain('活动刚刚发生了变化');
    const instance = page.instance as unknown as { data: { draft: { name: string } } };
    expect(instance.data.draft.name).toBe('春季扫码红包（加码）');
  });
});

describe('the form’s rules mirror the server’s', () => {
  /** A campaign the form accepts, as the server's domain rule would read it. */
  function definitionOf(fields: CampaignFields): CampaignDefinition {
    return {
      ...fields,
      startAt: Date.parse(fields.startAt),
      endAt: Date.parse(fields.endAt),
      allowTypedCodes: fields.allowTypedCodes ?? false,
      limits: { perCode: 1, ...fields.limits },
    };
  }

  function draft(change: Partial<CampaignDraft>): CampaignDraft {
    return {
      ...emptyDraft(Date.UTC(2025, 2, 1)),
      name: '春季扫码红包',
      budgetYuan: '100',
      productIds: ['prod-water'],
      transferRemark: '扫码奖励',
      reportActivityName: '扫码领现金',
      reportRewardDescription: '扫码即得现金奖励',
      sendName: '码上矿泉水',
      wishing: '感谢扫码',
      actName: '扫码领红包',
      remark: '每码限领一次',
      ...change,
    };
  }

  test('the same limits as the server', () => {
    expect(PROVIDER_AMOUNT_LIMITS).toEqual(SERVER_AMOUNT_LIMITS);
    expect(V2_SCENE_IDS).toEqual(SERVER_SCENE_IDS);
    expect(MAX_TIERS).toBe(SERVER_MAX_TIERS);
  });

  test.each<[string, Partial<CampaignDraft>]>([
    ['v3 at its limits', { transferRemark: '奖'.repeat(32), fixedYuan: '0.10' }],
    [
      'v2 texts at exactly their byte limits',
      {
        provider: 'v2-redpacket',
        sendName: `${'码上'.repeat(5)}ab`,
        actName: 'a'.repeat(32),
        fixedYuan: '200',
        budgetYuan: '1000',
        perUserPerDay: '10',
      },
    ],
    [
      'weighted tiers',
      {
        amountKind: 'tiers',
        tiers: [
          { yuan: '0.5', weight: '3' },
          { yuan: '2', weight: '1' },
        ],
      },
    ],
    ['a random range, no IP limit', { amountKind: 'uniform', minYuan: '0.3', maxYuan: '1.2' }],
  ])('what the form accepts the server accepts: %s', (_name, change) => {
    const checked = checkDraft(draft(change));
    expect(checked.ok, JSON.stringify(checked)).toBe(true);
    if (checked.ok) expect(validateCampaign(definitionOf(checked.fields))).toEqual([]);
  });

  test.each<[string, Partial<CampaignDraft>, string]>([
    [
      'a v2 text one byte over',
      { provider: 'v2-redpacket', sendName: `${'码上'.repeat(5)}abc` },
      'sendName',
    ],
    ['a v3 text one character over', { transferRemark: '奖'.repeat(33) }, 'transferRemark'],
    ['v2 below 1 元', { provider: 'v2-redpacket', fixedYuan: '0.99' }, 'amount'],
    [
      'v2 over 10 a day',
      { provider: 'v2-redpacket', perUserPerDay: '11', perUserPerCampaign: '20' },
      'perUserPerDay',
    ],
    ['a name of 33 字', { name: '红'.repeat(33) }, 'name'],
  ])('what the server refuses the form refuses: %s', (_name, change, key) => {
    const checked = checkDraft(draft(change));
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.issues[key]).toBeTruthy();
  });
});
