/**
 * The whole Mini Program passes WeChat's own compiler (miniprogram-ci `getCompiledResult`, offline
 * with the project attributes supplied: local/tools/wechat-compile.ts), not only ours: TypeScript
 * through `useCompilerPlugins`, every WXML, WXSS and JSON. The package sizes are read from its
 * output, as WeChat counts them at upload.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compileMiniProgram,
  MAIN_PACKAGE_TARGET_BYTES,
  packageSizes,
  SUBPACKAGE_LIMIT_BYTES,
  subpackageRoots,
  type CompiledMiniProgram,
} from '../../local/tools/wechat-compile';

const APP = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../miniprogram/app.json'), 'utf8'),
) as { pages: string[]; subPackages: { root: string; pages: string[] }[] };

/** What a page is once compiled: its four files, the script as JavaScript. */
const pageFiles = (page: string) => ['js', 'json', 'wxml', 'wxss'].map((ext) => `${page}.${ext}`);

describe("WeChat's compiler (miniprogram-ci)", () => {
  let compiled: CompiledMiniProgram;

  beforeAll(async () => {
    compiled = await compileMiniProgram();
    // Measured for the report (about 12–20 s on two shared cores).
    console.log(
      `miniprogram-ci compiled ${compiled.entries.length} files in ${compiled.compileMs} ms`,
    );
  }, 180_000);

  it('builds the main package: app and every main page, TypeScript compiled to JavaScript', () => {
    const names = new Set(compiled.entries.map((entry) => entry.name));
    for (const file of ['app.js', 'app.json', 'app.wxss', ...APP.pages.flatMap(pageFiles)]) {
      expect(names, file).toContain(file);
    }
    // No TypeScript reaches the package: the plugin compiled it.
    expect([...names].filter((name) => name.endsWith('.ts'))).toEqual([]);
    expect(names).toContain('miniprogram_npm/@vant/weapp/button/index.js');
  });

  it('builds every page of the admin subpackage, with its own npm folder', () => {
    const names = new Set(compiled.entries.map((entry) => entry.name));
    const admin = APP.subPackages.find((sub) => sub.root === 'admin')!;
    expect(admin.pages.length).toBeGreaterThan(0);
    for (const page of admin.pages) {
      for (const file of pageFiles(`admin/${page}`)) expect(names, file).toContain(file);
    }
    expect(names).toContain('admin/services/admin-client.js');
    expect(names).toContain('admin/miniprogram_npm/qrcode-generator/index.js');
    // Console code stays out of the main package.
    expect([...names].filter((name) => /(^|\/)admin-client\.js$/.test(name))).toEqual([
      'admin/services/admin-client.js',
    ]);
  });

  it('keeps the main package under 400 KB and the admin subpackage under 2 MB', () => {
    const sizes = packageSizes(compiled.entries, subpackageRoots());
    const main = sizes.find((size) => size.root === '')!;
    const admin = sizes.find((size) => size.root === 'admin')!;
    expect(main.files).toBeGreaterThan(0);
    expect(admin.files).toBeGreaterThan(0);
    expect(main.bytes).toBeLessThan(MAIN_PACKAGE_TARGET_BYTES);
    expect(admin.bytes).toBeLessThan(SUBPACKAGE_LIMIT_BYTES);
    // Every file is counted once, in exactly one package.
    expect(sizes.reduce((sum, size) => sum + size.files, 0)).toBe(compiled.entries.length);
  });
});
