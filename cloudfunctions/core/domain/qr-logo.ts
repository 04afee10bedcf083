/**
 * A batch's own logo for channel QR downloads (issue 11 point 6, 上传 Logo), pure: which cloud
 * files may serve as one, and how its bytes become the Rgba that qr-image.ts composites. A logo
 * is a PNG or JPEG of at most 2 MB and 16–2048 px a side, uploaded by the console under
 * QR_LOGO_PREFIX; anything else is refused with its own code before a pixel is decoded, so a
 * forged fileID cannot make the server read (and draw) another file of the bucket, and a small
 * file that claims a huge canvas cannot exhaust the function's memory.
 */
import { isCloudFileInside } from './cloud-paths.js';
import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { AppError } from '../errors.js';
import { sniffFormat } from './channel-qr.js';
import type { Rgba } from './qr-image.js';

/** The folder the console uploads logos to (miniprogram/admin/services/cloud-files.ts). */
export const QR_LOGO_PREFIX = 'oa-materials/logos/';
export const MAX_LOGO_BYTES = 2 * 1024 * 1024;
export const MIN_LOGO_PX = 16;
/**
 * The logo is drawn at most 600 px wide (a fifth of 3000 px): 2048 px is plenty, and keeps the
 * decode within 128 MB of the admin function's 512 (a 4096 px JPEG needs about 300 MB in jpeg-js).
 */
export const MAX_LOGO_PX = 2048;
const MAX_DECODE_MB = 128;

/** cloud://<env>.<bucket>/<path> with <path> strictly inside QR_LOGO_PREFIX (no dot segments). */
export function isLogoFileId(fileId: string): boolean {
  return isCloudFileInside(fileId, QR_LOGO_PREFIX);
}

export function requireLogoFileId(fileId: string): void {
  if (!isLogoFileId(fileId)) {
    throw new AppError(
      'LOGO_NOT_ALLOWED',
      `Logo 须是在控制台上传到 ${QR_LOGO_PREFIX} 目录的图片，不能引用其他云存储文件`,
    );
  }
}

type LogoFormat = 'png' | 'jpeg';

/** The format from the first bytes (the material hub's sniffing), never from the file's name. */
function logoFormat(bytes: Buffer): LogoFormat | undefined {
  const format = sniffFormat(bytes);
  return format === 'png' || format === 'jpeg' ? format : undefined;
}

/** Width and height from the header (PNG's IHDR, JPEG's first SOFn), without decoding. */
export function logoDimensions(
  bytes: Buffer,
  format: LogoFormat,
): { width: number; height: number } | undefined {
  if (format === 'png') {
    if (bytes.length < 24 || bytes.subarray(12, 16).toString('latin1') !== 'IHDR') return undefined;
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame's size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    if (marker === 0xd9 || marker === 0xda) return undefined; // end or scan before any frame
    at += 2 + bytes.readUInt16BE(at + 2);
  }
  return undefined;
}

const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * The logo's pixels, or the refusal: wrong format, too large (bytes or pixels), too small,
 * unreadable (a header or body that does not decode).
 */
export function decodeLogo(bytes: Buffer): Rgba {
  const format = logoFormat(bytes);
  if (!format) throw new AppError('LOGO_WRONG_FORMAT', 'Logo 须是 PNG 或 JPEG 图片');
  if (bytes.length > MAX_LOGO_BYTES) {
    throw new AppError(
      'LOGO_TOO_LARGE',
      `Logo 文件 ${MB(bytes.length)}，不能超过 ${MB(MAX_LOGO_BYTES)}`,
    );
  }
  const size = logoDimensions(bytes, format);
  if (!size) throw unreadable();
  if (size.width > MAX_LOGO_PX || size.height > MAX_LOGO_PX) {
    throw new AppError(
      'LOGO_TOO_LARGE',
      `Logo 为 ${size.width}×${size.height} 像素，每边不能超过 ${MAX_LOGO_PX} 像素`,
    );
  }
  if (size.width < MIN_LOGO_PX || size.height < MIN_LOGO_PX) {
    throw new AppError(
      'LOGO_TOO_SMALL',
      `Logo 为 ${size.width}×${size.height} 像素，每边至少 ${MIN_LOGO_PX} 像素`,
    );
  }
  try {
    if (format === 'png') {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, data: png.data };
    }
    const image = decodeJpeg(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: (MAX_LOGO_PX * MAX_LOGO_PX) / 1e6,
      maxMemoryUsageInMB: MAX_DECODE_MB,
    });
    return { width: image.width, height: image.height, data: image.data };
  } catch (error) {
    throw unreadable(error);
  }
}

const unreadable = (cause?: unknown) =>
  new AppError('LOGO_UNREADABLE', 'Logo 图片已损坏或无法读取，请换一张图片重新上传', { cause });
