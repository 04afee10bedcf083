/**
 * What the channel QR pages hand out: 扫码用户 as rows, the progress card of their CSV export, and
 * the image sizes and choices of the downloads (one code's PNG, a zip of many). Pure: no `wx`.
 */
import type {
  ExportProgress,
  QrImageSize,
  QrScannerView,
  ScannerReplyStatus,
} from '../../../../typings/admin';
import { countText } from '../../utils/figures';
import { chinaTimeText } from './present';

export const REPLY_STATUS_LABELS: Readonly<Record<ScannerReplyStatus, string>> = {
  sent: '回复已发送',
  partial: '回复部分发送',
  failed: '回复发送失败',
  none: '无自动回复',
};

const REPLY_STATUS_TAG_TYPES: Readonly<Record<ScannerReplyStatus, string>> = {
  sent: 'success',
  partial: 'warning',
  failed: 'danger',
  none: 'default',
};

export interface ScannerRow {
  openid: string;
  tags: string[];
  firstScan: string;
  lastScan: string;
  /** '' when the user scanned once (the two times are the same). */
  scansText: string;
  followText: string;
  replyText: string;
  replyTagType: string;
}

export function scannerRows(scanners: readonly QrScannerView[]): ScannerRow[] {
  return scanners.map((scanner) => ({
    openid: scanner.openid,
    tags: scanner.tags,
    firstScan: chinaTimeText(scanner.firstScanAt),
    lastScan: chinaTimeText(scanner.lastScanAt),
    scansText:
      scanner.scans > 1
        ? `扫码 ${scanner.scans} 次，最近 ${chinaTimeText(scanner.lastScanAt)}`
        : '',
    followText: scanner.followedFromQr ? '扫码后关注' : '已关注用户扫码',
    replyText: REPLY_STATUS_LABELS[scanner.replyStatus],
    replyTagType: REPLY_STATUS_TAG_TYPES[scanner.replyStatus],
  }));
}

export interface ExportCard {
  state: ExportProgress['state'];
  /** `12,000 / 250,000 行（4%）` while running; the rows written once done. */
  progressText: string;
  /** 0–100 for the bar: never 100 before the job says done (the plan is the counter's estimate). */
  percent: number;
  files: { name: string; url: string; sizeText: string }[];
  linksNote: string;
  failure: string;
}

function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${bytes} B`;
}

export function exportCard(progress: ExportProgress): ExportCard {
  const planned = progress.rowsPlanned;
  const done = progress.state === 'done';
  const percent = done
    ? 100
    : planned > 0
      ? Math.min(99, Math.floor((progress.rowsDone * 100) / planned))
      : 0;
  const progressText = done
    ? `已导出 ${countText(progress.rowsDone)} 行，共 ${progress.filesDone} 个文件`
    : `${countText(progress.rowsDone)} / ${countText(planned)} 行（${percent}%）`;
  return {
    state: progress.state,
    progressText,
    percent,
    files: progress.files.map((file) => ({
      name: file.name,
      url: file.url,
      sizeText: sizeText(file.bytes),
    })),
    linksNote: progress.linksExpireAt
      ? `链接有效期至 ${chinaTimeText(progress.linksExpireAt)}，过期后重新打开本页即可获取新链接`
      : '',
    failure: progress.state === 'failed' ? progress.error || '导出失败，请重新导出' : '',
  };
}

/** WeChat's download sizes (the server's QR_IMAGE_SIZES) and the custom range it accepts. */
export const QR_IMAGE_CHOICES: readonly { value: 'small' | 'medium' | 'large'; name: string }[] = [
  { value: 'small', name: '小 258px' },
  { value: 'medium', name: '中 430px' },
  { value: 'large', name: '大 1280px' },
];
export const MIN_CUSTOM_PX = 100;
export const MAX_CUSTOM_PX = 3000;

/** The size to ask for, or a Chinese reason the custom width cannot be used. */
export function qrImageSize(
  choice: 'small' | 'medium' | 'large' | 'custom',
  customPx: string,
): { size: QrImageSize } | { problem: string } {
  if (choice !== 'custom') return { size: choice };
  const text = customPx.trim();
  if (!/^\d+$/.test(text)) return { problem: '请输入自定义尺寸（像素，整数）' };
  const px = Number(text);
  if (px < MIN_CUSTOM_PX || px > MAX_CUSTOM_PX)
    return { problem: `自定义尺寸需在 ${MIN_CUSTOM_PX}–${MAX_CUSTOM_PX} 像素之间` };
  return { size: px };
}

/**
 * The list's batch download: a size with or without the logo, one action sheet (≤ 6 items); the
 * logo is the batch's uploaded one when there is one, else the brand's.
 */
export function zipChoices(uploadedLogo: boolean): readonly {
  name: string;
  size: 'small' | 'medium' | 'large';
  logo: boolean;
}[] {
  const logo = uploadedLogo ? '带上传的 Logo' : '带品牌 Logo';
  return [
    { name: '小 258px', size: 'small', logo: false },
    { name: '中 430px', size: 'medium', logo: false },
    { name: '大 1280px', size: 'large', logo: false },
    { name: `小 258px · ${logo}`, size: 'small', logo: true },
    { name: `中 430px · ${logo}`, size: 'medium', logo: true },
    { name: `大 1280px · ${logo}`, size: 'large', logo: true },
  ];
}

/** What the console says of a file made for download (a zip or CSV WeChat cannot open itself). */
export function fileReadyText(result: {
  file: { name: string; bytes: number };
  expiresAt: string;
}): string {
  return `${result.file.name}（${sizeText(result.file.bytes)}）已生成，链接有效期至 ${chinaTimeText(
    result.expiresAt,
  )}。请复制链接到电脑浏览器中下载。`;
}
