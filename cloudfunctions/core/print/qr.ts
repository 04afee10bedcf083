/**
 * The ordinary QR code of a code's 28-character URL, for printers that cannot print microcodes.
 * WeChat's FAQ fixes it at version 2 (25×25 modules), error correction level Q. The URL alphabet
 * (`P.URL.CN/…`: capitals, digits, `.` `/` `*` …) is QR's alphanumeric set, where 28 characters
 * fit version 2-Q (capacity 29); the segment is forced to alphanumeric so a library change in
 * mode selection cannot push the symbol to version 3.
 */
import QRCode from 'qrcode';
import { PrintError } from './errors.js';
import type { ModuleGrid } from './grid.js';

export const QR_VERSION = 2;
export const QR_ERROR_CORRECTION = 'Q';
/** Modules per side of a version 2 symbol. */
export const QR_SIZE = 25;

const QR_ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]+$/;

export function qrGridForUrl(url: string): ModuleGrid {
  if (!QR_ALPHANUMERIC.test(url)) {
    throw new PrintError(
      'PRINT_BAD_RECORD',
      `网址 ${JSON.stringify(url)} 含有 QR 字母数字模式以外的字符，无法放进 2 版 Q 级二维码`,
    );
  }
  let qr: QRCode.QRCode;
  try {
    qr = QRCode.create([{ data: url, mode: 'alphanumeric' }], {
      version: QR_VERSION,
      errorCorrectionLevel: QR_ERROR_CORRECTION,
    });
  } catch (error) {
    throw new PrintError(
      'PRINT_BAD_RECORD',
      `网址 ${JSON.stringify(url)} 放不进 2 版 Q 级二维码：${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const { size, data } = qr.modules;
  const dark = new Uint8Array(size * size);
  for (let i = 0; i < dark.length; i += 1) dark[i] = data[i] ? 1 : 0;
  return { size, dark };
}
