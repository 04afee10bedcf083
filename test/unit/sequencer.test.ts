import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestSpecification, Vitest } from 'vitest/node';
import { describe, expect, it } from 'vitest';
import LongestFirstSequencer, { LONGEST_FIRST } from '../support/sequencer';

const root = path.resolve(__dirname, '../..');

/** A fresh clone: vitest remembers no durations and no sizes. */
const freshClone = {
  config: { root },
  cache: { getFileTestResults: () => undefined, getFileStats: () => undefined },
} as unknown as Vitest;

const spec = (file: string) =>
  ({ moduleId: path.join(root, 'test', file), project: { name: 'node' } }) as TestSpecification;

describe('test file order', () => {
  it('starts the longest files first in a fresh clone, the rest in their order', async () => {
    const files = [
      'unit/where.test.ts',
      'integration/reward-claims.test.ts',
      'component/landing.test.ts',
      'integration/data-exports-2m.test.ts',
      'integration/reward-reconcile.test.ts',
    ];
    const sorted = await new LongestFirstSequencer(freshClone).sort(files.map(spec));
    expect(sorted.map((entry) => path.relative(path.join(root, 'test'), entry.moduleId))).toEqual([
      'integration/data-exports-2m.test.ts',
      'integration/reward-reconcile.test.ts',
      'integration/reward-claims.test.ts',
      'unit/where.test.ts',
      'component/landing.test.ts',
    ]);
  });

  it('names only test files that exist', () => {
    for (const file of LONGEST_FIRST)
      expect(existsSync(path.join(root, 'test', file)), file).toBe(true);
  });
});
