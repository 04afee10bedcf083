/**
 * Builds every `miniprogram_npm/` offline, in the layout WeChat DevTools' "构建 npm" produces for
 * `packNpmManually`: one per entry of project.config.json's `packNpmRelationList`, the packages of
 * that entry's `packageJsonPath` built into `<miniprogramNpmDistDir>/miniprogram_npm`. Today:
 * `/package.json → miniprogram/miniprogram_npm` (the main package: vant, mobx, dayjs) and
 * `/miniprogram/admin/package.json → miniprogram/admin/miniprogram_npm` (the console subpackage's
 * own packages, e.g. the QR encoder, which the landing page must not download). A file of a
 * subpackage finds its package there first, as WeChat's require looks in the nearest
 * `miniprogram_npm` going up from the requiring file.
 *
 * Each package is taken from the nearest `node_modules` going up from its package.json (DevTools
 * wants one beside it; `npm ci` at the root installs the subpackage's packages as devDependencies,
 * so both work). How each package is laid out:
 *
 * - a package with a `miniprogram` field: that folder is copied as-is (for @vant/weapp this is
 *   byte-identical to DevTools' output, which component tests rely on);
 * - any other package: its `main` file becomes `<name>/index.js` (DevTools wraps it in its own module
 *   loader; a self-contained file behaves the same, and a file with relative requires is bundled);
 *   a main file written as an ES module (`export default`, as @qiun/ucharts ships) is turned into
 *   CommonJS, because a Mini Program's `require` runs only CommonJS (DevTools' "将 JS 编译成 ES5"
 *   does the same at build time); its default export is then `module.exports.default`.
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
/** A top-level `export`/`import` statement: an ES module, which a Mini Program cannot require. */
const ES_MODULE = /^(?:export\s+(?:default\b|\{|const\b|function\b|class\b)|import\s+[\w{*'"])/m;

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
  if (RELATIVE_REQUIRE.test(source) || ES_MODULE.test(source)) {
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

function stampFor(root: string, deps: string[], modulesOf: Map<string, string>): string {
  const hash = createHash('sha256');
  hash.update(fs.readFileSync(fileURLToPath(import.meta.url)));
  for (const name of deps) {
    hash.update(`${name}@${readPackageJson(path.join(modulesOf.get(name)!, name)).version}\n`);
  }
  hash.update(root);
  return hash.digest('hex');
}

export interface BuildResult {
  /** The main package's miniprogram_npm. */
  outDir: string;
  /** Every package built, as `name@version`, over all relations. */
  packages: string[];
  /** Every miniprogram_npm written or kept, main package first. */
  outDirs: string[];
  skipped: boolean;
}

interface NpmRelation {
  packageJsonPath: string;
  miniprogramNpmDistDir: string;
}

/** project.config.json's packNpmRelationList (the main package's alone when it has none). */
function relationsOf(root: string): NpmRelation[] {
  const configPath = path.join(root, 'project.config.json');
  const config = fs.existsSync(configPath)
    ? (JSON.parse(fs.readFileSync(configPath, 'utf8')) as {
        setting?: { packNpmRelationList?: NpmRelation[] };
      })
    : {};
  const list = config.setting?.packNpmRelationList ?? [];
  return list.length > 0
    ? list
    : [{ packageJsonPath: './package.json', miniprogramNpmDistDir: './miniprogram/' }];
}

/** The nearest node_modules holding `name`, going up from `fromDir` to the project root. */
function nodeModulesFor(name: string, fromDir: string, root: string): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules');
    if (fs.existsSync(path.join(candidate, name, 'package.json'))) return candidate;
    if (dir === root || path.dirname(dir) === dir) break;
  }
  throw new Error(
    `构建 npm 失败：找不到 ${name}（${path.relative(root, fromDir) || '.'}/package.json 的依赖），先运行 npm ci`,
  );
}

function buildRelation(
  root: string,
  relation: NpmRelation,
  force: boolean,
): { outDir: string; packages: string[]; skipped: boolean } {
  const packageDir = path.dirname(path.resolve(root, relation.packageJsonPath));
  const deps = Object.keys(readPackageJson(packageDir).dependencies ?? {}).sort();
  const outDir = path.join(path.resolve(root, relation.miniprogramNpmDistDir), 'miniprogram_npm');
  const modulesOf = new Map(deps.map((name) => [name, nodeModulesFor(name, packageDir, root)]));
  const stamp = stampFor(`${root}\n${relation.packageJsonPath}`, deps, modulesOf);
  const stampName = createHash('sha256').update(outDir).digest('hex').slice(0, 12);
  const stampPath = path.join(
    root,
    'node_modules',
    '.cache',
    `mashang-miniprogram-npm-${stampName}.json`,
  );
  const outputPresent = deps.every((name) => fs.existsSync(path.join(outDir, name)));

  if (!force && outputPresent && fs.existsSync(stampPath)) {
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
  fs.mkdirSync(tmpDir, { recursive: true });
  const packages = deps.map((name) => buildPackage(name, modulesOf.get(name)!, tmpDir));

  if (fs.existsSync(outDir)) fs.renameSync(outDir, oldDir);
  fs.renameSync(tmpDir, outDir);
  fs.rmSync(oldDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(stampPath), { recursive: true });
  fs.writeFileSync(stampPath, `${JSON.stringify({ stamp, packages }, null, 2)}\n`);
  return { outDir, packages, skipped: false };
}

export function buildMiniprogramNpm(options: { root?: string; force?: boolean } = {}): BuildResult {
  const root = options.root ?? projectRoot;
  const results = relationsOf(root).map((relation) =>
    buildRelation(root, relation, options.force === true),
  );
  return {
    outDir: results[0]!.outDir,
    packages: results.flatMap((result) => result.packages),
    outDirs: results.map((result) => result.outDir),
    skipped: results.every((result) => result.skipped),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const result = buildMiniprogramNpm({ force: process.argv.includes('--force') });
  const where = result.outDirs.map((dir) => path.relative(process.cwd(), dir) || '.').join(', ');
  const verb = result.skipped ? '已是最新' : '已构建';
  console.log(
    `miniprogram_npm ${verb}: ${where} (${result.packages.join(', ')}) in ${Date.now() - started} ms`,
  );
}
