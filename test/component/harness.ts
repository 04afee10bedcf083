/**
 * Shared harness for component tests: renders real Mini Program pages (TypeScript sources, vant from
 * miniprogram_npm, templates compiled by the official wcc) in jsdom through miniprogram-simulate.
 *
 * How TypeScript reaches simulate: `simulate.load()` runs a component's JS with Node's own
 * `require(<folder>/index)`. We register a `.ts` loader on Node's module system (TypeScript's
 * `transpileModule` to CommonJS with inline source maps, per file like DevTools' TypeScript plugin;
 * esbuild refuses to load under jsdom's globals), so `require` finds `index.ts` next to the template
 * and every relative import it makes. Bare imports from Mini Program code
 * (`mobx-miniprogram`, `dayjs`, …) are resolved inside `miniprogram/miniprogram_npm`, as the Mini
 * Program runtime does, so tests exercise exactly what `npm run build:mp-npm` ships. Nothing is
 * written to disk.
 */
import fs from 'node:fs';
import Module, { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { RootComponent } from 'j-component';
import simulate from 'miniprogram-simulate';
import type { Envelope } from '../../typings/envelope';
import { buildMiniprogramNpm } from '../../local/tools/build-miniprogram-npm';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MINIPROGRAM_ROOT = path.join(PROJECT_ROOT, 'miniprogram');
const NPM_DIR = `${path.sep}miniprogram_npm${path.sep}`;

// Mini Program code: everything under miniprogramRoot except the npm build outputs (the main
// package's miniprogram_npm and a subpackage's own).
function isMiniprogramSource(file: string): boolean {
  return file.startsWith(MINIPROGRAM_ROOT + path.sep) && !file.includes(NPM_DIR);
}

// ---------------------------------------------------------------------------------------------
// Node module hooks (installed once per worker)

interface ModuleInternals {
  _extensions: Record<
    string,
    (module: { _compile(code: string, file: string): void }, file: string) => void
  >;
  _resolveFilename(
    request: string,
    parent: { filename?: string } | undefined,
    ...rest: unknown[]
  ): string;
  _cache: Record<string, unknown>;
}

const internals = Module as unknown as ModuleInternals;
const HOOKED = Symbol.for('mashang.component-harness.hooked');

function isBareSpecifier(request: string): boolean {
  return (
    !request.startsWith('.') &&
    !path.isAbsolute(request) &&
    !request.startsWith('node:') &&
    !builtinModules.includes(request)
  );
}

/**
 * miniprogram_npm lookup as the Mini Program does it: `<name>/index.js`, `<path>.js`,
 * `<path>/index.js`, in the nearest `miniprogram_npm` going up from the requiring file (a
 * subpackage's own, e.g. admin/miniprogram_npm, before the main package's).
 */
function resolveMiniprogramNpm(request: string, from: string): string | undefined {
  for (let dir = path.dirname(from); dir.startsWith(MINIPROGRAM_ROOT); dir = path.dirname(dir)) {
    const base = path.join(dir, 'miniprogram_npm', request);
    for (const candidate of [`${base}.js`, path.join(base, 'index.js'), base]) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    }
  }
  return undefined;
}

const transpiled = new Map<string, { mtimeMs: number; code: string }>();

