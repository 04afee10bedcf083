/**
 * Streaming reader for a marketcode code package: text in, `CodeRecord`s out, in constant memory.
 *
 *   source (base64 text, or the whole applycodedownload JSON reply)
 *     → the `buffer` string pulled out of the reply without holding it (ReplyScanner)
 *     → base64 decoded chunk by chunk (Base64StreamDecoder)
 *     → AES-CBC deciphered (createPackageDecipher)
 *     → split into lines and parsed (LineSplitter → parsePackageLine)
 *
 * A package is large (20,000,000 codes is about 8 GB of text) and every stage holds at most one
 * input chunk plus a few bytes of carry. Records come out in batches, one per decrypted chunk, so
 * the per-code cost is a parse and nothing else; `readPackageRecords` flattens them for callers
 * that want one at a time.
 *
 * Records are yielded as they are decrypted, and some failures (bad padding, a truncated package)
 * only show at the end: a consumer must treat the package as accepted only once iteration has
 * completed without throwing (the CLI writes to a `.partial` file, the import is all-or-nothing).
 */
import { Readable } from 'node:stream';
import { AppError } from '../../errors.js';
import {
  CODE_URL_LENGTH,
  MATRIX_BITS,
  PackageFormatError,
  RAW_CODE_LENGTH,
  createPackageDecipher,
  parsePackageLine,
  type CodeRecord,
} from './package.js';

export type PackageReadErrorCode =
  | 'PACKAGE_KEY_INVALID'
  | 'PACKAGE_WRONG_KEY'
  | 'PACKAGE_BAD_BASE64'
  | 'PACKAGE_TRUNCATED'
  | 'PACKAGE_MALFORMED_LINE'
  | 'PACKAGE_EMPTY'
  | 'PACKAGE_BAD_REPLY'
  | 'PACKAGE_WECHAT_ERROR';

/**
 * Why a package could not be read. `message` is Chinese and shown to the operator as is (the
 * admin actions can throw it straight through); `detail` is the English specifics for the log.
 */
export class PackageReadError extends AppError {
  constructor(
    override readonly code: PackageReadErrorCode,
    message: string,
    readonly detail: string,
    readonly lineNumber?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'PackageReadError';
  }
}

/** What a package can be read from: a Readable (or any async iterable of chunks), or all of it. */
export type PackageSource = AsyncIterable<Uint8Array | string> | Uint8Array | string;

export interface PackageReadOptions {
  /** Called with the number of source bytes consumed so far, once per source chunk. */
  onSourceBytes?: (bytes: number) => void;
}

/**
 * The longest line a valid package can hold (matrix, code, a 20-digit index, url, 3 spaces, CR);
 * anything longer is garbage, and bounding it keeps memory constant on a package without newlines.
 */
const MAX_LINE_LENGTH = MATRIX_BITS + RAW_CODE_LENGTH + 20 + CODE_URL_LENGTH + 4;

/**
 * The package as batches of checked lines, one batch per decrypted chunk, without a string or
 * object per code: the fastest way through a package (the CLI turns these straight into CSV
 * bytes). Every line in a batch has passed the same checks as parsePackageLine.
 */
export async function* readPackageLines(
  source: PackageSource,
  packageKey: string,
  options: PackageReadOptions = {},
): AsyncGenerator<PackageLineBatch, void, undefined> {
  let decipher;
  try {
    decipher = createPackageDecipher(packageKey);
  } catch (error) {
    throw new PackageReadError(
      'PACKAGE_KEY_INVALID',
      '码包密钥长度不对：应为 16、24 或 32 个字节',
      error instanceof Error ? error.message : String(error),
      undefined,
      { cause: error },
    );
  }
  const envelope = new EnvelopeReader();
  const base64 = new Base64StreamDecoder();
  const lines = new LineSplitter();
  let sourceBytes = 0;
  let cipherBytes = 0;
  let records = 0;

  for await (const chunk of chunksOf(source)) {
    sourceBytes += chunk.length;
    options.onSourceBytes?.(sourceBytes);
    for (const text of envelope.push(chunk)) {
      const ciphertext = base64.push(text);
      if (ciphertext.length === 0) continue;
      cipherBytes += ciphertext.length;
      const batch = lines.push(decipher.update(ciphertext));
      records += batch.length;
      if (batch.length > 0) yield batch;
    }
  }

  envelope.end();
  const tail = base64.end();
  cipherBytes += tail.length;
  if (cipherBytes === 0) {
    throw new PackageReadError('PACKAGE_EMPTY', '码包是空的', 'no ciphertext in the source');
  }
  const beforeFinal = lines.push(decipher.update(tail));
  let final: Buffer;
  try {
    final = decipher.final();
  } catch (error) {
    throw decipherFailure(error, cipherBytes, lines.lineNumber);
  }
  for (const batch of [beforeFinal, lines.push(final), lines.end()]) {
    records += batch.length;
    if (batch.length > 0) yield batch;
  }
  if (records === 0) {
    throw new PackageReadError('PACKAGE_EMPTY', '码包里没有码', 'the plaintext has no lines');
  }
}

