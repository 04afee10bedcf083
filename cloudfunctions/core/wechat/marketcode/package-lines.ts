/**
 * The last stage of reading a code package (package-reader.ts): deciphered bytes split into lines
 * and each line checked on the bytes, so a chunk becomes one PackageLineBatch with no string or
 * object per code. A line the quick check refuses goes through parsePackageLine (package.ts),
 * which says what is wrong.
 */
import {
  CODE_URL_LENGTH,
  MATRIX_BITS,
  PackageFormatError,
  RAW_CODE_LENGTH,
  parsePackageLine,
  type CodeRecord,
} from './package.js';
import { PackageReadError } from './package-read-error.js';

/**
 * The longest line a valid package can hold (matrix, code, a 20-digit index, url, 3 spaces, CR);
 * anything longer is garbage, and bounding it keeps memory constant on a package without newlines.
 */
const MAX_LINE_LENGTH = MATRIX_BITS + RAW_CODE_LENGTH + 20 + CODE_URL_LENGTH + 4;

/**
 * Checked lines of one decrypted chunk: the bytes, and where each line's fields are. A line
 * `i` spans [starts[i], ends[i]) without its line end; its fields are, by position,
 * matrix [start, start+361), code [start+362, start+371), index (already a number: indexes[i]),
 * url [end-28, end).
 */
export class PackageLineBatch {
  constructor(
    readonly bytes: Buffer,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    readonly indexes: Float64Array,
    readonly length: number,
  ) {}

  /** The lines as CodeRecords; the strings are slices of one latin1 string for the chunk. */
  records(): CodeRecord[] {
    const text = this.bytes.toString('latin1');
    const records: CodeRecord[] = new Array(this.length);
    for (let i = 0; i < this.length; i += 1) {
      const start = this.starts[i]!;
      const end = this.ends[i]!;
      records[i] = {
        matrix: text.slice(start, start + MATRIX_BITS),
        code: text.slice(start + CODE_START, start + INDEX_START - 1),
        index: this.indexes[i]!,
        url: text.slice(end - CODE_URL_LENGTH, end),
      };
    }
    return records;
  }
}

/** The field layout of a line, by position from its start (see PackageLineBatch). */
export const LINE_LAYOUT = {
  codeStart: MATRIX_BITS + 1,
  indexStart: MATRIX_BITS + 1 + RAW_CODE_LENGTH + 1,
} as const;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const CODE_START = LINE_LAYOUT.codeStart;
const INDEX_START = LINE_LAYOUT.indexStart;
/** The shortest valid line: it bounds how many lines a chunk can hold. */
const MIN_LINE_LENGTH = INDEX_START + 1 + 1 + CODE_URL_LENGTH;

const EMPTY = Buffer.alloc(0);
const EMPTY_BATCH = new PackageLineBatch(
  EMPTY,
  new Int32Array(0),
  new Int32Array(0),
  new Float64Array(0),
  0,
);

/**
 * Splits deciphered bytes into lines and checks them on the bytes, cheaper than any string test.
 * A line the check does not accept goes through parsePackageLine, which says what is wrong.
 * Errors read the bytes as latin1, so noise from a wrong key is visible as non-text.
 */
export class LineSplitter {
  /** Lines seen so far, blank ones included, so errors point at the plaintext line. */
  lineNumber = 0;
  /** The start of a line whose newline has not arrived yet. */
  private carry: Buffer = EMPTY;

  push(chunk: Buffer): PackageLineBatch {
    if (chunk.length === 0) return EMPTY_BATCH;
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const batch = this.split(bytes, false);
    this.carry = Buffer.from(bytes.subarray(batch.consumed));
    if (this.carry.length > MAX_LINE_LENGTH) this.fail(this.carry.toString('latin1'));
    return batch.lines;
  }

  /** The last line, which needs no newline after it. */
  end(): PackageLineBatch {
    const bytes = this.carry;
    this.carry = EMPTY;
    return bytes.length === 0 ? EMPTY_BATCH : this.split(bytes, true).lines;
  }

  private split(bytes: Buffer, final: boolean): { lines: PackageLineBatch; consumed: number } {
    const words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const capacity = Math.ceil(bytes.length / MIN_LINE_LENGTH) + 1;
    const starts = new Int32Array(capacity);
    const ends = new Int32Array(capacity);
    const indexes = new Float64Array(capacity);
    let count = 0;
    let start = 0;
    for (;;) {
      let stop = bytes.indexOf(NEWLINE, start);
      if (stop === -1) {
        if (!final || start === bytes.length) break;
        stop = bytes.length;
      }
      this.lineNumber += 1;
      const end = stop > start && bytes[stop - 1] === CARRIAGE_RETURN ? stop - 1 : stop;
      // Blank lines (a trailing CRLF, an empty last line) carry no code and lose none.
      if (end > start) {
        const index = wellFormedIndex(bytes, words, start, end);
        if (index === undefined) this.reject(bytes.toString('latin1', start, stop));
        starts[count] = start;
        ends[count] = end;
        indexes[count] = index;
        count += 1;
      }
      start = stop + 1;
      if (start > bytes.length) break;
    }
    return {
      lines: new PackageLineBatch(bytes, starts, ends, indexes, count),
      consumed: Math.min(start, bytes.length),
    };
  }

