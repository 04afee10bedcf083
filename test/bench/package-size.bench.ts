/**
 * `npm run bench` (package-size): the Mini Program's main package in bytes, as WeChat would upload
 * it, with a breakdown by part and the ratio to our 400 KB target and WeChat's 2 MB limit.
 *
 * What WeChat uploads: with `ignoreUploadUnusedFiles` (project.config.json) only files something
 * references are uploaded, and every uploaded file outside a subpackage root belongs to the main
 * package. So the walk starts at app.* and every page, follows `usingComponents` (relative,
 * root-absolute and npm-style paths into miniprogram_npm), JS requires, WXML `<wxs>`/`<import>`/
 * `<include>`, WXS requires and WXSS `@import`, and counts each file once. Files under a subpackage
 * root are left out; main-package files that only a subpackage uses (shared components, vant
 * components of the admin pages) are counted, in their own section, because that is where WeChat
 * stores them. `.ts` files count as the JavaScript esbuild compiles them to (unminified, so the
 * figure is an upper bound of what DevTools' minified upload holds); `import type` compiles away.
 *
 * Exits non-zero when the main package is over the 400 KB target.
 */
import { transformSync } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const MP_ROOT = path.join(ROOT, 'miniprogram');
const NPM_ROOT = path.join(MP_ROOT, 'miniprogram_npm');
const KB = 1024;
const TARGET_BYTES = 400 * KB;
const LIMIT_BYTES = 2 * KB * KB;

interface AppJson {
  pages: string[];
  subPackages?: { root: string; pages: string[] }[];
  subpackages?: { root: string; pages: string[] }[];
  usingComponents?: Record<string, string>;
  sitemapLocation?: string;
}

/** One uploaded file: its size as uploaded and who first reached it. */
interface Counted {
  bytes: number;
  /** Reached from a main-package page or app.* (false: only from subpackage pages). */
  fromMain: boolean;
}

const counted = new Map<string, Counted>();

function exists(file: string): boolean {
  return fs.existsSync(file) && fs.statSync(file).isFile();
}

function uploadedBytes(file: string): number {
  if (!file.endsWith('.ts')) return fs.statSync(file).size;
  const { code } = transformSync(fs.readFileSync(file, 'utf8'), {
    loader: 'ts',
    format: 'cjs',
    target: 'es2020',
    sourcefile: file,
  });
  return Buffer.byteLength(code);
}

// ---------------------------------------------------------------------------------------------
// Resolution, as the Mini Program runtime resolves each kind of reference

