/**
 * The CRM scans export at its maximum (issue 12 point 6): 2,000,000 rows in 20 files of
 * 100,000, in constant memory. The functions run in worker threads whose heap is capped at their
 * declared memory (scheduler 256 MB, admin 512 MB: local/runtime/instance.ts); 2,000,000 rows
 * as CSV are about 180 MB (about twice that as strings), so an export that held its rows rather
 * than one file at a time could not finish inside them. Scans beyond the cap are left out, not a
 * 21st file. About two minutes, most of it the export.
 * Volume comes from scan documents written straight into the emulator's `scans` with its seeding
 * helper (`stack.database.insertDocuments`), shaped as data/scans.ts writes them: what is tested
 * is the export, and 2,000 SDK adds cost about three times the CPU of the same rows seeded
 * directly. test/bench/data-export.bench.ts measures the same run's speed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../../local/admin-client';
import { startTestStack, type TestStack } from '../support/stack';

const ADMIN = 'o-2m-admin';
const ROWS = 2_000_000;
/** More than the cap: the last 500 must not be exported. */
const INSERTED = ROWS + 500;
const FROM = Date.parse('2026-02-01T00:00:00+08:00');
/** Scan i: one a second, two sharing each second past the first million (ties paged by id). */
const atOf = (i: number) =>
  FROM + (i < 1_000_000 ? i : 1_000_000 + Math.floor((i - 1_000_000) / 2)) * 1000;
const idOf = (i: number) => `s2m-${String(i).padStart(8, '0')}`;
/** Scans per seeding call (one SQLite transaction each). */
const SEED_BATCH = 10_000;

describe('the CRM scans export at 2,000,000 rows', () => {
  let stack: TestStack;
  const admin = () => adminClient(stack.url, ADMIN);

  beforeAll(async () => {
    stack = await startTestStack({ settings: { ADMIN_OPENIDS: ADMIN } });
    for (let start = 0; start < INSERTED; start += SEED_BATCH) {
      const data = [];
      for (let i = start; i < Math.min(INSERTED, start + SEED_BATCH); i += 1) {
        data.push({
          _id: idOf(i),
          via: 'ticket',
          code: String(300_000_000 + i),
          applicationId: 'app-2m',
          rangeStart: 0,
          openid: `o-2m-${i % 100_000}`,
          scannedAt: atOf(i),
          scene: 1124,
        });
      }
      await stack.database.insertDocuments('scans', data);
    }
  }, 600_000);
  afterAll(() => stack?.destroy());

  it('writes 20 files of exactly 100,000 rows, in order, across scheduler runs', async () => {
    const { exportId } = await admin().call('exportData', {
      kind: 'scans',
      from: new Date(FROM).toISOString(),
      to: new Date(FROM + 60 * 86_400_000).toISOString(),
    });
    let progress = await admin().call('getExport', { exportId });
    let runs = 0;
    while (progress.state === 'running' && runs < 10) {
      await stack.runtime.invoke(
        'scheduler',
        { Type: 'Timer', TriggerName: 'every-minute' },
        { SOURCE: 'wx_trigger' },
      );
      runs += 1;
      progress = await admin().call('getExport', { exportId });
    }
    expect(progress).toMatchObject({ state: 'done', rowsDone: ROWS, filesDone: 20 });
    // More than one run: the export went on across the functions' time limits.
    expect(runs).toBeGreaterThan(1);
    expect(progress.files.map((file: { name: string }) => file.name)).toEqual(
      Array.from(
        { length: 20 },
        (_, n) => `scans-20260201-20260401-${String(n + 1).padStart(2, '0')}.csv`,
      ),
    );

    // The first and the last file, read through their links: 100,000 rows each, the last
    // ending on the 2,000,000th scan (the 500 past the cap are not in it).
    for (const [index, first, last] of [
      [0, 0, 99_999],
      [19, 1_900_000, 1_999_999],
    ] as const) {
      const text = await (await fetch(progress.files[index].url)).text();
      const lines = text
        .replace(/^\ufeff/, '')
        .split('\r\n')
        .slice(1, -1);
      expect(lines).toHaveLength(100_000);
      expect(lines[0]!.split(',')[1]).toBe(String(300_000_000 + first));
      expect(lines.at(-1)!.split(',')[1]).toBe(String(300_000_000 + last));
    }
  }, 600_000);
});
