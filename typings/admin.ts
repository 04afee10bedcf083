import type { FollowCardSettings, ProductAttribute, TraceStep } from './scan.js';
import type { AmountRule } from '../cloudfunctions/core/domain/amount.js';
import type {
  CampaignDefinition,
  CampaignLimits,
  CampaignStatus,
  ProviderSettings,
} from '../cloudfunctions/core/domain/campaign.js';
import type { PayoutProviderKind, PayoutStateKind, RewardErrorCode } from './reward.js';

/**
 * Contract of the `admin` cloud function (operators and marketers only). Each action's request
 * (`event` minus `action`) and the `data` of its success envelope.
 *
 * Type-only: shared by miniprogram/ (via `import type`) and cloudfunctions/.
 *
 * Application ids are WeChat uint64s and always travel as decimal strings: a JavaScript number
 * would round ids above 2^53. Code indexes (at most 20,000,000 per application) are numbers.
 * Code ranges are inclusive at both ends.
 */

/** `admin` / `me`: who is calling, as the server sees it (identity from `cloud.getWXContext()`). */
export interface AdminMe {
  /** Mini Program openid of the caller. The UI masks it; logs must not print it in full. */
  openid: string;
  appid: string;
  /** Whether the caller may use the operator pages (role record or `ADMIN_OPENIDS` bootstrap). */
  isAdmin: boolean;
  /** The caller's role, or null for a WeChat user who is not a member. */
  role: MemberRole | null;
  /** True when `ADMIN_OPENIDS` names the caller: always an administrator, not revocable. */
  bootstrap: boolean;
  /** What the role allows (empty without a role). */
  permissions: AdminPermission[];
  /** Every admin action and whether the caller may call it: pages show only what is allowed. */
  can: Record<AdminAction, boolean>;
  /** ISO 8601 timestamps: dates cross `callFunction` as JSON. */
  firstSeenAt: string;
  lastSeenAt: string;
  /** How many times this openid has called `me`, this call included. */
  visits: number;
}

export interface CodeRangeView {
  codeStart: number;
  codeEnd: number;
}

/** A marketcode application (applycode order) as stored. */
export interface CodeApplicationView {
  applicationId: string;
  /** The operator's order id: applying twice with it yields the same application. */
  isvApplicationId: string;
  codeCount: number;
  /** WeChat's status; `FINISH` means the packages can be downloaded. `APPLIED` before any query. */
  status: string;
  ready: boolean;
  /** WeChat's code_generate_list; each range is downloaded and imported on its own. */
  ranges: CodeRangeView[];
  appliedAt: string;
  refreshedAt?: string;
}

/** `applyCodes`: count 10,000–20,000,000 in steps of 10,000. */
export interface ApplyCodesRequest {
  count: number;
  /**
   * The operator's order id (1–128 visible ASCII characters), generated once per order by the
   * client and reused on retry: it is WeChat's idempotency key.
   */
  isvApplicationId: string;
}

export interface ApplyCodesResult {
  application: CodeApplicationView;
  /** False when the order id was already used for this count (a retry): nothing new was ordered. */
  created: boolean;
}

export interface RefreshApplicationRequest {
  applicationId: string;
}

export interface ListApplicationsRequest {
  /** 1–100, default 20. */
  limit?: number;
  offset?: number;
}

export interface ListApplicationsResult {
  applications: CodeApplicationView[];
}

/** `importRange`: one whole range of the application's code_generate_list. */
export interface ImportRangeRequest extends CodeRangeView {
  applicationId: string;
}

export interface ImportRangeResult extends CodeRangeView {
  applicationId: string;
  state: 'imported';
  importedCount: number;
  /** True when the range had been imported before: nothing was downloaded again. */
  alreadyImported: boolean;
}

/** `qr` stands for the ordinary QR code of the URL in three sizes (small, medium, large). */
export type ExportFormat = 'csv' | 'svg' | 'png' | 'qr';

/** `exportRange`: print files for codes `from`–`to` (default: all) of an imported range. */
export interface ExportRangeRequest extends CodeRangeView {
  applicationId: string;
  from?: number;
  to?: number;
  formats: ExportFormat[];
}

export interface ExportedFile {
  /** File name as the operator sees it, e.g. `codes-123-1-10000.csv` or `…zip`. */
  name: string;
  fileID: string;
  /** Temporary download link (valid until `expiresAt`; ask again with the fileID later). */
  url: string;
  bytes: number;
}

export interface ExportRangeResult {
  exportId: string;
  from: number;
  to: number;
  codeCount: number;
  /** True when the files were packed into one zip (more than a handful of files). */
  zipped: boolean;
  files: ExportedFile[];
  expiresAt: string;
}

/** What an activation binds codes to: a product and the Mini Program page a scan opens. */
export interface ActivationDetails {
  activityName: string;
  productBrand: string;
  productTitle: string;
  /** EAN/GTIN with a valid check digit. */
  productCode: string;
  wxaAppid: string;
  wxaPath: string;
}

/** `activateRange`: binds codes to a product and a Mini Program page (codeactive). */
export interface ActivateRangeRequest extends CodeRangeView, Omit<ActivationDetails, 'wxaAppid'> {
  applicationId: string;
  /** Default: the MP_APPID setting. */
  wxaAppid?: string;
  /** 0 release (default), 1 develop, 2 trial. */
  wxaType?: 0 | 1 | 2;
}

