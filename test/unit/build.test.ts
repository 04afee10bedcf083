import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  apisMissingFrom,
  buildFunctions,
  CLOUDBASE_RC,
  declaredRuntimes,
  FUNCTIONS_ROOT,
  listFunctionSources,
  parseRuntime,
  RUNTIME_TARGET,
} from '../../cloudfunctions/build';

describe('cloud functions build', () => {
  it('produces deployable folders: one index.js with the core bundled, wx-server-sdk left to the cloud', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'mashang-build-'));
    try {
      const built = await buildFunctions({ outDir: out });
      expect(built.map((fn) => fn.name)).toEqual(await listFunctionSources());
      for (const fn of built) {
        const bundle = await readFile(path.join(out, fn.name, 'index.js'), 'utf8');
        const manifest = JSON.parse(
          await readFile(path.join(out, fn.name, 'package.json'), 'utf8'),
        );
        expect(Object.keys(manifest.dependencies)).toEqual(['wx-server-sdk']);
        expect(
          JSON.parse(await readFile(path.join(out, fn.name, 'config.json'), 'utf8')),
        ).toHaveProperty('permissions');
        expect(bundle).toContain('require("wx-server-sdk")');
        // Only wx-server-sdk and Node built-ins may be required at run time: the rest is bundled.
        const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
        expect(
          required.filter((name) => name !== 'wx-server-sdk' && !name!.startsWith('node:')),
        ).toEqual([]);
      }
      expect(await readFile(path.join(out, 'admin', 'index.js'), 'utf8')).toMatch(
        /main: \(\) => main/,
      );
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('refuses a function whose package.json lists anything but wx-server-sdk', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'mashang-build-src-'));
    try {
      await mkdir(path.join(root, 'bad'));
      await writeFile(path.join(root, 'bad', 'index.ts'), 'export const main = async () => 1;');
      await writeFile(
        path.join(root, 'bad', 'package.json'),
        JSON.stringify({ dependencies: { 'wx-server-sdk': '~4', lodash: '^4' } }),
      );
      await expect(buildFunctions({ root })).rejects.toThrow(/lists lodash/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('finds the project functions', async () => {
    expect(FUNCTIONS_ROOT.endsWith('cloudfunctions')).toBe(true);
    expect(await listFunctionSources()).toEqual(expect.arrayContaining(['admin', 'scheduler']));
  });

  describe('declared runtime', () => {
    it('every function is declared on Node 18 or later, the version the bundles are built for', async () => {
      const runtimes = await declaredRuntimes(CLOUDBASE_RC);
      expect([...runtimes.keys()].sort()).toEqual(await listFunctionSources());
      const target = Number(/^node(\d+)$/.exec(RUNTIME_TARGET)?.[1]);
      expect(target).toBeGreaterThanOrEqual(18);
      for (const [name, runtime] of runtimes) {
        const version = parseRuntime(runtime);
        expect(version, `${name}: ${runtime}`).toBeDefined();
        expect(version![0], `${name} runs on ${runtime}, built for ${RUNTIME_TARGET}`).toBe(target);
      }
    });

    it('the project bundles use no API their declared runtime lacks', async () => {
      const out = await mkdtemp(path.join(os.tmpdir(), 'mashang-build-api-'));
      try {
        const built = await buildFunctions({ outDir: out });
        const runtimes = await declaredRuntimes(CLOUDBASE_RC);
        for (const fn of built) {
          const bundle = await readFile(path.join(out, fn.name, 'index.js'), 'utf8');
          expect(apisMissingFrom(bundle, parseRuntime(runtimes.get(fn.name)!)!), fn.name).toEqual(
            [],
          );
          // What CloudBase's Node 16.13 would have failed on: the bundles do need Node 18.
          if (/(?<![.\w$])fetch\(/.test(bundle))
            expect(apisMissingFrom(bundle, [16, 13])).toContain('fetch');
        }
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    });

    it('refuses a declaration older than the build target', async () => {
      const root = await fixtureFunction('export const main = async () => 1;');
      try {
        await writeRc(root, 'Nodejs16.13');
        await expect(
          buildFunctions({ root, cloudbaseRc: path.join(root, 'cloudbaserc.json') }),
        ).rejects.toThrow(/declares fn on Nodejs16\.13, but the functions are built for node18/);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });

    it('refuses a bundle that uses an API its declared runtime lacks, and accepts a feature test', async () => {
      const root = await fixtureFunction(
        'export const main = async () => AbortSignal.any([AbortSignal.timeout(5)]).aborted;',
      );
      try {
        await writeRc(root, 'Nodejs18.15');
        await expect(
          buildFunctions({ root, cloudbaseRc: path.join(root, 'cloudbaserc.json') }),
        ).rejects.toThrow(/uses AbortSignal\.any, which its declared runtime Nodejs18\.15 lacks/);
        expect(
          apisMissingFrom(
            'if (typeof URL.canParse === "function") return URL.canParse(x);',
            [18, 15],
          ),
        ).toEqual([]);
        expect(apisMissingFrom('return URL.canParse(x);', [18, 15])).toEqual(['URL.canParse']);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });
  });
});

async function fixtureFunction(source: string): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'mashang-build-rt-'));
  await mkdir(path.join(root, 'fn'));
  await writeFile(path.join(root, 'fn', 'index.ts'), source);
  await writeFile(
    path.join(root, 'fn', 'package.json'),
    JSON.stringify({ dependencies: { 'wx-server-sdk': '~4' } }),
  );
  return root;
}

async function writeRc(root: string, runtime: string): Promise<void> {
  await writeFile(
    path.join(root, 'cloudbaserc.json'),
    JSON.stringify({ functions: [{ name: 'fn', runtime }] }),
  );
}
