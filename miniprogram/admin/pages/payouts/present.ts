import type { CampaignView, PayoutAdminView } from '../../../../typings/admin';
import type { CommonErrorCode, EnvelopeError } from '../../../../typings/envelope';
import type { PayoutProviderKind, PayoutStateKind } from '../../../../typings/reward';
import type { ClientErrorCode } from '../../../services/cloud';
import { formatDateTime } from '../../../utils/time';
import { yuanText } from '../../utils/figures';
import { maskOpenid } from '../../utils/text';
import type { PayoutFilters } from '../../stores/payouts';

/**
 * The operators' words for each state: the same table as the server's PAYOUT_STATE_LABELS
 * (core/domain/payout.ts; a component test holds them equal), kept here so the state picker does
 * not need a call and the console code stays in the subpackage.
 */
export const PAYOUT_STATE_LABELS: Readonly<Record<PayoutStateKind, string>> = {
  reserved: '已预留',
  sending: '发放中',
  sent: '已发出',
  waiting_user: '待用户确认',
  received: '已领取',
  failed: '发放失败',
  budget_released: '已退回预算',
  unknown: '结果待查',
};

/** Picker order: the usual path first, then the ends an operator looks into. */
export const STATE_ORDER: readonly PayoutStateKind[] = [
  'reserved',
  'sending',
  'sent',
  'waiting_user',
  'received',
  'unknown',
  'failed',
  'budget_released',
];

/** van-tag types: settled green, money in doubt orange, gone back grey. */
const STATE_TAG_TYPES: Readonly<Record<PayoutStateKind, string>> = {
  reserved: 'primary',
  sending: 'primary',
  sent: 'primary',
  waiting_user: 'primary',
  received: 'success',
  failed: 'danger',
  budget_released: 'default',
  unknown: 'warning',
};

const PROVIDER_LABELS: Readonly<Record<PayoutProviderKind, string>> = {
  'v2-redpacket': '现金红包',
  'v3-transfer': '商家转账',
};

/**
 * What the provider's reference in a ledger step is called on each provider's own bill:
 * sendminiprogramhb's `send_listid` (gethbinfo's `detail_id`) and transfer-bills'
 * `transfer_bill_no`.
 */
const PROVIDER_REF_LABELS: Readonly<Record<PayoutProviderKind, string>> = {
  'v2-redpacket': '微信单号',
  'v3-transfer': '微信转账单号',
};

/**
 * Operators' words for the codes a ledger step records (core/domain/payout-provider-events.ts):
 * WeChat Pay's documented err_codes of both APIs and our own. Shown unless the step stored a Chinese
 * message of WeChat's own; a code not listed stays as recorded.
 */
export const PROVIDER_CODE_MEANINGS: Readonly<Record<string, string>> = {
  SYSTEMERROR: '微信支付系统繁忙，结果待查',
  SYSTEM_ERROR: '微信支付系统繁忙，结果待查',
  PROCESSING: '微信支付处理中',
  ACCEPTED: '微信支付已受理',
  FATAL_ERROR: '单号已用于不同参数，需人工核对',
  SEND_FAILED: '红包发放失败',
  NOTENOUGH: '商户余额不足，请充值',
  NOT_ENOUGH: '商户运营账户余额不足，请充值',
  SENDNUM_LIMIT: '该用户今日领取次数已达上限',
  FREQ_LIMIT: '请求过于频繁',
  FREQUENCY_LIMITED: '请求过于频繁',
  FREQUENCY_LIMIT_EXCEED: '请求过于频繁',
  SECOND_OVER_LIMITED: '每分钟发放数已达上限',
  DAY_OVER_LIMITED: '今日发放额度已达上限',
  MONEY_LIMIT: '金额超出商户设置的范围',
  NO_AUTH: '商户无此权限或用户被风控拦截',
  CA_ERROR: '商户证书有误',
  SIGN_ERROR: '签名错误，请核对商户密钥',
  XML_ERROR: '请求格式有误',
  PARAM_ERROR: '请求参数有误',
  INVALID_REQUEST: '请求不符合微信支付规则',
  OPENID_ERROR: '用户 openid 与公众号不匹配',
  ILLEGAL_APPID: 'appid 与商户号不匹配',
  NOT_FOUND: '微信支付查无此单',
  TRANSPORT: '网络超时，结果待查',
  RETURN_FAIL: '微信支付通信失败',
  FAILED: '微信支付发放失败',
  REFUND: '红包未领取，已退款',
};

