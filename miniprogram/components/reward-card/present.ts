import type { CommonErrorCode, EnvelopeError } from '../../../typings/envelope';
import type { PayoutView, RewardErrorCode, RewardOffer } from '../../../typings/reward';
import type { ClientErrorCode } from '../../services/cloud';
import type { RewardClientError, RewardPhase } from '../../stores/reward';

/** What the consumer can do after a failed claim. */
export type RewardRemedy = 'retry' | 'rescan' | 'none';

interface ErrorCopy {
  message: string;
  remedy: RewardRemedy;
}

type ClaimErrorCode =
  | RewardErrorCode
  | CommonErrorCode
  | (typeof ClientErrorCode)[keyof typeof ClientErrorCode]
  | (typeof RewardClientError)[keyof typeof RewardClientError];

/**
 * Our words for every code a claim can meet: the reward function's (typings/reward.ts), the
 * common ones, the cloud call's (services/cloud.ts) and the page's own (stores/reward.ts); the
 * type makes a new code without words a compile error. `retry` only where claiming again can
 * help; claiming again is always safe (the server pays a code once).
 */
export const REWARD_ERROR_COPY: Readonly<Record<ClaimErrorCode, ErrorCopy>> = {
  // The scan.
  SCAN_NOT_FOUND: { message: '没有找到这次扫码记录，请重新扫码领取', remedy: 'rescan' },
  SCAN_EXPIRED: { message: '扫码已超过 30 分钟，请重新扫码领取', remedy: 'rescan' },
  // The merchant.
  PAYOUT_NOT_CONFIGURED: { message: '商家暂未开通奖励发放，请稍后再来', remedy: 'none' },
  CLAIM_INTERRUPTED: { message: '领取超时，请再试一次', remedy: 'retry' },
  // The campaign's rules.
  NOT_RUNNING: { message: '活动已暂停或结束', remedy: 'none' },
  OUTSIDE_WINDOW: { message: '不在活动时间内', remedy: 'none' },
  BLACKLISTED: { message: '暂时无法领取，请稍后再试', remedy: 'none' },
  NOT_TARGETED: { message: '该商品未参加此活动', remedy: 'none' },
  TICKET_SCAN_REQUIRED: { message: '请用微信扫一扫扫描商品上的码领取奖励', remedy: 'rescan' },
  CODE_ALREADY_REWARDED: { message: '这个码的奖励已被领取', remedy: 'none' },
  SUSPICIOUS_CODE: { message: '这个码存在异常，无法领取奖励', remedy: 'none' },
  FIRST_SCAN_ONLY: { message: '仅首次扫码可领取奖励', remedy: 'none' },
  IP_RATE_LIMITED: { message: '领取过于频繁，请稍后重试', remedy: 'retry' },
  USER_DAILY_LIMIT: { message: '今日领取次数已达上限，明天再来吧', remedy: 'none' },
  USER_CAMPAIGN_LIMIT: { message: '你在本活动的领取次数已达上限', remedy: 'none' },
  BUDGET_EXHAUSTED: { message: '奖励已发完，感谢参与', remedy: 'none' },
  // Common codes.
  INVALID_ARGUMENT: { message: '领取信息有误，请重新扫码领取', remedy: 'rescan' },
  UNKNOWN_ACTION: { message: '当前版本暂不支持领取，请更新小程序后重试', remedy: 'none' },
  UNAUTHENTICATED: { message: '无法识别你的微信身份，请在微信中重新扫码', remedy: 'rescan' },
  FORBIDDEN: { message: '暂时无法领取，请稍后再试', remedy: 'none' },
  NOT_FOUND: { message: '没有找到这次扫码记录，请重新扫码领取', remedy: 'rescan' },
  CONFLICT: { message: '领取的人有点多，请稍后重试', remedy: 'retry' },
  UPSTREAM_ERROR: { message: '微信支付繁忙，请稍后重试', remedy: 'retry' },
  INTERNAL: { message: '领取暂时失败，请稍后重试', remedy: 'retry' },
  // Before the server answered.
  NETWORK_ERROR: { message: '网络连接失败，请检查网络后重试', remedy: 'retry' },
  BAD_REPLY: { message: '服务返回了无法识别的结果，请稍后重试', remedy: 'retry' },
  CLOUD_UNAVAILABLE: { message: '当前微信版本过低，请升级微信后再扫码领取', remedy: 'none' },
  // WeChat's own page.
  WECHAT_OUTDATED: {
    message: '当前微信版本过低，无法领取奖励，请升级微信后再扫码',
    remedy: 'none',
  },
  SCENE_NOT_SUPPORTED: { message: '请重新扫码领取', remedy: 'rescan' },
  OPEN_FAILED: { message: '领取没有完成，请重试', remedy: 'retry' },
};