/** A script module: `x.ts`, `x.js`, `x/index.ts`, `x/index.js` (DevTools compiles .ts to .js). */
function resolveScript(base: string): string | undefined {
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.js`,
    `${base}/index.ts`,
    `${base}/index.js`,
  ]) {
    if (exists(candidate) && /\.(ts|js)$/.test(candidate)) return candidate;
  }
  return undefined;
}

function resolveRequire(specifier: string, fromFile: string): string | undefined {
  if (specifier.startsWith('.'))
    return resolveScript(path.resolve(path.dirname(fromFile), specifier));
  if (specifier.startsWith('/')) return resolveScript(path.join(MP_ROOT, specifier));
  // Bare specifiers resolve inside the nearest miniprogram_npm going up from the requiring file
  // (a subpackage's own first), as the Mini Program's require does.
  for (let dir = path.dirname(fromFile); dir.startsWith(MP_ROOT); dir = path.dirname(dir)) {
    const hit = resolveScript(path.join(dir, 'miniprogram_npm', specifier));
    if (hit) return hit;
  }
  return undefined;
}

/** A usingComponents value → the component's base path (without extension). */
function resolveComponent(target: string, fromFile: string): string | undefined {
  const base = target.startsWith('/')
    ? path.join(MP_ROOT, target)
    : target.startsWith('.')
      ? path.resolve(path.dirname(fromFile), target)
      : path.join(NPM_ROOT, target);
  // Plugin components (plugin://…) and anything without a .json are not files of ours.
  return exists(`${base}.json`) ? base : undefined;
}

function resolveAsset(target: string, fromFile: string, extension: string): string | undefined {
  const withExtension = target.endsWith(extension) ? target : `${target}${extension}`;
  const file = withExtension.startsWith('/')
    ? path.join(MP_ROOT, withExtension)
    : path.resolve(path.dirname(fromFile), withExtension);
  return exists(file) ? file : undefined;
}

// ---------------------------------------------------------------------------------------------
// The walk

const REQUIRE = /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;
const WXML_SRC = /<(wxs|import|include)\b[^>]*\bsrc\s*=\s*['"]([^'"]+)['"]/g;
const WXSS_IMPORT = /@import\s+(?:url\()?\s*['"]([^'"]+)['"]/g;

/** Files already walked, and whether from the main package (a later main visit re-walks). */
const visits = new Map<string, boolean>();

/** Files inside a subpackage root, by root: what the subpackage itself uploads. */
const subpackageFiles = new Map<string, Map<string, number>>();

function walk(entry: string, fromMain: boolean, subpackageRoots: string[]): void {
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    const seen = visits.get(file);
    if (seen === true || (seen === false && !fromMain)) continue;
    visits.set(file, fromMain);
    const subRoot = subpackageRoots.find((root) => file.startsWith(root + path.sep));
    if (subRoot) {
      const files = subpackageFiles.get(subRoot) ?? new Map<string, number>();
      if (!files.has(file)) files.set(file, uploadedBytes(file));
      subpackageFiles.set(subRoot, files);
    } else {
      const known = counted.get(file);
      if (known) known.fromMain ||= fromMain;
      else counted.set(file, { bytes: uploadedBytes(file), fromMain });
    }
    queue.push(...references(file));
  }
}

/** Files one file makes the package need. */
function references(file: string): string[] {
  const found: string[] = [];
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    const json = JSON.parse(text) as { usingComponents?: Record<string, string> };
    for (const target of Object.values(json.usingComponents ?? {})) {
      const base = resolveComponent(target, file);
      if (base) found.push(...componentFiles(base));
    }
  } else if (file.endsWith('.ts') || file.endsWith('.js')) {
    // Compiled first, so `import type` (the shared typings outside the package) drops out.
    const code = file.endsWith('.ts')
      ? transformSync(text, { loader: 'ts', format: 'cjs', target: 'es2020' }).code
      : text;
    for (const [, specifier] of code.matchAll(REQUIRE)) {
      const hit = resolveRequire(specifier!, file);
      if (hit) found.push(hit);
    }
  } else if (file.endsWith('.wxml')) {
    for (const [, tag, src] of text.matchAll(WXML_SRC)) {
      const hit = resolveAsset(src!, file, tag === 'wxs' ? '.wxs' : '.wxml');
      if (hit) found.push(hit);
    }
  } else if (file.endsWith('.wxs')) {
    for (const [, specifier] of text.matchAll(REQUIRE)) {
      const hit = resolveAsset(specifier!, file, '.wxs');
      if (hit) found.push(hit);
    }
  } else if (file.endsWith('.wxss')) {
    for (const [, target] of text.matchAll(WXSS_IMPORT)) {
      const hit = resolveAsset(target!, file, '.wxss');
      if (hit) found.push(hit);
    }
  }
  return found;
}

/** A page or component: its json, template, style and script, whichever exist. */
function componentFiles(base: string): string[] {
  const files = ['.json', '.wxml', '.wxss'].map((ext) => `${base}${ext}`).filter(exists);
  const script = resolveScript(base);
  if (script) files.push(script);
  return files;
}

// ---------------------------------------------------------------------------------------------
// Report

/** The part of the package a file belongs to, for the breakdown. */
function partOf(file: string): string {
  const relative = path.relative(MP_ROOT, file).split(path.sep).join('/');
  const vant = relative.match(/^miniprogram_npm\/@vant\/weapp\/([^/]+)\//);
  if (vant) {
    const shared = ['common', 'mixins', 'wxs', 'definitions'];
    return shared.includes(vant[1]!)
      ? 'vant shared (common, mixins, wxs, definitions)'
      : `vant ${vant[1]}`;
  }
  const npm = relative.match(/^miniprogram_npm\/((?:@[^/]+\/)?[^/]+)\//);
  if (npm) return `npm ${npm[1]}`;
  const owned = relative.match(/^(pages\/[^/]+|components\/[^/]+)\//);
  if (owned) return owned[1]!;
  if (/^(app\.|sitemap\.json)/.test(relative)) return 'app (app.*, sitemap.json)';
  return `modules ${relative.split('/')[0]}/`;
}

function kb(bytes: number): string {
  return `${(bytes / KB).toFixed(1)} KB`;
}

function table(files: [string, Counted][]): number {
  const parts = new Map<string, { files: number; bytes: number }>();
  for (const [file, { bytes }] of files) {
    const part = partOf(file);
    const entry = parts.get(part) ?? { files: 0, bytes: 0 };
    entry.files += 1;
    entry.bytes += bytes;
    parts.set(part, entry);
  }
  const rows = [...parts].sort((a, b) => b[1].bytes - a[1].bytes);
  for (const [part, { files: count, bytes }] of rows) {
    console.log(
      `  ${part.padEnd(50)} ${String(count).padStart(4)} files ${bytes.toLocaleString('en-US').padStart(9)} B ${kb(bytes).padStart(9)}`,
    );
  }
  return rows.reduce((sum, [, { bytes }]) => sum + bytes, 0);
}

function main(): void {
  const project = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8')) as {
    setting?: { ignoreUploadUnusedFiles?: boolean };
  };
  const app = JSON.parse(fs.readFileSync(path.join(MP_ROOT, 'app.json'), 'utf8')) as AppJson;
  const subpackages = app.subPackages ?? app.subpackages ?? [];
  const subpackageRoots = subpackages.map((sub) => path.join(MP_ROOT, sub.root));
  if (!fs.existsSync(path.join(NPM_ROOT, '@vant/weapp'))) {
    console.error('miniprogram_npm 不存在：先运行 npm run build:mp-npm');
    process.exitCode = 1;
    return;
  }

  // app.* and the global components, then each main page; subpackage pages last.
  const appEntries = ['app.json', 'app.wxss', app.sitemapLocation ?? 'sitemap.json']
    .map((name) => path.join(MP_ROOT, name))
    .filter(exists);
  const appScript = resolveScript(path.join(MP_ROOT, 'app'));
  if (appScript) appEntries.push(appScript);
  for (const entry of appEntries) walk(entry, true, subpackageRoots);
  for (const page of app.pages) {
    for (const file of componentFiles(path.join(MP_ROOT, page))) walk(file, true, subpackageRoots);
  }
  for (const sub of subpackages) {
    for (const page of sub.pages) {
      for (const file of componentFiles(path.join(MP_ROOT, sub.root, page))) {
        walk(file, false, subpackageRoots);
      }
    }
  }

  const all = [...counted];
  const main = all.filter(([, info]) => info.fromMain);
  const sharedOnly = all.filter(([, info]) => !info.fromMain);

  console.log(`main package of miniprogram/ (pages: ${app.pages.join(', ')})`);
  console.log('\nreached from app.* and the main pages (what the landing page loads):');
  const mainBytes = table(main);
  console.log(
    `  ${'subtotal'.padEnd(50)} ${String(main.length).padStart(4)} files ${mainBytes.toLocaleString('en-US').padStart(9)} B ${kb(mainBytes).padStart(9)}`,
  );
  console.log(
    '\nstored in the main package but used only by subpackages (' +
      subpackages.map((sub) => sub.root).join(', ') +
      '):',
  );
  const sharedBytes = sharedOnly.length > 0 ? table(sharedOnly) : 0;
  if (sharedOnly.length === 0) console.log('  (none)');
  const total = mainBytes + sharedBytes;

  const ratioTarget = total / TARGET_BYTES;
  const ratioLimit = total / LIMIT_BYTES;
  console.log(
    `\nmain package: ${total.toLocaleString('en-US')} bytes (${kb(total)}), ${all.length} files` +
      `\n  ${(ratioTarget * 100).toFixed(1)}% of the 400 KB target ${total < TARGET_BYTES ? '✓' : '✗'}` +
      `\n  ${(ratioLimit * 100).toFixed(1)}% of WeChat's 2 MB limit` +
      `\n  landing's own set: ${kb(mainBytes)} (${((mainBytes / TARGET_BYTES) * 100).toFixed(1)}% of the target)`,
  );
  for (const sub of subpackages) {
    const files = [
      ...(subpackageFiles.get(path.join(MP_ROOT, sub.root)) ?? new Map<string, number>()),
    ];
    const bytes = files.reduce((sum, [, size]) => sum + size, 0);
    const npmBytes = files
      .filter(([file]) => file.includes(`${path.sep}miniprogram_npm${path.sep}`))
      .reduce((sum, [, size]) => sum + size, 0);
    console.log(
      `\nsubpackage ${sub.root}: ${bytes.toLocaleString('en-US')} bytes (${kb(bytes)}), ${files.length} files` +
        `, of which its own miniprogram_npm ${npmBytes.toLocaleString('en-US')} B` +
        `\n  ${((bytes / LIMIT_BYTES) * 100).toFixed(1)}% of WeChat's 2 MB subpackage limit ${bytes < LIMIT_BYTES ? '✓' : '✗'}`,
    );
    if (bytes >= LIMIT_BYTES) process.exitCode = 1;
  }
  if (project.setting?.ignoreUploadUnusedFiles !== true) {
    // Without it DevTools uploads every file in miniprogram_npm, used or not.
    console.log(
      '  ✗ project.config.json has no "ignoreUploadUnusedFiles": true — the real upload also ' +
        'carries every unreferenced file; this figure is too low',
    );
    process.exitCode = 1;
  }
  if (total >= TARGET_BYTES) process.exitCode = 1;
}

main();
