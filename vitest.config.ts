/**
 * `npm test` runs two projects: `node` (unit, integration against a local stack on a free port,
 * and the CloudBase conformance suite) and `component` (Mini Program pages in miniprogram-simulate).
 */
import { defineConfig } from 'vitest/config';

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
    ],
    // Stacks and instance pools are heavy on 2 cores: two test files at a time.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
