/**
 * What the demo brand is (demo.ts sets it up): 码上山泉's 山泉水 550ml with its attributes, its
 * six-step origin trace and the demo range's own steps, the red-envelope campaign on those codes,
 * and the ids and names other tools (the web preview, tests) look the demo up by.
 */
import type { CampaignFields, ProductFields, TraceStepInput } from '../../typings/admin';

/** What other tools (the web preview, tests) need to know about the demo. */
export const DEMO = {
  /** The operator's order id: the demo application is the one applied for with it. */
  isvApplicationId: 'demo-spring-water-001',
  codeCount: 10_000,
  /** Code indexes activated (inclusive), i.e. what `/wechat/_sim/scan` can scan. */
  activated: { from: 0, to: 9_999 },
  wxaPath: 'pages/landing/index',
  product: { title: '山泉水 550ml', brand: '码上山泉', ean: '6901234567892' },
  /** Consumers to scan as (any openid works; these two are what the preview offers). */
  users: { alice: 'o-demo-alice', bob: 'o-demo-bob' },
  /** The administrator the seed acts as, unless the stack's ADMIN_OPENIDS names another. */
  admin: 'o-local-admin',
  /**
   * Console members of the other roles, each joined by an invite of the administrator (the same
   * doors a brand uses), so the preview can switch to each role.
   */
  members: { operator: 'o-demo-operator', marketer: 'o-demo-marketer', viewer: 'o-demo-viewer' },
  /** Where the pictures live in cloud storage. */
  imageFolder: 'product-images/demo/spring-water',
  /**
   * The reward campaign on the activated codes: v2 Mini Program red envelopes (what the local
   * WeChat Pay simulator and the preview's stand-in sheet play end to end), amount hidden until
   * the envelope is opened.
   */
  campaign: { name: '码上山泉 扫码领红包', minFen: 100, maxFen: 300, budgetFen: 100_000 },
} as const;

/** The demo campaign's fields on range `rangeId`, running from a minute before `now` for a year. */
export function demoCampaignFields(rangeId: string, now: number): CampaignFields {
  return {
    name: DEMO.campaign.name,
    startAt: new Date(now - 60_000).toISOString(),
    endAt: new Date(now + 365 * 86_400_000).toISOString(),
    budgetFen: DEMO.campaign.budgetFen,
    amount: { kind: 'uniform', minFen: DEMO.campaign.minFen, maxFen: DEMO.campaign.maxFen },
    firstScanOnly: false,
    amountDisplay: 'hidden-until-opened',
    targeting: { productIds: [], rangeIds: [rangeId] },
    // WeChat allows a user 10 envelopes a day (SENDNUM_LIMIT).
    limits: { perUserPerDay: 10, perUserPerCampaign: 100 },
    payout: {
      provider: 'v2-redpacket',
      sendName: DEMO.product.brand,
      wishing: '感谢支持码上山泉，祝你天天好心情',
      actName: '扫码领红包',
      remark: '扫码验真有礼',
    },
    // Every preview call comes from 127.0.0.1: no per-IP limit.
    risk: { openidBlacklist: [], maxClaimsPerIpPerHour: null, excludeSuspicious: true },
  };
}

/** The product: its pictures are the cloud file IDs of `images` (bottle, spring, pair). */
export function productFields(images: string[]): ProductFields {
  const [bottle, spring, pair] = images;
  return {
    title: DEMO.product.title,
    brand: DEMO.product.brand,
    ean: DEMO.product.ean,
    images: [bottle!, pair!, spring!],
    attributes: [
      { name: '净含量', value: '550ml' },
      { name: '产品类型', value: '饮用天然山泉水' },
      { name: '水源地', value: '吉林省白山市 长白山北麓' },
      { name: 'pH 值', value: '7.3 ± 0.5（弱碱性）' },
      { name: '保质期', value: '12 个月' },
      { name: '贮存条件', value: '避免阳光直射，常温保存' },
    ],
    trace: [
      {
        name: '水源地',
        time: '2025-03-02',
        place: '吉林省白山市 长白山北麓 3 号泉眼',
        operator: '码上山泉水源站',
        note: '天然涌泉，水温常年 6–8 ℃，泉眼周边 5 公里为水源保护区',
        images: [spring!],
      },
      {
        name: '水质检测',
        time: '2025-03-02',
        place: '码上山泉水质实验室',
        operator: '质检员 李静',
        note: '86 项水质指标检测合格',
      },
      {
        name: '灌装',
        time: '2025-03-03',
        place: '码上山泉灌装一厂（吉林白山）',
        operator: '3 号无菌灌装线',
        note: '全封闭无菌灌装',
        images: [bottle!],
      },
      {
        name: '出厂质检',
        time: '2025-03-04',
        place: '码上山泉灌装一厂 成品仓',
        operator: '质检员 王磊',
        note: '抽检合格，准予出厂',
      },
      {
        name: '物流配送',
        time: '2025-03-06',
        place: '上海市浦东新区 华东配送中心',
        operator: '码上冷链物流',
        note: '全程温控运输',
      },
    ],
    follow: {
      enabled: true,
      officialAccountName: DEMO.product.brand,
      hint: '关注码上山泉公众号，看水源地实况与新品活动',
    },
  };
}

/** What the demo range adds to the template: its own filling batch, and the shop it went to. */
export function batchTrace(): TraceStepInput[] {
  return [
    { name: '灌装', time: '2025-03-03T09:20:00+08:00', note: '批次 MS20250303-A，全封闭无菌灌装' },
    {
      name: '门店上架',
      time: '2025-03-08',
      place: '上海市浦东新区 码上便利店（世纪大道店）',
      operator: '码上便利店',
    },
  ];
}
