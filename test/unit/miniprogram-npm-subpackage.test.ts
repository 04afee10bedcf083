/// <reference types="qrcode-generator" />
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { buildMiniprogramNpm } from '../../local/tools/build-miniprogram-npm';

const ROOT = path.resolve(__dirname, '../..');
const temps: string[] = [];

afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A project laid out like ours: the root package.json, the admin subpackage's, installed packages. */
function project(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mashang-npm-'));
  temps.push(root);
  fs.copyFileSync(path.join(ROOT, 'project.config.json'), path.join(root, 'project.config.json'));
  fs.writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'p', version: '0.0.0', dependencies: { dayjs: '*' } }),
  );
  fs.mkdirSync(path.join(root, 'miniprogram/admin'), { recursive: true });
  fs.copyFileSync(
    path.join(ROOT, 'miniprogram/admin/package.json'),
    path.join(root, 'miniprogram/admin/package.json'),
  );
  fs.mkdirSync(path.join(root, 'node_modules'));
  fs.mkdirSync(path.join(root, 'node_modules/@qiun'));
  for (const name of ['dayjs', 'qrcode-generator', '@qiun/ucharts']) {
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(root, 'node_modules', name));
  }
  return root;
}

test('构建 npm puts the QR encoder and the charts in the admin subpackage, never in the main package', async () => {
  const root = project();
  const result = buildMiniprogramNpm({ root, force: true });

  // The layout DevTools produces for project.config.json's two packNpmRelationList entries.
  expect(result.outDirs).toEqual([
    path.join(root, 'miniprogram/miniprogram_npm'),
    path.join(root, 'miniprogram/admin/miniprogram_npm'),
  ]);
  expect(fs.readdirSync(path.join(root, 'miniprogram/miniprogram_npm'))).toEqual(['dayjs']);
  expect(fs.readdirSync(path.join(root, 'miniprogram/admin/miniprogram_npm')).sort()).toEqual([
    '@qiun',
    'qrcode-generator',
  ]);
  // The built file is the library itself and runs without a DOM: the factory draws a matrix.
  const built = path.join(root, 'miniprogram/admin/miniprogram_npm/qrcode-generator/index.js');
  const factory = createRequire(__filename)(built) as QRCodeFactory;
  const code = factory(0, 'M');
  code.addData('/admin/pages/join/index');
  code.make();
  expect(code.getModuleCount()).toBe(25);

  // uCharts ships an ES module; the built file is CommonJS a Mini Program can require, and it
  // draws a line chart through the standard 2d context calls a `<canvas type="2d">` offers.
  const charts = path.join(root, 'miniprogram/admin/miniprogram_npm/@qiun/ucharts/index.js');
  expect(fs.readFileSync(charts, 'utf8')).not.toMatch(/^export /m);
  const { default: UCharts } = createRequire(__filename)(charts) as {
    default: new (options: object) => unknown;
  };
  const calls: string[] = [];
  const context = new Proxy({} as Record<string | symbol, unknown>, {
    get: (target, key) =>
      key in target || typeof key === 'symbol'
        ? target[key]
        : key === 'measureText'
          ? (text: string) => ({ width: String(text).length * 6 })
          : (...args: unknown[]) => calls.push(`${String(key)}(${args.length})`),
    set: (target, key, value) => ((target[key] = value), true),
  });
  new UCharts({
    type: 'line',
    context,
    width: 300,
    height: 200,
    pixelRatio: 1,
    animation: false,
    categories: ['1日', '2日', '3日'],
    series: [{ name: '扫码', data: [3, 8, 5] }],
  });
  // uCharts draws on its next timer tick, even without animation.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(calls.filter((call) => call.startsWith('lineTo')).length).toBeGreaterThanOrEqual(2);
  expect(context['strokeStyle']).toBeDefined();

  // A second run with nothing changed keeps both outputs.
  expect(buildMiniprogramNpm({ root }).skipped).toBe(true);
});

test('the admin subpackage and the root install the same QR encoder version', () => {
  const admin = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'miniprogram/admin/package.json'), 'utf8'),
  ) as { dependencies: Record<string, string> };
  const rootPackage = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  for (const [name, range] of Object.entries(admin.dependencies)) {
    // npm ci installs it through the root (devDependencies: never in the main miniprogram_npm).
    expect(rootPackage.devDependencies[name]).toBe(range);
    expect(rootPackage.dependencies[name]).toBeUndefined();
  }
});
