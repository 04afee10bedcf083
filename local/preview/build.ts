/**
 * Builds what the web preview serves: the Mini Program's real pages, prepared for
 * miniprogram-simulate running in a browser.
 *
 * - `templates.js`: every WXML template compiled by the official compiler (wcc, from
 *   miniprogram-compiler), as one `$gwx` function simulate accepts with `compiler: 'official'`;
 * - `app.js`: each reachable component's JSON (usingComponents made root-absolute) and WXSS (see
 *   wxss.ts), plus app.json's pages and window;
 * - `miniprogram.js`: the pages' TypeScript, stores, services and npm packages (vant, mobx) bundled
 *   by esbuild into lazy per-component factories, so each component's code runs when simulate loads
 *   it, exactly once per page document, as `require` does on a phone;
 * - `runtime.js` / `shell.js`: the browser side (client/), with simulate and j-component
 *   (client-bundle.ts).
 *
 * A build is kept in memory and reused while a fingerprint of its inputs (paths, sizes and mtimes)
 * is unchanged, so the preview always shows the current code and reloads cost nothing otherwise.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { BROWSER_SCRIPT, CLIENT_DIR, bundleClient } from './client-bundle';
import type { PreviewAppInfo, PreviewComponent } from './protocol';
import { readWxss, transformWxss } from './wxss';

// Not stack.ts's REPO_ROOT: the stack imports the preview, and the cycle would leave it undefined.
const REPO_ROOT = path.resolve(__dirname, '../..');
const MINIPROGRAM_ROOT = path.join(REPO_ROOT, 'miniprogram');
const require_ = createRequire(__filename);

/** vant's icon font lives on a CDN; the preview has no internet, so it serves a local copy. */
export const VANT_ICON_FONT_ASSET = 'vant-icon.woff2';
const VANT_ICON_CDN = /\/\/at\.alicdn\.com\/t\/c\/font_2553510_[a-z0-9]+\.woff2\?t=\d+/;

export interface PreviewAsset {
  type: string;
  body: string | Buffer;
  etag: string;
}

export interface PreviewBuild {
  version: string;
  assets: Map<string, PreviewAsset>;
  app: PreviewAppInfo;
  /** Problems worth telling the developer (a usingComponents path that resolves to nothing). */
  warnings: string[];
  ms: number;
}

interface ComponentSource {
  /** Root-absolute Mini Program path, e.g. `/pages/landing/index`. */
  path: string;
  file: string;
  script: string | undefined;
  json: Record<string, unknown>;
}

