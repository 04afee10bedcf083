import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');

/** Runs `npm run stats:rebuild -- --url <stack>` as an operator would; its JSON outcome. */
export async function rebuildStats(url: string): Promise<Record<string, number>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
      'local/tools/stats-rebuild.ts',
      '--url',
      url,
    ],
    { cwd: ROOT, timeout: 120_000 },
  );
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, number>;
}
