/**
 * The marketcode (一物一码) code package: what `applycodedownload` returns in `buffer`.
 *
 * base64( AES-CBC-PKCS#7( lines ) ), one line per code: `<matrix> <code> <index> <url>`
 *   matrix  361 characters of 0/1: the 19×19 microcode dot matrix, row by row, 1 = black
 *   code    the raw code, 9 characters (kept as a string: leading zeros matter)
 *   index   the code's position in its application (what code_start/code_end count)
 *   url     28 characters, `P.URL.CN/…`: the content of the ordinary QR code (version 2, level Q)
 *
 * Sources (WeChat's applycodedownload page, and two published integrations, one PHP, one Java, that
 * decrypt packages): AES-CBC with PKCS#7 and key = IV = the package key's UTF-8 bytes, AES-128 in
 * both known integrations. The key
 * length is UNVERIFIED, so a 24- or 32-byte key selects AES-192/256 (IV = its first 16 bytes), and
 * lines may end in \n or \r\n.
 */
import { createCipheriv, createDecipheriv, type Decipher } from 'node:crypto';

export const MATRIX_SIDE = 19;
export const MATRIX_BITS = MATRIX_SIDE * MATRIX_SIDE;
export const RAW_CODE_LENGTH = 9;
export const CODE_URL_LENGTH = 28;

export interface CodeRecord {
  /** 361 characters of `0`/`1`, row-major, `1` = black. */
  matrix: string;
  code: string;
  index: number;
  url: string;
}

export class PackageFormatError extends Error {
  constructor(
    message: string,
    readonly lineNumber?: number,
  ) {
    super(lineNumber === undefined ? message : `line ${lineNumber}: ${message}`);
    this.name = 'PackageFormatError';
  }
}

const MATRIX_PATTERN = /^[01]{361}$/;
const CODE_PATTERN = /^[\x21-\x7E]{9}$/;
const INDEX_PATTERN = /^(0|[1-9][0-9]{0,15})$/;
const URL_PATTERN = /^[\x21-\x7E]{28}$/;

export function formatPackageLine(record: CodeRecord): string {
  return `${record.matrix} ${record.code} ${record.index} ${record.url}`;
}

/** Parses one line of a decrypted package; `lineNumber` (1-based) goes into the error message. */
export function parsePackageLine(line: string, lineNumber?: number): CodeRecord {
  const fields = line.replace(/\r$/, '').split(' ');
  if (fields.length !== 4) {
    throw new PackageFormatError(
      `expected 4 space-separated fields, found ${fields.length}`,
      lineNumber,
    );
  }
  const [matrix, code, index, url] = fields as [string, string, string, string];
  if (!MATRIX_PATTERN.test(matrix))
    throw new PackageFormatError(`matrix is not ${MATRIX_BITS} characters of 0/1`, lineNumber);
  if (!CODE_PATTERN.test(code))
    throw new PackageFormatError(`code is not ${RAW_CODE_LENGTH} printable characters`, lineNumber);
  if (!INDEX_PATTERN.test(index))
    throw new PackageFormatError(`index is not a whole number`, lineNumber);
  if (!URL_PATTERN.test(url))
    throw new PackageFormatError(`url is not ${CODE_URL_LENGTH} printable characters`, lineNumber);
  return { matrix, code, index: Number(index), url };
}

interface PackageCipher {
  algorithm: string;
  key: Buffer;
  iv: Buffer;
}

/** The cipher a package key stands for. Throws on a key AES cannot use. */
export function packageCipher(packageKey: string): PackageCipher {
  const key = Buffer.from(packageKey, 'utf8');
  if (![16, 24, 32].includes(key.length)) {
    throw new PackageFormatError(`the package key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  return { algorithm: `aes-${key.length * 8}-cbc`, key, iv: key.subarray(0, 16) };
}

/** Encrypts package plaintext (used by the WeChat simulator and tests). Returns base64. */
export function encryptPackage(plaintext: string | Buffer, packageKey: string): string {
  const { algorithm, key, iv } = packageCipher(packageKey);
  const cipher = createCipheriv(algorithm, key, iv);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

/** A streaming decipher for the package's ciphertext bytes (after base64 decoding). */
export function createPackageDecipher(packageKey: string): Decipher {
  const { algorithm, key, iv } = packageCipher(packageKey);
  return createDecipheriv(algorithm, key, iv);
}
