/**
 * The print files of one code, as `{ path, content }` pairs: pure, no I/O, so the admin export
 * can put them in cloud storage or a zip and the CLI can write them to a folder.
 *
 *   svg        microcode-svg/<index>.svg  the 19×19 microcode, vector (0.5 mm modules by default)
 *   png        microcode-png/<index>.png  the same as a 1-bit bitmap (8 px modules, 300 dpi)
 *   qr-small   qr-small/<index>.png       the URL's QR code, 4 px modules: 132 px, 11.2 mm at 300 dpi
 *   qr-medium  qr-medium/<index>.png      8 px modules: 264 px, 22.4 mm at 300 dpi
 *   qr-large   qr-large/<index>.png       16 px modules: 528 px, 44.7 mm at 300 dpi
 *
 * Every image carries a quiet zone of 4 modules (the QR standard's; WeChat publishes none for the
 * microcode, so it gets the same).
 */
import { PrintError } from './errors.js';
import type { PrintRecord } from './csv.js';
import {
  gridFromMatrix,
  gridToPng,
  gridToSvg,
  PNG_DEFAULTS,
  type PngOptions,
  type SvgOptions,
} from './grid.js';
import { qrGridForUrl } from './qr.js';

export const PRINT_FORMATS = ['svg', 'png', 'qr-small', 'qr-medium', 'qr-large'] as const;
export type PrintFormat = (typeof PRINT_FORMATS)[number];

/** Pixels per QR module for each named size. */
export const QR_MODULE_PIXELS = { 'qr-small': 4, 'qr-medium': 8, 'qr-large': 16 } as const;
const QR_QUIET_ZONE = 4;

export interface PrintFile {
  path: string;
  content: Buffer | string;
}

export interface RenderOptions {
  /** The microcode SVG. */
  svg?: SvgOptions;
  /** The microcode PNG. */
  png?: PngOptions;
  /** Resolution recorded in the QR PNGs. */
  dpi?: number;
}

/** `svg,png,qr` → formats; `qr` stands for all three QR sizes. Throws on an unknown name. */
export function parsePrintFormats(list: string | readonly string[]): PrintFormat[] {
  const names = (typeof list === 'string' ? list.split(',') : list).map((s) => s.trim());
  const formats = new Set<PrintFormat>();
  for (const name of names) {
    if (name === '') continue;
    if (name === 'qr') {
      formats.add('qr-small').add('qr-medium').add('qr-large');
    } else if ((PRINT_FORMATS as readonly string[]).includes(name)) {
      formats.add(name as PrintFormat);
    } else {
      throw new PrintError(
        'PRINT_BAD_FORMAT',
        `不认识的格式 ${JSON.stringify(name)}（可选：svg, png, qr, ${PRINT_FORMATS.slice(2).join(', ')}）`,
      );
    }
  }
  if (formats.size === 0) throw new PrintError('PRINT_BAD_FORMAT', '至少要选一种格式');
  return PRINT_FORMATS.filter((f) => formats.has(f));
}

export function printFilePath(format: PrintFormat, index: number): string {
  switch (format) {
    case 'svg':
      return `microcode-svg/${index}.svg`;
    case 'png':
      return `microcode-png/${index}.png`;
    default:
      return `${format}/${index}.png`;
  }
}

/** The microcode formats need the matrix, which an index,code,url CSV does not have. */
export function needsMatrix(formats: readonly PrintFormat[]): boolean {
  return formats.includes('svg') || formats.includes('png');
}

export function renderRecordFiles(
  record: PrintRecord,
  formats: readonly PrintFormat[],
  options: RenderOptions = {},
): PrintFile[] {
  const files: PrintFile[] = [];
  if (needsMatrix(formats)) {
    if (record.matrix === undefined) {
      throw new PrintError(
        'PRINT_BAD_RECORD',
        `序号 ${record.index} 没有微码点阵，无法生成微码图片`,
      );
    }
    const microcode = gridFromMatrix(record.matrix);
    if (formats.includes('svg')) {
      files.push({
        path: printFilePath('svg', record.index),
        content: gridToSvg(microcode, options.svg),
      });
    }
    if (formats.includes('png')) {
      files.push({
        path: printFilePath('png', record.index),
        content: gridToPng(microcode, options.png),
      });
    }
  }
  const qrFormats = formats.filter(
    (f): f is keyof typeof QR_MODULE_PIXELS => f in QR_MODULE_PIXELS,
  );
  if (qrFormats.length > 0) {
    const qr = qrGridForUrl(record.url);
    for (const format of qrFormats) {
      files.push({
        path: printFilePath(format, record.index),
        content: gridToPng(qr, {
          moduleSize: QR_MODULE_PIXELS[format],
          quietZone: QR_QUIET_ZONE,
          dpi: options.dpi ?? PNG_DEFAULTS.dpi,
        }),
      });
    }
  }
  return files;
}
