/**
 * Bundles each cloud function's TypeScript (its `index.ts` and the shared core it imports) into
 * the single `index.js` CloudBase runs. A function folder is then deployable as it stands, by
 * WeChat DevTools ("上传并部署") or `tcb fn deploy`: index.js, package.json (wx-server-sdk only,
 * installed in the cloud) and config.json.
 *
 *   npm run build:functions             build every function in place
 *   buildFunctions({ root, outDir })    the same from code (tests build fixtures elsewhere)
 */
import { build, type Plugin } from 'esbuild';
import { builtinModules } from 'node:module';
import { copyFile, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const FUNCTIONS_ROOT = path.resolve(__dirname);

/**
 * The esbuild target: the oldest Node.js any function is declared to run on (cloudbaserc.json
 * `runtime`, CloudBase's `Nodejs18.15`). The bundles use `fetch` and `AbortSignal.timeout`, which
 * CloudBase's Node 16.13 lacks; the build refuses a declaration older than this target, and a
 * bundle that uses an API its declared runtime lacks (RUNTIME_APIS).
 */
export const RUNTIME_TARGET = 'node18';

/** Where the deploy manifest lives: beside the functions' folder. */
export const CLOUDBASE_RC = path.join(FUNCTIONS_ROOT, '..', 'cloudbaserc.json');

/**
 * Data files a function reads at run time, copied beside its bundle: the offline IP database the
 * scan places scans with (core/scan/where.ts), from the npm package that ships it.
 */
export const FUNCTION_ASSETS: Readonly<Record<string, readonly string[]>> = {
  scan: ['ip2region/data/ip2region.db', 'ip2region/data/ipv6wry.db'],
};

/** The only package a deployed function installs; everything else is bundled. */
const CLOUD_DEPENDENCIES = ['wx-server-sdk'];

export interface BuildOptions {
  /** Folder holding one sub-folder per function. */
  root?: string;
  /** Where the deployable folders go; defaults to in place. */
  outDir?: string;
  /** Build only these functions. */
  only?: readonly string[];
  /**
   * The deploy manifest whose `runtime` per function the bundles are checked against; defaults to
   * the project's when building the project's functions, none for other roots.
   */
  cloudbaseRc?: string;
}

export interface BuiltFunction {
  name: string;
  dir: string;
  bytes: number;
}

export async function listFunctionSources(root = FUNCTIONS_ROOT): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(root, entry.name);
    if (
      (await exists(path.join(dir, 'index.ts'))) &&
      (await exists(path.join(dir, 'package.json')))
    ) {
      names.push(entry.name);
    }
  }
  return names.sort();
}

export async function buildFunctions(options: BuildOptions = {}): Promise<BuiltFunction[]> {
  const root = options.root ?? FUNCTIONS_ROOT;
  const names = (await listFunctionSources(root)).filter(
    (name) => !options.only || options.only.includes(name),
  );
  const rcFile = options.cloudbaseRc ?? (root === FUNCTIONS_ROOT ? CLOUDBASE_RC : undefined);
  const runtimes = rcFile ? await declaredRuntimes(rcFile) : undefined;
  if (runtimes) checkTarget(runtimes, names);
  return Promise.all(names.map((name) => buildOne(root, name, options.outDir, runtimes)));
}

