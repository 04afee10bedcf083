/**
 * `npm run bench`: every `*.bench.ts` in this folder, one after another (they would skew each
 * other's timings side by side on two cores), each in its own process. `npm run bench -- codes`
 * runs only those whose name contains `codes`. Exits non-zero if any benchmark does.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const filters = process.argv.slice(2);
const benches = readdirSync(__dirname)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

let failed = 0;
for (const name of benches) {
  console.log(`\n=== ${name} ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, name)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed += 1;
}
if (benches.length === 0) console.log(`no benchmark matches ${filters.join(', ')}`);
process.exitCode = failed > 0 || benches.length === 0 ? 1 : 0;
