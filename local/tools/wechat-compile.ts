/**
 * Builds the whole Mini Program with WeChat's own compiler (miniprogram-ci `getCompiledResult`:
 * TypeScript through `useCompilerPlugins`, WXML, WXSS, every JSON, npm), the way an upload would,
 * into a zip, offline. The compile first asks WeChat's servers for the appid's "project
 * attributes"; we supply the defaults instead (`project.attr`), with a throwaway appid and RSA key:
 * nothing is uploaded or sent. Its one other request (`getwhiteextlist`) fails offline and is
 * harmless, so no network is needed at all.
 *
 * The sizes per package root in that zip are what WeChat counts against its limits: the main
 * package (everything outside a subpackage root; our target 400 KB) and each subpackage (2 MB).
 *
 * miniprogram-ci leaves its compiler worker running after the compile, which keeps a process
 * alive forever; so the compile runs in a child process (`node --import tsx <this file> <zip>`)
 * that exits when done, and `compileMiniProgram()` is what tests and the bench call.
 *
 * Usage: `npx tsx local/tools/wechat-compile.ts [out.zip]` prints the sizes.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const KB = 1024;
export const MAIN_PACKAGE_TARGET_BYTES = 400 * KB;
export const SUBPACKAGE_LIMIT_BYTES = 2 * KB * KB;

export interface ZipEntry {
  name: string;
  /** Uncompressed bytes. */
  bytes: number;
}

export interface CompiledMiniProgram {
  zipPath: string;
  entries: ZipEntry[];
  /** How long WeChat's compiler took (ms). */
  compileMs: number;
}

export interface PackageSize {
  /** '' for the main package, else the subpackage root (e.g. `admin`). */
  root: string;
  bytes: number;
  files: number;
  limitBytes: number;
}

/**
 * The file entries of a zip, read from its central directory (no dependency; the zip the compiler
 * writes has no comment and no ZIP64 records at these sizes).
 */
export function readZipEntries(zip: Buffer): ZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('zip central directory is corrupt');
    const bytes = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength).replace(/^\.\//, '');
    if (name && !name.endsWith('/')) entries.push({ name, bytes });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Bytes per package: each subpackage root's files, and the main package (all the rest). */
export function packageSizes(entries: ZipEntry[], subpackageRoots: string[]): PackageSize[] {
  const sizes: PackageSize[] = [
    { root: '', bytes: 0, files: 0, limitBytes: MAIN_PACKAGE_TARGET_BYTES },
    ...subpackageRoots.map((root) => ({
      root,
      bytes: 0,
      files: 0,
      limitBytes: SUBPACKAGE_LIMIT_BYTES,
    })),
  ];
  for (const entry of entries) {
    const owner =
      sizes.find((size) => size.root && entry.name.startsWith(`${size.root}/`)) ?? sizes[0]!;
    owner.bytes += entry.bytes;
    owner.files += 1;
  }
  return sizes;
}

/** The subpackage roots app.json declares. */
export function subpackageRoots(): string[] {
  const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'miniprogram/app.json'), 'utf8')) as {
    subPackages?: { root: string }[];
    subpackages?: { root: string }[];
  };
  return (app.subPackages ?? app.subpackages ?? []).map((sub) => sub.root.replace(/\/$/, ''));
}

/** Compiles in a child process (see the header); rejects with the compiler's output on failure. */
export function compileMiniProgram(
  zipPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mashang-wxcompile-')), 'mp.zip'),
): Promise<CompiledMiniProgram> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--child', zipPath], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const result = out.match(/^COMPILED (\d+)$/m);
      if (status !== 0 || !result) {
        reject(new Error(`WeChat's compiler failed (exit ${status}):\n${out.slice(-4000)}`));
        return;
      }
      resolve({
        zipPath,
        entries: readZipEntries(fs.readFileSync(zipPath)),
        compileMs: Number(result[1]),
      });
    });
  });
}

/** The compile itself, in the child process. */
async function compileHere(zipPath: string): Promise<number> {
  // Loaded here only: 276 MB of compiler that nothing else needs.
  const ci = await import('miniprogram-ci');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const project = new ci.Project({
    // Any appid serves: with the attributes supplied, nothing asks WeChat about it.
    appid: 'wx0000000000000000',
    type: 'miniProgram',
    projectPath: ROOT,
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ignores: ['node_modules/**/*', 'cloudfunctions/**/*', 'local/**/*', 'test/**/*'],
  });
  project.attr = async () => ({ ...ci.DefaultProjectAttr });
  // As project.config.json has it: DevTools' TypeScript plugin compiles the pages' .ts.
  const setting = { useCompilerPlugins: ['typescript'], es6: true, minify: true };
  const started = Date.now();
  await ci.getCompiledResult(
    // `version` is typed as required (upload options) but unused by a compile.
    { project, setting, version: '0.0.0', onProgressUpdate: () => {} },
    zipPath,
  );
  return Date.now() - started;
}

function kb(bytes: number): string {
  return `${(bytes / KB).toFixed(1)} KB`;
}

/** One line per package against its limit; true when every package is within it. */
export function printSizes(sizes: PackageSize[]): boolean {
  for (const size of sizes) {
    const name = size.root ? `subpackage ${size.root}` : 'main package';
    const limit = size.root ? "WeChat's 2 MB subpackage limit" : 'our 400 KB main-package target';
    const within = size.bytes < size.limitBytes;
    console.log(
      `${name.padEnd(22)} ${size.bytes.toLocaleString('en-US').padStart(9)} B ${kb(size.bytes).padStart(9)}` +
        ` ${String(size.files).padStart(4)} files  ${((size.bytes / size.limitBytes) * 100).toFixed(1)}% of ${limit} ${within ? '✓' : '✗'}`,
    );
  }
  return sizes.every((size) => size.bytes < size.limitBytes);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    compileHere(args[1]!).then(
      (ms) => {
        console.log(`COMPILED ${ms}`);
        // The compiler's worker would keep this process alive.
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  } else {
    compileMiniProgram(args[0]).then(
      (compiled) => {
        console.log(`compiled by miniprogram-ci in ${(compiled.compileMs / 1000).toFixed(1)} s`);
        console.log(`${compiled.zipPath}: ${compiled.entries.length} files`);
        if (!printSizes(packageSizes(compiled.entries, subpackageRoots()))) process.exitCode = 1;
      },
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  }
}
