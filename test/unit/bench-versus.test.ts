import { describe, expect, it } from 'vitest';
import { lockDifferences, ratiosOf } from '../bench/versus';

const CLAIMS = `
Reference: the same call refused at the edge (no database, no WeChat Pay)

| in flight | calls | p50 ms | p99 ms | calls/s | CPU ms / call | main thread busy |
|---:|---:|---:|---:|---:|---:|---:|
| 1 | 120 | 1.1 | 5.3 | 767 | 1.5 | 75% |
| 50 | 400 | 18.2 | 215.9 | 1,054 | 1.5 | 100% |

Claims (ratios against the reference at the same number in flight)

| run | pay | claims | p50 ms | p99 ms | claims/s | p50 ÷ ref | claims/s ÷ ref | db round trips / claim |
|---|---|---:|---:|---:|---:|---:|---:|---:|
| 50 users, one campaign | v3 | 400 | 1097.4 | 7239.2 | 27 | 60.3 | 0.025 | 13.00 |
| 16 in flight | v2 | 225 | 381.7 | 607.1 | 41 | 26.0 | — | 13.00 |

| collection | request | per claim |
|---|---|---:|
| campaigns | getDocument | 1.00 |
`;

describe('bench:versus', () => {
  it('reads every rate and ratio of a benchmark table by row and column', () => {
    expect(ratiosOf(CLAIMS)).toEqual([
      { key: 'in flight 1 · calls/s', value: 767 },
      { key: 'in flight 50 · calls/s', value: 1054 },
      { key: '50 users, one campaign · v3 · claims/s', value: 27 },
      { key: '50 users, one campaign · v3 · p50 ÷ ref', value: 60.3 },
      { key: '50 users, one campaign · v3 · claims/s ÷ ref', value: 0.025 },
      { key: '16 in flight · v2 · claims/s', value: 41 },
      { key: '16 in flight · v2 · p50 ÷ ref', value: 26 },
    ]);
  });

  it('refuses an older commit only for a package version this checkout lacks, wherever it sits', () => {
    const lock = (packages: Record<string, object>) =>
      JSON.stringify({ packages: { '': { name: 'mashang' }, ...packages } });
    const here = lock({
      'node_modules/ws': { version: '8.23.1' },
      'node_modules/mingo': { version: '7.2.6' },
    });
    // Nested there, hoisted here: the same version.
    expect(
      lockDifferences(lock({ 'node_modules/a/node_modules/ws': { version: '8.23.1' } }), here),
    ).toEqual([]);
    // Listed but never installed.
    expect(
      lockDifferences(lock({ 'node_modules/yaml': { version: '2.9.1', extraneous: true } }), here),
    ).toEqual([]);
    expect(lockDifferences(lock({ 'node_modules/mingo': { version: '6.4.0' } }), here)).toEqual([
      'mingo@6.4.0',
    ]);
  });
});
