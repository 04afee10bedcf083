/**
 * `npm run bench:versus -- <commit> [bench] [runs]`: one benchmark (default `claims`) on an older
 * commit and on this checkout, alternated on the same machine (`runs` of each, default 3), and
 * every ratio of its tables side by side.
 *
 * A benchmark's ratios are against a reference in the same run, so machines and moments compare.
 * What a ratio cannot say alone is how much a change moved it when the change also moved the
 * reference: the claims benchmark's reference is a call through the same stack, so work that
 * makes the stack cheaper speeds both. Running the older code's own benchmark beside this one's,
 * alternated so a busy minute lands on both, answers "how much faster than before" directly.
 *
 * The older commit is checked out as a detached worktree under the system's temporary folder,
 * with this checkout's node_modules hard-linked in (refused when its lockfile asks for another
 * version of any package) and built; it is removed at the end.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

interface Sample {
  /** "run · column", e.g. "50 users, one campaign · v3 · claims/s ÷ ref". */
  key: string;
  value: number;
}

/** Every number in a column whose header is a ratio (`÷`) or a rate (`/s`), by row and column. */
export function ratiosOf(output: string): Sample[] {
  const samples: Sample[] = [];
  let header: string[] | undefined;
  for (const line of output.split('\n')) {
    if (!line.startsWith('|')) {
      header = undefined;
      continue;
    }
    const cells = line
      .slice(1, line.trimEnd().endsWith('|') ? line.trimEnd().length - 1 : undefined)
      .split('|')
      .map((cell) => cell.trim());
    if (!header) {
      header = cells;
      continue;
    }
    if (cells.every((cell) => /^:?-+:?$/.test(cell))) continue;
    // The row's name: its leading cells that are not numbers (run, pay), or its first column.
    const words = cells.slice(
      0,
      cells.findIndex((cell) => /^[\d.,]+$/.test(cell)),
    );
    const name = words.length > 0 ? words.join(' · ') : `${header[0]} ${cells[0]}`;
    header.forEach((column, at) => {
      if (!column.includes('÷') && !column.endsWith('/s')) return;
      const value = Number((cells[at] ?? '').replace(/,/g, ''));
      if (cells[at] && Number.isFinite(value)) samples.push({ key: `${name} · ${column}`, value });
    });
  }
  return samples;
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

/**
 * Packages (name@version) the older commit's lockfile has and this checkout's has nowhere: where a
 * package sits in node_modules may differ (npm hoists differently), its version may not.
 */
export function lockDifferences(olderLock: string, lock: string): string[] {
  type Lock = { packages: Record<string, { version?: string; extraneous?: boolean }> };
  const versions = (text: string) =>
    Object.entries((JSON.parse(text) as Lock).packages)
      .filter(([where, entry]) => where !== '' && entry.version && !entry.extraneous)
      .map(
        ([where, entry]) =>
          `${where.slice(where.lastIndexOf('node_modules/') + 13)}@${entry.version}`,
      );
  const here = new Set(versions(lock));
  return [...new Set(versions(olderLock))].filter((wanted) => !here.has(wanted));
}

function bench(cwd: string, name: string): string {
  const run = spawnSync('npm', ['run', 'bench', '--', name], { cwd, encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    throw new Error(`npm run bench -- ${name} failed in ${cwd} (exit ${run.status})`);
  }
  return run.stdout;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const shown = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(3);

function main(): void {
  const [commit, name = 'claims', runsText = '3'] = process.argv.slice(2);
  const runs = Number(runsText);
  if (!commit || !Number.isInteger(runs) || runs < 1) {
    console.error('usage: npm run bench:versus -- <commit> [bench] [runs]');
    process.exit(2);
  }
  const sha = git('rev-parse', '--verify', `${commit}^{commit}`);
  const missing = lockDifferences(
    git('show', `${sha}:package-lock.json`),
    readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'),
  );
  if (missing.length > 0) {
    console.error(
      `${commit} wants packages this checkout does not have (${missing.slice(0, 5).join(', ')}` +
        `${missing.length > 5 ? ', …' : ''}): compare from a checkout whose npm ci matches`,
    );
    process.exit(2);
  }
  const older = path.join(os.tmpdir(), `mashang-versus-${sha.slice(0, 12)}`);
  if (existsSync(older)) git('worktree', 'remove', '--force', older);
  git('worktree', 'add', '--detach', older, sha);
  try {
    execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), older]);
    execFileSync('npm', ['run', 'build'], { cwd: older, stdio: 'ignore' });
    const head = git('rev-parse', '--short', 'HEAD');
    const sides = [
      { label: sha.slice(0, 7), cwd: older, samples: [] as Sample[][] },
      { label: `${head} (this checkout)`, cwd: ROOT, samples: [] as Sample[][] },
    ];
    for (let run = 1; run <= runs; run += 1) {
      for (const side of sides) {
        const load = os.loadavg()[0]!.toFixed(1);
        console.log(`run ${run}/${runs}: ${name} at ${side.label} (load ${load})`);
        side.samples.push(ratiosOf(bench(side.cwd, name)));
      }
    }
    const [before, after] = sides;
    const values = (samples: Sample[][], key: string) =>
      samples.flatMap((run) => run.filter((sample) => sample.key === key).map((s) => s.value));
    const keys = [...new Set(after!.samples.flat().map((sample) => sample.key))].filter(
      (key) => values(before!.samples, key).length > 0,
    );
    console.log(
      `\n${name}: ${before!.label} against ${after!.label}, ${runs} runs each, alternated\n`,
    );
    console.log(`| row · column | ${before!.label} | ${after!.label} | after ÷ before (means) |`);
    console.log('|---|---|---|---:|');
    for (const key of keys) {
      const was = values(before!.samples, key);
      const now = values(after!.samples, key);
      const change = mean(was) === 0 ? '—' : `${(mean(now) / mean(was)).toFixed(2)}×`;
      console.log(
        `| ${key} | ${was.map(shown).join(', ')} | ${now.map(shown).join(', ')} | ${change} |`,
      );
    }
  } finally {
    git('worktree', 'remove', '--force', older);
  }
}

if (require.main === module) main();
