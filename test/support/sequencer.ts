/**
 * The order test files start in: the longest first, so two workers finish together instead of
 * one waiting on a two-minute file that happened to start last.
 *
 * Vitest orders by the durations of the previous run, which a developer's machine remembers and
 * a fresh clone (CI) does not; without them it falls back to file size, which says little here
 * (the 2,000,000-row export test is one of the shortest files and the longest run). So the files
 * known to take about 20 s or more on two cores go first, longest first, and the rest follow in
 * vitest's own order. Update the list when a test's length changes much (the summary reporter and
 * `npx vitest run --reporter=json` print each file's time).
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Paths relative to test/, longest first: seconds on a quiet 2-core machine in a fresh-clone CI run
 * (2026-12), the two export files as estimated since their volume is seeded straight into the
 * emulator's storage.
 */
export const LONGEST_FIRST = [
  'integration/data-exports-2m.test.ts', // ~125 s: 2,000,000 scans seeded (~25 s) and exported
  'integration/reward-reconcile.test.ts', // ~68 s: 500 claims under faults
  'browser/console-day.test.ts', // ~33 s
  'integration/channel-qr-exports.test.ts', // ~29 s: 250,000 scanners exported
  'unit/wechat-compile.test.ts', // ~27 s: miniprogram-ci compiles the Mini Program
  'integration/reward-claims.test.ts', // ~27 s
  'integration/codes-tokens.test.ts', // ~26 s
  'integration/process.test.ts', // ~25 s: npm start as a process, twice
  'browser/channel-qr.test.ts', // ~25 s
  'browser/codes.test.ts', // ~21 s
  'integration/data-exports.test.ts', // ~19 s
];

const rank = (spec: TestSpecification): number => {
  const at = LONGEST_FIRST.findIndex((file) => spec.moduleId.endsWith(`/test/${file}`));
  return at === -1 ? LONGEST_FIRST.length : at;
};

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    // Stable: within the same rank (everything off the list) vitest's order stands.
    return ordered
      .map((spec, index) => ({ spec, index }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.index - b.index)
      .map(({ spec }) => spec);
  }
}