export interface ActivatedRangeView extends CodeRangeView, ActivationDetails {
  applicationId: string;
  wxaType: number;
  activatedAt: string;
  /** The product scans of this range show (`bindProduct`); absent until bound. */
  productId?: string;
  /** This range's own trace steps: a step named like a template step replaces it, others are added. */
  traceSteps?: TraceStepInput[];
  /** Where it is sold (`setRangeRegions`); absent or empty: not watched for diversion. */
  salesRegions?: SalesRegion[];
  /** Scans outside those regions per province before an alert (`setRangeRegions`). */
  diversionThreshold?: number;
}

export interface ActivateRangeResult {
  range: ActivatedRangeView;
}

/** `queryActivation`: by application and index, by raw code, or by code URL. */
export type QueryActivationRequest =
  { applicationId: string; codeIndex: number } | { code: string } | { codeUrl: string };

/** What WeChat says about an activated code (codeactivequery, tickettocode). */
export interface CodeActivationView extends CodeRangeView, Omit<ActivationDetails, 'productCode'> {
  code: string;
  applicationId: string;
  isvApplicationId: string;
  /** Shown in WeChat's examples, not in its field list. */
  productCode?: string;
  /** tickettocode does not document it. */
  wxaType?: number;
  /** The code's index, when its package was imported here. */
  index?: number;
}

export interface ListRangesRequest {
  applicationId: string;
}

export type ImportState = 'importing' | 'imported' | 'import_failed';

export interface GeneratedRangeView extends CodeRangeView {
  /** Null until an import was attempted. Only `imported` ranges can be exported. */
  import: {
    state: ImportState;
    importedCount?: number;
    finishedAt?: string;
    error?: string;
  } | null;
}

export type RangeState = 'not_activated' | 'activated' | 'scanned';

/** A stretch of codes with one state: `scanned` once any code in an activated segment was scanned. */
export interface RangeSegmentView extends CodeRangeView {
  state: RangeState;
  /** Codes of the segment scanned at least once (from the `codes` collection). */
  scannedCodes: number;
  activation?: ActivatedRangeView;
}

export interface ListRangesResult {
  application: CodeApplicationView;
  generated: GeneratedRangeView[];
  segments: RangeSegmentView[];
}

/**
 * An image as an operator stores it: a cloud file ID (`cloud://…`, uploaded with
 * `wx.cloud.uploadFile`) or an https URL. Scans turn file IDs into temporary URLs.
 */
export type ImageRef = string;

/** A step of a product's origin trace template (or a range's own step), images as stored. */
export interface TraceStepInput extends Omit<TraceStep, 'images'> {
  images?: ImageRef[];
}

/**
 * When a code looks copied: more than `maxScans` scans, `maxScanners` distinct users or
 * `maxPlaces` distinct places within the last `windowMinutes`. Limits count up to 60.
 */
export interface SuspicionThresholds {
  windowMinutes: number;
  maxScans: number;
  maxScanners: number;
  maxPlaces: number;
}

/** What an operator edits on a product. */
export interface ProductFields {
  title: string;
  brand: string;
  /** EAN/GTIN with a valid check digit. */
  ean?: string;
  /** Up to 9 images, shown in this order. */
  images: ImageRef[];
  attributes: ProductAttribute[];
  /** The origin trace template every code of the product shows. */
  trace: TraceStepInput[];
  /** The follow-the-OA card on the landing page (default: shown, with a hint naming the brand). */
  follow?: FollowCardSettings;
  /** Missing limits take the defaults (see `AdminProductView.suspicion`). */
  suspicion?: Partial<SuspicionThresholds>;
}

export interface AdminProductView extends Omit<ProductFields, 'follow' | 'suspicion'> {
  productId: string;
  follow: FollowCardSettings;
  /** The limits in force (defaults filled in). */
  suspicion: SuspicionThresholds;
  createdAt: string;
  updatedAt: string;
}

export type CreateProductRequest = ProductFields;

/** Only the fields given change; `ean: ''` removes the EAN. */
export interface UpdateProductRequest extends Partial<ProductFields> {
  productId: string;
}

export interface ProductResult {
  product: AdminProductView;
}

export interface GetProductRequest {
  productId: string;
}

export interface ListProductsRequest {
  /** 1–100, default 20. Newest first. */
  limit?: number;
  offset?: number;
}

export interface ListProductsResult {
  products: AdminProductView[];
}

/**
 * `bindProduct`: the activated segment that starts at `codeStart` (as `activateRange` made it)
 * shows `productId`; `traceSteps`, when given, replace the range's own steps.
 */
export interface BindProductRequest {
  applicationId: string;
  codeStart: number;
  productId: string;
  traceSteps?: TraceStepInput[];
}

export interface BindProductResult {
  range: ActivatedRangeView;
}

// ---------------------------------------------------------------------------------------------
// Reward campaigns

// The campaign's shapes are the domain's (core/domain/campaign.ts, amount.ts), declared once;
// the console's fields differ only where JSON does: ISO times, and limits without perCode.
export type CampaignStatusKind = CampaignStatus;
export type AmountRuleInput = AmountRule;
export type CampaignPayoutSettings = ProviderSettings;

