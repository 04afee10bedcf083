import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFunctions, FUNCTIONS_ROOT, listFunctionSources } from '../../cloudfunctions/build';

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
});
