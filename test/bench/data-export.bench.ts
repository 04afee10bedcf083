/**
 * `npm run bench -- data-export`: the CRM export of scans (issue 12 point 6) at its maximum,
 * 2,000,000 rows in 20 files, on the machine the channel QR export uses (core/exports/jobs.ts):
 * rows per second from the first file (the action) to the last (scheduler ticks back to back, as
 * a run of minutes would), and memory. The functions run in worker threads whose heap is capped
 * at their declared memory (admin 512 MB, scheduler 256 MB), so an export that held its rows
 * would die here; the process's peak RSS (emulator and all) is printed as an upper bound, with
 * its growth over the export. Rows: BENCH_ROWS (default 2,000,000), plus 1,000 scans outside the
 * period that must not be exported.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildFunctions } from '../../cloudfunctions/build';
import { startStack } from '../../local/stack';
import { callFunction } from '../support/stack';
import { sdkFor } from '../support/sdk';

const ROWS = Number(process.env.BENCH_ROWS ?? 2_000_000);
const ADMIN = 'o-bench-admin';
const FROM = Date.parse('2026-03-01T00:00:00+08:00');

async function main(): Promise<void> {
  await buildFunctions();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mashang-bench-data-export-'));
  const stack = await startStack({
    port: 0,
    dataDir: dir,
    timers: false,
    log: () => {},
    settings: { ADMIN_OPENIDS: ADMIN },
  });
  try {
    const admin = async (action: string, params: object = {}) =>
      (await callFunction(stack.url, 'admin', { action, ...params }, { openid: ADMIN })).body;

    let started = Date.now();
    const scans = sdkFor(stack.url).database().collection('scans');
    // One scan a second from FROM (3 share each second past 1.3 M, so ties are paged by id),
    // then 1,000 the day before: outside the period.
    const at = (i: number) =>
      FROM + (i < 1_300_000 ? i : 1_300_000 + Math.floor((i - 1_300_000) / 3)) * 1000;
    for (let start = -1000; start < ROWS; start += 1000) {
      const data = [];
      for (let i = start; i < Math.min(ROWS, start + 1000); i += 1) {
        data.push({
          _id: `scan-${String(i + 1000).padStart(9, '0')}`,
          via: 'ticket',
          code: String(100_000_000 + Math.abs(i)),
          applicationId: 'app-bench',
          rangeStart: 0,
          openid: `o${String(Math.abs(i) % 500_000).padStart(27, '0')}`,
          scannedAt: i < 0 ? FROM - 86_400_000 + (i + 1000) : at(i),
          scene: 1124,
        });
      }
      await scans.add({ data });
    }
    console.log(`scans: ${(ROWS + 1000).toLocaleString('en-US')} inserted in ${s(started)}`);

    const rssBefore = process.memoryUsage().rss;
    started = Date.now();
    const reply = await admin('exportData', {
      kind: 'scans',
      from: new Date(FROM).toISOString(),
      to: new Date(FROM + 40 * 86_400_000).toISOString(),
    });
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    const { exportId } = reply.data;
    let progress = (await admin('getExport', { exportId })).data;
    let ticks = 0;
    while (progress.state === 'running') {
      await stack.runtime.invoke('scheduler', { Type: 'Timer' }, { SOURCE: 'wx_trigger' });
      ticks += 1;
      progress = (await admin('getExport', { exportId })).data;
      if (process.env.BENCH_VERBOSE)
        console.log(`  run ${ticks}: ${progress.filesDone} files, ${s(started)}`);
    }
    const seconds = (Date.now() - started) / 1000;
    const rss = process.resourceUsage().maxRSS * 1024;
    const expected = Math.min(ROWS, 2_000_000);
    console.log(
      `export: ${progress.state}, ${progress.rowsDone.toLocaleString('en-US')} rows ` +
        `(${progress.rowsPlanned.toLocaleString('en-US')} planned) in ${progress.filesDone} files, ` +
        `${seconds.toFixed(1)} s (${ticks} scheduler runs): ` +
        `${Math.round(progress.rowsDone / seconds).toLocaleString('en-US')} rows/s; ` +
        `peak RSS of the whole stack ${mb(rss)} MB (${mb(rssBefore)} MB before the export)`,
    );
    if (
      progress.state !== 'done' ||
      progress.rowsDone !== expected ||
      progress.filesDone !== Math.max(1, Math.ceil(expected / 100_000))
    ) {
      process.exitCode = 1;
    }
  } finally {
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const s = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
