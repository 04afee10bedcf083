/**
 * The two forms an operator fills in on a range of the application page: print files (导出,
 * formats and the codes to export) and activation (激活, the product and the page a scan opens):
 * the checks made before asking the server, the confirmation, and the card of an export. Pure.
 */
import type { AdminProductView, ExportFormat, ExportRangeResult } from '../../../../typings/admin';
import { formatDateTime } from '../../../utils/time';
import { MAX_CSV_CODES, MAX_IMAGE_CODES, countText, wxaTypeText } from './present';

// ---------------------------------------------------------------------------------------------
// Export

export interface FormatChoice {
  value: ExportFormat;
  name: string;
}

export const EXPORT_FORMATS: readonly FormatChoice[] = [
  { value: 'csv', name: 'CSV 码表' },
  { value: 'svg', name: '微码 SVG' },
  { value: 'png', name: '微码 PNG' },
  { value: 'qr', name: '二维码（大中小）' },
];

/**
 * The export as typed, checked the way the server checks it (export-plan.ts), so an operator
 * learns of a cap before waiting for a refusal.
 */
export function checkExport(
  range: { codeStart: number; codeEnd: number },
  typed: { from: string; to: string; formats: readonly ExportFormat[] },
): { from: number; to: number; formats: ExportFormat[] } | { message: string } {
  if (typed.formats.length === 0) return { message: '请至少选择一种导出格式' };
  const from = typed.from.trim() === '' ? range.codeStart : Number(typed.from.trim());
  const to = typed.to.trim() === '' ? range.codeEnd : Number(typed.to.trim());
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
    return { message: '起止序号须为整数' };
  }
  if (from > to || from < range.codeStart || to > range.codeEnd) {
    return { message: `起止序号须在 ${range.codeStart}–${range.codeEnd} 之内，且起始不大于结束` };
  }
  const count = to - from + 1;
  const images = typed.formats.some((format) => format !== 'csv');
  if (images && count > MAX_IMAGE_CODES) {
    return {
      message: `含图片的导出每次最多 ${countText(MAX_IMAGE_CODES)} 个码（本次 ${countText(count)} 个），请缩小起止序号`,
    };
  }
  if (count > MAX_CSV_CODES) {
    return { message: `CSV 每次最多导出 ${countText(MAX_CSV_CODES)} 个码，请缩小起止序号` };
  }
  return { from, to, formats: [...typed.formats] };
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export interface ExportCard {
  title: string;
  expires: string;
  files: { key: string; name: string; size: string; url: string }[];
}

export function exportCard(result: ExportRangeResult): ExportCard {
  return {
    title: `已导出 ${result.from}–${result.to}，共 ${countText(result.codeCount)} 个码${result.zipped ? '（已打包为 zip）' : ''}`,
    expires: `链接有效期至 ${formatDateTime(result.expiresAt)}，文件 7 天后删除`,
    files: result.files.map((file, position) => ({
      key: String(position),
      name: file.name,
      size: sizeText(file.bytes),
      url: file.url,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Activation

export interface ActivationForm {
  codeStart: string;
  codeEnd: string;
  productIndex: number;
  activityName: string;
  wxaPath: string;
  wxaType: 0 | 1 | 2;
}

export const DEFAULT_WXA_PATH = 'pages/landing/index';

export const WXA_TYPE_CHOICES = [
  { value: 0, name: '正式版' },
  { value: 1, name: '开发版' },
  { value: 2, name: '体验版' },
] as const;

export interface ActivationPlan {
  codeStart: number;
  codeEnd: number;
  product: AdminProductView & { ean: string };
  activityName: string;
  wxaPath: string;
  wxaType: 0 | 1 | 2;
}

/** The activation as typed, checked before the confirmation; a message when it cannot be sent. */
export function checkActivation(
  range: { codeStart: number; codeEnd: number },
  products: readonly AdminProductView[],
  form: ActivationForm,
): ActivationPlan | { message: string } {
  const codeStart = Number(form.codeStart.trim());
  const codeEnd = Number(form.codeEnd.trim());
  if (
    !Number.isSafeInteger(codeStart) ||
    !Number.isSafeInteger(codeEnd) ||
    form.codeStart.trim() === '' ||
    form.codeEnd.trim() === ''
  ) {
    return { message: '起止序号须为整数' };
  }
  if (codeStart > codeEnd || codeStart < range.codeStart || codeEnd > range.codeEnd) {
    return { message: `起止序号须在 ${range.codeStart}–${range.codeEnd} 之内，且起始不大于结束` };
  }
  const product = products[form.productIndex];
  if (!product) return { message: '请选择商品' };
  if (!product.ean)
    return { message: `商品「${product.title}」没有商品条码（EAN），请先在商品中填写` };
  const activityName = form.activityName.trim();
  if (!activityName) return { message: '请填写活动名称' };
  const wxaPath = form.wxaPath.trim().replace(/^\//, '');
  if (!wxaPath) return { message: '请填写扫码打开的页面路径' };
  return {
    codeStart,
    codeEnd,
    product: { ...product, ean: product.ean },
    activityName,
    wxaPath,
    wxaType: form.wxaType,
  };
}

export function activationConfirmation(plan: ActivationPlan): string {
  return (
    `把码 ${plan.codeStart}–${plan.codeEnd}（${countText(plan.codeEnd - plan.codeStart + 1)} 个）` +
    `激活为「${plan.product.title}」，扫码打开 ${plan.wxaPath}（${wxaTypeText(plan.wxaType)}）。` +
    '激活后消费者扫码即生效。'
  );
}
