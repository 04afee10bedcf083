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

/** CloudBase's Node.js runtimes we deploy to: 16.13 and 18.15. */
const RUNTIME_TARGET = 'node16';

/** The only package a deployed function installs; everything else is bundled. */
const CLOUD_DEPENDENCIES = ['wx-server-sdk'];

export interface BuildOptions {
  /** Folder holding one sub-folder per function. */
  root?: string;
  /** Where the deployable folders go; defaults to in place. */
  outDir?: string;
  /** Build only these functions. */
  only?: readonly string[];
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
  return Promise.all(names.map((name) => buildOne(root, name, options.outDir)));
}

async function buildOne(root: string, name: string, outDir?: string): Promise<BuiltFunction> {
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