/** Records in batches, one batch per decrypted chunk: the cheap way to get CodeRecords. */
export async function* readPackageBatches(
  source: PackageSource,
  packageKey: string,
  options: PackageReadOptions = {},
): AsyncGenerator<CodeRecord[], void, undefined> {
  for await (const batch of readPackageLines(source, packageKey, options)) yield batch.records();
}

/** Records one at a time, for callers that prefer it to batches. */
export async function* readPackageRecords(
  source: PackageSource,
  packageKey: string,
  options: PackageReadOptions = {},
): AsyncGenerator<CodeRecord, void, undefined> {
  for await (const batch of readPackageBatches(source, packageKey, options)) yield* batch;
}

/** The same records as an object-mode Readable, for `pipeline()` users. */
export function packageRecordStream(
  source: PackageSource,
  packageKey: string,
  options: PackageReadOptions = {},
): Readable {
  return Readable.from(readPackageRecords(source, packageKey, options), { objectMode: true });
}

async function* chunksOf(source: PackageSource): AsyncGenerator<Buffer> {
  if (typeof source === 'string') {
    yield Buffer.from(source, 'utf8');
    return;
  }
  if (source instanceof Uint8Array) {
    yield Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    return;
  }
  for await (const chunk of source) {
    yield typeof chunk === 'string'
      ? Buffer.from(chunk, 'utf8')
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

function decipherFailure(error: unknown, cipherBytes: number, lineNumber: number): AppError {
  const reason = error instanceof Error ? error.message : String(error);
  if (cipherBytes % 16 !== 0 || /wrong final block length/i.test(reason)) {
    return new PackageReadError(
      'PACKAGE_TRUNCATED',
      '码包不完整（密文长度不是 16 字节的整数倍），请重新下载',
      `${cipherBytes} ciphertext bytes: ${reason}`,
      undefined,
      { cause: error },
    );
  }
  // With AES-CBC a wrong key only shows as bad padding at the very end (or as garbage lines,
  // caught earlier); a package cut at a block boundary looks the same, so say both.
  return new PackageReadError(
    'PACKAGE_WRONG_KEY',
    '码包解密失败：密钥不对，或码包已损坏/不完整',
    `${reason} after ${lineNumber} lines`,
    undefined,
    { cause: error },
  );
}

// ---------------------------------------------------------------------------------------------
// Lines

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

/**
 * Splits deciphered bytes into lines and checks them on the bytes, cheaper than any string test.
 * A line the check does not accept goes through parsePackageLine, which says what is wrong.
 * Errors read the bytes as latin1, so noise from a wrong key is visible as non-text.
 */
class LineSplitter {
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

// ---------------------------------------------------------------------------------------------
// Base64

const WHITESPACE = /[\t\n\r ]+/g;
const NOT_BASE64_OR_PAD = /[^A-Za-z0-9+/=]/;
const NOT_BASE64 = /[^A-Za-z0-9+/]/;
const MINUS = 0x2d;
const UNDERSCORE = 0x5f;

/**
 * Decodes base64 arriving in arbitrary pieces. Node's own decoder skips characters it does not
 * know, which would turn a corrupted package into silently wrong codes; this one rejects them,
 * ignores whitespace (line-wrapped base64), and carries partial 4-character groups over.
 *
 * Validating each character in JS (even with a regex) costs more than AES itself, so the common
 * case is checked by counting instead: Node's decoder yields exactly 3 bytes per 4 characters
 * only when every one is in its alphabet, which is ours plus base64url's `-` and `_` (looked for
 * separately, natively). Only a chunk that fails the count (whitespace, padding, junk) takes
 * the slow path, which finds out which.
 */
export class Base64StreamDecoder {
  /** Data characters of an incomplete group, always checked already. */
  private carry = '';
  private padding = 0;
  private position = 0;

  push(segment: Buffer): Buffer {
    const at = this.position;
    this.position += segment.length;
    if (this.padding === 0 && segment.indexOf(MINUS) === -1 && segment.indexOf(UNDERSCORE) === -1) {
      const text = this.carry + segment.toString('latin1');
      const usable = text.length - (text.length % 4);
      const tail = text.slice(usable);
      if (!NOT_BASE64.test(tail)) {
        const decoded =
          usable === 0
            ? EMPTY
            : Buffer.from(usable === text.length ? text : text.slice(0, usable), 'base64');
        if (decoded.length === (usable / 4) * 3) {
          this.carry = tail;
          return decoded;
        }
      }
    }
    const text = this.carry + this.clean(segment.toString('latin1'), at);
    const usable = text.length - (text.length % 4);
    this.carry = text.slice(usable);
    return usable === 0 ? EMPTY : Buffer.from(text.slice(0, usable), 'base64');
  }

  /** The last bytes; throws on a group that cannot end a base64 text. */
  end(): Buffer {
    // The carry now holds the data characters of the final, partial group (padding is counted,
    // not kept): 2 or 3 of them make 1 or 2 bytes; 1 cannot be decoded at all.
    const rest = this.carry;
    this.carry = '';
    const n = rest.length;
    const complete =
      (n === 0 && this.padding === 0) ||
      (n === 2 && (this.padding === 0 || this.padding === 2)) ||
      (n === 3 && (this.padding === 0 || this.padding === 1));
    if (!complete) {
      throw new PackageReadError(
        'PACKAGE_BAD_BASE64',
        '码包不是完整的 base64 文本（结尾残缺），请重新下载',
        `base64 ends with ${n} data characters and ${this.padding} padding characters`,
      );
    }
    return n === 0 ? EMPTY : Buffer.from(rest, 'base64');
  }

  private clean(raw: string, at: number): string {
    const text = raw.replace(WHITESPACE, '');
    const bad = NOT_BASE64_OR_PAD.exec(text);
    if (bad) {
      const offset = at + raw.indexOf(bad[0]);
      throw new PackageReadError(
        'PACKAGE_BAD_BASE64',
        `码包不是有效的 base64 文本：第 ${offset + 1} 个字符是 ${JSON.stringify(bad[0])}`,
        `invalid base64 character ${JSON.stringify(bad[0])} at offset ${offset}`,
      );
    }
    if (this.padding > 0 && /[^=]/.test(text)) this.junkAfterPadding(at);
    // Padding closes the text: only more `=` (at most two in all) may follow.
    const pad = text.indexOf('=');
    if (pad === -1) return text;
    const tail = text.slice(pad);
    if (/[^=]/.test(tail)) this.junkAfterPadding(at + raw.indexOf('='));
    this.padding += tail.length;
    if (this.padding > 2) this.junkAfterPadding(at + raw.indexOf('='));
    return text.slice(0, pad);
  }

  private junkAfterPadding(offset: number): never {
    throw new PackageReadError(
      'PACKAGE_BAD_BASE64',
      '码包不是有效的 base64 文本：填充符 = 之后还有内容',
      `data after base64 padding near offset ${offset}`,
    );
  }
}

const EMPTY = Buffer.alloc(0);
const EMPTY_BATCH = new PackageLineBatch(
  EMPTY,
  new Int32Array(0),
  new Int32Array(0),
  new Float64Array(0),
  0,
);

// ---------------------------------------------------------------------------------------------
// The applycodedownload reply

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Everything of a reply but its `buffer` is a few fields; more than this is not a reply. */
const MAX_ENVELOPE_LENGTH = 64 * 1024;

/**
 * Passes base64 text through, or, when the source starts with `{`, pulls the `buffer` string out
 * of the JSON reply. The rest of the reply (errcode, errmsg) is kept, small, and checked at the
 * end: a WeChat error reply has no buffer and must say so rather than "empty package".
 */
class EnvelopeReader {
  private mode: 'detect' | 'raw' | 'json' = 'detect';
  private scanner = new ReplyScanner();

  push(chunk: Buffer): Buffer[] {
    if (this.mode === 'raw') return [chunk];
    if (this.mode === 'json') return this.scanner.push(chunk);
    let start = 0;
    // A UTF-8 BOM (files saved by Windows editors) and leading whitespace say nothing.
    while (start < chunk.length && isSpaceOrBom(chunk, start))
      start += chunk[start] === 0xef ? 3 : 1;
    if (start === chunk.length) return [];
    this.mode = chunk[start] === 0x7b ? 'json' : 'raw';
    const rest = chunk.subarray(start);
    return this.mode === 'raw' ? [rest] : this.scanner.push(rest);
  }

  end(): void {
    if (this.mode === 'json') this.scanner.end();
  }
}

function isSpaceOrBom(chunk: Buffer, i: number): boolean {
  const c = chunk[i];
  return (
    c === 0x20 ||
    c === 0x0a ||
    c === 0x0d ||
    c === 0x09 ||
    (c === 0xef && chunk[i + 1] === 0xbb && chunk[i + 2] === 0xbf)
  );
}

/** JSON escapes that may legally appear inside a base64 string (`\/` from PHP, wrapped lines). */
const ESCAPED: Record<string, Buffer> = {
  '/': Buffer.from('/'),
  n: EMPTY,
  r: EMPTY,
  t: EMPTY,
};

/**
 * A small JSON tokenizer for one flat object: it finds the top-level key `buffer` and streams
 * its string value out, keeping everything else (with `"buffer":""`) as text to parse at the end.
 */
class ReplyScanner {
  private state: 'before' | 'buffer' | 'after' = 'before';
  private envelope = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private key: string | undefined;
  private lastKey: string | undefined;
  private expectKey = false;
  private afterColon = false;
  private sawBuffer = false;
  /** An escape sequence inside `buffer` split across chunks. */
  private pendingEscape = '';

  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'buffer') i = this.scanBuffer(chunk, i, out);
      else i = this.scanJson(chunk, i);
    }
    return out;
  }

  end(): void {
    if (this.state === 'buffer' || this.inString || this.depth > 0) {
      throw new PackageReadError(
        'PACKAGE_BAD_REPLY',
        '接口回复不完整（JSON 在中途结束），请重新下载',
        'the JSON reply ends early',
      );
    }
    let reply: unknown;
    try {
      reply = JSON.parse(this.envelope);
    } catch (error) {
      throw new PackageReadError(
        'PACKAGE_BAD_REPLY',
        '接口回复不是有效的 JSON',
        error instanceof Error ? error.message : String(error),
        undefined,
        { cause: error },
      );
    }
    const fields = (typeof reply === 'object' && reply !== null ? reply : {}) as Record<
      string,
      unknown
    >;
    if (fields.errcode !== undefined && fields.errcode !== 0) {
      throw new PackageReadError(
        'PACKAGE_WECHAT_ERROR',
        `微信接口返回错误 ${String(fields.errcode)}：${String(fields.errmsg ?? '')}`,
        `errcode ${String(fields.errcode)}`,
      );
    }
    if (!this.sawBuffer) {
      throw new PackageReadError(
        'PACKAGE_BAD_REPLY',
        '接口回复里没有 buffer 字段',
        'no top-level string field "buffer" in the reply',
      );
    }
  }

  /** Streams buffer text out up to its closing quote; returns where scanning stopped. */
  private scanBuffer(chunk: Buffer, from: number, out: Buffer[]): number {
    let i = from;
    let quote = chunk.indexOf(QUOTE, i);
    let backslash = chunk.indexOf(BACKSLASH, i);
    while (i < chunk.length) {
      if (this.pendingEscape.length > 0) {
        i = this.continueEscape(chunk, i, out);
        continue;
      }
      // Positions are searched once and reused: escapes every 76 chars must not rescan a chunk.
      if (quote !== -1 && quote < i) quote = chunk.indexOf(QUOTE, i);
      if (backslash !== -1 && backslash < i) backslash = chunk.indexOf(BACKSLASH, i);
      const stop = Math.min(
        quote === -1 ? chunk.length : quote,
        backslash === -1 ? chunk.length : backslash,
      );
      if (stop > i) out.push(chunk.subarray(i, stop));
      if (stop === chunk.length) return chunk.length;
      if (stop === quote) {
        this.state = 'after';
        this.envelope += '"';
        return stop + 1;
      }
      this.pendingEscape = '\\';
      i = stop + 1;
    }
    return i;
  }

  private continueEscape(chunk: Buffer, from: number, out: Buffer[]): number {
    let i = from;
    while (i < chunk.length) {
      this.pendingEscape += String.fromCharCode(chunk[i]!);
      i += 1;
      const sequence = this.pendingEscape;
      if (sequence.length === 2 && sequence[1] !== 'u') {
        const replacement = ESCAPED[sequence[1]!];
        if (!replacement) this.badEscape(sequence);
        if (replacement.length > 0) out.push(replacement);
        this.pendingEscape = '';
        return i;
      }
      if (sequence.length === 6) {
        const char = String.fromCharCode(Number.parseInt(sequence.slice(2), 16));
        if (!/^[A-Za-z0-9+/=\s]$/.test(char) || !/^\\u[0-9a-fA-F]{4}$/.test(sequence)) {
          this.badEscape(sequence);
        }
        out.push(Buffer.from(char, 'latin1'));
        this.pendingEscape = '';
        return i;
      }
    }
    return i;
  }

  private badEscape(sequence: string): never {
    throw new PackageReadError(
      'PACKAGE_BAD_BASE64',
      `码包不是有效的 base64 文本：buffer 里有转义字符 ${sequence}`,
      `invalid escape ${JSON.stringify(sequence)} inside the buffer string`,
    );
  }

  /** Tokenizes the reply outside `buffer`, one byte at a time (it is a few dozen bytes). */
  private scanJson(chunk: Buffer, from: number): number {
    for (let i = from; i < chunk.length; i += 1) {
      const c = chunk[i]!;
      const char = String.fromCharCode(c);
      this.envelope += char;
      if (this.envelope.length > MAX_ENVELOPE_LENGTH) {
        throw new PackageReadError(
          'PACKAGE_BAD_REPLY',
          '接口回复不像 applycodedownload 的回复（buffer 以外的内容过长）',
          `more than ${MAX_ENVELOPE_LENGTH} characters outside "buffer"`,
        );
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.key !== undefined) {
            this.lastKey = this.key;
            this.key = undefined;
          }
          continue;
        }
        if (this.key !== undefined) this.key += char;
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      const topLevel = this.depth === 1;
      if (c === QUOTE) {
        this.inString = true;
        if (topLevel && this.expectKey) {
          this.key = '';
          this.expectKey = false;
        } else if (topLevel && this.afterColon && this.lastKey === 'buffer' && !this.sawBuffer) {
          this.state = 'buffer';
          this.sawBuffer = true;
          this.inString = false;
          this.afterColon = false;
          return i + 1;
        } else {
          this.afterColon = false;
        }
        continue;
      }
      if (c === 0x3a) {
        if (topLevel) this.afterColon = true;
        continue;
      }
      if (c === 0x2c) {
        if (topLevel) {
          this.expectKey = true;
          this.afterColon = false;
        }
        continue;
      }
      if (c === 0x7b || c === 0x5b) {
        this.depth += 1;
        if (this.depth === 1 && c === 0x7b) this.expectKey = true;
        this.afterColon = false;
        continue;
      }
      if (c === 0x7d || c === 0x5d) {
        this.depth -= 1;
        continue;
      }
      if (topLevel) this.afterColon = false;
    }
    return chunk.length;
  }
}
