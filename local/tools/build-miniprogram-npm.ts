/**
 * Builds `miniprogram/miniprogram_npm/` offline, in the layout WeChat DevTools' "构建 npm" produces
 * for `packNpmManually` with `/package.json → ./miniprogram/` (see project.config.json):
 *
 * - a package with a `miniprogram` field: that folder is copied as-is (for @vant/weapp this is
 *   byte-identical to DevTools' output, which component tests rely on);
 * - any other package: its `main` file becomes `<name>/index.js` (DevTools wraps it in its own module
 *   loader; a self-contained file behaves the same, and a file with relative requires is bundled).
 *
 * Only `dependencies` are built (as DevTools does); peer dependencies are expected to be listed there
 * too. The output is rebuilt only when a package version or this script changes (the stamp lives in
 * node_modules/.cache so nothing extra lands in the uploaded package), and it is swapped in by rename
 * so a concurrent reader never sees a half-written tree.
 *
 * Usage: `npm run build:mp-npm` (add `--force` to rebuild unconditionally).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  name: string;
  version: string;
  main?: string;
  miniprogram?: string;
  dependencies?: Record<string, string>;
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function readPackageJson(dir: string): PackageJson {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

function resolveMainFile(pkgDir: string, main: string | undefined): string {
  const base = path.join(pkgDir, main ?? 'index.js');
  for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  throw new Error(
    `构建 npm 失败：找不到 ${path.basename(pkgDir)} 的入口文件 ${main ?? 'index.js'}`,
  );
}

/** Matches `require('./x')` / `require("../x")`: such a main file cannot stand alone as index.js. */
const RELATIVE_REQUIRE = /\brequire\(\s*['"]\.{1,2}\//;

function buildPackage(name: string, nodeModules: string, outRoot: string): string {
  const pkgDir = path.join(nodeModules, name);
  const pkg = readPackageJson(pkgDir);
  const outDir = path.join(outRoot, name);
  fs.mkdirSync(outDir, { recursive: true });

  if (pkg.miniprogram) {
    fs.cpSync(path.join(pkgDir, pkg.miniprogram), outDir, { recursive: true });
    return `${name}@${pkg.version}`;
  }

  const mainFile = resolveMainFile(pkgDir, pkg.main);
  const source = fs.readFileSync(mainFile, 'utf8');
  if (RELATIVE_REQUIRE.test(source)) {
    // Bare specifiers stay external: the Mini Program resolves them inside miniprogram_npm.
    // esbuild is loaded only here because it refuses to load under jsdom (component tests import this).
    const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    buildSync({
      entryPoints: [mainFile],
      outfile: path.join(outDir, 'index.js'),
      bundle: true,
      format: 'cjs',
      platform: 'neutral',
      packages: 'external',
      logLevel: 'error',
    });
  } else {
    fs.writeFileSync(path.join(outDir, 'index.js'), source);
  }
  return `${name}@${pkg.version}`;
}

function stampFor(root: string, deps: string[], nodeModules: string): string {
  const hash = createHash('sha256');
  hash.update(fs.readFileSync(fileURLToPath(import.meta.url)));
  for (const name of deps) {
    hash.update(`${name}@${readPackageJson(path.join(nodeModules, name)).version}\n`);
  }
  hash.update(root);
  return hash.digest('hex');
}

export interface BuildResult {
  outDir: string;
  packages: string[];
  skipped: boolean;
}

export function buildMiniprogramNpm(options: { root?: string; force?: boolean } = {}): BuildResult {
  const root = options.root ?? projectRoot;
  const nodeModules = path.join(root, 'node_modules');
  const deps = Object.keys(readPackageJson(root).dependencies ?? {}).sort();
  const outDir = path.join(root, 'miniprogram', 'miniprogram_npm');
  const stamp = stampFor(root, deps, nodeModules);
  const stampPath = path.join(nodeModules, '.cache', 'mashang-miniprogram-npm.json');
  const outputPresent = deps.every((name) => fs.existsSync(path.join(outDir, name)));

  if (!options.force && outputPresent && fs.existsSync(stampPath)) {
    const previous = JSON.parse(fs.readFileSync(stampPath, 'utf8')) as {
      stamp?: string;
      packages?: string[];
    };
    if (previous.stamp === stamp)
      return { outDir, packages: previous.packages ?? [], skipped: true };
  }

  const tmpDir = `${outDir}.tmp-${process.pid}`;
  const oldDir = `${outDir}.old-${process.pid}`;
  fs.rmSync(tmpDir, { recursive: true, force: true });
  const packages = deps.map((name) => buildPackage(name, nodeModules, tmpDir));

  if (fs.existsSync(outDir)) fs.renameSync(outDir, oldDir);
  fs.renameSync(tmpDir, outDir);
  fs.rmSync(oldDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(stampPath), { recursive: true });
  fs.writeFileSync(stampPath, `${JSON.stringify({ stamp, packages }, null, 2)}\n`);
  return { outDir, packages, skipped: false };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const result = buildMiniprogramNpm({ force: process.argv.includes('--force') });
  const where = path.relative(process.cwd(), result.outDir) || '.';
  const verb = result.skipped ? '已是最新' : '已构建';
  console.log(
    `miniprogram_npm ${verb}: ${where} (${result.packages.join(', ')}) in ${Date.now() - started} ms`,
  );
}
