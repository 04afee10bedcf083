/**
 * The decoding stage of reading a code package (package-reader.ts): base64 text arriving in
 * arbitrary pieces becomes ciphertext bytes, strictly (a corrupted package must fail, not turn
 * into silently wrong codes).
 */
import { PackageReadError } from './package-read-error.js';

const WHITESPACE = /[\t\n\r ]+/g;
const NOT_BASE64_OR_PAD = /[^A-Za-z0-9+/=]/;
const NOT_BASE64 = /[^A-Za-z0-9+/]/;
const MINUS = 0x2d;
const UNDERSCORE = 0x5f;
const EMPTY = Buffer.alloc(0);

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
