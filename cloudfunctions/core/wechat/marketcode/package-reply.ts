/**
 * The first stage of reading a code package (package-reader.ts): the source is either base64
 * text or the whole applycodedownload JSON reply, and in the second case the `buffer` string is
 * pulled out of it as it streams, without holding it; the rest of the reply (errcode, errmsg) is
 * checked at the end.
 */
import { PackageReadError } from './package-read-error.js';

const EMPTY = Buffer.alloc(0);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Everything of a reply but its `buffer` is a few fields; more than this is not a reply. */
const MAX_ENVELOPE_LENGTH = 64 * 1024;

/**
 * Passes base64 text through, or, when the source starts with `{`, pulls the `buffer` string out
 * of the JSON reply. The rest of the reply (errcode, errmsg) is kept, small, and checked at the
 * end: a WeChat error reply has no buffer and must say so rather than "empty package".
 */
export class EnvelopeReader {
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
