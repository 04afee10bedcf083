/**
 * Vitest project for Mini Program component tests. Include it from the root config:
 *   export default defineConfig({ test: { projects: ['test/component/vitest.project.ts', …] } })
 * or run it alone: `npx vitest run --config test/component/vitest.config.ts`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineProject({
  test: {
    name: 'component',
    environment: 'jsdom',
    // Anchored to this folder, so the project finds its tests whichever config includes it.
    dir: here,
    include: ['**/*.test.ts'],
    // miniprogram_npm must exist before any page renders; the build is a no-op when up to date.
    globalSetup: [path.join(here, 'global-setup.ts')],
    // The first render of a worker compiles every template with wcc (~1 s on 2 cores).
    testTimeout: 20_000,
    // One module registry per worker, not per file: the harness already renders every page with
    // fresh Mini Program modules and a reset `wx` (harness.ts), so what files would otherwise
    // each redo is loading simulate, jsdom and the compiled templates (28 files: 116 → 44 CPU-s).
    isolate: false,
    // Consumers and their phones are in China: dates render in China Standard Time, as they would.
    env: { TZ: 'Asia/Shanghai' },
  },
});
