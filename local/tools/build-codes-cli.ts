/**
 * Bundles the codes CLI (`local/tools/codes.ts` and what it imports) into one plain-node script,
 * `local/tools/dist/codes.cjs`, so `npm run codes` starts at once instead of compiling TypeScript
 * on every run (issue 13, point 5). `npm ci` and `npm install` build it through the `prepare`
 * script; `npm run build:codes-cli` rebuilds it after the sources change. The bundle is not
 * committed (.gitignore): it is always made from the sources in the checkout.
 *
 *   await buildCodesCli()              → local/tools/dist/codes.cjs
 *   await buildCodesCli('/tmp/x.cjs')  → elsewhere (tests, the benchmark)
 */
import { build } from 'esbuild';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
export const CODES_CLI = path.join(ROOT, 'local/tools/dist/codes.cjs');

export async function buildCodesCli(outfile = CODES_CLI): Promise<string> {
  await build({
    entryPoints: [path.join(ROOT, 'local/tools/codes.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Source maps keep a crash report pointing at the TypeScript line.
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return outfile;
}

if (require.main === module) {
  void buildCodesCli().then(
    (outfile) => console.log(`codes CLI 已构建: ${path.relative(ROOT, outfile)}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