interface AppJson {
  pages?: string[];
  subPackages?: { root: string; pages: string[] }[];
  subpackages?: { root: string; pages: string[] }[];
  window?: Record<string, unknown>;
  usingComponents?: Record<string, string>;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function toMiniprogramPath(root: string, file: string): string {
  return `/${path.relative(root, file).split(path.sep).join('/')}`;
}

/**
 * Where a `usingComponents` value points, as WeChat resolves it: root-absolute, relative, or an
 * npm path found in the nearest `miniprogram_npm` going up from the component.
 */
function resolveComponent(root: string, fromDir: string, target: string): string | undefined {
  const exists = (file: string) => fs.existsSync(`${file}.json`);
  if (target.startsWith('/'))
    return exists(path.join(root, target)) ? path.join(root, target) : undefined;
  if (target.startsWith('.')) {
    const file = path.resolve(fromDir, target);
    return exists(file) ? file : undefined;
  }
  for (let dir = fromDir; dir.startsWith(root); dir = path.dirname(dir)) {
    const file = path.join(dir, 'miniprogram_npm', target);
    if (exists(file)) return file;
    if (dir === root) break;
  }
  const relative = path.resolve(fromDir, target);
  return exists(relative) ? relative : undefined;
}

function scriptOf(file: string): string | undefined {
  return [`${file}.ts`, `${file}.js`].find((candidate) => fs.existsSync(candidate));
}

/** app.json's pages and everything they use, transitively. */
function discover(root: string, warnings: string[]) {
  const appJson = readJson<AppJson>(path.join(root, 'app.json'));
  const pages = [
    ...(appJson.pages ?? []),
    ...(appJson.subPackages ?? appJson.subpackages ?? []).flatMap((pkg) =>
      pkg.pages.map((page) => `${pkg.root.replace(/\/$/, '')}/${page}`),
    ),
  ];
  const components = new Map<string, ComponentSource>();
  const visit = (file: string): string => {
    const mpPath = toMiniprogramPath(root, file);
    if (components.has(mpPath)) return mpPath;
    const json = readJson<Record<string, unknown>>(`${file}.json`);
    const entry: ComponentSource = { path: mpPath, file, script: scriptOf(file), json };
    components.set(mpPath, entry);
    // app.json's usingComponents are global: every page and component may use them.
    const using = {
      ...(appJson.usingComponents ?? {}),
      ...((json.usingComponents as Record<string, string> | undefined) ?? {}),
    };
    const resolved: Record<string, string> = {};
    for (const [tag, target] of Object.entries(using)) {
      const found = resolveComponent(root, path.dirname(file), target);
      if (!found) {
        warnings.push(`${mpPath}.json: <${tag}> → ${target} 找不到组件`);
        continue;
      }
      resolved[tag] = visit(found);
    }
    entry.json = { ...json, usingComponents: resolved };
    return mpPath;
  };
  for (const page of pages) {
    const file = path.join(root, page);
    if (!fs.existsSync(`${file}.json`)) {
      warnings.push(`app.json: 页面 ${page} 缺少 ${page}.json`);
      continue;
    }
    visit(file);
  }
  return { appJson, pages, components };
}

function fingerprintOf(dirs: string[]): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const stat = fs.statSync(full);
        hash.update(`${full}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  for (const dir of dirs) walk(dir);
  // The shared typings are imported by the pages.
  walk(path.join(REPO_ROOT, 'typings'));
  return hash.digest('hex').slice(0, 16);
}

/** wcc over the whole Mini Program, as the component tests do (templates import each other). */
function compileTemplates(root: string): string {
  // wcc's file walker `require`s each JSON: drop cached copies so edited JSON is read again.
  for (const key of Object.keys(require_.cache)) {
    if (key.startsWith(root + path.sep) && key.endsWith('.json')) delete require_.cache[key];
  }
  const compiler = require_('miniprogram-compiler') as {
    wxmlToJs(root: string, options: { maxBuffer: number }): string;
  };
  // The compiled templates of every vant component exceed execFile's 1 MB default.
  const body = compiler.wxmlToJs(root, { maxBuffer: 64 * 1024 * 1024 });
  return `window.__mashangGwx = (function () {\n${body}\n})();\n`;
}

/**
 * Bare imports of Mini Program code resolve inside the nearest miniprogram_npm going up from the
 * importing file (a subpackage's own, e.g. admin/miniprogram_npm, before the main package's), as
 * on a phone.
 */
function miniprogramNpmPlugin(root: string): Plugin {
  return {
    name: 'miniprogram-npm',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^[^./]/ }, (args) => {
        if (!args.importer.startsWith(root + path.sep)) return undefined;
        for (let dir = path.dirname(args.importer); dir.startsWith(root); dir = path.dirname(dir)) {
          const base = path.join(dir, 'miniprogram_npm', args.path);
          for (const candidate of [`${base}.js`, path.join(base, 'index.js'), base]) {
            if (fs.existsSync(candidate) && fs.statSync(candidate).isFile())
              return { path: candidate };
          }
        }
        return {
          errors: [{ text: `找不到 miniprogram_npm/${args.path}：先运行 npm run build:mp-npm` }],
        };
      });
    },
  };
}

async function bundleMiniprogram(root: string, components: ComponentSource[]): Promise<string> {
  const lines = [
    '"use strict";',
    // Lazy: simulate runs a component's code when it loads the component, with its `Component`
    // constructor in place; `require` runs each module once per page document.
    'const modules = (globalThis.__mashangModules = {});',
    `modules.app = () => require(${JSON.stringify(path.join(root, 'app.ts'))});`,
    ...components
      .filter((component) => component.script)
      .map(
        (component) =>
          `modules[${JSON.stringify(component.path)}] = () => require(${JSON.stringify(component.script)});`,
      ),
  ];
  const result = await build({
    stdin: { contents: lines.join('\n'), resolveDir: root, sourcefile: 'miniprogram-entry.js' },
    ...BROWSER_SCRIPT,
    tsconfig: path.join(root, 'tsconfig.json'),
    define: { 'process.env.NODE_ENV': '"development"' },
    plugins: [miniprogramNpmPlugin(root)],
  });
  return result.outputFiles[0].text;
}

/**
 * vant-weapp's icon font, from @vant/icons: the same iconfont build (font_2553510_kfwma2yq1rs) that
 * vant-weapp links from a CDN, shipped there as a base64 data URI.
 */
function vantIconFont(): Buffer | undefined {
  try {
    const less = fs.readFileSync(require_.resolve('@vant/icons/src/encode-woff2.less'), 'utf8');
    const base64 = /data:font\/woff2;[^,]*base64,([A-Za-z0-9+/=]+)/.exec(less)?.[1];
    return base64 ? Buffer.from(base64, 'base64') : undefined;
  } catch {
    return undefined;
  }
}

function asset(type: string, body: string | Buffer): PreviewAsset {
  return { type, body, etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 20)}"` };
}