function installModuleHooks(): void {
  const state = globalThis as { [HOOKED]?: boolean };
  if (state[HOOKED]) return;
  state[HOOKED] = true;

  internals._extensions['.ts'] = (module, file) => {
    // Every render re-runs each component's module (simulate deletes it from require.cache after
    // running it): compile a file once per change, not once per render.
    const { mtimeMs } = fs.statSync(file);
    const cached = transpiled.get(file);
    if (cached && cached.mtimeMs === mtimeMs) {
      module._compile(cached.code, file);
      return;
    }
    const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2020,
        // As strict as the most literal CommonJS output: a default import of a CommonJS npm
        // package would be undefined here, as it may be on a phone.
        esModuleInterop: false,
        inlineSourceMap: true,
        inlineSources: true,
      },
    });
    transpiled.set(file, { mtimeMs, code: outputText });
    module._compile(outputText, file);
  };

  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, ...rest) {
    const from = parent?.filename;
    // Node tries `.json` before `.ts`, and every page folder has an index.json: prefer the source.
    if (path.isAbsolute(request) || request.startsWith('.')) {
      const target = path.resolve(from ? path.dirname(from) : process.cwd(), request);
      if (isMiniprogramSource(target)) {
        for (const candidate of [`${target}.ts`, path.join(target, 'index.ts')]) {
          if (fs.existsSync(candidate)) return candidate;
        }
      }
    }
    if (from && from.startsWith(MINIPROGRAM_ROOT + path.sep) && isBareSpecifier(request)) {
      const hit = resolveMiniprogramNpm(request, from);
      if (hit) return hit;
      throw new Error(
        `找不到 miniprogram_npm/${request}（来自 ${path.relative(PROJECT_ROOT, from)}）：先运行 npm run build:mp-npm`,
      );
    }
    return resolve.call(this, request, parent, ...rest);
  };
}

/** Forget loaded page/store/service modules so each render starts with fresh singletons. */
function forgetMiniprogramModules(): void {
  for (const file of Object.keys(internals._cache)) {
    if (isMiniprogramSource(file)) delete internals._cache[file];
  }
}

// ---------------------------------------------------------------------------------------------
// usingComponents mapping

/**
 * simulate only resolves relative and root-absolute paths, and applies its `usingComponents` option
 * (tag → path) to every component it loads. Map each npm-style path our JSON files use
 * (`@vant/weapp/button/index`) to its root-absolute place in miniprogram_npm.
 */
function collectNpmUsingComponents(
  dir: string,
  into: Record<string, string>,
): Record<string, string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'miniprogram_npm') collectNpmUsingComponents(full, into);
      continue;
    }
    if (!entry.name.endsWith('.json')) continue;
    const json = JSON.parse(fs.readFileSync(full, 'utf8')) as {
      usingComponents?: Record<string, string>;
    };
    for (const [tag, target] of Object.entries(json.usingComponents ?? {})) {
      if (target.startsWith('.') || target.startsWith('/')) continue;
      const mapped = `/miniprogram_npm/${target}`;
      if (into[tag] && into[tag] !== mapped) {
        // The option is global to a render, so one tag must mean one component everywhere.
        throw new Error(`usingComponents 冲突：<${tag}> 同时指向 ${into[tag]} 和 ${mapped}`);
      }
      into[tag] = mapped;
    }
  }
  return into;
}

// ---------------------------------------------------------------------------------------------
// wx stand-ins

type WxGlobal = Record<string, unknown>;

function wxGlobal(): WxGlobal {
  return (globalThis as unknown as { wx: WxGlobal }).wx;
}

const originalWx: WxGlobal = { ...wxGlobal() };

/** Overrides `wx.*` members for one test; `resetWx()` (run after each test) puts the originals back. */
export function stubWx(members: WxGlobal): void {
  Object.assign(wxGlobal(), members);
}

export function resetWx(): void {
  const wx = wxGlobal();
  for (const key of Object.keys(wx)) if (!(key in originalWx)) delete wx[key];
  Object.assign(wx, originalWx);
}

export interface CloudCall {
  name: string;
  data: Record<string, unknown>;
}

export type CloudReply = Envelope<unknown> | { throws: string } | unknown;

/**
 * Provides `wx.cloud` (simulate has none). `reply` decides what each call returns: an envelope (or
 * any value, to test malformed replies), or `{ throws: errMsg }` to fail like a dead network.
 * Returns the list of calls made, for assertions on function and action names.
 */
