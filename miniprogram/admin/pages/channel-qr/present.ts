/**
 * Pure view-models of the 渠道二维码 pages: statuses, list rows, details and metrics, replies, and
 * a Chinese message per error code. What the pages hand out (scanner rows, export cards,
 * downloads) is in exports.ts.
 */
import type {
  ChannelQrErrorCode,
  ChannelQrMetrics,
  ChannelQrStatus,
  ChannelQrType,
  ChannelQrView,
  QrExportErrorCode,
  ReplyItem,
} from '../../../../typings/admin';
import type { CommonErrorCode, EnvelopeError } from '../../../../typings/envelope';
import type { ClientErrorCode } from '../../../services/cloud';

/** The statuses as the seed names them (创建中 → 生效中 | 创建失败; 已过期; 已删除). */
export const QR_STATUS_LABELS: Readonly<Record<ChannelQrStatus, string>> = {
  creating: '创建中',
  active: '生效中',
  expired: '已过期',
  creation_failed: '创建失败',
  deleted: '已删除',
};

export const STATUS_TAG_TYPES: Readonly<Record<ChannelQrStatus, string>> = {
  creating: 'primary',
  active: 'success',
  expired: 'default',
  creation_failed: 'danger',
  deleted: 'default',
};

export const QR_TYPE_LABELS: Readonly<Record<ChannelQrType, string>> = {
  temporary: '临时二维码',
  permanent: '永久二维码',
};

export interface StatusFilter {
  /** '' = every status but deleted (the server's default). */
  value: ChannelQrStatus | '';
  name: string;
}

/** The native picker's choices, in the order an operator looks for them. */
export const STATUS_FILTERS: readonly StatusFilter[] = [
  { value: '', name: '全部状态' },
  { value: 'active', name: '生效中' },
  { value: 'creating', name: '创建中' },
  { value: 'expired', name: '已过期' },
  { value: 'creation_failed', name: '创建失败' },
  { value: 'deleted', name: '已删除' },
];

const HOUR_MS = 3_600_000;

