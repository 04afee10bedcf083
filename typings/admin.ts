/**
 * Contract of the `admin` cloud function (operators and marketers only). Each action's request
 * (`event` minus `action`) and the `data` of its success envelope.
 *
 * Type-only: shared by miniprogram/ (via `import type`) and cloudfunctions/.
 *
 * Application ids are WeChat uint64s and always travel as decimal strings: a JavaScript number
 * would round ids above 2^53. Code indexes (at most 20,000,000 per application) are numbers.
 * Code ranges are inclusive at both ends.
 *
 * The types are declared by subject in typings/admin/*.ts and re-exported here, so imports of
 * this file keep working; what names the set of actions (`AdminMe.can`, the audit log) stays
 * here beside `AdminActions`, so that no subject file imports this one back.
 */
import type {
  AcceptInviteRequest,
  AdminPermission,
  CreateInviteRequest,
  CreateInviteResult,
  GrantRoleRequest,
  ListMembersRequest,
  ListMembersResult,
  MemberResult,
  MemberRole,
  RevokeRoleRequest,
  RevokeRoleResult,
} from './admin/members.js';
import type {
  ActivateRangeRequest,
  ActivateRangeResult,
  ApplyCodesRequest,
  ApplyCodesResult,
  BindProductRequest,
  BindProductResult,
  CodeActivationView,
  CodeApplicationView,
  ExportRangeRequest,
  ExportRangeResult,
  ImportRangeRequest,
  ImportRangeResult,
  ListApplicationsRequest,
  ListApplicationsResult,
  ListRangesRequest,
  ListRangesResult,
  QueryActivationRequest,
  RefreshApplicationRequest,
} from './admin/codes.js';
import type {
  CreateProductRequest,
  GetProductRequest,
  ListProductsRequest,
  ListProductsResult,
  ProductResult,
  UpdateProductRequest,
} from './admin/products.js';
import type {
  CampaignResult,
  CreateCampaignRequest,
  GetCampaignRequest,
  ListCampaignsRequest,
  ListCampaignsResult,
  SetCampaignStatusRequest,
  UpdateCampaignRequest,
} from './admin/campaigns.js';
import type { ListPayoutsRequest, ListPayoutsResult } from './admin/payouts.js';
import type {
  DashboardFigures,
  ListDiversionAlertsRequest,
  ListDiversionAlertsResult,
  ProductScanStatsRequest,
  ProductScanStatsResult,
  RewardStatsRequest,
  RewardStatsResult,
  ScanStatsRequest,
  ScanStatsResult,
  SetRangeRegionsRequest,
  SetRangeRegionsResult,
} from './admin/stats.js';
import type {
  AudienceResult,
  ChannelQrDetails,
  ChannelQrResult,
  CopyChannelQrRequest,
  CreateAudienceRequest,
  CreateChannelQrRequest,
  DeleteChannelQrsRequest,
  DeleteChannelQrsResult,
  DownloadResult,
  ExportQrLinksRequest,
  ExportQrScannersRequest,
  GetChannelQrRequest,
  ListAudiencesRequest,
  ListAudiencesResult,
  ListChannelQrsRequest,
  ListChannelQrsResult,
  ListQrScannersRequest,
  ListQrScannersResult,
  QrImageRequest,
  QrImagesZipRequest,
  UpdateChannelQrRequest,
} from './admin/channel-qr.js';
import type {
  AddMaterialRequest,
  ListMaterialsRequest,
  ListMaterialsResult,
  ListOaDraftsRequest,
  ListOaDraftsResult,
  MaterialResult,
} from './admin/materials.js';
import type {
  ExportDataRequest,
  ExportProgress,
  ExportStarted,
  GetExportRequest,
  ListExportsRequest,
  ListExportsResult,
} from './admin/exports.js';

export type * from './admin/members.js';
export type * from './admin/codes.js';
export type * from './admin/products.js';
export type * from './admin/campaigns.js';
export type * from './admin/payouts.js';
export type * from './admin/stats.js';
export type * from './admin/channel-qr.js';
export type * from './admin/materials.js';
export type * from './admin/exports.js';

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