export function stubCloud(
  reply: (call: CloudCall) => CloudReply | Promise<CloudReply>,
): CloudCall[] {
  const calls: CloudCall[] = [];
  stubWx({
    cloud: {
      init() {},
      async callFunction(param: { name: string; data?: Record<string, unknown> }) {
        const call = { name: param.name, data: param.data ?? {} };
        calls.push(call);
        const result = await reply(call);
        if (typeof result === 'object' && result !== null && 'throws' in result) {
          throw { errMsg: `cloud.callFunction:fail ${String(result.throws)}` };
        }
        return { result, errMsg: 'cloud.callFunction:ok', requestID: 'test-request' };
      },
    },
  });
  return calls;
}

// ---------------------------------------------------------------------------------------------
// Rendering

// j-component's root (what simulate.render returns) is the one that can attach and detach.
export type RenderedPage = RootComponent<any, any, any>;

let usingComponents: Record<string, string> | undefined;
const rendered: RenderedPage[] = [];

export function prepare(): void {
  buildMiniprogramNpm(); // no-op when up to date; globalSetup normally did it already
  installModuleHooks();
  usingComponents ??= collectNpmUsingComponents(MINIPROGRAM_ROOT, {});
}

/**
 * Loads, renders and attaches a page written with `Component()`, then runs its page lifecycles
 * (`onLoad(query)`, `onShow`) the way the framework would on navigation.
 */
export async function renderPage(
  pagePath: string,
  query: Record<string, string> = {},
): Promise<RenderedPage> {
  prepare();
  forgetMiniprogramModules();
  const id = simulate.load(path.join(MINIPROGRAM_ROOT, pagePath), {
    compiler: 'official',
    rootPath: MINIPROGRAM_ROOT,
    usingComponents: { ...usingComponents },
    // All of vant's templates compile into one script, well past execFile's 1 MB default.
    compilerOptions: { maxBuffer: 64 * 1024 * 1024 },
  });
  const page = simulate.render(id) as RenderedPage;
  const host = document.createElement('page-host');
  document.body.appendChild(host);
  page.attach(host);
  rendered.push(page);

  const instance = page.instance as unknown as Record<string, unknown>;
  if (typeof instance.onLoad === 'function') instance.onLoad.call(instance, query);
  if (typeof instance.onShow === 'function') instance.onShow.call(instance);
  await settle();
  return page;
}

/**
 * Loads, renders and attaches one component (e.g. `components/verdict-badge/index`) with the given
 * properties, as a page's template would create it.
 */
export async function renderComponent(
  componentPath: string,
  properties: Record<string, unknown> = {},
): Promise<RenderedPage> {
  prepare();
  forgetMiniprogramModules();
  const id = simulate.load(path.join(MINIPROGRAM_ROOT, componentPath), {
    compiler: 'official',
    rootPath: MINIPROGRAM_ROOT,
    usingComponents: { ...usingComponents },
    compilerOptions: { maxBuffer: 64 * 1024 * 1024 },
  });
  const component = simulate.render(id, properties) as RenderedPage;
  const host = document.createElement('component-host');
  document.body.appendChild(host);
  component.attach(host);
  rendered.push(component);
  await settle();
  return component;
}

/** Runs the page's `onShow` again, as WeChat does when the Mini Program comes back (hot start). */
export async function showPage(page: RenderedPage): Promise<void> {
  const instance = page.instance as unknown as Record<string, unknown>;
  if (typeof instance.onShow === 'function') instance.onShow.call(instance);
  await settle();
}

/** Calls one of the page's own methods (e.g. `onShareAppMessage`) and returns its result. */
export function callPageMethod(page: RenderedPage, name: string, ...args: unknown[]): unknown {
  const method = (page.instance as unknown as Record<string, unknown>)[name];
  if (typeof method !== 'function') throw new Error(`页面没有方法 ${name}`);
  return method.apply(page.instance, args);
}

/**
 * Runs a Mini Program module (e.g. `app`) through the same loader pages use, fresh each time. For
 * code simulate does not host itself, such as `App()`: stub the global before calling this.
 */
