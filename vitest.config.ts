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
          // Stacks and worker pools are heavy on 2 cores: one test file at a time per worker, few workers.
          pool: 'forks',
          poolOptions: { forks: { maxForks: 2, minForks: 1 } },
        },
      },
      'test/component/vitest.project.ts',
    ],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
