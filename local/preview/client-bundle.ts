/**
 * The browser side of the preview (client/): its entries bundled by esbuild with
 * miniprogram-simulate and j-component, which are patched as they load to run in a browser: `path`
 * and simulate's WXSS pipeline swapped for browser stand-ins, the built-in tags' behaviour
 * (client/builtins.ts) merged into simulate's stand-ins, `fields({ node: true })` answered,
 * bindings applied again after each diff (rebind.ts), rpx scaled for the preview's screen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';

export const CLIENT_DIR = path.join(__dirname, 'client');

/** Swaps a function body in a library file; fails loudly if the library changed under us. */
function patchSource(source: string, file: string, from: string, to: string): string {
  if (!source.includes(from))
    throw new Error(`预览构建：${file} 中找不到要替换的代码（库版本变了？）`);
  return source.split(from).join(to);
}

/** miniprogram-simulate and j-component adjusted for a browser (see client/page.ts). */
function browserRuntimePlugin(): Plugin {
  return {
    name: 'simulate-in-browser',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^path$/ }, () => ({ path: path.join(CLIENT_DIR, 'path.ts') }));
      // simulate's WXSS pipeline (postcss, less, csso) ran at build time: see wxss.ts.
      esbuild.onResolve({ filter: /^\.\/wxss$/ }, (args) =>
        args.importer.includes(`${path.sep}miniprogram-simulate${path.sep}`)
          ? { path: path.join(CLIENT_DIR, 'simulate-wxss.ts') }
          : undefined,
      );
      // Built-in tags get the browser behaviour of client/builtins.ts merged into their stand-ins.
      esbuild.onLoad({ filter: /miniprogram-simulate[\\/]src[\\/]definition\.js$/ }, (args) => ({
        contents: patchSource(
          fs.readFileSync(args.path, 'utf8'),
          args.path,
          "template: '<slot/>',",
          "template: '<slot/>', ...(globalThis.__mashangBuiltins || {})[name],",
        ),
        loader: 'js',
      }));
      // j-component's SelectorQuery ignores `fields({ node: true })`; WeChat answers it with the
      // Canvas node of a `<canvas type="2d">`, which client/builtins.ts provides.
      esbuild.onLoad({ filter: /j-component[\\/]src[\\/]tool[\\/]selectorquery\.js$/ }, (args) => ({
        contents: patchSource(
          fs.readFileSync(args.path, 'utf8'),
          args.path,
          'if (fields.context) {',
          'if (fields.node) itemRes.node = globalThis.__mashangNodeOf(node)\n            if (fields.context) {',
        ),
        loader: 'js',
      }));
      // j-component skips an attribute equal to the one it rendered last, where WeChat applies
      // again each binding setData touched: a field the page cleared kept the typed text (rebind.ts).
      esbuild.onLoad({ filter: /j-component[\\/]src[\\/]componentmanager\.js$/ }, (args) => ({
        contents: patchSource(
          fs.readFileSync(args.path, 'utf8'),
          args.path,
          'diff.diffVt(this._vt, newVt)\n',
          `diff.diffVt(this._vt, newVt)
    globalThis.__mashangRebind(newVt, changes, data, {
      generate: (probe) => this._generateFunc({data: probe}),
      current: (node) => node instanceof exparser.Component && exparser.Component.hasPublicProperty(node, 'value') ? {value: node.data.value} : undefined,
      apply: (node, value) => render.updateAttrs(node, [{name: 'value', value}]),
    })
`,
        ),
        loader: 'js',
      }));
      // Both libraries turn rpx into px 1:1 in inline styles; the preview's screen needs 0.5.
      esbuild.onLoad(
        { filter: /(j-component[\\/]src[\\/]tool|miniprogram-simulate[\\/]src)[\\/]utils\.js$/ },
        (args) => {
          const source = fs.readFileSync(args.path, 'utf8');
          return {
            contents: patchSource(
              source,
              args.path,
              "return style.replace(/(\\d+)rpx/ig, '$1px')",
              'return globalThis.__mashangScaleRpx(style)',
            ),
            loader: 'js',
          };
        },
      );
    },
  };
}
/** How every script the preview sends to the browser is bundled: one inline-mapped IIFE in memory. */
export const BROWSER_SCRIPT = {
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  sourcemap: 'inline',
  logLevel: 'silent',
} as const satisfies BuildOptions;

export async function bundleClient(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [path.join(CLIENT_DIR, entry)],
    ...BROWSER_SCRIPT,
    tsconfig: path.join(CLIENT_DIR, 'tsconfig.json'),
    // simulate assigns Component, Behavior and wx on Node's `global`.
    define: { global: 'globalThis' },
    // Only simulate's Node branch (never taken in a browser) requires it.
    external: ['fs'],
    plugins: [browserRuntimePlugin()],
  });
  return result.outputFiles[0].text;
}
