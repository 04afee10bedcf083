/**
 * Landing views and envelopes as the `scan` function returns them, and payouts as the `reward`
 * function does, for component tests.
 */
import type { Envelope } from '../../typings/envelope';
import type {
  ClaimResult,
  ClientPayParams,
  PayoutStateKind,
  PayoutView,
  RewardOffer,
} from '../../typings/reward';
import type { LandingView, ProductView, TraceStep, Verdict, VerdictKind } from '../../typings/scan';

export const TICKET = '5f1c8c0e2d6b4a7f9e3b1d2c4a6f8e0b';
export const OTHER_TICKET = '0a9b8c7d6e5f40312233445566778899';
export const CODE = '0436Z31$0';

export const PRODUCT: ProductView = {
  id: 'p-tea-01',
  title: '明前龙井 250g',
  brand: '西湖茶社',
  ean: '6901234567892',
  images: ['https://img.example.com/tea-1.jpg', 'https://img.example.com/tea-2.jpg'],
  attributes: [
    { name: '产地', value: '浙江杭州' },
    { name: '净含量', value: '250g' },
  ],
};

export const TRACE: TraceStep[] = [
  { name: '原料采摘', time: '2025-03-20T00:00:00+08:00', place: '杭州市西湖区龙井村' },
  {
    name: '炒制加工',
    time: '2025-03-21T09:30:00+08:00',
    place: '西湖茶社加工厂',
    operator: '王师傅',
    note: '手工炒制，四道工序',
    images: ['https://img.example.com/roast.jpg'],
  },
  { name: '质检出厂', time: '2025-03-25T00:00:00+08:00', operator: '质检员 李' },
];

const VERDICTS: Record<VerdictKind, Verdict> = {
  GENUINE_FIRST: {
    kind: 'GENUINE_FIRST',
    scanCount: 1,
    distinctScanners: 1,
    firstScanByCaller: true,
  },
  GENUINE_REPEAT: {
    kind: 'GENUINE_REPEAT',
    scanCount: 3,
    distinctScanners: 2,
    firstScannedAt: '2025-04-01T02:30:00.000Z',
    firstScanPlace: '上海市浦东新区',
    firstScanByCaller: false,
  },
  SUSPICIOUS: {
    kind: 'SUSPICIOUS',
    scanCount: 42,
    distinctScanners: 17,
    firstScannedAt: '2025-04-01T02:30:00.000Z',
    reasons: ['TOO_MANY_SCANS', 'TOO_MANY_PLACES'],
  },
  NOT_ACTIVATED: { kind: 'NOT_ACTIVATED', scanCount: 0, distinctScanners: 0 },
  INVALID: { kind: 'INVALID', scanCount: 0, distinctScanners: 0 },
};

export function verdict(kind: VerdictKind, overrides: Partial<Verdict> = {}): Verdict {
  return { ...VERDICTS[kind], ...overrides };
}

/** The landing view for a verdict kind: unknown and inactive codes come without a product. */
export function landingView(kind: VerdictKind, overrides: Partial<LandingView> = {}): LandingView {
  const known = kind !== 'NOT_ACTIVATED' && kind !== 'INVALID';
  return {
    scanId: 'scan-0001',
    code: CODE,
    product: known ? PRODUCT : null,
    trace: known ? TRACE : [],
    verdict: verdict(kind),
    follow: { enabled: true, officialAccountName: '西湖茶社', hint: '关注公众号，领取冲泡指南' },
    ...overrides,
  };
}

export function ok(view: LandingView): Envelope<LandingView> {
  return { ok: true, data: view };
}

export function fail(code: string, message: string): Envelope<LandingView> {
  return { ok: false, error: { code, message } };
}

// ---------------------------------------------------------------------------------------------
// Rewards (typings/reward.ts)

export const RED_PACKET_OFFER: RewardOffer = {
  campaignId: 'camp-spring',
  name: '春茶扫码红包',
  amountDisplay: 'shown',
  amountText: '1.00–3.00',
  provider: 'v2-redpacket',
};

export const TRANSFER_OFFER: RewardOffer = {
  campaignId: 'camp-transfer',
  name: '扫码领现金',
  amountDisplay: 'hidden-until-opened',
  provider: 'v3-transfer',
};

const PAYOUT_STATE_TEXT: Record<PayoutStateKind, string> = {
  reserved: '已预留',
  sending: '发放中',
  sent: '已发出',
  waiting_user: '待用户确认',
  received: '已领取',
  failed: '发放失败',
  budget_released: '已退回预算',
  unknown: '结果待查',
};

/** The caller's payout as `reward.claim` / `reward.status` show it. */
export function payout(state: PayoutStateKind, overrides: Partial<PayoutView> = {}): PayoutView {
  return {
    campaignId: 'camp-spring',
    campaignName: '春茶扫码红包',
    provider: 'v2-redpacket',
    amountFen: 176,
    amountText: '1.76',
    state,
    stateText: PAYOUT_STATE_TEXT[state],
    claimedAt: '2025-04-01T02:30:00.000Z',
    updatedAt: '2025-04-01T02:30:01.000Z',
    ...overrides,
  };
}

export const RED_PACKET_CLIENT: ClientPayParams = {
  provider: 'v2-redpacket',
  params: {
    timeStamp: '1743474600',
    nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    package: 'sendid%3Dabc%26ver%3D8%26sign%3DXYZ%26mchid%3D1900000109%26appid%3Dwx-test',
    signType: 'MD5',
    paySign: 'C380BEC2BFD727A4B6845133519F3AD6',
  },
};

export const TRANSFER_CLIENT: ClientPayParams = {
  provider: 'v3-transfer',
  params: { mchId: '1900000109', appId: 'wx-test', package: 'ABBQO+oYAAABAAAAAAA=' },
};

export function claimed(state: PayoutStateKind, client: ClientPayParams | null): ClaimResult {
  return {
    payout: payout(state, client?.provider === 'v3-transfer' ? { provider: 'v3-transfer' } : {}),
    client,
  };
}
