import type {
  CodeActivationView,
  CodeApplicationView,
  GeneratedRangeView,
  RangeSegmentView,
  RangeState,
} from '../../../../typings/admin';
import type { CommonErrorCode, EnvelopeError } from '../../../../typings/envelope';
import type { ClientErrorCode } from '../../../services/cloud';
import { formatDateTime } from '../../../utils/time';
import { countText } from '../../utils/figures';

/**
 * Pure view-models of the 码包 pages (applications, one application, lookups): what each card
 * reads, the checks made before asking the server, and our words for every refusal. The two forms
 * on a range (print files, activation) are in range-forms.ts.
 */

/** The count rule of applycode (core/domain/marketcode.ts), so the stepper offers only valid ones. */
export const CODE_COUNT_MIN = 10_000;
export const CODE_COUNT_MAX = 20_000_000;
export const CODE_COUNT_STEP = 10_000;
/** Export caps per call (core/domain/export-plan.ts): CSV alone, or with images. */
export const MAX_CSV_CODES = 100_000;
export const MAX_IMAGE_CODES = 1_000;

/** How often the application page asks WeChat while the codes are generated, and how many times. */
export const POLL_MS = 3_000;
export const MAX_POLLS = 100;

// Counts of codes are long: the console's one count format (`12,345`), for this page's importers.
export { countText };

/** `1.2 万` style is ambiguous for printers; we show the exact count and its 万 when round. */
export function codeCountText(count: number): string {
  return count % 10_000 === 0
    ? `${countText(count)} 个码（${count / 10_000} 万）`
    : `${countText(count)} 个码`;
}

/**
 * WeChat's application statuses: `INIT` and `PROCESSING` before `FINISH` (WeChat publishes no
 * others; anything else reads as "still generating"), and our `APPLIED` before the first query.
 */
const STATUS_LABELS: Readonly<Record<string, string>> = {
  APPLIED: '已提交',
  INIT: '排队中',
  PROCESSING: '生成中',
  FINISH: '已生成',
};

export function statusText(status: string): string {
  return STATUS_LABELS[status] ?? `生成中（${status || '未知'}）`;
}

export interface ApplicationRow {
  applicationId: string;
  orderId: string;
  count: string;
  statusText: string;
  statusTagType: string;
  appliedAt: string;
  ready: boolean;
}

export function applicationRow(application: CodeApplicationView): ApplicationRow {
  return {
    applicationId: application.applicationId,
    orderId: application.isvApplicationId,
    count: codeCountText(application.codeCount),
    statusText: statusText(application.status),
    statusTagType: application.ready ? 'success' : 'warning',
    appliedAt: formatDateTime(application.appliedAt),
    ready: application.ready,
  };
}

/** What the application page's head reads. */
export interface ApplicationHead extends ApplicationRow {
  refreshedAt: string;
  rangesText: string;
}

export function applicationHead(application: CodeApplicationView): ApplicationHead {
  return {
    ...applicationRow(application),
    refreshedAt: application.refreshedAt ? formatDateTime(application.refreshedAt) : '尚未刷新',
    rangesText: application.ranges.length
      ? application.ranges.map((r) => `${r.codeStart}–${r.codeEnd}`).join('、')
      : '生成后显示',
  };
}

export interface GeneratedRangeRow {
  key: string;
  codeStart: number;
  codeEnd: number;
  label: string;
  size: string;
  importText: string;
  importTagType: string;
  importError: string;
  imported: boolean;
  importing: boolean;
}