  /** A line the fast check refused: let the parser name the problem. */
  private reject(line: string): never {
    try {
      parsePackageLine(line, this.lineNumber);
    } catch (error) {
      if (error instanceof PackageFormatError) this.fail(line, error);
      throw error;
    }
    // The two checks implement the same rules; disagreeing is a bug, reported as one.
    throw new Error(`line ${this.lineNumber} passed parsePackageLine but not the fast check`);
  }

  private fail(line: string, cause?: PackageFormatError): never {
    const lineNumber = cause ? this.lineNumber : this.lineNumber + 1;
    const binary = /[^\x20-\x7E\r]/.test(line);
    const tooLong = line.length > MAX_LINE_LENGTH;
    // A wrong key turns the very first block into noise; later noise means a damaged package.
    if (binary && lineNumber === 1) {
      throw new PackageReadError(
        'PACKAGE_WRONG_KEY',
        '码包解密失败：密钥不对（解出的第一行不是文本）',
        'line 1 of the plaintext holds non-text bytes',
        1,
        { cause },
      );
    }
    const why = tooLong
      ? `line is longer than ${MAX_LINE_LENGTH} characters`
      : binary
        ? 'line holds non-text bytes'
        : (cause?.message.replace(/^line \d+: /, '') ?? 'malformed');
    throw new PackageReadError(
      'PACKAGE_MALFORMED_LINE',
      `码包第 ${lineNumber} 行格式不对：${describeLineProblem(why)}`,
      `line ${lineNumber}: ${why}`,
      lineNumber,
      { cause },
    );
  }
}

/**
 * The index of a line that follows every rule of parsePackageLine (matrix of 0/1, 9 printable
 * chars, a whole number without leading zeros, 28 printable chars, single spaces), checked by
 * position on the bytes in [start, end) without the line end; undefined for anything else.
 */
function wellFormedIndex(
  bytes: Buffer,
  words: DataView,
  start: number,
  end: number,
): number | undefined {
  const urlStart = end - CODE_URL_LENGTH;
  const indexStart = start + INDEX_START;
  const digits = urlStart - 1 - indexStart;
  if (digits < 1 || digits > 16) return undefined;
  if (bytes[indexStart - 1] !== SPACE || bytes[urlStart - 1] !== SPACE) return undefined;
  if (bytes[start + MATRIX_BITS] !== SPACE) return undefined;
  // Four matrix bytes at a time: each must be 0x30 or 0x31, i.e. equal 0x30 once bit 0 is
  // cleared. A quarter of the work of a byte loop, and this is most of a line.
  const matrixEnd = start + MATRIX_BITS;
  let i = start;
  for (; i + 4 <= matrixEnd; i += 4) {
    if ((words.getUint32(i, true) & 0xfefefefe) !== 0x30303030) return undefined;
  }
  for (; i < matrixEnd; i += 1) if ((bytes[i]! & 0xfe) !== 0x30) return undefined;
  if (!printable(bytes, start + CODE_START, indexStart - 1) || !printable(bytes, urlStart, end)) {
    return undefined;
  }
  if (digits > 1 && bytes[indexStart] === 0x30) return undefined;
  let index = 0;
  for (let i = indexStart; i < urlStart - 1; i += 1) {
    const digit = bytes[i]! - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    index = index * 10 + digit;
  }
  return index;
}

/** Printable ASCII without the space, as the package's code and url fields are. */
function printable(bytes: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) {
    const c = bytes[i]!;
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

function describeLineProblem(why: string): string {
  if (why.startsWith('expected 4')) return '应为空格分隔的 4 段（点阵 码 序号 网址）';
  if (why.startsWith('matrix')) return `点阵应为 ${MATRIX_BITS} 个 0/1`;
  if (why.startsWith('code')) return `码应为 ${RAW_CODE_LENGTH} 个可打印字符`;
  if (why.startsWith('index')) return '序号应为整数';
  if (why.startsWith('url')) return `网址应为 ${CODE_URL_LENGTH} 个可打印字符`;
  if (why.startsWith('line is longer')) return '行太长（缺少换行，或码包已损坏）';
  if (why.includes('non-text')) return '含有非文本字节（码包已损坏）';
  return why;
}