async function buildOne(
  root: string,
  name: string,
  outDir: string | undefined,
  runtimes: Map<string, string> | undefined,
): Promise<BuiltFunction> {
  const source = path.join(root, name);
  const target = outDir ? path.join(outDir, name) : source;
  await checkManifest(source, name);
  await mkdir(target, { recursive: true });
  const result = await build({
    entryPoints: [path.join(source, 'index.ts')],
    outfile: path.join(target, 'index.js'),
    // Written below, each file aside and renamed: a running stack never loads half a bundle.
    write: false,
    bundle: true,
    platform: 'node',
    target: RUNTIME_TARGET,
    format: 'cjs',
    external: CLOUD_DEPENDENCIES,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
    plugins: [nodePrefixedBuiltins],
  });
  const runtime = runtimes?.get(name);
  const code = result.outputFiles.find((output) => output.path.endsWith('.js'))?.text ?? '';
  if (runtime) {
    const missing = apisMissingFrom(code, parseRuntime(runtime)!);
    if (missing.length > 0) {
      throw new Error(
        `cloudfunctions/${name} uses ${missing.join(', ')}, which its declared runtime ${runtime} lacks: declare a newer runtime in cloudbaserc.json or avoid them`,
      );
    }
  }
  await Promise.all(
    result.outputFiles.map(async (output) => {
      const partial = `${output.path}.${process.pid}.partial`;
      await writeFile(
        partial,
        output.path.endsWith('.js') ? prefixDynamicBuiltins(output.text) : output.contents,
      );
      await rename(partial, output.path);
    }),
  );
  for (const asset of FUNCTION_ASSETS[name] ?? []) {
    const from = require.resolve(asset);
    const to = path.join(target, path.basename(asset));
    if (!(await sameSize(from, to))) await copyFile(from, to);
  }
  if (target !== source) {
    for (const file of ['package.json', 'config.json']) {
      if (await exists(path.join(source, file)))
        await copyFile(path.join(source, file), path.join(target, file));
    }
  }
  const bytes = Object.values(result.metafile.outputs).reduce(
    (sum, output) => sum + output.bytes,
    0,
  );
  return { name, dir: target, bytes };
}

async function sameSize(a: string, b: string): Promise<boolean> {
  try {
    return (await stat(a)).size === (await stat(b)).size;
  } catch {
    return false;
  }
}

/**
 * Bundled libraries (archiver, qrcode, pngjs…) require Node built-ins by their bare names
 * (`require("zlib")`); these become `require("node:zlib")`, so a bundle's run-time requires are
 * plainly wx-server-sdk and Node itself, and a missing bundled package can never pass for a
 * built-in. The `node:` prefix works on every CloudBase Node runtime (≥ 14.18).
 */
const nodePrefixedBuiltins: Plugin = {
  name: 'node-prefixed-builtins',
  setup(esbuild) {
    const pattern = new RegExp(
      `^(${[...BARE_BUILTINS].map((name) => name.replace(/[/]/g, '\\/')).join('|')})$`,
    );
    esbuild.onResolve({ filter: pattern }, (args) => ({
      path: `node:${args.path}`,
      external: true,
    }));
  },
};

/**
 * The same for requires esbuild cannot see through, such as lodash's `freeModule.require("util")`:
 * a literal `require("<built-in>")` left in the output gets its `node:` prefix.
 */
function prefixDynamicBuiltins(code: string): string {
  return code.replace(/\brequire\("([a-z_/]+)"\)/g, (call, name: string) =>
    BARE_BUILTINS.has(name) ? `require("node:${name}")` : call,
  );
}

const BARE_BUILTINS = new Set(
  builtinModules.filter((name) => !name.startsWith('_') && !name.includes(':')),
);

/** A Node.js version as `[major, minor]`. */
export type NodeVersion = readonly [number, number];

/**
 * APIs the bundles may reach for that not every CloudBase Node runtime has, with the first Node
 * release that has them. esbuild lowers syntax to the target but never adds a missing API, so a
 * bundle is checked for these against its function's declared runtime. A use behind a
 * `typeof … === "function"` test (zod's `URL.canParse`) is a feature check, not a need.
 */