export function generatedRows(
  ranges: readonly GeneratedRangeView[],
  importingStart: number | null,
): GeneratedRangeRow[] {
  return ranges.map((range) => {
    const size = range.codeEnd - range.codeStart + 1;
    const state = importingStart === range.codeStart ? 'importing' : range.import?.state;
    const texts: Record<string, [string, string]> = {
      importing: ['导入中', 'primary'],
      imported: [`已导入 ${countText(range.import?.importedCount ?? size)} 个`, 'success'],
      import_failed: ['导入失败', 'danger'],
    };
    const [importText, importTagType] = (state && texts[state]) || ['未导入', 'default'];
    return {
      key: `${range.codeStart}`,
      codeStart: range.codeStart,
      codeEnd: range.codeEnd,
      label: `${range.codeStart}–${range.codeEnd}`,
      size: codeCountText(size),
      importText,
      importTagType,
      importError: state === 'import_failed' ? (range.import?.error ?? '') : '',
      imported: state === 'imported',
      importing: state === 'importing',
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The range map

export const RANGE_STATE_LABELS: Readonly<Record<RangeState, string>> = {
  not_activated: '未激活',
  activated: '已激活',
  scanned: '已扫码',
};

export interface MapSegment {
  key: string;
  state: RangeState;
  /** Share of the strip, in percent (a floor keeps one code visible among millions). */
  width: number;
  label: string;
}

export interface MapLegendItem {
  state: RangeState;
  label: string;
  count: string;
}

export interface RangeMap {
  segments: MapSegment[];
  legend: MapLegendItem[];
  scannedCodes: string;
}

const MIN_SEGMENT_PERCENT = 1.5;

export function rangeMap(segments: readonly RangeSegmentView[]): RangeMap {
  const total = segments.reduce((sum, s) => sum + (s.codeEnd - s.codeStart + 1), 0) || 1;
  const counts: Record<RangeState, number> = { not_activated: 0, activated: 0, scanned: 0 };
  let scanned = 0;
  for (const s of segments) {
    counts[s.state] += s.codeEnd - s.codeStart + 1;
    scanned += s.scannedCodes;
  }
  return {
    segments: segments.map((s) => ({
      key: `${s.codeStart}`,
      state: s.state,
      width: Math.max(MIN_SEGMENT_PERCENT, ((s.codeEnd - s.codeStart + 1) / total) * 100),
      label: `${s.codeStart}–${s.codeEnd}`,
    })),
    legend: (['not_activated', 'activated', 'scanned'] as const).map((state) => ({
      state,
      label: RANGE_STATE_LABELS[state],
      count: `${countText(counts[state])} 个码`,
    })),
    scannedCodes: countText(scanned),
  };
}

const WXA_TYPE_LABELS = ['正式版', '开发版', '体验版'];

export function wxaTypeText(type: number): string {
  return WXA_TYPE_LABELS[type] ?? `版本 ${type}`;
}

export interface SegmentDetail {
  key: string;
  stateText: string;
  state: RangeState;
  range: string;
  size: string;
  scannedCodes: string;
  activated: boolean;
  product: string;
  activityName: string;
  page: string;
  activatedAt: string;
}

export function segmentDetail(segment: RangeSegmentView): SegmentDetail {
  const activation = segment.activation;
  return {
    key: `${segment.codeStart}`,
    state: segment.state,
    stateText: RANGE_STATE_LABELS[segment.state],
    range: `${segment.codeStart}–${segment.codeEnd}`,
    size: codeCountText(segment.codeEnd - segment.codeStart + 1),
    scannedCodes: countText(segment.scannedCodes),
    activated: activation !== undefined,
    product: activation
      ? `${activation.productTitle}（${activation.productBrand}，条码 ${activation.productCode}）`
      : '',
    activityName: activation?.activityName ?? '',
    page: activation ? `${activation.wxaPath}（${wxaTypeText(activation.wxaType)}）` : '',
    activatedAt: activation ? formatDateTime(activation.activatedAt) : '',
  };
}

// ---------------------------------------------------------------------------------------------
// Lookup

/**
 * What the operator typed into the lookup: a 9-character code, or a code URL (the 28 characters
 * of the ordinary QR code; a scheme pasted in front of it is dropped).
 */
export function checkLookupInput(
  typed: string,
): { code: string } | { codeUrl: string } | { message: string } {
  const value = typed.trim();
  const url = value.replace(/^https?:\/\//i, '');
  if (/^[\x21-\x7E]{9}$/.test(value)) return { code: value };
  if (/^[\x21-\x7E]{28}$/.test(url)) return { codeUrl: url };
  return { message: '请输入 9 位码，或 28 位码链接（二维码内容）' };
}

export interface LookupCard {
  code: string;
  product: string;
  activityName: string;
  page: string;
  range: string;
  applicationId: string;
  index: string;
}

export function lookupCard(found: CodeActivationView): LookupCard {
  return {
    code: found.code,
    product: `${found.productTitle}（${found.productBrand}${found.productCode ? `，条码 ${found.productCode}` : ''}）`,
    activityName: found.activityName,
    page:
      found.wxaType === undefined
        ? found.wxaPath
        : `${found.wxaPath}（${wxaTypeText(found.wxaType)}）`,
    range: `${found.codeStart}–${found.codeEnd}`,
    applicationId: found.applicationId,
    index: found.index === undefined ? '未在本系统导入' : String(found.index),
  };
}

// ---------------------------------------------------------------------------------------------
// Errors

/** The refusals of the code actions (docs/code-supply.md), beside the common and client ones. */
export type CodesErrorCode =
  | 'INVALID_CODE_COUNT'
  | 'INVALID_RANGE'
  | 'APPLICATION_NOT_FOUND'
  | 'APPLICATION_NOT_READY'
  | 'APPLICATION_CONFLICT'
  | 'RANGE_OUTSIDE_APPLICATION'
  | 'RANGE_NOT_GENERATED'
  | 'RANGE_NOT_IMPORTED'
  | 'RANGE_OUTSIDE_IMPORT'
  | 'RANGE_TOO_LARGE'
  | 'EXPORT_TOO_LARGE'
  | 'IMPORT_IN_PROGRESS'
  | 'IMPORT_INTERRUPTED'
  | 'IMPORT_INCOMPLETE'
  | 'NOT_ACTIVATED'
  | 'PACKAGE_KEY_INVALID'
  | 'PACKAGE_WRONG_KEY'
  | 'PACKAGE_BAD_BASE64'
  | 'PACKAGE_TRUNCATED'
  | 'PACKAGE_MALFORMED_LINE'
  | 'PACKAGE_EMPTY'
  | 'PACKAGE_BAD_REPLY'
  | 'PACKAGE_WECHAT_ERROR'
  | 'PACKAGE_RANGE_MISMATCH'
  | 'PACKAGE_DUPLICATE_CODE'
  | 'UPSTREAM_CONFIG'
  | 'UPSTREAM_INVALID_ARGUMENT'
  | 'UPSTREAM_QUOTA_EXCEEDED'
  | 'UPSTREAM_RATE_LIMITED';

export type CodesPageErrorCode =
  CodesErrorCode | CommonErrorCode | (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Our words for each; a code added to the union without words fails to compile. */
export const CODES_ERROR_COPY: Readonly<Record<CodesPageErrorCode, string>> = {
  INVALID_CODE_COUNT: '申请数量须为 1 万到 2000 万之间、1 万的整数倍',
  INVALID_RANGE: '起始序号不能大于结束序号，请检查后重试',
  APPLICATION_NOT_FOUND: '找不到这个申请单，请下拉刷新列表',
  APPLICATION_NOT_READY: '码包尚未生成完毕，请稍后刷新状态再试',
  APPLICATION_CONFLICT: '这个订单号已用于另一数量的申请，请重新点击申请（将使用新订单号）',
  RANGE_OUTSIDE_APPLICATION: '码段超出了申请单的码范围，请检查起止序号',
  RANGE_NOT_GENERATED: '码包须按微信生成的区间整段导入，请刷新后重试',
  RANGE_NOT_IMPORTED: '该码段尚未导入，请先导入码包再导出',
  RANGE_OUTSIDE_IMPORT: '导出的起止序号须在已导入的码段之内',
  RANGE_TOO_LARGE: '该码段太大，无法在手机上导入，请联系技术人员用命令行工具解密',
  EXPORT_TOO_LARGE: '一次导出的码太多：含图片每次最多 1,000 个，CSV 最多 100,000 个，请分段导出',
  IMPORT_IN_PROGRESS: '该码段正在导入，请稍后刷新查看结果',
  IMPORT_INTERRUPTED: '导入超时被中断，已撤销，请重新导入',
  IMPORT_INCOMPLETE: '导入未写全，已撤销，请重新导入',
  NOT_ACTIVATED: '该码尚未激活',
  PACKAGE_KEY_INVALID: '码包密钥配置有误，请联系管理员检查 MARKETCODE_KEY',
  PACKAGE_WRONG_KEY: '码包无法解密：密钥与公众号不符，请联系管理员',
  PACKAGE_BAD_BASE64: '微信返回的码包已损坏，请重新导入',
  PACKAGE_TRUNCATED: '码包不完整，请重新导入',
  PACKAGE_MALFORMED_LINE: '码包内容格式有误，请重新导入',
  PACKAGE_EMPTY: '码包是空的，请稍后重新导入',
  PACKAGE_BAD_REPLY: '微信返回了无法识别的码包，请稍后重新导入',
  PACKAGE_WECHAT_ERROR: '微信下载码包失败，请稍后重新导入',
  PACKAGE_RANGE_MISMATCH: '码包与码段不符，已撤销本次导入',
  PACKAGE_DUPLICATE_CODE: '码包中有重复的码，已撤销本次导入',
  UPSTREAM_CONFIG: '公众号接口或码包密钥尚未配置，请联系管理员',
  UPSTREAM_INVALID_ARGUMENT: '微信认为提交的参数无效，请检查后重试',
  UPSTREAM_QUOTA_EXCEEDED: '今日微信接口调用次数已用完，请明天再试',
  UPSTREAM_RATE_LIMITED: '微信接口调用过于频繁，请稍后重试',
  INVALID_ARGUMENT: '提交的信息有误',
  UNKNOWN_ACTION: '服务版本过旧，请稍后再试或联系技术支持',
  UNAUTHENTICATED: '无法识别你的微信身份，请重新打开小程序',
  FORBIDDEN: '你的角色没有这项权限，请联系管理员',
  NOT_FOUND: '没有找到相关记录，请刷新后再试',
  CONFLICT: '数据刚有变化，请下拉刷新后再试',
  UPSTREAM_ERROR: '微信服务繁忙，请稍后重试',
  INTERNAL: '服务暂时不可用，请稍后重试',
  NETWORK_ERROR: '网络异常，请检查网络后重试',
  BAD_REPLY: '服务返回了无法识别的结果，请稍后重试',
  CLOUD_UNAVAILABLE: '当前微信版本过低，无法连接服务，请升级微信后重试',
};

/** Where the server's own sentence names what to fix (a field, a line of the package): shown too. */
const WITH_SERVER_DETAIL: ReadonlySet<string> = new Set([
  'INVALID_ARGUMENT',
  'PACKAGE_RANGE_MISMATCH',
  'PACKAGE_DUPLICATE_CODE',
]);

/** Our words for an error; a code we do not know keeps the server's own Chinese message. */
export function describeCodesError(error: EnvelopeError): string {
  const copy: Readonly<Record<string, string>> = CODES_ERROR_COPY;
  const ours = copy[error.code];
  if (!ours) return error.message || '操作失败，请稍后重试';
  return WITH_SERVER_DETAIL.has(error.code) && error.message ? `${ours}：${error.message}` : ours;
}
