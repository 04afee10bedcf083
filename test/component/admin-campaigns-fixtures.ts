import type { CampaignView, ListProductsResult } from '../../typings/admin';
import type { ListApplicationsResult, ListRangesResult } from '../../typings/admin';

/** A running v3 campaign, every field set as the server returns it. */
export function campaignView(overrides: Partial<CampaignView> = {}): CampaignView {
  return {
    campaignId: 'camp-spring',
    name: '春季扫码红包',
    // 2025-03-01 09:30 to 2025-04-01 00:00, China time.
    startAt: '2025-03-01T01:30:00.000Z',
    endAt: '2025-03-31T16:00:00.000Z',
    budgetFen: 500_000,
    amount: { kind: 'fixed', fen: 150 },
    firstScanOnly: true,
    allowTypedCodes: false,
    amountDisplay: 'shown',
    targeting: { productIds: ['prod-water'], rangeIds: [] },
    limits: { perUserPerDay: 3, perUserPerCampaign: 10 },
    payout: {
      provider: 'v3-transfer',
      transferRemark: '扫码奖励',
      reportActivityName: '扫码领现金',
      reportRewardDescription: '扫码即得现金奖励',
      userRecvPerception: '现金奖励',
    },
    risk: { openidBlacklist: [], maxClaimsPerIpPerHour: null, excludeSuspicious: true },
    status: 'running',
    budget: { budgetFen: 500_000, remainingFen: 374_550, reservedFen: 300, paidFen: 125_150 },
    createdAt: '2025-02-28T08:00:00.000Z',
    updatedAt: '2025-03-01T01:30:00.000Z',
    ...overrides,
  };
}

export const PRODUCTS: ListProductsResult = {
  products: [
    {
      productId: 'prod-water',
      title: '山泉水 550ml',
      brand: '码上山泉',
      images: [],
      attributes: [],
      trace: [],
      follow: { enabled: true },
      suspicion: { windowMinutes: 60, maxScans: 10, maxScanners: 5, maxPlaces: 3 },
      createdAt: '2025-02-01T00:00:00.000Z',
      updatedAt: '2025-02-01T00:00:00.000Z',
    },
    {
      productId: 'prod-tea',
      title: '冷泡茶',
      brand: '码上山泉',
      images: [],
      attributes: [],
      trace: [],
      follow: { enabled: true },
      suspicion: { windowMinutes: 60, maxScans: 10, maxScanners: 5, maxPlaces: 3 },
      createdAt: '2025-02-01T00:00:00.000Z',
      updatedAt: '2025-02-01T00:00:00.000Z',
    },
  ],
};

const APPLICATION = {
  applicationId: '1234567890',
  isvApplicationId: 'order-1',
  codeCount: 10_000,
  status: 'FINISH',
  ready: true,
  ranges: [{ codeStart: 1, codeEnd: 10_000 }],
  appliedAt: '2025-02-01T00:00:00.000Z',
};

export const APPLICATIONS: ListApplicationsResult = { applications: [APPLICATION] };

const ACTIVATION = {
  applicationId: '1234567890',
  codeStart: 1,
  codeEnd: 5_000,
  activityName: '春季活动',
  productBrand: '码上山泉',
  productTitle: '山泉水 550ml',
  productCode: '6901234567892',
  wxaAppid: 'wx0000000000000000',
  wxaPath: 'pages/landing/index',
  wxaType: 0,
  activatedAt: '2025-02-02T00:00:00.000Z',
};

export const RANGES: ListRangesResult = {
  application: APPLICATION,
  generated: [{ codeStart: 1, codeEnd: 10_000, import: { state: 'imported' } }],
  segments: [
    { codeStart: 1, codeEnd: 5_000, state: 'activated', scannedCodes: 0, activation: ACTIVATION },
    { codeStart: 5_001, codeEnd: 10_000, state: 'not_activated', scannedCodes: 0 },
  ],
};