/** The message and remedy for a failed claim; an unknown code keeps the server's message. */
export function describeRewardError(error: EnvelopeError): ErrorCopy {
  return (
    (REWARD_ERROR_COPY as Readonly<Record<string, ErrorCopy>>)[error.code] ?? {
      message: error.message || '领取暂时失败，请稍后重试',
      remedy: 'retry',
    }
  );
}

export const RESCAN_HINT = '请重新扫码领取';

export interface RewardCardState {
  phase: RewardPhase;
  offer: RewardOffer | null;
  payout: PayoutView | null;
  error: EnvelopeError | null;
  canClaim: boolean;
  pending: boolean;
}

export type RewardActionKind = 'claim' | 'refresh';

export interface RewardCardDisplay {
  /** `offer` (red), `done` (taken), `muted` (settled or refused). */
  tone: 'offer' | 'done' | 'muted';
  title: string;
  /** 现金红包 / 现金奖励. */
  kind: string;
  /** The big line: the amount, or what stands in for it. */
  amount: string;
  /** 已领取, 发放中, …, or empty. */
  status: string;
  /** A sentence under it (an error, a hint), or empty. */
  message: string;
  /** The button, when one is useful and allowed. */
  action: { kind: RewardActionKind; text: string; loading: boolean; loadingText: string } | null;
  /** "请重新扫码领取" where the button would be, when this launch may not claim. */
  rescan: string;
}

function yuan(text: string): string {
  return `¥${text}`;
}

/** What the card shows, from the store's state. Null: no card. */
export function presentReward(state: RewardCardState): RewardCardDisplay | null {
  const { offer, payout, phase } = state;
  if (!offer || phase === 'none') return null;
  const kind = offer.provider === 'v2-redpacket' ? '现金红包' : '现金奖励';
  const offered =
    offer.amountDisplay === 'shown' && offer.amountText
      ? yuan(offer.amountText)
      : offer.provider === 'v2-redpacket'
        ? '拆开看金额'
        : '领取后揭晓金额';
  const base: RewardCardDisplay = {
    tone: 'offer',
    title: offer.name,
    kind,
    amount: offered,
    status: '',
    message: '',
    action: null,
    rescan: '',
  };
  // The button where the launch allows claiming; elsewhere the way to get there.
  const claimAction = (text: string, loading = false, loadingText = ''): RewardCardDisplay => {
    if (!state.canClaim) return { ...base, rescan: RESCAN_HINT };
    return { ...base, action: { kind: 'claim', text, loading, loadingText } };
  };
  const claimText = offer.provider === 'v2-redpacket' ? '领取红包' : '领取奖励';

  switch (phase) {
    case 'checking':
      return claimAction(claimText, true, '查询中…');
    case 'offer':
      return claimAction(claimText);
    case 'claiming':
    case 'opening':
      return claimAction(claimText, true, '领取中…');
    case 'unopened':
      return {
        ...claimAction('继续领取'),
        amount: payout ? yuan(payout.amountText) : offered,
        message: state.canClaim ? '奖励已为你保留，点击继续领取' : '',
      };
    case 'received':
      return {
        ...base,
        tone: 'done',
        amount: payout ? yuan(payout.amountText) : offered,
        status: '已领取',
        message:
          offer.provider === 'v2-redpacket' ? '红包已存入微信零钱' : '奖励将转入你的微信零钱',
      };
    case 'settled': {
      const unpaid = payout?.state === 'failed' || payout?.state === 'budget_released';
      return {
        ...base,
        tone: 'muted',
        amount: payout && !unpaid ? yuan(payout.amountText) : offered,
        status: payout?.stateText ?? '',
        message: unpaid ? '奖励未能发放，如有疑问请联系商家' : '正在确认发放结果，请稍后刷新',
        action: state.pending
          ? { kind: 'refresh', text: '刷新状态', loading: false, loadingText: '' }
          : null,
      };
    }
    case 'error': {
      const copy = describeRewardError(state.error ?? { code: 'INTERNAL', message: '' });
      if (copy.remedy === 'retry') return { ...claimAction('重试'), message: copy.message };
      // Every message of a refusal already says what to do (wait, scan again, nothing).
      return { ...base, tone: 'muted', message: copy.message };
    }
    default:
      return null;
  }
}