/**
 * A stored step detail as operators read it. The server writes `CODE message ref=REF` (each part
 * optional; core/domain/payout.ts describeEvent) and ledgers already stored keep that form, so it
 * is read here: the reference labelled by its provider, a bare code with its Chinese meaning.
 */
export function ledgerDetail(detail: string, provider: PayoutProviderKind): string {
  const words = detail.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '';
  const refLabel = PROVIDER_REF_LABELS[provider] ?? '微信单号';
  const refs = words
    .filter((word) => word.startsWith('ref='))
    .map((word) => `${refLabel} ${word.slice('ref='.length)}`);
  const rest = words.filter((word) => !word.startsWith('ref='));
  const first = rest[0] ?? '';
  const code = /^[A-Z][A-Z0-9_]*$/.test(first) ? first : '';
  const message = (code ? rest.slice(1) : rest).join(' ');
  const meaning = code ? PROVIDER_CODE_MEANINGS[code] : undefined;
  // WeChat's own Chinese message says it already; a bare code or a transport error does not.
  const saidInChinese = /[\u4e00-\u9fff]/.test(message);
  const codeText = meaning && !saidInChinese ? `${code}（${meaning}）` : code;
  return [codeText, message, ...refs].filter(Boolean).join(' ');
}

export interface PickerChoice {
  value: string;
  name: string;
}

export function campaignChoices(campaigns: readonly CampaignView[]): PickerChoice[] {
  return [
    { value: '', name: '全部活动' },
    ...campaigns.map((campaign) => ({ value: campaign.campaignId, name: campaign.name })),
  ];
}

export function stateChoices(): PickerChoice[] {
  return [
    { value: '', name: '全部状态' },
    ...STATE_ORDER.map((state) => ({ value: state, name: PAYOUT_STATE_LABELS[state] })),
  ];
}

/** Index of the chosen value in a picker's choices (0, "all", when it is not offered). */
export function choiceIndex(choices: readonly PickerChoice[], value: string): number {
  return Math.max(
    0,
    choices.findIndex((choice) => choice.value === value),
  );
}

/** What the filter bar reads. */
export interface FilterBar {
  campaignLabel: string;
  stateLabel: string;
  flagged: boolean;
  code: string;
  /** Any filter set: 清除筛选 shows. */
  active: boolean;
}

export function filterBar(filters: PayoutFilters, campaigns: readonly CampaignView[]): FilterBar {
  const campaign = campaigns.find((c) => c.campaignId === filters.campaignId);
  return {
    campaignLabel: filters.campaignId ? (campaign?.name ?? '所选活动') : '全部活动',
    stateLabel: filters.state ? PAYOUT_STATE_LABELS[filters.state] : '全部状态',
    flagged: filters.flagged,
    code: filters.code,
    active: Boolean(filters.campaignId || filters.state || filters.flagged || filters.code),
  };
}

export interface LedgerRow {
  /** Position in the ledger: two transitions may share a millisecond. */
  key: string;
  /** `已预留 → 发放中` */
  transition: string;
  at: string;
  /** The provider's code, message and labelled reference (ledgerDetail). */
  detail: string;
}

/** One payout as the list shows it. */
export interface PayoutRow {
  outNo: string;
  code: string;
  amount: string;
  stateText: string;
  stateTagType: string;
  campaignName: string;
  createdAt: string;
  flagged: boolean;
  /** Why it needs an operator: WeChat Pay's disagreement, or the plain overdue flag. */
  flagText: string;
  expanded: boolean;
  /** Shown when expanded. */
  provider: string;
  openidMasked: string;
  updatedAt: string;
  nextCheck: string;
  ledger: LedgerRow[];
}