/** What a marketer sets on a campaign. */
export interface CampaignFields extends Omit<
  CampaignDefinition,
  'startAt' | 'endAt' | 'allowTypedCodes' | 'limits'
> {
  /** ISO 8601; claims count from startAt inclusive to endAt exclusive. */
  startAt: string;
  endAt: string;
  /** False when absent (see CampaignDefinition.allowTypedCodes). */
  allowTypedCodes?: boolean;
  /** One reward per code always; these are per user. */
  limits: Omit<CampaignLimits, 'perCode'>;
}

/** Budget in fen: budgetFen = remainingFen + reservedFen + paidFen at all times. */
export interface CampaignBudgetView {
  budgetFen: number;
  /** Not yet promised to anyone. */
  remainingFen: number;
  /** Held by payouts not yet received or released. */
  reservedFen: number;
  /** Received by users. */
  paidFen: number;
  /**
   * Paid by WeChat Pay after its budget had been given back (an anomaly, see the flagged
   * payouts): spent beyond the budget. Absent when zero.
   */
  overspentFen?: number;
}

export interface CampaignView extends CampaignFields {
  campaignId: string;
  allowTypedCodes: boolean;
  status: CampaignStatusKind;
  budget: CampaignBudgetView;
  createdAt: string;
  updatedAt: string;
}

/** `createCampaign`: a draft (start it with setCampaignStatus). */
export type CreateCampaignRequest = CampaignFields;

/** `updateCampaign`: every field replaced; the provider may change only while a draft. */
export interface UpdateCampaignRequest extends CampaignFields {
  campaignId: string;
}

export interface SetCampaignStatusRequest {
  campaignId: string;
  status: CampaignStatusKind;
}

export interface GetCampaignRequest {
  campaignId: string;
}

export interface ListCampaignsRequest {
  status?: CampaignStatusKind;
  limit?: number;
  offset?: number;
}

export interface CampaignResult {
  campaign: CampaignView;
}

export interface ListCampaignsResult {
  campaigns: CampaignView[];
}

/** `listPayouts`: a campaign's payouts, those in one state, or those flagged for operators. */
export interface ListPayoutsRequest {
  campaignId?: string;
  state?: PayoutStateKind;
  /** Only payouts still unsettled past their deadline (reconciliation flagged them). */
  flagged?: boolean;
  /** The 9-character code printed on the product: its payout, if any (at most one per code). */
  code?: string;
  limit?: number;
  offset?: number;
}

/** One transition of a payout, as the ledger recorded it. */
export interface PayoutLedgerEntryView {
  from: PayoutStateKind;
  to: PayoutStateKind;
  /** Chinese label of the new state. */
  toText: string;
  at: string;
  /** Provider code, reference and message. */
  detail?: string;
}

export interface PayoutAdminView {
  /** The out-number WeChat Pay knows it by (mch_billno / out_bill_no). */
  outNo: string;
  code: string;
  campaignId: string;
  campaignName: string;
  openid: string;
  provider: PayoutProviderKind;
  amountFen: number;
  state: PayoutStateKind;
  stateText: string;
  createdAt: string;
  updatedAt: string;
  /** Provider queries since the last change. */
  checks: number;
  /** When reconciliation looks next; absent when it will not by itself. */
  nextCheckAt?: string;
  /** When it was flagged for operators, if it was. */
  flaggedAt?: string;
  /** Why, when WeChat Pay's word disagreed with our books (MISMATCH …, PAID_AFTER_RELEASE). */
  flagReason?: string;
  ledger: PayoutLedgerEntryView[];
}

export interface ListPayoutsResult {
  payouts: PayoutAdminView[];
}

// ---------------------------------------------------------------------------------------------
// Figures (issue 12): read from write-time rollups, never from raw events

/** Buckets are China-time (Asia/Shanghai, UTC+8) hours or days. */
export type StatsGranularity = 'hour' | 'day';

/**
 * What `scanStats` can break a bucket down by. Keys: `product` a productId, `range`
 * `<applicationId>:<codeStart>` (the activated segment), `campaign` the campaignId of the best
 * running campaign targeting the code when it was scanned (the one the landing page offered),
 * `province` a province as the IP or location lookup names it (`广东省`, `北京市`, `内蒙古自治区`…).
 * A scan without one (a range bound to no product, no campaign, an unknown place) has key `-`.
 */
export type ScanStatsGroupBy = 'product' | 'range' | 'campaign' | 'province';

/** The figure a scan bucket holds. */
export interface ScanFigures {
  /** Scans recorded (ticket scans and typed codes; a re-resolved ticket counts once). */
  scans: number;
  /**
   * Distinct users who scanned in the bucket (for a key: scanned a code of that key). Exact per
   * bucket. In `totals` it is the sum of the buckets' figures: a user who scanned in two buckets
   * counts twice (for a window of one bucket — today, this hour — it is the exact distinct count).
   */
  scanners: number;
  /** Codes scanned for the very first time in the bucket. */
  firstScans: number;
}

