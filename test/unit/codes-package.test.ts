import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  encryptPackage,
  formatPackageLine,
  type CodeRecord,
} from '../../cloudfunctions/core/wechat/marketcode/package';
import { Base64StreamDecoder } from '../../cloudfunctions/core/wechat/marketcode/package-base64';
import { PackageReadError } from '../../cloudfunctions/core/wechat/marketcode/package-read-error';
import {
  readPackageBatches,
  readPackageRecords,
  type PackageSource,
} from '../../cloudfunctions/core/wechat/marketcode/package-reader';

const KEY = '0123456789abcdef';
/** The seed's example line (FAQ, "a single code format example"). */
const SEED_MATRIX =
  '1111111111111111111100000110101100000110111010000010111011011101011101011101101110100100101110110000011011110000011111111110111111111110001100000110001100101110111100010010100000011110100010100101110010101010111000110100100010101111111100101001100100000111001111101010111010101110111111011101000110101110101110101011100100110000011011001111111111111100101000101';
const SEED: CodeRecord = {
  matrix: SEED_MATRIX,
  code: '0436Z31$0',
  index: 0,
  url: 'P.URL.CN/0V/IXO*FWWYLZLXUXGR',
};

function records(count: number, first = 0): CodeRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    matrix: SEED_MATRIX.slice(i % 7) + SEED_MATRIX.slice(0, i % 7),
    code: `${String(i).padStart(4, '0')}Z,"$0`.slice(0, 9),
    index: first + i,
    url: `P.URL.CN/0V/IXO*FWWYLZLX${String(i).padStart(4, '0')}`,
  }));
}

function packageOf(list: CodeRecord[], newline = '\n'): string {
  return encryptPackage(list.map(formatPackageLine).join(newline) + newline, KEY);
}

async function readAll(source: PackageSource, key = KEY): Promise<CodeRecord[]> {
  const out: CodeRecord[] = [];
  for await (const record of readPackageRecords(source, key)) out.push(record);
  return out;
}

async function failure(source: PackageSource, key = KEY): Promise<PackageReadError> {
  try {
    await readAll(source, key);
  } catch (error) {
    expect(error).toBeInstanceOf(PackageReadError);
    return error as PackageReadError;
  }
  throw new Error('the package was accepted');
}

/** The text split at the given offsets, as a stream delivers it. */
function pieces(text: string, ...cuts: number[]): Readable {
  const bounds = [0, ...cuts, text.length];
  return Readable.from(bounds.slice(1).map((end, i) => Buffer.from(text.slice(bounds[i], end))));
}

