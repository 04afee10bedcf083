/**
 * `npm run bench` (codes): decrypt + parse + CSV of a 1,000,000-code package through the CLI,
 * beside `openssl enc -d -aes-128-cbc` on the same bytes in the same run, with the CLI's peak RSS.
 *
 * The comparison that counts is openssl reading the same base64 file (`-a -A`): same input, same
 * first two stages (base64, AES-CBC), while we also split, validate and write a CSV. openssl on
 * the raw ciphertext (AES alone) is printed too, as the floor no text pipeline can reach.
 * Targets: ours ≥ 0.5× openssl (base64 input) end to end; peak RSS < 256 MB.
 *
 * The CLI is measured as an operator runs it: `npm run codes -- decrypt …`, the bundle `npm ci`
 * built (local/tools/build-codes-cli.ts; rebuilt here first so it matches the sources), npm's own
 * start-up included. Its start-up alone (`npm run codes -- --help`, median of 5) is printed
 * against the target of well under a second. Package size: BENCH_CODES (default 1,000,000);
 * BENCH_KEEP=1 keeps the files.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { createWriteStream, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import {
  CODE_URL_LENGTH,
  MATRIX_BITS,
  RAW_CODE_LENGTH,
} from '../../cloudfunctions/core/wechat/marketcode/package';
import { buildCodesCli } from '../../local/tools/build-codes-cli';

const CODES = Number(process.env.BENCH_CODES ?? 1_000_000);
const KEY = 'MashangBench2024';
const ROOT = path.resolve(__dirname, '../..');
const RSS_LIMIT = 256 * 1024 * 1024;
/** `npm run codes -- …` from the project, quiet (the CLI's own stderr is what is read). */
const NPM_CODES = ['run', '--silent', '--prefix', ROOT, 'codes', '--'];