/** `2025-03-01 09:30` in China time (UTC+8), whatever the phone's zone. */
export function chinaTimeText(iso: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  return new Date(at + 8 * HOUR_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** Permanent codes never expire; temporary ones say until when (or that they are past it). */
export function expiryText(qr: Pick<ChannelQrView, 'type' | 'expiresAt' | 'status'>): string {
  if (qr.type === 'permanent') return '永久有效';
  if (!qr.expiresAt) return '创建后生效';
  return `${qr.status === 'expired' ? '已于' : '有效期至'} ${chinaTimeText(qr.expiresAt)}${
    qr.status === 'expired' ? ' 过期' : ''
  }`;
}

export interface QrRow {
  qrId: string;
  name: string;
  typeText: string;
  statusText: string;
  statusTagType: string;
  expiry: string;
  channel: string;
  scans: number;
  newFollowers: number;
  checked: boolean;
  /** Deleted codes cannot be chosen for a batch delete. */
  selectable: boolean;
}

export function qrRows(
  qrs: readonly (ChannelQrView & { metrics: ChannelQrMetrics })[],
  selected: readonly string[],
): QrRow[] {
  return qrs.map((qr) => ({
    qrId: qr.qrId,
    name: qr.name,
    typeText: QR_TYPE_LABELS[qr.type],
    statusText: QR_STATUS_LABELS[qr.status],
    statusTagType: STATUS_TAG_TYPES[qr.status],
    expiry: expiryText(qr),
    channel: qr.channel ?? '',
    scans: qr.metrics.scans,
    newFollowers: qr.metrics.newFollowers,
    checked: selected.includes(qr.qrId),
    selectable: qr.status !== 'deleted',
  }));
}

/**
 * The seed's two delete prompts (core/domain/channel-qr.ts deletePrompt): one when a chosen code
 * may still be scanned (生效中, 创建中), one when every chosen code has stopped working.
 */
export function deletePrompt(statuses: readonly ChannelQrStatus[]): string {
  const live = statuses.some((status) => status === 'active' || status === 'creating');
  if (live) {
    return '删除后，受微信限制该二维码仍可扫码关注公众号，但其渠道、标签和自动回复等配置将不再生效。确定删除吗？';
  }
  return '二维码已过期或创建失败，删除后将不再显示在列表中。确定删除吗？';
}

/** Why a code cannot be copied ('' when it can): the seed refuses only failed creations. */
export function copyRefusal(status: ChannelQrStatus): string {
  if (status === 'creation_failed') return '创建失败的二维码不能复制，请新建二维码';
  if (status === 'deleted') return '已删除的二维码不能复制';
  return '';
}

export interface MetricRow {
  key: keyof ChannelQrMetrics;
  label: string;
  value: number;
  hint: string;
}

/** The five figures, named and defined as the seed does. */
export function metricRows(metrics: ChannelQrMetrics): MetricRow[] {
  return [
    {
      key: 'scans',
      label: '扫码次数',
      value: metrics.scans,
      hint: '扫码总次数，不去重；未关注用户扫码后未关注不计入',
    },
    {
      key: 'scanners',
      label: '扫码人数',
      value: metrics.scanners,
      hint: '扫码的去重用户数，含已关注用户与扫码后新关注用户',
    },
    {
      key: 'newFollowers',
      label: '新增关注',
      value: metrics.newFollowers,
      hint: '扫码后首次关注公众号的去重用户数',
    },
    {
      key: 'repliesSent',
      label: '回复发送',
      value: metrics.repliesSent,
      hint: '扫码后自动回复成功发送的次数',
    },
    {
      key: 'repliesReceived',
      label: '回复触达',
      value: metrics.repliesReceived,
      hint: '收到自动回复的去重用户数',
    },
  ];
}

export const REPLY_KIND_LABELS: Readonly<Record<ReplyItem['kind'], string>> = {
  text: '文字',
  image: '图片',
  video: '视频',
  news: '图文',
  voice: '音频',
  miniprogram: '小程序卡片',
  link: '链接卡片',
};

export interface ReplySummary {
  key: string;
  kindText: string;
  body: string;
}

/** One line per reply item for the details page; materials by their name when known. */
export function replySummaries(
  items: readonly ReplyItem[],
  materialNames: Readonly<Record<string, string>>,
): ReplySummary[] {
  const material = (id: string) => materialNames[id] ?? `素材 ${id.slice(0, 8)}`;
  return items.map((item, index) => {
    const kindText = `${index + 1}. ${REPLY_KIND_LABELS[item.kind]}`;
    switch (item.kind) {
      case 'text':
        return { key: String(index), kindText, body: item.text };
      case 'image':
      case 'voice':
      case 'news':
        return { key: String(index), kindText, body: material(item.materialId) };
      case 'video':
        return {
          key: String(index),
          kindText,
          body: `${item.title}（${material(item.materialId)}）`,
        };
      case 'miniprogram':
        return {
          key: String(index),
          kindText,
          body: `${item.title} · ${item.appid} ${item.pagePath}`,
        };
      case 'link':
        return { key: String(index), kindText, body: `${item.title} · ${item.url}` };
    }
  });
}

export type ChannelQrPageErrorCode =
  | ChannelQrErrorCode
  | QrExportErrorCode
  | CommonErrorCode
  | (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export const CHANNEL_QR_ERROR_COPY: Readonly<Record<ChannelQrPageErrorCode, string>> = {
  QR_NOT_FOUND: '二维码不存在，可能已被删除，请返回列表刷新',
  QR_QUOTA_EXCEEDED: '永久二维码数量已达微信上限（10 万个），请改用临时二维码',
  QR_CREATION_FAILED: '创建失败的二维码不能复制，请新建二维码',
  QR_DELETED: '二维码已删除，不能再修改',
  MATERIAL_NOT_FOUND: '回复内容引用的素材不存在，请重新选择或上传',
  MATERIAL_INVALID: '素材不符合微信的要求',
  EXPORT_IN_PROGRESS: '你已有一个导出正在进行，请等它完成后再导出',
  EXPORT_NOT_FOUND: '导出记录不存在，请重新导出',
  QR_NOT_CREATED: '二维码未创建成功，没有可下载的图片',
  LOGO_NOT_ALLOWED: 'Logo 须在本页上传，请重新上传',
  LOGO_UNREADABLE: 'Logo 图片无法读取，请换一张图片重新上传',
  LOGO_WRONG_FORMAT: 'Logo 须是 PNG 或 JPEG 图片',
  LOGO_TOO_LARGE: 'Logo 太大（不超过 2 MB，每边不超过 2048 像素）',
  LOGO_TOO_SMALL: 'Logo 太小（每边至少 16 像素）',
  INVALID_ARGUMENT: '提交的信息有误，请检查后重试',
  UNKNOWN_ACTION: '服务版本过旧，请稍后再试或联系技术支持',
  UNAUTHENTICATED: '无法识别你的微信身份，请重新打开小程序',
  FORBIDDEN: '你的角色没有这项权限，请联系管理员',
  NOT_FOUND: '没有找到相关记录，请刷新后再试',
  CONFLICT: '二维码刚刚发生了变化，请刷新后再试',
  UPSTREAM_ERROR: '微信服务繁忙，请稍后重试',
  INTERNAL: '服务暂时不可用，请稍后重试',
  NETWORK_ERROR: '网络异常，请检查网络后重试',
  BAD_REPLY: '服务返回了无法识别的结果，请稍后重试',
  CLOUD_UNAVAILABLE: '当前微信版本过低，无法连接服务，请升级微信后重试',
};

/** Codes whose server message names the exact problem (which field, which limit). */
const SERVER_DETAIL: ReadonlySet<string> = new Set([
  'INVALID_ARGUMENT',
  'MATERIAL_INVALID',
  'LOGO_TOO_LARGE',
  'LOGO_TOO_SMALL',
  'UPSTREAM_ERROR',
]);

export function describeChannelQrError(error: EnvelopeError): string {
  const copy: Readonly<Record<string, string>> = CHANNEL_QR_ERROR_COPY;
  const ours = copy[error.code];
  if (!ours) return error.message || '操作失败，请稍后重试';
  return SERVER_DETAIL.has(error.code) && error.message && error.message !== ours
    ? `${ours}：${error.message}`
    : ours;
}