/**
 * `scanStats` (pinned by issue 12): `from`/`to` ISO 8601, buckets cover [from, to) starting on a
 * China-time hour or midnight (at most 31 days of hours or 366 days). Without `groupBy` every
 * bucket is listed, empty ones with zeros; with it, one entry per bucket and key that had scans,
 * by start, then by scans (most first).
 */
export interface ScanStatsRequest {
  from: string;
  to: string;
  granularity: StatsGranularity;
  groupBy?: ScanStatsGroupBy;
}

export interface ScanStatsBucket extends ScanFigures {
  /** ISO 8601 start of the bucket. */
  start: string;
  /** The group's key (see ScanStatsGroupBy); only with `groupBy`. */
  key?: string;
}

export interface ScanStatsResult {
  buckets: ScanStatsBucket[];
  totals: ScanFigures;
}

/**
 * `rewardStats` (name and request pinned by issue 12): claims and money per hour or per day of
 * China time, optionally for one campaign; buckets as in `scanStats` (empty ones with zeros).
 */
export interface RewardStatsRequest {
  from: string;
  to: string;
  granularity: StatsGranularity;
  campaignId?: string;
}

/** Why claims were refused: the `reward` function's error codes. */
export type RewardRefusalReason = RewardErrorCode;

export interface RewardFigures {
  /** Claims that reserved a payout in the bucket. */
  claims: number;
  /** Of those claims, the payouts users received (whenever they received them). */
  paid: number;
  /** What those received payouts paid, in fen. */
  paidFen: number;
  /** Of those claims, the payouts that failed and gave their budget back. */
  released: number;
  /** Claims refused in the bucket, all reasons together. */
  refused: number;
  /**
   * Refused claims by reason (reasons with none are absent). For one campaign: the refusals of
   * claims that reached that campaign's rules (a claim refused before any campaign was chosen —
   * SCAN_NOT_FOUND, SCAN_EXPIRED… — counts only without `campaignId`).
   */
  refusedByReason: Partial<Record<RewardRefusalReason, number>>;
}

export interface RewardStatsBucket extends RewardFigures {
  /** ISO 8601 start of the bucket (a China-time hour or midnight). */
  start: string;
}

export interface RewardStatsResult {
  buckets: RewardStatsBucket[];
  totals: RewardFigures;
}

/**
 * `productScanStats`: who comes back, per product, over days [from, to) (China-time days, at most
 * 366). Each figure counts users once, on the day they crossed its line, so over all time they
 * are exact all-time counts, and over a window "users who became … in the window".
 */
export interface ProductScanStatsRequest {
  from: string;
  to: string;
}

export interface ProductScanFigures {
  productId: string;
  /** Users whose first scan of this product fell in the window. */
  scanners: number;
  /** Users whose second scan of this product (any code, typed or scanned) fell in the window. */
  repeatScanners: number;
  /** Repurchase: users whose second distinct code of this product was scanned in the window. */
  repurchasers: number;
  /** Scans of this product in the window. */
  scans: number;
}

export interface ProductScanStatsResult {
  /** Products with any figure in the window, most scans first. */
  products: ProductScanFigures[];
}

/** A place a range is sold in: a whole province, or one city of it (names as the lookups give). */
export interface SalesRegion {
  province: string;
  city?: string;
}

/**
 * `setRangeRegions`: the regions an activated segment is sold in (窜货 watch). Scans of its codes
 * placed outside every region (by IP or location; scans with no known place are never counted)
 * are counted per range and province; a province whose count reaches `alertThreshold` (default
 * 1) is an alert. `regions: []` stops the watch (counts already made stay).
 */
export interface SetRangeRegionsRequest {
  applicationId: string;
  codeStart: number;
  /** At most 50. */
  regions: SalesRegion[];
  /** 1–1,000,000 scans outside before a province is raised as an alert. */
  alertThreshold?: number;
}

export interface SetRangeRegionsResult {
  range: ActivatedRangeView;
}

/** `listDiversionAlerts`: alerts newest first (by last scan outside), optionally of one range. */
export interface ListDiversionAlertsRequest {
  applicationId?: string;
  /** With `applicationId`: one activated segment. */
  codeStart?: number;
  /** Also list provinces still below their range's threshold. */
  includeBelowThreshold?: boolean;
  /** 1–100, default 20. */
  limit?: number;
  offset?: number;
}