interface Run {
  seconds: number;
  stderr: string;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mashang-codes-bench-'));
  try {
    const packageFile = path.join(dir, 'package.b64');
    const cipherFile = path.join(dir, 'package.bin');
    const started = Date.now();
    await generatePackage(CODES, packageFile, cipherFile);
    const base64Bytes = statSync(packageFile).size;
    const cipherBytes = statSync(cipherFile).size;
    console.log(
      `package: ${CODES.toLocaleString('en-US')} codes, ${mb(base64Bytes)} base64 ` +
        `(${mb(cipherBytes)} ciphertext), generated in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    await buildCodesCli();
    const startups: number[] = [];
    for (let i = 0; i < 5; i++)
      startups.push((await timed('npm', NPM_CODES.concat('--help'))).seconds);
    const startup = startups.sort((a, b) => a - b)[2]!;
    // Page cache warm for everyone: the first reader must not pay the disk for the others.
    execFileSync('cat', [packageFile, cipherFile], { stdio: ['ignore', 'ignore', 'inherit'] });

    const hex = Buffer.from(KEY, 'utf8').toString('hex');
    const csv = path.join(dir, 'codes.csv');
    const plain = path.join(dir, 'plain.txt');
    const ours = await timed('npm', [
      ...NPM_CODES,
      'decrypt',
      packageFile,
      '--key',
      KEY,
      '--out',
      csv,
      '--summary-json',
    ]);
    const summary = JSON.parse(ours.stderr.trim().split('\n').pop()!) as {
      codes: number;
      peakRssBytes: number;
    };
    if (summary.codes !== CODES) throw new Error(`the CLI decrypted ${summary.codes} codes`);
    await rm(csv);
    const opensslBase64 = await timed('openssl', [
      'enc',
      '-d',
      '-aes-128-cbc',
      '-K',
      hex,
      '-iv',
      hex,
      '-a',
      '-A',
      '-in',
      packageFile,
      '-out',
      plain,
    ]);
    const plainBytes = statSync(plain).size;
    await rm(plain);
    const opensslRaw = await timed('openssl', [
      'enc',
      '-d',
      '-aes-128-cbc',
      '-K',
      hex,
      '-iv',
      hex,
      '-in',
      cipherFile,
      '-out',
      plain,
    ]);
    if (statSync(plain).size !== plainBytes) throw new Error('openssl outputs differ in size');
    await rm(plain);

    const rate = (seconds: number): string =>
      `${(base64Bytes / 1e6 / seconds).toFixed(0).padStart(5)} MB/s  ` +
      `${Math.round(CODES / seconds)
        .toLocaleString('en-US')
        .padStart(10)} codes/s`;
    console.log(
      `\n(MB/s of base64 input: ${mb(base64Bytes)}; every run writes its output to disk)`,
    );
    console.log(
      `codes decrypt → CSV          ${ours.seconds.toFixed(2).padStart(6)} s  ${rate(ours.seconds)}`,
    );
    console.log(
      `openssl -a -A (base64 in)    ${opensslBase64.seconds.toFixed(2).padStart(6)} s  ${rate(opensslBase64.seconds)}`,
    );
    console.log(
      `openssl (raw ciphertext in)  ${opensslRaw.seconds.toFixed(2).padStart(6)} s  ${rate(opensslRaw.seconds)}`,
    );
    const ratio = opensslBase64.seconds / ours.seconds;
    const rawRatio = opensslRaw.seconds / ours.seconds;
    console.log(
      `\nratio vs openssl (base64 in): ${ratio.toFixed(2)}× ${ratio >= 0.5 ? '✓' : '✗'} (target ≥ 0.5)` +
        `   vs raw ciphertext: ${rawRatio.toFixed(2)}×`,
    );
    console.log(
      `peak RSS of the CLI: ${mb(summary.peakRssBytes)} ${summary.peakRssBytes < RSS_LIMIT ? '✓' : '✗'} (target < 256 MB)`,
    );
    console.log(
      `start-up (npm run codes -- --help): ${startup.toFixed(2)} s ${startup < 1 ? '✓' : '✗'} (target well under 1 s)`,
    );
    if (ratio < 0.5 || summary.peakRssBytes >= RSS_LIMIT || startup >= 1) process.exitCode = 1;
  } finally {
    // BENCH_KEEP=1 leaves the package and the bundled CLI behind, for profiling.
    if (process.env.BENCH_KEEP) console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Valid random lines, encrypted and base64-encoded as they are produced; the same ciphertext is
 * also written raw for openssl's second run. Matrices come from a small random pool: they are
 * only parsed, and drawing 361 random bits per code would make generation the slow part.
 */
async function generatePackage(
  count: number,
  base64File: string,
  cipherFile: string,
): Promise<void> {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const urlAlphabet = `${alphabet}./*`;
  const pick = (chars: string, n: number): string => {
    let s = '';
    const bytes = randomBytes(n);
    for (let i = 0; i < n; i += 1) s += chars[bytes[i]! % chars.length];
    return s;
  };
  const matrices = Array.from({ length: 256 }, () =>
    Array.from(randomBytes(MATRIX_BITS), (b) => (b & 1 ? '1' : '0')).join(''),
  );
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(KEY), Buffer.from(KEY));
  const base64Out = createWriteStream(base64File);
  const cipherOut = createWriteStream(cipherFile);
  let carry: Buffer = Buffer.alloc(0);
  const emit = async (bytes: Buffer, last: boolean): Promise<void> => {
    cipherOut.write(bytes);
    // base64 of a stream: encode whole 3-byte groups, keep the rest for the next piece.
    const all = carry.length > 0 ? Buffer.concat([carry, bytes]) : bytes;
    const whole = last ? all.length : all.length - (all.length % 3);
    carry = all.subarray(whole);
    if (!base64Out.write(all.subarray(0, whole).toString('base64'))) await once(base64Out, 'drain');
  };
  const BATCH = 10_000;
  for (let start = 0; start < count; start += BATCH) {
    let text = '';
    for (let index = start; index < Math.min(count, start + BATCH); index += 1) {
      const code = pick(alphabet, RAW_CODE_LENGTH);
      const url = `P.URL.CN/${pick(urlAlphabet, CODE_URL_LENGTH - 9)}`;
      text += `${matrices[index & 255]} ${code} ${index} ${url}\n`;
    }
    await emit(cipher.update(text, 'latin1'), false);
  }
  await emit(cipher.final(), true);
  base64Out.end();
  cipherOut.end();
  await Promise.all([finished(base64Out), finished(cipherOut)]);
}

function timed(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (status === 0) resolve({ seconds, stderr });
      else reject(new Error(`${command} exited with ${status}: ${stderr}`));
    });
  });
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
