/** Landing views and envelopes as the `scan` function returns them, for component tests. */
import type { Envelope } from '../../typings/envelope';
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
