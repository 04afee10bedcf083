import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encryptPackage,
  formatPackageLine,
  type CodeRecord,
} from '../../cloudfunctions/core/wechat/marketcode/package';
import { buildCodesCli } from '../../local/tools/build-codes-cli';

const ROOT = path.resolve(__dirname, '../..');
const KEY = 'MashangTestKey16';
const dir = mkdtempSync(path.join(os.tmpdir(), 'mashang-codes-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI as `npm run codes` runs it: the bundle, built from this checkout's sources. */
const cli = path.join(dir, 'codes.cjs');
beforeAll(() => buildCodesCli(cli));

const MATRIX = Array.from({ length: 361 }, (_, i) => (i % 3 === 0 ? '1' : '0')).join('');
const RECORDS: CodeRecord[] = Array.from({ length: 5 }, (_, i) => ({
  matrix: MATRIX,
  code: `0436Z31$${i}`,
  index: 10 + i,
  url: `P.URL.CN/0V/IXO*FWWYLZLXUXG${i}`,
}));
const PLAINTEXT = RECORDS.map(formatPackageLine).join('\n') + '\n';

function file(name: string, content: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

interface Result {
  status: number;
  stderr: string;
}

async function codes(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const run = promisify(execFile)(process.execPath, [cli, ...args], {
    cwd: ROOT,
    env: { ...process.env, MARKETCODE_KEY: '', ...env },
  });
  try {
    const { stderr } = await run;
    return { status: 0, stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { status: failed.code, stderr: failed.stderr };
  }
}

describe.concurrent('codes decrypt', () => {
  it('writes the CSV (base64 file, key from --key) with the header and every row', async () => {
    const out = path.join(dir, 'ok.csv');
    const result = await codes([
      'decrypt',
      file('ok.txt', encryptPackage(PLAINTEXT, KEY)),
      '--key',
      KEY,
      '--out',
      out,
    ]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/已解密 5 个码（序号 10–14）/);
    const lines = readFileSync(out, 'latin1').split('\r\n');
    expect(lines[0]).toBe('index,code,url,matrix');
    expect(lines.slice(1, -1)).toEqual(
      RECORDS.map((r) => `${r.index},${r.code},${r.url},${r.matrix}`),
    );
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('reads the whole JSON reply, key from MARKETCODE_KEY', async () => {
    const reply = JSON.stringify({
      errcode: 0,
      errmsg: 'ok',
      buffer: encryptPackage(PLAINTEXT, KEY),
    });
    const out = path.join(dir, 'json.csv');
    const result = await codes(['decrypt', file('reply.json', reply), '--out', out], {
      MARKETCODE_KEY: KEY,
    });
    expect(result.status).toBe(0);
    expect(readFileSync(out, 'latin1').split('\r\n')).toHaveLength(7);
  });

  const good = encryptPackage(PLAINTEXT, KEY);
  const tampered = Buffer.from(good, 'base64');
  tampered[tampered.length - 1]! ^= 0x01;
  const failures: [string, string, RegExp][] = [
    ['wrong key', encryptPackage(PLAINTEXT, 'AnotherKey123456'), /密钥不对/],
    ['bad base64', `${good.slice(0, 20)}#${good.slice(21)}`, /不是有效的 base64/],
    ['bad padding', tampered.toString('base64'), /密钥不对，或码包已损坏/],
    ['truncated', Buffer.from(good, 'base64').subarray(0, 100).toString('base64'), /不完整/],
    [
      'malformed line',
      encryptPackage(`${PLAINTEXT}${MATRIX} 0436Z31$9 x P.URL.CN/0V/IXO*FWWYLZLXUXG9\n`, KEY),
      /第 6 行.*序号/,
    ],
    ['empty', '', /码包是空的/],
  ];
  it.each(failures)(
    '%s: exits non-zero with a clear message and leaves no file',
    async (name, content, message) => {
      const out = path.join(dir, `${name.replace(/ /g, '-')}.csv`);
      const result = await codes([
        'decrypt',
        file(`${name}.txt`, content),
        '--key',
        KEY,
        '--out',
        out,
      ]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(`${out}.partial`)).toBe(false);
    },
  );

  it('exits 2 with usage when the key is missing', async () => {
    const result = await codes([
      'decrypt',
      file('nokey.txt', good),
      '--out',
      path.join(dir, 'nokey.csv'),
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/MARKETCODE_KEY/);
  });

  it('renders a range of a CSV to a folder and to a zip', async () => {
    const csv = path.join(dir, 'render-source.csv');
    expect(
      (await codes(['decrypt', file('render.txt', good), '--key', KEY, '--out', csv])).status,
    ).toBe(0);
    const folder = path.join(dir, 'print');
    const rendered = await codes(['render', csv, '--out', folder, '--from', '11', '--to', '12']);
    expect(rendered.status).toBe(0);
    expect(readdirSync(folder).sort()).toEqual([
      'codes.csv',
      'microcode-png',
      'microcode-svg',
      'qr-large',
      'qr-medium',
      'qr-small',
    ]);
    expect(readdirSync(path.join(folder, 'qr-small')).sort()).toEqual(['11.png', '12.png']);
    expect(readFileSync(path.join(folder, 'codes.csv'), 'latin1')).toBe(
      `index,code,url\r\n11,${RECORDS[1]!.code},${RECORDS[1]!.url}\r\n12,${RECORDS[2]!.code},${RECORDS[2]!.url}\r\n`,
    );
    const zip = path.join(dir, 'print.zip');
    expect((await codes(['render', csv, '--out', zip, '--formats', 'svg'])).status).toBe(0);
    expect(readFileSync(zip).includes(Buffer.from('microcode-svg/14.svg'))).toBe(true);
  });
});
