/**
 * Whether a campaign's definition can run: WeChat Pay's amount ranges and text lengths per
 * provider, the limits, the window, the targeting. Pure rules, no I/O: every problem comes back
 * with the field it is about and a Chinese message for the console's form.
 */
import { amountBounds, formatYuan, validateAmountRule } from './amount.js';
import type { CampaignDefinition, ProviderSettings } from './campaign.js';
import type { PayoutProvider } from './payout.js';

/** Per-reward amount range per provider, in fen. */
export const PROVIDER_AMOUNT_LIMITS: Readonly<
  Record<PayoutProvider, { minFen: number; maxFen: number }>
> = {
  // §3.1: 1–200 yuan per envelope by default (outside it WeChat wants scene_id and a raised
  // merchant limit we cannot see, so we keep to the default).
  'v2-redpacket': { minFen: 100, maxFen: 20_000 },
  // Scene 1000 minimum 0.1 yuan; 200 yuan is the default per-transfer ceiling and the RED_PACKET
  // receipt style's limit, and far below the 2,000 yuan that would require the payee's real name.
  'v3-transfer': { minFen: 10, maxFen: 20_000 },
};

/** §3.1: WeChat refuses a user's 11th envelope of the day (SENDNUM_LIMIT). */
export const V2_MAX_PER_USER_PER_DAY = 10;

export const V2_SCENE_IDS = [
  'PRODUCT_1',
  'PRODUCT_2',
  'PRODUCT_3',
  'PRODUCT_4',
  'PRODUCT_5',
  'PRODUCT_6',
  'PRODUCT_7',
  'PRODUCT_8',
];

export const MAX_NAME_LENGTH = 32;

export interface CampaignIssue {
  /** Dotted path of the field, for the admin form. */
  path: string;
  message: string;
}

/** Every problem with a definition (empty = it may run), each with a Chinese message. */
export function validateCampaign(def: CampaignDefinition): CampaignIssue[] {
  const issues: CampaignIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };

  const name = def.name.trim();
  if (name.length === 0) add('name', '请填写活动名称');
  else if ([...name].length > MAX_NAME_LENGTH) add('name', `活动名称最多 ${MAX_NAME_LENGTH} 个字`);

  if (!Number.isFinite(def.startAt) || !Number.isFinite(def.endAt)) {
    add('startAt', '请填写活动开始和结束时间');
  } else if (def.startAt >= def.endAt) {
    add('endAt', '结束时间须晚于开始时间');
  }

  const amountIssues = validateAmountRule(def.amount);
  issues.push(...amountIssues);
  if (amountIssues.length === 0) {
    const bounds = amountBounds(def.amount);
    const limits = PROVIDER_AMOUNT_LIMITS[def.payout.provider];
    if (bounds.minFen < limits.minFen || bounds.maxFen > limits.maxFen) {
      const what = def.payout.provider === 'v2-redpacket' ? '红包' : '转账';
      add(
        'amount',
        `${what}金额须在 ${formatYuan(limits.minFen)}–${formatYuan(limits.maxFen)} 元之间`,
      );
    }
    if (!Number.isSafeInteger(def.budgetFen) || def.budgetFen < bounds.minFen) {
      add('budgetFen', `预算须为整数分，且不少于最小单笔金额 ${formatYuan(bounds.minFen)} 元`);
    }
  } else if (!Number.isSafeInteger(def.budgetFen) || def.budgetFen <= 0) {
    add('budgetFen', '预算须为正整数（单位：分）');
  }

  if (def.targeting.productIds.length === 0 && def.targeting.rangeIds.length === 0) {
    // An untargeted campaign would pay for every code of every product: never by accident.
    add('targeting', '请至少选择一个商品或码段');
  }

  if (def.limits.perCode !== 1) add('limits.perCode', '每个码只能领取一次');
  const positive = (value: number): boolean => Number.isSafeInteger(value) && value > 0;
  if (!positive(def.limits.perUserPerDay)) add('limits.perUserPerDay', '每人每日次数须为正整数');
  if (!positive(def.limits.perUserPerCampaign)) {
    add('limits.perUserPerCampaign', '每人每活动次数须为正整数');
  } else if (positive(def.limits.perUserPerDay)) {
    if (def.limits.perUserPerDay > def.limits.perUserPerCampaign) {
      add('limits.perUserPerDay', '每人每日次数不能大于每人每活动次数');
    }
  }
  if (
    def.payout.provider === 'v2-redpacket' &&
    def.limits.perUserPerDay > V2_MAX_PER_USER_PER_DAY
  ) {
    add('limits.perUserPerDay', `红包每人每日最多 ${V2_MAX_PER_USER_PER_DAY} 个（微信限制）`);
  }

  const max = def.risk.maxClaimsPerIpPerHour;
  if (max !== null && !positive(max))
    add('risk.maxClaimsPerIpPerHour', '同一 IP 每小时次数须为正整数');

  issues.push(...validateProviderTexts(def.payout));
  return issues;
}

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const characters = (text: string): number => [...text].length;

function validateProviderTexts(settings: ProviderSettings): CampaignIssue[] {
  const issues: CampaignIssue[] = [];
  const text = (
    path: string,
    value: string,
    label: string,
    max: number,
    measure: 'bytes' | 'chars',
  ): void => {
    if (value.trim().length === 0) {
      issues.push({ path, message: `请填写${label}` });
      return;
    }
    const size = measure === 'bytes' ? utf8Bytes(value) : characters(value);
    if (size > max) {
      const limit =
        measure === 'bytes' ? `${max} 字节（约 ${Math.floor(max / 3)} 个汉字）` : `${max} 个字`;
      issues.push({ path, message: `${label}最多 ${limit}` });
    }
  };
  if (settings.provider === 'v2-redpacket') {
    // v2 String(n) fields: read as UTF-8 bytes, the stricter reading, so a text that passes
    // here cannot make every send of the campaign fail with PARAM_ERROR.
    text('payout.sendName', settings.sendName, '商户名称', 32, 'bytes');
    text('payout.wishing', settings.wishing, '祝福语', 128, 'bytes');
    text('payout.actName', settings.actName, '活动名称', 32, 'bytes');
    text('payout.remark', settings.remark, '备注', 256, 'bytes');
    if (settings.sceneId !== undefined && !V2_SCENE_IDS.includes(settings.sceneId)) {
      issues.push({ path: 'payout.sceneId', message: '红包场景须为 PRODUCT_1 至 PRODUCT_8' });
    }
  } else {
    text('payout.transferRemark', settings.transferRemark, '转账备注', 32, 'chars');
    text('payout.reportActivityName', settings.reportActivityName, '报备活动名称', 32, 'chars');
    text(
      'payout.reportRewardDescription',
      settings.reportRewardDescription,
      '报备奖励说明',
      32,
      'chars',
    );
    if (!['现金奖励', '活动奖励'].includes(settings.userRecvPerception)) {
      issues.push({
        path: 'payout.userRecvPerception',
        message: '用户收款感知只能是「现金奖励」或「活动奖励」',
      });
    }
  }
  return issues;
}
