/**
 * One page of the Mini Program in its own document (an iframe of the shell's page stack), as the
 * real page: its component tree loaded and rendered by miniprogram-simulate / j-component with the
 * templates wcc compiled (build.ts), its code from the esbuild bundle, `wx` shimmed (wx.ts).
 *
 * One document per page keeps every page's modules, styles and simulate registrations apart, as
 * `require` runs a module once and simulate registers a component once per load. The price: pages
 * do not share store singletons as they would in one app service (see docs/web-preview.md, Limits).
 */
import './builtins'; // before simulate: it registers the built-in tags as it loads
import type { RootComponent } from 'j-component';
import simulate from 'miniprogram-simulate';
import { scaleRpx, type PreviewAppInfo } from '../protocol';
import { rebindValues } from '../rebind';
import type { Device, PageHandle } from './device';
import { compile as compileWxss, insert as insertWxss } from './simulate-wxss';
import { installMouseAsTouch } from './touch';
import { createWx } from './wx';

type Hooks = Record<string, unknown>;

type PageRoot = RootComponent<
  WechatMiniprogram.Component.DataOption,
  WechatMiniprogram.Component.PropertyOption,
  WechatMiniprogram.Component.MethodOption
> & { triggerPageLifeTime(name: string): void };

declare global {
  interface Window {
    __mashangApp: PreviewAppInfo;
    __mashangGwx: (path: string) => unknown;
    __mashangModules: Record<string, () => unknown>;
    __mashangRun: (path: string) => unknown;
    __mashangPage?: PageHandle;
    __FILE_MAP__: Record<string, unknown>;
  }
}

/** The class prefix simulate gives a page loaded without a tag name (as in the component tests). */
const PAGE_TAG = 'main';

(globalThis as { __mashangScaleRpx?: (style: string) => string }).__mashangScaleRpx = scaleRpx;
// j-component calls it after each re-render (client-bundle.ts).
(globalThis as { __mashangRebind?: typeof rebindValues }).__mashangRebind = rebindValues;

function call(target: unknown, hook: string, ...args: unknown[]): unknown {
  const fn = (target as Hooks | undefined)?.[hook];
  return typeof fn === 'function'
    ? (fn as (...a: unknown[]) => unknown).apply(target, args)
    : undefined;
}

/** What simulate reads in a browser instead of files: `window.__FILE_MAP__`. */
function installFileMap(app: PreviewAppInfo): void {
  const files: Record<string, unknown> = {};
  for (const component of app.components) {
    files[`${component.path}.json`] = component.json;
    files[`${component.path}.wxss`] = component.wxss;
    files[`${component.path}.js`] =
      `module.exports = window.__mashangRun(${JSON.stringify(component.path)});`;
    // simulate accepts a template function precompiled by wcc in place of the WXML source.
    Object.defineProperty(files, `${component.path}.wxml`, {
      enumerable: true,
      get: () => window.__mashangGwx(`${component.path.slice(1)}.wxml`),
    });
  }
  window.__FILE_MAP__ = files;
  window.__mashangRun = (path) => {
    const factory = window.__mashangModules[path];
    if (!factory) throw new Error(`${path} 没有 .ts/.js：组件必须调用 Component()`);
    return factory();
  };
}

/** `App()`, `getApp()`, `getCurrentPages()` and a `Page()` that becomes a `Component()`. */
function installAppGlobals(device: Device): { app: () => Hooks | undefined } {
  let app: Hooks | undefined;
  const scope = globalThis as unknown as Record<string, unknown>;
  scope.App = (options: Hooks) => {
    app = options;
    app.globalData ??= {};
  };
  scope.getApp = () => app;
  scope.getCurrentPages = () => device.currentPages();
  // Pages here are written with Component(); a Page() page still renders: its functions are
  // methods, which is where Component() pages keep onLoad and the handlers too.
  scope.Page = (options: Hooks) => {
    const methods: Hooks = {};
    for (const [key, value] of Object.entries(options)) {
      if (typeof value === 'function') methods[key] = value;
    }
    (scope.Component as (o: Hooks) => void)({ data: options.data ?? {}, methods });
  };
  return { app: () => app };
}

function showError(error: unknown): void {
  console.error(error);
  const box = document.createElement('pre');
  box.className = 'preview-error';
  box.textContent = `预览无法渲染此页面\n\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  document.body.appendChild(box);
}

function boot(): void {
  const device = window.parent !== window ? window.parent.__mashangDevice : undefined;
  if (!device) {
    // A page only makes sense inside the phone: open the shell instead.
    location.replace('./');
    return;
  }
  const app = window.__mashangApp;
  const params = new URLSearchParams(location.search);
  const route = params.get('route') ?? app.pages[0];
  const query = Object.fromEntries(new URLSearchParams(params.get('query') ?? ''));

  installFileMap(app);
  Object.assign(wx, createWx(device, { route, frame: window }));
  const globals = installAppGlobals(device);
  installMouseAsTouch();
  insertWxss(compileWxss(app.appWxss, { prefix: PAGE_TAG }), 'app-wxss');

  try {
    window.__mashangModules.app?.();
    call(globals.app(), 'onLaunch', device.launchOptions());
    call(globals.app(), 'onShow', device.enterOptions());
  } catch (error) {
    showError(error);
  }

  const windowOptions = { ...app.window, ...app.pageWindows[route] };
  device.setTitle(window, String(windowOptions.navigationBarTitleText ?? ''));
  if (typeof windowOptions.backgroundColor === 'string')
    document.documentElement.style.backgroundColor = windowOptions.backgroundColor;

  try {
    const id = simulate.load(`/${route}`, { compiler: 'official', rootPath: '/' });
    // j-component has triggerPageLifeTime; its typings do not list it.
    const root = simulate.render(id) as unknown as PageRoot;
    root.attach(document.getElementById('page') as HTMLElement);
    const instance = root.instance as Hooks;
    // What the framework puts on every page instance.
    instance.route = route;
    instance.options = query;

    const handle: PageHandle = {
      route,
      query,
      instance,
      show: () => {
        call(instance, 'onShow');
        root.triggerPageLifeTime('show');
      },
      hide: () => {
        call(instance, 'onHide');
        root.triggerPageLifeTime('hide');
      },
      unload: () => {
        call(instance, 'onUnload');
        root.detach();
      },
    };
    window.__mashangPage = handle;
    call(instance, 'onLoad', query);
    call(instance, 'onShow');
    root.triggerPageLifeTime('show');
    device.pageReady(window, handle);
    requestAnimationFrame(() => call(instance, 'onReady'));
  } catch (error) {
    showError(error);
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