export interface DiversionAlertView {
  applicationId: string;
  codeStart: number;
  codeEnd: number;
  productId?: string;
  /** Where the codes turned up, outside the range's regions. */
  province: string;
  /** The city of the latest such scan, when known. */
  lastCity?: string;
  /** Scans in that province outside the range's regions. */
  scans: number;
  /** The range's threshold now; `alerting` when `scans` reached it. */
  threshold: number;
  alerting: boolean;
  /** ISO 8601. */
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface ListDiversionAlertsResult {
  alerts: DiversionAlertView[];
}

// ---------------------------------------------------------------------------------------------
// Members, invites and the audit log

/**
 * `admin` everything (members included); `operator` codes, activation, products and reads the
 * rest; `marketer` campaigns and their payouts, reads products and ranges; `viewer` reads only.
 */
export type MemberRole = 'admin' | 'operator' | 'marketer' | 'viewer';

/** What a role allows; each admin action needs one (or none: `me`, `acceptInvite`). */
export type AdminPermission =
  | 'codes.read'
  | 'products.read'
  | 'campaigns.read'
  | 'payouts.read'
  | 'stats.read'
  | 'codes.write'
  | 'products.write'
  | 'campaigns.write'
  | 'members.manage'
  | 'oa.read'
  | 'oa.write'
  | 'data.export';

/** Actions any WeChat user may call. */
export type PublicAdminAction = 'me' | 'acceptInvite';

/** Refusals of the member actions, beside the common codes (FORBIDDEN, INVALID_ARGUMENT…). */
export type MemberErrorCode =
  | 'INVITE_NOT_FOUND'
  | 'INVITE_EXPIRED'
  | 'INVITE_USED'
  | 'ALREADY_MEMBER'
  | 'MEMBER_NOT_FOUND'
  | 'LAST_ADMIN'
  | 'BOOTSTRAP_ADMIN';

export interface MemberView {
  /** Full openid: what grantRole and revokeRole take. */
  openid: string;
  /** For display: first and last four characters. */
  openidMasked: string;
  role: MemberRole;
  /** `bootstrap`: named by ADMIN_OPENIDS (always admin, changed only in the deployment settings). */
  source: 'bootstrap' | 'grant' | 'invite';
  /** ISO 8601; null for bootstrap administrators. */
  since: string | null;
  /** Who granted the role (or created the invite); null for bootstrap administrators. */
  grantedBy: string | null;
  grantedByMasked: string | null;
}

/** `createInvite`: a single-use invite to join with `role`. */
export interface CreateInviteRequest {
  role: MemberRole;
}

export interface CreateInviteResult {
  /** 128 random bits; shown once (only its hash is stored). */
  inviteCode: string;
  /** The console page that joins with it: `/admin/pages/join/index?invite=<code>`. */
  path: string;
  role: MemberRole;
  expiresAt: string;
}

/** `acceptInvite`: any WeChat user; exactly one user can use an invite. */
export interface AcceptInviteRequest {
  inviteCode: string;
}

export interface MemberResult {
  member: MemberView;
}

export interface ListMembersRequest {
  /** 1–100, default 100. Bootstrap administrators first, then by when they joined. */
  limit?: number;
  offset?: number;
}

export interface ListMembersResult {
  members: MemberView[];
}

/** `grantRole`: gives `openid` the role (or changes it). */
export interface GrantRoleRequest {
  openid: string;
  role: MemberRole;
}

/** `revokeRole`: `openid` is no longer a member. */
export interface RevokeRoleRequest {
  openid: string;
}

export interface RevokeRoleResult {
  openid: string;
  previousRole: MemberRole;
}

/** One write of the console, as the audit log recorded it (never changed afterwards). */
export interface AuditEntryView {
  id: string;
  at: string;
  /** Who did it (openid) and their role at the time (null: not a member, e.g. acceptInvite). */
  actor: string;
  actorMasked: string;
  role: MemberRole | null;
  action: AdminAction;
  /** What it changed, e.g. `campaign:<id>`, `member:<openid>`. */
  target: string;
  /** A short Chinese summary of the change. */
  summary: string;
}

/**
 * `listAuditLog`: newest first; optionally one action's or one actor's entries. (`actionName`,
 * because `action` in an event names the action called.)
 */
export interface ListAuditLogRequest {
  actionName?: AdminAction;
  actor?: string;
  /** 1–100, default 20. */
  limit?: number;
  offset?: number;
}

export interface ListAuditLogResult {
  entries: AuditEntryView[];
}

// ---------------------------------------------------------------------------------------------
// 工作台 figures

/**
 * `dashboard`: what the console home shows. "Today" is the calendar day in China time
 * (Asia/Shanghai, UTC+8) that `asOf` falls in; counts are exact at `asOf`.
 */
export interface DashboardFigures {
  /** The day counted, `YYYY-MM-DD` in China time. */
  day: string;
  /** Scans recorded today (ticket scans and typed codes; a re-resolved ticket counts once). */
  scans: number;
  /** Codes scanned for the first time today. */
  firstScans: number;
  /** Rewards claimed today: payouts created today, whatever their state now. */
  rewardsClaimed: number;
  /** Of today's claims, the payouts users received (the user has the money). */
  rewardsPaid: number;
  /** Campaigns with status `running`. */
  runningCampaigns: number;
  /** Budget not yet promised to anyone, summed over the running campaigns (fen). */
  budgetLeftFen: number;
  /** Payouts flagged for attention now (the list 发放记录 shows with its 待处理 filter). */
  flaggedPayouts: number;
  /** ISO 8601: when the figures were counted. */
  asOf: string;
}

// ---------------------------------------------------------------------------------------------
// Official Account channel QR codes (issue 11)

export type ChannelQrType = 'temporary' | 'permanent';

/** `expired` is derived from `expiresAt` when read; `deleted` QR codes still follow, nothing else. */
export type ChannelQrStatus = 'creating' | 'active' | 'expired' | 'creation_failed' | 'deleted';

/** One item of a QR code's auto-reply, sent in order as a customer-service message. */
export type ReplyItem =
  | { kind: 'text'; text: string }
  | { kind: 'image'; materialId: string }
  | { kind: 'video'; materialId: string; title: string; description: string }
  | { kind: 'news'; materialId: string }
  | { kind: 'voice'; materialId: string }
  | { kind: 'miniprogram'; appid: string; pagePath: string; title: string; thumbMaterialId: string }
  | { kind: 'link'; title: string; url: string; description: string; thumbMaterialId: string };

export interface ChannelQrReplies {
  enabled: boolean;
  /** At most 3, sent in this order. */
  items: ReplyItem[];
}

export interface ChannelQrView {
  qrId: string;
  name: string;
  type: ChannelQrType;
  status: ChannelQrStatus;
  /** The scene WeChat pushes back (`qrscene_<sceneStr>` on follow, bare on SCAN). */
  sceneStr: string;
  /** WeChat's ticket (the image is `showqrcode?ticket=`); empty until created. */
  ticket: string;
  /** What the QR code encodes; empty until created. */
  url: string;
  /** ISO 8601, temporary codes only. */
  expiresAt?: string;
  /** Requested time to live (temporary codes), kept so a copy inherits it. */
  expireSeconds?: number;
  channel?: string;
  tagNames: string[];
  replies: ChannelQrReplies;
  createdAt: string;
  /** Why WeChat refused it (`creation_failed`). */
  failureReason?: string;
}

/** As the seed defines them; counted as scans arrive (one read to show them). */
export interface ChannelQrMetrics {
  /** Every scan recorded (a non-follower who scans without following sends nothing: not a scan). */
  scans: number;
  /** Distinct users who scanned. */
  scanners: number;
  /** Distinct users who followed the Official Account from this QR code. */
  newFollowers: number;
  /** Scans whose welcome reached the user (at least one item delivered). */
  repliesSent: number;
  /** Distinct users who received the welcome. */
  repliesReceived: number;
}

export interface CreateChannelQrRequest {
  name: string;
  type: ChannelQrType;
  /** Temporary codes: 60 s to 30 days (2,592,000 s); default 30 days. */
  expireSeconds?: number;
  channel?: string;
  /** Tags given to users who scan (each ≤ 30 bytes, ≤ 20 per code). */
  tagNames?: string[];
  replies?: ChannelQrReplies;
}

export interface ChannelQrResult {
  qr: ChannelQrView;
}

export interface GetChannelQrRequest {
  qrId: string;
}

export interface ChannelQrDetails {
  qr: ChannelQrView;
  metrics: ChannelQrMetrics;
}

export interface ListChannelQrsRequest {
  /** Part of the name. */
  keyword?: string;
  status?: ChannelQrStatus;
  /** 1–100, default 20; newest first. */
  limit?: number;
  offset?: number;
}

export interface ListChannelQrsResult {
  /** Each with its metrics (the list shows scans and new followers; they live on the same document). */
  qrs: (ChannelQrView & { metrics: ChannelQrMetrics })[];
}

export interface UpdateChannelQrRequest {
  qrId: string;
  name?: string;
  tagNames?: string[];
  replies?: ChannelQrReplies;
}

export interface CopyChannelQrRequest {
  qrId: string;
}

export interface DeleteChannelQrsRequest {
  /** 1–100 codes. */
  qrIds: string[];
}

export interface DeleteChannelQrsResult {
  /** Deleted now, each with the status it had. */
  deleted: { qrId: string; previousStatus: ChannelQrStatus }[];
  /** Already deleted or unknown: nothing changed. */
  skipped: string[];
}

export type MaterialKind = 'image' | 'voice' | 'video' | 'news';

/**
 * `addMaterial`: a file already uploaded to cloud storage, or for news one article: published
 * (`articleId`, sent as `mpnewsarticle`) or a draft of the Official Account (`draftMediaId` from
 * `listOaDrafts`, sent as `mpnews`).
 */
export type AddMaterialRequest =
  | { kind: 'image' | 'voice' | 'video'; fileId: string; name: string }
  | { kind: 'news'; articleId: string; name: string }
  | { kind: 'news'; draftMediaId: string; name: string };

export interface MaterialView {
  materialId: string;
  kind: MaterialKind;
  name: string;
  fileId?: string;
  articleId?: string;
  size?: number;
  createdAt: string;
}

export interface MaterialResult {
  material: MaterialView;
}

/** The material hub: newest first. */
export interface ListMaterialsRequest {
  kind?: MaterialKind;
  /** Part of the name. */
  keyword?: string;
  /** Only those the caller added (我的上传). */
  mine?: boolean;
  /** 1–100, default 20. */
  limit?: number;
  offset?: number;
}

export interface ListMaterialsResult {
  materials: MaterialView[];
}

/** The Official Account's drafts (草稿箱), as `/cgi-bin/draft/batchget` pages them. */
export interface ListOaDraftsRequest {
  offset?: number;
  /** 1–20 (WeChat's limit), default 20. */
  count?: number;
}

/** A draft's first article (only single-article rich media can be a reply). */
export interface OaDraftView {
  /** The draft's media_id: what `addMaterial` takes as `draftMediaId`. */
  mediaId: string;
  title: string;
  digest: string;
  author: string;
  /** Cover image URL when WeChat gives one. */
  thumbUrl?: string;
  /** Articles in the draft (more than one cannot be sent as one reply). */
  articleCount: number;
  /** ISO 8601. */
  updatedAt: string;
}

export interface ListOaDraftsResult {
  drafts: OaDraftView[];
  /** All drafts of the account. */
  total: number;
}

export type ChannelQrErrorCode =
  | 'QR_NOT_FOUND'
  | 'QR_QUOTA_EXCEEDED'
  | 'QR_CREATION_FAILED'
  | 'QR_DELETED'
  | 'MATERIAL_NOT_FOUND'
  | 'MATERIAL_INVALID';

// Scanned users, their export, audiences and downloads (issue 11 points 5 and 6)

/** Where a scanner's welcome stands: `none` when the code has no replies to send. */
export type ScannerReplyStatus = 'sent' | 'partial' | 'failed' | 'none';

/** One user who scanned one channel QR code. */
export interface QrScannerView {
  openid: string;
  /** The tags a scan of this code gives (the code's tags). */
  tags: string[];
  /** ISO 8601: the user's first scan of this code (the order of the list) and latest scan. */
  firstScanAt: string;
  lastScanAt: string;
  scans: number;
  /** The user followed the Official Account from this code. */
  followedFromQr: boolean;
  replyStatus: ScannerReplyStatus;
}

/**
 * `listQrScanners`: a code's scanners by first scan time (`desc` newest first), or the one user
 * with exactly this OpenID.
 */
export interface ListQrScannersRequest {
  qrId: string;
  openid?: string;
  order: 'asc' | 'desc';
  /** 1–100, default 20. */
  limit?: number;
  offset?: number;
}

export interface ListQrScannersResult {
  scanners: QrScannerView[];
}

/** `exportQrScanners`: the list as filtered, as CSV files in the background (`getExport`). */
export interface ExportQrScannersRequest {
  qrId: string;
  openid?: string;
  order: 'asc' | 'desc';
}

export interface ExportStarted {
  exportId: string;
}

export type ExportState = 'running' | 'done' | 'failed';

export interface GetExportRequest {
  exportId: string;
}

/**
 * `exportData`: a brand's data for its CRM as CSV files (BOM, China time) of 100,000 rows, up to
 * 2,000,000, built in the background like the scanners export (`getExport`, `listExports`):
 * `scans` (one row per scan, `productId` keeps the scans of that product's ranges), `payouts`
 * (one row per claim's payout, `campaignId` keeps one campaign's), `scanners` (one row per user
 * and code, by first scan). `from`/`to` are ISO 8601 times ([from, to), at most a year).
 */
export type DataExportKind = 'scans' | 'payouts' | 'scanners';

export interface ExportDataRequest {
  kind: DataExportKind;
  from: string;
  to: string;
  productId?: string;
  campaignId?: string;
}

/** Every kind of background CSV export. */
export type ExportKind = 'qrScanners' | DataExportKind;

/** `listExports`: the caller's own exports, newest first. */
export interface ListExportsRequest {
  /** 1–20, default 10. */
  limit?: number;
}

export interface ListExportsResult {
  exports: ExportProgress[];
}

/** A background export and how far it got; links are fresh on each read. */
export interface ExportProgress {
  exportId: string;
  kind: ExportKind;
  /** What was exported, in words (e.g. `扫码记录 2026-03-01 至 2026-03-31`). */
  title: string;
  state: ExportState;
  /** Rows written to finished files (a file counts once uploaded). */
  rowsDone: number;
  filesDone: number;
  /**
   * Rows expected when it started, capped at 2,000,000: a channel QR code's scanners counter, or
   * for a CRM export an estimate from the rollups (whole hours or days around the period; 0 when
   * they know nothing of it). `rowsDone` is exact.
   */
  rowsPlanned: number;
  files: ExportedFile[];
  /** ISO 8601: when the links expire. */
  linksExpireAt?: string;
  createdAt: string;
  finishedAt?: string;
  /** Why it failed (`failed`). */
  error?: string;
}

export type AudienceState = 'building' | 'ready' | 'failed';

export interface AudienceView {
  audienceId: string;
  name: string;
  qrId: string;
  state: AudienceState;
  /** Users in the snapshot (so far, while `building`). */
  size: number;
  /** ISO 8601: the moment the audience is a snapshot of (scanners who had scanned by then). */
  snapshotAt: string;
  createdAt: string;
}

/** `createAudience`: a frozen list of the code's scanners now; later scans never change it. */
export interface CreateAudienceRequest {
  qrId: string;
  name: string;
}

export interface AudienceResult {
  audience: AudienceView;
}

export interface ListAudiencesRequest {
  qrId?: string;
  /** 1–100, default 20; newest first. */
  limit?: number;
  offset?: number;
}

export interface ListAudiencesResult {
  audiences: AudienceView[];
}

/** 258, 430 or 1280 px (WeChat's download sizes), or a custom width of 100–3000 px. */
export type QrImageSize = 'small' | 'medium' | 'large' | number;

/** `qrImage`: the code's QR (error correction H) as a PNG, the brand logo in the centre or not. */
export interface QrImageRequest {
  qrId: string;
  size: QrImageSize;
  logo?: boolean;
  /** The batch's own logo (上传 Logo), a file under `oa-materials/logos/`; wins over `logo`. */
  logoFileId?: string;
}

export interface QrImagesZipRequest {
  /** 1–100 codes. */
  qrIds: string[];
  size: QrImageSize;
  logo?: boolean;
  logoFileId?: string;
}

/** `exportQrLinks`: the codes' links as CSV (all codes not deleted, without `qrIds`). */
export interface ExportQrLinksRequest {
  qrIds?: string[];
}

/** One file in cloud storage with a temporary link. */
export interface DownloadResult {
  file: ExportedFile;
  /** ISO 8601: when the link expires (ask again for a new one). */
  expiresAt: string;
}

export type QrExportErrorCode =
  | 'EXPORT_IN_PROGRESS'
  | 'EXPORT_NOT_FOUND'
  | 'QR_NOT_CREATED'
  | 'LOGO_NOT_ALLOWED'
  | 'LOGO_UNREADABLE'
  | 'LOGO_WRONG_FORMAT'
  | 'LOGO_TOO_LARGE'
  | 'LOGO_TOO_SMALL';

export interface AdminActions {
  me: { request: Record<string, never>; response: AdminMe };
  dashboard: { request: Record<string, never>; response: DashboardFigures };
  applyCodes: { request: ApplyCodesRequest; response: ApplyCodesResult };
  refreshApplication: { request: RefreshApplicationRequest; response: CodeApplicationView };
  listApplications: { request: ListApplicationsRequest; response: ListApplicationsResult };
  importRange: { request: ImportRangeRequest; response: ImportRangeResult };
  exportRange: { request: ExportRangeRequest; response: ExportRangeResult };
  activateRange: { request: ActivateRangeRequest; response: ActivateRangeResult };
  queryActivation: { request: QueryActivationRequest; response: CodeActivationView };
  listRanges: { request: ListRangesRequest; response: ListRangesResult };
  createProduct: { request: CreateProductRequest; response: ProductResult };
  updateProduct: { request: UpdateProductRequest; response: ProductResult };
  getProduct: { request: GetProductRequest; response: ProductResult };
  listProducts: { request: ListProductsRequest; response: ListProductsResult };
  bindProduct: { request: BindProductRequest; response: BindProductResult };
  createCampaign: { request: CreateCampaignRequest; response: CampaignResult };
  updateCampaign: { request: UpdateCampaignRequest; response: CampaignResult };
  setCampaignStatus: { request: SetCampaignStatusRequest; response: CampaignResult };
  getCampaign: { request: GetCampaignRequest; response: CampaignResult };
  listCampaigns: { request: ListCampaignsRequest; response: ListCampaignsResult };
  listPayouts: { request: ListPayoutsRequest; response: ListPayoutsResult };
  rewardStats: { request: RewardStatsRequest; response: RewardStatsResult };
  scanStats: { request: ScanStatsRequest; response: ScanStatsResult };
  productScanStats: { request: ProductScanStatsRequest; response: ProductScanStatsResult };
  setRangeRegions: { request: SetRangeRegionsRequest; response: SetRangeRegionsResult };
  listDiversionAlerts: { request: ListDiversionAlertsRequest; response: ListDiversionAlertsResult };
  createInvite: { request: CreateInviteRequest; response: CreateInviteResult };
  acceptInvite: { request: AcceptInviteRequest; response: MemberResult };
  listMembers: { request: ListMembersRequest; response: ListMembersResult };
  grantRole: { request: GrantRoleRequest; response: MemberResult };
  revokeRole: { request: RevokeRoleRequest; response: RevokeRoleResult };
  listAuditLog: { request: ListAuditLogRequest; response: ListAuditLogResult };
  createChannelQr: { request: CreateChannelQrRequest; response: ChannelQrResult };
  getChannelQr: { request: GetChannelQrRequest; response: ChannelQrDetails };
  listChannelQrs: { request: ListChannelQrsRequest; response: ListChannelQrsResult };
  updateChannelQr: { request: UpdateChannelQrRequest; response: ChannelQrResult };
  copyChannelQr: { request: CopyChannelQrRequest; response: ChannelQrResult };
  deleteChannelQrs: { request: DeleteChannelQrsRequest; response: DeleteChannelQrsResult };
  addMaterial: { request: AddMaterialRequest; response: MaterialResult };
  listMaterials: { request: ListMaterialsRequest; response: ListMaterialsResult };
  listOaDrafts: { request: ListOaDraftsRequest; response: ListOaDraftsResult };
  listQrScanners: { request: ListQrScannersRequest; response: ListQrScannersResult };
  exportQrScanners: { request: ExportQrScannersRequest; response: ExportStarted };
  getExport: { request: GetExportRequest; response: ExportProgress };
  exportData: { request: ExportDataRequest; response: ExportStarted };
  listExports: { request: ListExportsRequest; response: ListExportsResult };
  createAudience: { request: CreateAudienceRequest; response: AudienceResult };
  listAudiences: { request: ListAudiencesRequest; response: ListAudiencesResult };
  qrImage: { request: QrImageRequest; response: DownloadResult };
  qrImagesZip: { request: QrImagesZipRequest; response: DownloadResult };
  exportQrLinks: { request: ExportQrLinksRequest; response: DownloadResult };
}

export type AdminAction = keyof AdminActions;
