/**
 * CSV of codes: written by the CLI's `decrypt` (index,code,url,matrix) and the admin export
 * (index,code,url), read back by `render`. RFC 4180: CRLF rows, fields quoted only when they
 * hold a comma or a quote (a raw code may: WeChat's example is `0436Z31$0`, symbols happen).
 * Values are written exactly as WeChat sent them (no `'` guard against spreadsheet formulas):
 * the file feeds variable-data printing, where a changed character is a misprinted code.
 */
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import {
  CODE_URL_LENGTH,
  MATRIX_BITS,
  RAW_CODE_LENGTH,
  type CodeRecord,
} from '../wechat/marketcode/package.js';
import { LINE_LAYOUT, type PackageLineBatch } from '../wechat/marketcode/package-lines.js';
import { PrintError } from './errors.js';

export type CsvColumn = 'index' | 'code' | 'url' | 'matrix';
/** What `codes decrypt` writes: everything needed to print, the matrix last (it is long). */
export const DECRYPT_CSV_COLUMNS: readonly CsvColumn[] = ['index', 'code', 'url', 'matrix'];
/** The admin export's CSV, beside its image files. */
export const PRINT_CSV_COLUMNS: readonly CsvColumn[] = ['index', 'code', 'url'];
export const CSV_NEWLINE = '\r\n';

/** A code as the print side needs it; the matrix is absent in an index,code,url CSV. */
export interface PrintRecord {
  index: number;
  code: string;
  url: string;
  matrix?: string;
}