export function loadMiniprogramModule(relativePath: string): unknown {
  prepare();
  forgetMiniprogramModules();
  return createRequire(import.meta.url)(path.join(MINIPROGRAM_ROOT, relativePath));
}

/** Lets pending promises, setTimeout-based wx mocks and store → data syncs (next tick) run. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await simulate.sleep(0);
}

/** The text a user would read, whitespace collapsed. */
export function visibleText(page: RenderedPage): string {
  return (page.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Rendered DOM elements matching a CSS selector anywhere in the page, vant internals included. */
export function findAll(page: RenderedPage, selector: string): Element[] {
  return Array.from(page.dom?.querySelectorAll(selector) ?? []);
}

/** Detaches every rendered page (so store bindings are torn down as on navigation) and restores wx. */
export function cleanup(): void {
  for (const page of rendered.splice(0)) page.detach();
  document.body.innerHTML = '';
  resetWx();
}

/**
 * Rendered elements carrying a class from a template, e.g. `van-skeleton__row`. simulate prefixes
 * classes with the owning component's tag (`van-skeleton--van-skeleton__row`), so match either form.
 */
export function findByClass(page: RenderedPage, className: string): Element[] {
  return findAll(page, '[class]').filter((element) =>
    Array.from(element.classList).some(
      (token) => token === className || token.endsWith(`--${className}`),
    ),
  );
}

interface JNode {
  dom: Element;
  querySelector(selector: string): JNode | undefined;
  querySelectorAll(selector: string): JNode[];
  dispatchEvent(name: string, options?: { detail?: unknown }): void;
}

/**
 * Finds a node through component boundaries: `'#load-state >>> .retry-button'` queries
 * `.retry-button` inside the shadow tree of the component `#load-state` (j-component selectors
 * stop at each component's own template).
 */
function mustFind(page: RenderedPage, selector: string): JNode {
  let node = page as unknown as JNode | undefined;
  for (const step of selector.split('>>>').map((part) => part.trim())) {
    node = node?.querySelector(step);
  }
  if (!node) throw new Error(`页面中找不到 ${selector}`);
  return node;
}

/** Fires an event (a native `tap`, `<official-account>`'s `error`…) on a node, see mustFind. */
export async function dispatchIn(
  page: RenderedPage,
  selector: string,
  eventName: string,
  detail?: unknown,
): Promise<void> {
  mustFind(page, selector).dispatchEvent(eventName, detail === undefined ? {} : { detail });
  await settle();
}

/**
 * Taps a `<van-button>` (selected by a class or id on it, see mustFind) the way a finger does: on
 * its inner button.
 */
export async function tapVanButton(page: RenderedPage, selector: string): Promise<void> {
  const inner = mustFind(page, selector).querySelector('.van-button');
  if (!inner) throw new Error(`${selector} 不是 van-button`);
  inner.dispatchEvent('tap');
  await settle();
}

/** Types into a `<van-field>`: vant listens on its native input and emits `input`/`change` itself. */
export async function typeIntoVanField(
  page: RenderedPage,
  selector: string,
  value: string,
): Promise<void> {
  const input = mustFind(page, selector)
    .querySelectorAll('.van-field__control')
    .find((node) => node.dom.tagName === 'WX-INPUT');
  if (!input) throw new Error(`${selector} 中没有输入框`);
  input.dispatchEvent('input', { detail: { value } });
  await settle();
}

/** The requests a page sent for `action`, without the action's name, in order. */
export function requestsOf(calls: CloudCall[], action: string): Record<string, unknown>[] {
  return calls
    .filter((call) => call.data.action === action)
    .map(({ data: { action: _action, ...request } }) => request);
}

/** The text of each element of `className`, whitespace collapsed. */
export function textsOf(page: RenderedPage, className: string): string[] {
  return findByClass(page, className).map((el) =>
    (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
  );
}