export function payoutRows(
  payouts: readonly PayoutAdminView[],
  expandedOutNo: string,
): PayoutRow[] {
  return payouts.map((payout) => {
    const flagged = payout.flaggedAt !== undefined || payout.flagReason !== undefined;
    return {
      outNo: payout.outNo,
      code: payout.code,
      amount: yuanText(payout.amountFen),
      // The server's label when it sends one, ours for a state it named without one.
      stateText: payout.stateText || PAYOUT_STATE_LABELS[payout.state],
      stateTagType: STATE_TAG_TYPES[payout.state] ?? 'default',
      campaignName: payout.campaignName,
      createdAt: formatDateTime(payout.createdAt),
      flagged,
      flagText: !flagged
        ? ''
        : payout.flagReason
          ? `告警：${payout.flagReason}`
          : `告警：超时未结清（${formatDateTime(payout.flaggedAt)} 标记），请核对微信支付账单`,
      expanded: payout.outNo === expandedOutNo,
      provider: PROVIDER_LABELS[payout.provider] ?? payout.provider,
      openidMasked: maskOpenid(payout.openid),
      updatedAt: formatDateTime(payout.updatedAt),
      nextCheck: payout.nextCheckAt ? formatDateTime(payout.nextCheckAt) : '不再自动查询',
      ledger: payout.ledger.map((entry, position) => ({
        key: String(position),
        transition: `${PAYOUT_STATE_LABELS[entry.from] ?? entry.from} → ${
          entry.toText || PAYOUT_STATE_LABELS[entry.to]
        }`,
        at: formatDateTime(entry.at),
        detail: ledgerDetail(entry.detail ?? '', payout.provider),
      })),
    };
  });
}

/** Printable ASCII, 9 characters: WeChat's raw code (core/domain/marketcode.ts checkRawCode). */
const RAW_CODE = /^[\x21-\x7E]{9}$/;

/** The code as typed, trimmed; a message when it cannot be a code (asked of no server). */
export function checkCodeInput(typed: string): { code: string } | { message: string } {
  const code = typed.trim();
  if (code === '' || RAW_CODE.test(code)) return { code };
  return { message: '码须为 9 位字符（字母、数字或符号），请核对后再查' };
}

/** Every code listPayouts and listCampaigns can answer with, and the cloud call's own. */
export type PayoutPageErrorCode =
  CommonErrorCode | (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/**
 * Our words for each of them; the type makes a code added without words a compile error. The page
 * writes nothing, so CONFLICT and NOT_FOUND only reach it through a changed server.
 */
export const PAYOUT_ERROR_COPY: Readonly<Record<PayoutPageErrorCode, string>> = {
  INVALID_ARGUMENT: '查询条件有误：码须为 9 位字符，请核对后重试',
  UNKNOWN_ACTION: '服务版本过旧，请稍后再试或联系技术支持',
  UNAUTHENTICATED: '无法识别你的微信身份，请重新打开小程序',
  FORBIDDEN: '你的角色不能查看发放记录，请联系管理员',
  NOT_FOUND: '没有找到相关记录，请刷新后再试',
  CONFLICT: '数据刚有变化，请下拉刷新后再试',
  UPSTREAM_ERROR: '微信服务繁忙，请稍后重试',
  INTERNAL: '服务暂时不可用，请稍后重试',
  NETWORK_ERROR: '网络异常，请检查网络后重试',
  BAD_REPLY: '服务返回了无法识别的结果，请稍后重试',
  CLOUD_UNAVAILABLE: '当前微信版本过低，无法连接服务，请升级微信后重试',
};

/** Our words for an error; a code we do not know keeps the server's own Chinese message. */
export function describePayoutError(error: EnvelopeError): string {
  const copy: Readonly<Record<string, string>> = PAYOUT_ERROR_COPY;
  return copy[error.code] ?? (error.message || '加载失败，请稍后重试');
}