describe('package reader', () => {
  it('reads the seed example line back exactly', async () => {
    expect(await readAll(packageOf([SEED]))).toEqual([SEED]);
  });

  it('round-trips with a chunk boundary at every offset, plain and as a JSON reply', async () => {
    const list = records(3);
    const plain = packageOf(list);
    const reply = JSON.stringify({ errcode: 0, errmsg: 'ok', buffer: plain });
    for (const text of [plain, reply]) {
      for (let cut = 1; cut < text.length; cut += 1) {
        expect(await readAll(pieces(text, cut))).toEqual(list);
      }
    }
  });

  it('accepts CRLF lines, wrapped base64, escaped slashes and a BOM', async () => {
    const list = records(5, 100);
    const crlf = packageOf(list, '\r\n');
    expect(await readAll(crlf)).toEqual(list);
    const wrapped = crlf.replace(/.{76}/g, '$&\r\n');
    expect(await readAll(`\uFEFF  ${wrapped}\n`)).toEqual(list);
    const php = JSON.stringify({ errcode: 0, buffer: crlf }).replace(/\//g, '\\/');
    expect(await readAll(pieces(php, 3, 40, 41, 42))).toEqual(list);
  });

  it('yields batches whose records are what the parser reads', async () => {
    const list = records(2000);
    const text = packageOf(list);
    const batches: CodeRecord[][] = [];
    for await (const batch of readPackageBatches(pieces(text, 65_536, 300_000), KEY)) {
      batches.push(batch);
    }
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(list);
  });

  it('says the key is wrong', async () => {
    const error = await failure(packageOf(records(3)), 'fedcba9876543210');
    expect(error.code).toBe('PACKAGE_WRONG_KEY');
    expect(error.message).toMatch(/密钥不对/);
  });

  it('reports bad padding after the last block as a wrong key or damaged package', async () => {
    // Valid lines, then one block altered at the end: only the PKCS#7 check can notice.
    const bytes = Buffer.from(packageOf(records(3)), 'base64');
    bytes[bytes.length - 1] ^= 0x55;
    const error = await failure(bytes.toString('base64'));
    expect(error.code).toBe('PACKAGE_WRONG_KEY');
    expect(error.detail).toMatch(/bad decrypt/);
  });

  it('rejects truncated ciphertext', async () => {
    const bytes = Buffer.from(packageOf(records(3)), 'base64');
    const error = await failure(bytes.subarray(0, bytes.length - 5).toString('base64'));
    expect(error.code).toBe('PACKAGE_TRUNCATED');
  });

  it('rejects bad base64: junk, base64url, data after padding, a dangling character', async () => {
    const text = packageOf(records(2));
    const cases = [
      `${text.slice(0, 10)}!${text.slice(10)}`,
      `${text.slice(0, 10)}-${text.slice(11)}`,
      'QUI=QUJD',
      'QUI=\n=',
      'QUJDQ',
    ];
    for (const bad of cases) expect((await failure(bad)).code).toBe('PACKAGE_BAD_BASE64');
    expect((await failure(`${text.slice(0, 10)}!${text.slice(10)}`)).message).toMatch(
      /第 11 个字符/,
    );
  });

  it('rejects malformed lines with their line number', async () => {
    const good = formatPackageLine(SEED);
    const cases: [string, RegExp][] = [
      [`${good}\n${good.slice(0, 200)}\n`, /第 2 行.*4 段/],
      [`${good}\n${good}\n${good.replace(/^1/, '2')}\n`, /第 3 行.*点阵/],
      [`${good.replace(' 0 ', ' x1 ')}\n`, /第 1 行.*序号/],
      [`${good.replace(' 0 ', ' 01 ')}\n`, /第 1 行.*序号/],
      [`${good.replace('0436Z31$0', '0436Z31$')}\n`, /第 1 行.*码应为/],
      [`${good}X\n`, /第 1 行.*网址/],
      [`${'1'.repeat(5000)}\n`, /第 1 行/],
    ];
    for (const [plaintext, message] of cases) {
      const error = await failure(encryptPackage(plaintext, KEY));
      expect(error.code).toBe('PACKAGE_MALFORMED_LINE');
      expect(error.message).toMatch(message);
    }
  });

  it('rejects empty packages and replies without a buffer', async () => {
    expect((await failure('')).code).toBe('PACKAGE_EMPTY');
    expect((await failure(' \n ')).code).toBe('PACKAGE_EMPTY');
    expect((await failure(encryptPackage('', KEY))).code).toBe('PACKAGE_EMPTY');
    expect((await failure(encryptPackage('\n\r\n', KEY))).code).toBe('PACKAGE_EMPTY');
    const wechat = await failure('{"errcode":40001,"errmsg":"invalid credential"}');
    expect(wechat.code).toBe('PACKAGE_WECHAT_ERROR');
    expect(wechat.message).toMatch(/40001/);
    expect((await failure('{"errcode":0,"errmsg":"ok"}')).code).toBe('PACKAGE_BAD_REPLY');
    expect((await failure('{"errcode":0,"buffer":"QUJD')).code).toBe('PACKAGE_BAD_REPLY');
    // "buffer" inside another value is not the field.
    expect((await failure('{"errmsg":"\\"buffer\\":\\"x\\"","errcode":0}')).code).toBe(
      'PACKAGE_BAD_REPLY',
    );
  });

  it('rejects a key AES cannot use', async () => {
    expect((await failure(packageOf([SEED]), 'short')).code).toBe('PACKAGE_KEY_INVALID');
  });
});

describe('Base64StreamDecoder', () => {
  it('decodes any split of any length exactly like Buffer', () => {
    for (let length = 0; length < 20; length += 1) {
      const data = Buffer.from(Array.from({ length }, (_, i) => (i * 37 + 11) & 0xff));
      const text = data.toString('base64');
      for (let cut = 0; cut <= text.length; cut += 1) {
        const decoder = new Base64StreamDecoder();
        const out = Buffer.concat([
          decoder.push(Buffer.from(text.slice(0, cut))),
          decoder.push(Buffer.from(text.slice(cut))),
          decoder.end(),
        ]);
        expect(out.equals(data)).toBe(true);
      }
    }
  });
});