export function csvField(value: string): string {
  return needsQuotes(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A loop, not a regex: it runs twice per code on the decrypt path, on 9 and 28 chars. */
function needsQuotes(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if (c === 0x22 || c === 0x2c || c === 0x0a || c === 0x0d) return true;
  }
  return false;
}

export function csvHeader(columns: readonly CsvColumn[]): string {
  return columns.join(',') + CSV_NEWLINE;
}

export function csvRow(record: PrintRecord, columns: readonly CsvColumn[]): string {
  let row = '';
  for (let i = 0; i < columns.length; i += 1) {
    if (i > 0) row += ',';
    const column = columns[i]!;
    if (column === 'index') row += String(record.index);
    else if (column === 'matrix') row += record.matrix ?? '';
    else row += csvField(record[column]);
  }
  return row + CSV_NEWLINE;
}

/** Many rows as one string: the decrypt hot path writes a batch per decrypted chunk. */
export function csvRows(records: readonly CodeRecord[], columns: readonly CsvColumn[]): string {
  let text = '';
  if (columns === DECRYPT_CSV_COLUMNS) {
    // The common case unrolled: this runs a million times per package.
    for (const r of records) {
      text +=
        r.index + ',' + csvField(r.code) + ',' + csvField(r.url) + ',' + r.matrix + CSV_NEWLINE;
    }
    return text;
  }
  for (const r of records) text += csvRow(r, columns);
  return text;
}

const COMMA = 0x2c;
const QUOTE = 0x22;

/**
 * Checked package lines straight to `index,code,url,matrix` CSV bytes: every field is a byte
 * range of the plaintext, so a row is four copies and no strings. This is the decrypt hot path;
 * it writes exactly what csvRows would for the same records.
 */
export function decryptCsvBytes(batch: PackageLineBatch): Buffer {
  const { bytes, starts, ends } = batch;
  let size = 0;
  // Worst case per row: every code/url char a doubled quote, plus the quotes, commas and CRLF.
  for (let i = 0; i < batch.length; i += 1) size += 2 * (ends[i]! - starts[i]!) + 12;
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (let i = 0; i < batch.length; i += 1) {
    const start = starts[i]!;
    const end = ends[i]!;
    const indexStart = start + LINE_LAYOUT.indexStart;
    const urlStart = end - CODE_URL_LENGTH;
    for (let j = indexStart; j < urlStart - 1; j += 1) out[o++] = bytes[j]!;
    out[o++] = COMMA;
    o = copyField(bytes, start + LINE_LAYOUT.codeStart, indexStart - 1, out, o);
    out[o++] = COMMA;
    o = copyField(bytes, urlStart, end, out, o);
    out[o++] = COMMA;
    o += bytes.copy(out, o, start, start + MATRIX_BITS);
    out[o++] = 0x0d;
    out[o++] = 0x0a;
  }
  return out.subarray(0, o);
}

/** A code or url field, quoted as csvField would (it cannot hold CR or LF: checked already). */
function copyField(bytes: Buffer, from: number, to: number, out: Buffer, at: number): number {
  let o = at;
  let quote = false;
  for (let j = from; j < to; j += 1) {
    const c = bytes[j]!;
    if (c === QUOTE || c === COMMA) quote = true;
  }
  if (quote) out[o++] = QUOTE;
  for (let j = from; j < to; j += 1) {
    const c = bytes[j]!;
    out[o++] = c;
    if (c === QUOTE) out[o++] = QUOTE;
  }
  if (quote) out[o++] = QUOTE;
  return o;
}

/** Splits one CSV line; quoted fields may hold commas and doubled quotes, not line breaks. */
export function parseCsvLine(line: string, lineNumber?: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote === -1)
          throw new PrintError(
            'PRINT_BAD_CSV',
            `CSV 第 ${lineNumber ?? '?'} 行：引号没有闭合`,
            lineNumber,
          );
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ',')
        throw new PrintError(
          'PRINT_BAD_CSV',
          `CSV 第 ${lineNumber ?? '?'} 行：引号后应为逗号`,
          lineNumber,
        );
      i += 1;
    } else {
      const comma = line.indexOf(',', i);
      if (comma === -1) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

const INDEX_PATTERN = /^(0|[1-9][0-9]{0,15})$/;
const CODE_PATTERN = new RegExp(`^[\\x21-\\x7E]{${RAW_CODE_LENGTH}}$`);
const URL_PATTERN = new RegExp(`^[\\x21-\\x7E]{${CODE_URL_LENGTH}}$`);
const MATRIX_PATTERN = new RegExp(`^[01]{${MATRIX_BITS}}$`);

/**
 * Reads a codes CSV (either column set, any column order, CRLF or LF) one record at a time.
 * Every row is checked as the package parser checks lines: a print file must never be made from
 * a damaged row.
 */
export async function* readCsvRecords(source: Readable): AsyncGenerator<PrintRecord> {
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  let columns: Map<string, number> | undefined;
  let lineNumber = 0;
  for await (const raw of lines) {
    lineNumber += 1;
    const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.length === 0) continue;
    const fields = parseCsvLine(line, lineNumber);
    if (!columns) {
      columns = new Map(fields.map((name, i) => [name.trim().toLowerCase(), i]));
      for (const required of ['index', 'code', 'url']) {
        if (!columns.has(required)) {
          throw new PrintError(
            'PRINT_BAD_CSV',
            `CSV 表头缺少 ${required} 列（应为 index,code,url[,matrix]）`,
            lineNumber,
          );
        }
      }
      continue;
    }
    yield recordFromFields(fields, columns, lineNumber);
  }
  if (!columns) throw new PrintError('PRINT_BAD_CSV', 'CSV 是空的', 0);
}

function recordFromFields(
  fields: string[],
  columns: Map<string, number>,
  lineNumber: number,
): PrintRecord {
  const get = (name: string): string | undefined => {
    const at = columns.get(name);
    return at === undefined ? undefined : fields[at];
  };
  const bad = (what: string): never => {
    throw new PrintError('PRINT_BAD_CSV', `CSV 第 ${lineNumber} 行：${what}`, lineNumber);
  };
  const index = get('index') ?? '';
  const code = get('code') ?? '';
  const url = get('url') ?? '';
  const matrix = get('matrix');
  if (!INDEX_PATTERN.test(index)) bad('序号应为整数');
  if (!CODE_PATTERN.test(code)) bad(`码应为 ${RAW_CODE_LENGTH} 个可打印字符`);
  if (!URL_PATTERN.test(url)) bad(`网址应为 ${CODE_URL_LENGTH} 个可打印字符`);
  if (matrix !== undefined && !MATRIX_PATTERN.test(matrix)) bad(`点阵应为 ${MATRIX_BITS} 个 0/1`);
  const record: PrintRecord = { index: Number(index), code, url };
  if (matrix !== undefined) record.matrix = matrix;
  return record;
}
