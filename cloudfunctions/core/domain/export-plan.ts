/**
 * How an export request becomes files: pure rules, no I/O.
 *
 * Caps per call (an admin call must finish within the function's timeout and memory):
 *   CSV only          up to MAX_CSV_CODES rows (any whole imported range: the import cap)
 *   with images       up to MAX_IMAGE_CODES codes (each code is 1–5 images)
 * Larger print runs are exported in several calls over sub-ranges (`from`/`to`), or offline with
 * the `npm run codes` command-line tool.
 */
import { AppError } from '../errors.js';
import { type CodeRange, rangeSize } from './marketcode.js';

export const MAX_CSV_CODES = 100_000;
export const MAX_IMAGE_CODES = 1_000;
/** More files than this are delivered as one zip instead of one link per file. */
export const MAX_LOOSE_FILES = 10;

export type ExportFormat = 'csv' | 'svg' | 'png' | 'qr';

/** Images each code yields per requested format (`qr` is three sizes). */
const IMAGES_PER_CODE: Record<Exclude<ExportFormat, 'csv'>, number> = { svg: 1, png: 1, qr: 3 };

export interface ExportPlan extends CodeRange {
  /** The sub-range to export. */
  from: number;
  to: number;
  codeCount: number;
  csv: boolean;
  imageFormats: Exclude<ExportFormat, 'csv'>[];
  fileCount: number;
  zipped: boolean;
}

export function planExport(
  range: CodeRange,
  request: { from?: number; to?: number; formats: readonly ExportFormat[] },
): ExportPlan {
  const from = request.from ?? range.codeStart;
  const to = request.to ?? range.codeEnd;
  if (from > to || from < range.codeStart || to > range.codeEnd) {
    throw new AppError(
      'RANGE_OUTSIDE_IMPORT',
      `导出区间 ${from}–${to} 须在已导入的码段 ${range.codeStart}–${range.codeEnd} 之内`,
    );
  }
  const formats = [...new Set(request.formats)];
  const csv = formats.includes('csv');
  const imageFormats = formats.filter((f): f is Exclude<ExportFormat, 'csv'> => f !== 'csv');
  const codeCount = rangeSize({ codeStart: from, codeEnd: to });
  const cap = imageFormats.length > 0 ? MAX_IMAGE_CODES : MAX_CSV_CODES;
  if (codeCount > cap) {
    throw new AppError(
      'EXPORT_TOO_LARGE',
      imageFormats.length > 0
        ? `含图片的导出每次最多 ${cap} 个码（本次 ${codeCount} 个），请分段导出`
        : `CSV 导出每次最多 ${cap} 个码（本次 ${codeCount} 个），请分段导出`,
    );
  }
  const perCode = imageFormats.reduce((sum, format) => sum + IMAGES_PER_CODE[format], 0);
  const fileCount = (csv ? 1 : 0) + perCode * codeCount;
  return {
    ...range,
    from,
    to,
    codeCount,
    csv,
    imageFormats,
    fileCount,
    zipped: fileCount > MAX_LOOSE_FILES,
  };
}