async function buildPreview(root: string, version: string): Promise<PreviewBuild> {
  const started = Date.now();
  const warnings: string[] = [];
  const { appJson, pages, components } = discover(root, warnings);
  const font = vantIconFont();
  const urls: Record<string, string> = {};
  const wxssOf = (file: string) => {
    const source = readWxss(file, root);
    const match = font ? VANT_ICON_CDN.exec(source) : null;
    if (match) urls[match[0]] = `assets/${VANT_ICON_FONT_ASSET}`;
    return transformWxss(source, { root, urls });
  };

  const list: PreviewComponent[] = [...components.values()].map((component) => ({
    path: component.path,
    json: JSON.stringify(component.json),
    wxss: wxssOf(`${component.file}.wxss`),
  }));
  const pageWindows: Record<string, Record<string, unknown>> = {};
  for (const page of pages) {
    const entry = components.get(`/${page}`);
    if (entry) pageWindows[page] = entry.json;
  }
  const app: PreviewAppInfo = {
    pages,
    window: appJson.window ?? {},
    pageWindows,
    appWxss: wxssOf(path.join(root, 'app.wxss')),
    components: list,
    version,
  };

  const [templates, miniprogram, runtime, shell] = await Promise.all([
    Promise.resolve().then(() => compileTemplates(root)),
    bundleMiniprogram(root, [...components.values()]),
    bundleClient('page.ts'),
    bundleClient('shell.ts'),
  ]);
  const js = 'text/javascript; charset=utf-8';
  const css = 'text/css; charset=utf-8';
  const assets = new Map<string, PreviewAsset>([
    ['templates.js', asset(js, templates)],
    ['app.js', asset(js, `window.__mashangApp = ${JSON.stringify(app)};\n`)],
    ['miniprogram.js', asset(js, miniprogram)],
    ['runtime.js', asset(js, runtime)],
    ['shell.js', asset(js, shell)],
    ['page.css', asset(css, fs.readFileSync(path.join(CLIENT_DIR, 'page.css')))],
    ['shell.css', asset(css, fs.readFileSync(path.join(CLIENT_DIR, 'shell.css')))],
  ]);
  if (font) assets.set(VANT_ICON_FONT_ASSET, asset('font/woff2', font));
  return { version, assets, app, warnings, ms: Date.now() - started };
}

let current: { version: string; build: Promise<PreviewBuild> } | undefined;

/**
 * The preview build for the current sources: reused while they are unchanged, rebuilt once (for
 * all concurrent callers) when they change.
 */
export function previewBuild(root = MINIPROGRAM_ROOT): Promise<PreviewBuild> {
  const version = fingerprintOf([root, CLIENT_DIR]);
  if (current?.version !== version) {
    const build = buildPreview(root, version);
    current = { version, build };
    // A failed build is not cached: the next request tries again (after the developer's fix).
    build.catch(() => {
      if (current?.build === build) current = undefined;
    });
  }
  return current.build;
}
