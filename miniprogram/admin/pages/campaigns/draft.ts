/**
 * The campaign form as the marketer types it: the draft (strings, as typed), 元 ↔ fen, the window
 * in China time, and WeChat's limits on the payout texts with their counters. form.ts turns it
 * into `CampaignFields` and checks it; it re-exports this module. Pure: no `wx`.
 */
import type { AmountRuleInput, CampaignPayoutSettings } from '../../../../typings/admin';
import { utf8Bytes } from '../../utils/text';

export type AmountKind = AmountRuleInput['kind'];
export type Provider = CampaignPayoutSettings['provider'];
export type RecvPerception = Extract<
  CampaignPayoutSettings,
  { provider: 'v3-transfer' }
>['userRecvPerception'];

export interface TierDraft {
  yuan: string;
  weight: string;
}

export interface CampaignDraft {
  name: string;
  /** `YYYY-MM-DD` and `hh:mm`, China time (what `<picker mode="date|time">` gives). */
  startDate: string;
  startTime: string;
  endDate: string;
  endTime: string;
  budgetYuan: string;
  amountKind: AmountKind;
  fixedYuan: string;
  minYuan: string;
  maxYuan: string;
  tiers: TierDraft[];
  firstScanOnly: boolean;
  allowTypedCodes: boolean;
  amountHidden: boolean;
  productIds: string[];
  rangeIds: string[];
  perUserPerDay: string;
  perUserPerCampaign: string;
  /** '' = no limit. */
  maxClaimsPerIpPerHour: string;
  excludeSuspicious: boolean;
  /** One openid per line. */
  blacklist: string;
  provider: Provider;
  sendName: string;
  wishing: string;
  actName: string;
  remark: string;
  /** '' = none. */
  sceneId: string;
  transferRemark: string;
  reportActivityName: string;
  reportRewardDescription: string;
  userRecvPerception: RecvPerception;
}

// ---------------------------------------------------------------------------------------------
// Money: 元 as typed ↔ integer fen, by string arithmetic (0.1 + 0.2 never reaches the budget).

/** `12.3` → 1230; null unless a non-negative amount with at most two decimals. */
export function yuanToFen(text: string): number | null {
  const match = /^(\d{1,13})(?:\.(\d{0,2}))?$/.exec(text.trim());
  if (!match) return null;
  const [, whole = '0', part = ''] = match;
  return Number(whole) * 100 + Number(part.padEnd(2, '0'));
}

/** 1230 → `12.30`. */
export function fenToYuan(fen: number): string {
  const abs = Math.abs(Math.trunc(fen));
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Time: the campaign window is entered and shown in China time (UTC+8, no daylight saving).

const CHINA_OFFSET_MS = 8 * 3_600_000;
const pad = (value: number): string => String(value).padStart(2, '0');

/** `2025-03-01` + `09:30` → `2025-03-01T09:30:00+08:00` (ISO 8601, as the server takes it). */
export function composeChinaTime(date: string, time: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  const iso = `${date}T${time}:00+08:00`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

/** An ISO time → China-time `{ date: 'YYYY-MM-DD', time: 'hh:mm' }`. */
export function splitChinaTime(iso: string): { date: string; time: string } {
  const china = new Date(Date.parse(iso) + CHINA_OFFSET_MS);
  return {
    date: `${china.getUTCFullYear()}-${pad(china.getUTCMonth() + 1)}-${pad(china.getUTCDate())}`,
    time: `${pad(china.getUTCHours())}:${pad(china.getUTCMinutes())}`,
  };
}

/** `2025-03-01 09:30` in China time, whatever the phone's zone. */
export function chinaDateTimeText(iso: string): string {
  if (Number.isNaN(Date.parse(iso))) return '—';
  const { date, time } = splitChinaTime(iso);
  return `${date} ${time}`;
}

// ---------------------------------------------------------------------------------------------
// Payout texts: WeChat's limits (v2 String(n) read as UTF-8 bytes; v3 as characters).

export type TextField =
  | 'sendName'
  | 'wishing'
  | 'actName'
  | 'remark'
  | 'transferRemark'
  | 'reportActivityName'
  | 'reportRewardDescription';

export interface TextLimit {
  label: string;
  max: number;
  measure: 'bytes' | 'chars';
}

export const TEXT_LIMITS: Readonly<Record<TextField, TextLimit>> = {
  sendName: { label: '商户名称', max: 32, measure: 'bytes' },
  wishing: { label: '祝福语', max: 128, measure: 'bytes' },
  actName: { label: '活动名称', max: 32, measure: 'bytes' },
  remark: { label: '备注', max: 256, measure: 'bytes' },
  transferRemark: { label: '转账备注', max: 32, measure: 'chars' },
  reportActivityName: { label: '报备活动名称', max: 32, measure: 'chars' },
  reportRewardDescription: { label: '报备奖励说明', max: 32, measure: 'chars' },
};

export const PROVIDER_TEXT_FIELDS: Readonly<Record<Provider, readonly TextField[]>> = {
  'v2-redpacket': ['sendName', 'wishing', 'actName', 'remark'],
  'v3-transfer': ['transferRemark', 'reportActivityName', 'reportRewardDescription'],
};

export function measureText(text: string, measure: TextLimit['measure']): number {
  return measure === 'bytes' ? utf8Bytes(text) : [...text].length;
}

/** `12/32 字节` under a field, and whether it is over. */
export interface TextCounter {
  field: TextField;
  label: string;
  count: string;
  over: boolean;
}

export function textCounters(draft: CampaignDraft): TextCounter[] {
  return PROVIDER_TEXT_FIELDS[draft.provider].map((field) => {
    const limit = TEXT_LIMITS[field];
    const used = measureText(draft[field], limit.measure);
    return {
      field,
      label: limit.label,
      count: `${used}/${limit.max} ${limit.measure === 'bytes' ? '字节' : '字'}`,
      over: used > limit.max,
    };
  });
}

// ---------------------------------------------------------------------------------------------
