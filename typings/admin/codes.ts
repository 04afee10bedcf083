/**
 * Code supply: applications (applycode), import, print exports, activation, the range map
 * and what a range shows (its product, its sales regions).
 *
 * Part of the `admin` function's contract: typings/admin.ts re-exports it and assembles
 * `AdminActions`. Type-only.
 */
import type { TraceStepInput } from './products.js';

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

/** A place a range is sold in: a whole province, or one city of it (names as the lookups give). */
export interface SalesRegion {
  province: string;
  city?: string;
}