export const RUNTIME_APIS: readonly { name: string; pattern: RegExp; since: NodeVersion }[] = [
  { name: 'fetch', pattern: /(?<![.\w$])fetch\(/g, since: [18, 0] },
  { name: 'AbortSignal.timeout', pattern: /AbortSignal\.timeout\b/g, since: [17, 3] },
  { name: 'AbortSignal.any', pattern: /AbortSignal\.any\b/g, since: [20, 3] },
  { name: 'structuredClone', pattern: /(?<![.\w$])structuredClone\(/g, since: [17, 0] },
  { name: 'Array.prototype.findLast', pattern: /\.findLast(?:Index)?\(/g, since: [18, 0] },
  { name: 'URL.canParse', pattern: /URL\.canParse\b/g, since: [18, 17] },
  {
    name: 'change-array-by-copy (toSorted…)',
    pattern: /\.to(?:Sorted|Reversed|Spliced)\(/g,
    since: [20, 0],
  },
  { name: 'Object.groupBy', pattern: /(?:Object|Map)\.groupBy\b/g, since: [21, 0] },
  { name: 'Promise.withResolvers', pattern: /Promise\.withResolvers\b/g, since: [22, 0] },
  { name: 'Array.fromAsync', pattern: /Array\.fromAsync\b/g, since: [22, 0] },
  { name: 'process.getBuiltinModule', pattern: /process\.getBuiltinModule\b/g, since: [22, 3] },
  { name: 'node:test', pattern: /require\("node:test"\)/g, since: [18, 0] },
  { name: 'node:sqlite', pattern: /require\("node:sqlite"\)/g, since: [22, 5] },
];

/** `Nodejs18.15` → [18, 15]; undefined for anything that is not a Node.js runtime name. */
export function parseRuntime(runtime: string): NodeVersion | undefined {
  const match = /^Nodejs(\d+)(?:\.(\d+))?$/.exec(runtime);
  return match ? [Number(match[1]), Number(match[2] ?? 0)] : undefined;
}

/** The APIs of RUNTIME_APIS that `code` uses unguarded and `version` does not have. */
export function apisMissingFrom(code: string, version: NodeVersion): string[] {
  const missing: string[] = [];
  for (const api of RUNTIME_APIS) {
    if (!olderThan(version, api.since)) continue;
    const used = [...code.matchAll(api.pattern)].some((match) => {
      const before = code.slice(Math.max(0, match.index - 200), match.index);
      const guard = api.name.split(' ')[0]!;
      // The test itself, or a use it guards.
      return !before.endsWith('typeof ') && !before.includes(`typeof ${guard} === "function"`);
    });
    if (used) missing.push(api.name);
  }
  return missing;
}

/** Each function's declared `runtime` in a cloudbaserc.json (CloudBase's default when unset). */
export async function declaredRuntimes(rcFile: string): Promise<Map<string, string>> {
  const rc = JSON.parse(await readFile(rcFile, 'utf8')) as {
    functions?: { name: string; runtime?: string }[];
  };
  // Without a `runtime`, CloudBase CLI 0.x deploys on Nodejs10.15 (CLI v1 on Nodejs18.15, per
  // docs.cloudbase.net/cli-v1/functions/configs): an unset runtime is read as the older one.
  return new Map((rc.functions ?? []).map((fn) => [fn.name, fn.runtime ?? 'Nodejs10.15']));
}

/** The target must be the oldest declared runtime: older builds waste, newer ones break. */
function checkTarget(runtimes: Map<string, string>, names: readonly string[]): void {
  const target = Number(/^node(\d+)$/.exec(RUNTIME_TARGET)![1]);
  for (const name of names) {
    const runtime = runtimes.get(name);
    if (runtime === undefined) continue;
    const version = parseRuntime(runtime);
    if (!version || version[0] !== target) {
      throw new Error(
        `cloudbaserc.json declares ${name} on ${runtime}, but the functions are built for ${RUNTIME_TARGET}: declare Nodejs${target}.x for it or change RUNTIME_TARGET`,
      );
    }
  }
}

function olderThan(version: NodeVersion, since: NodeVersion): boolean {
  return version[0] < since[0] || (version[0] === since[0] && version[1] < since[1]);
}

/** A function's package.json may list wx-server-sdk and nothing else: the rest is bundled. */
async function checkManifest(source: string, name: string): Promise<void> {
  const manifest = JSON.parse(await readFile(path.join(source, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const extra = Object.keys(manifest.dependencies ?? {}).filter(
    (dep) => !CLOUD_DEPENDENCIES.includes(dep),
  );
  if (extra.length > 0) {
    throw new Error(
      `cloudfunctions/${name}/package.json lists ${extra.join(', ')}: only ${CLOUD_DEPENDENCIES.join(', ')} may be installed in the cloud; import the rest so it is bundled`,
    );
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

if (require.main === module) {
  const started = Date.now();
  buildFunctions()
    .then((built) => {
      for (const fn of built)
        console.log(
          `built ${fn.name.padEnd(12)} ${(fn.bytes / 1024).toFixed(0).padStart(5)} KiB  ${path.relative(process.cwd(), fn.dir)}/index.js`,
        );
      console.log(`${built.length} functions in ${Date.now() - started} ms`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
