/**
 * `npm test` runs three projects: `node` (unit, integration against a local stack on a free port,
 * and the CloudBase conformance suite), `component` (Mini Program pages in miniprogram-simulate)
 * and `browser` (the web preview in Debian's Chromium; skipped, with a notice, without it).
 */
import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './test/support/sequencer';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/{unit,integration,conformance}/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Test files in separate processes: each starts its own stack and worker pools.
          pool: 'forks',
        },
      },
      'test/component/vitest.project.ts',
      {
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          // Functions built as for the node project; the browser setup announces a skip loudly.
          globalSetup: ['test/support/global-setup.ts', 'test/browser/global-setup.ts'],
          // A stack with the demo seeded, Chromium and the preview's first build: slow on 2 cores.
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
    ],
    // Stacks and instance pools are heavy on 2 cores: two test files at a time.
    maxWorkers: 2,
    // The longest files start first (test/support/sequencer.ts).
    sequence: { sequencer: LongestFirstSequencer },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
