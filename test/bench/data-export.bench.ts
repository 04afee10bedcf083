/**
 * `npm run bench -- data-export`: the CRM export of scans (issue 12 point 6) at its maximum,
 * 2,000,000 rows in 20 files, on the machine the channel QR export uses (core/exports/jobs.ts):
 * rows per second from the first file (the action) to the last (scheduler ticks back to back, as
 * a run of minutes would), and memory. The functions run in worker threads whose heap is capped
 * at their declared memory (admin 512 MB, scheduler 256 MB), so an export that held its rows
 * would die here; the process's peak RSS (emulator and all) is printed as an upper bound, with
 * its growth over the export. Rows: BENCH_ROWS (default 2,000,000), plus 1,000 scans outside the
 * period that must not be exported. The reference in the same run: the channel QR scanners'
 * export of as many rows (the same machine, issue 11's source); the ratio is what to compare
 * across machines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildFunctions } from '../../cloudfunctions/build';
import { startStack } from '../../local/stack';
import { adminClient, type AdminClient } from '../../local/admin-client';
import type { ExportStarted } from '../../typings/admin';
import { seedQrScanners } from '../support/qr-scanners';
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
    const admin = adminClient(stack.url, ADMIN);

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

    // Warm instances for both runs alike: a cold start is not the export's.
    await admin.call('me');
    await stack.runtime.invoke('scheduler', { Type: 'Timer' }, { SOURCE: 'wx_trigger' });
    const crm = await timeExport(
      admin,
      () =>
        admin.call('exportData', {
          kind: 'scans',
          from: new Date(FROM).toISOString(),
          to: new Date(FROM + 40 * 86_400_000).toISOString(),
        }),
      stack,
    );
    report('scans (CRM)', crm);

    // The reference: a channel QR code's scanners, as many rows.
    started = Date.now();
    const created = await admin.call('createChannelQr', { name: '基准', type: 'permanent' });
    const qrId = created.qr.qrId;
    await seedQrScanners(stack.url, qrId, ROWS, FROM);
    console.log(`reference: ${ROWS.toLocaleString('en-US')} QR scanners inserted in ${s(started)}`);
    const reference = await timeExport(
      admin,
      () => admin.call('exportQrScanners', { qrId, order: 'asc' }),
      stack,
    );
    report('QR scanners (reference)', reference);
    console.log(
      `ratio: the CRM scans export runs at ${(crm.rowsPerSecond / reference.rowsPerSecond).toFixed(2)}× ` +
        `the channel QR export's rows per second; peak RSS of the whole stack ` +
        `${mb(process.resourceUsage().maxRSS * 1024)} MB`,
    );

    const expected = Math.min(ROWS, 2_000_000);
    for (const outcome of [crm, reference]) {
      if (
        outcome.state !== 'done' ||
        outcome.rowsDone !== expected ||
        outcome.filesDone !== Math.max(1, Math.ceil(expected / 100_000))
      ) {
        process.exitCode = 1;
      }
    }
  } finally {
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  }
}

interface ExportOutcome {
  state: string;
  rowsDone: number;
  filesDone: number;
  seconds: number;
  ticks: number;
  rowsPerSecond: number;
  rssGrowthMb: number;
}

/** Starts an export and runs scheduler ticks back to back until it is done. */
async function timeExport(
  admin: AdminClient,
  start: () => Promise<ExportStarted>,
  stack: { runtime: { invoke(name: string, event: object, context: object): Promise<unknown> } },
): Promise<ExportOutcome> {
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  const { exportId } = await start();
  let progress = await admin.call('getExport', { exportId });
  let ticks = 0;
  while (progress.state === 'running') {
    await stack.runtime.invoke('scheduler', { Type: 'Timer' }, { SOURCE: 'wx_trigger' });
    ticks += 1;
    progress = await admin.call('getExport', { exportId });
    if (process.env.BENCH_VERBOSE)
      console.log(`  run ${ticks}: ${progress.filesDone} files, ${s(started)}`);
  }
  const seconds = (Date.now() - started) / 1000;
  return {
    state: progress.state,
    rowsDone: progress.rowsDone,
    filesDone: progress.filesDone,
    seconds,
    ticks,
    rowsPerSecond: progress.rowsDone / seconds,
    rssGrowthMb: mb(process.memoryUsage().rss - rssBefore),
  };
}

function report(name: string, outcome: ExportOutcome): void {
  console.log(
    `${name}: ${outcome.state}, ${outcome.rowsDone.toLocaleString('en-US')} rows in ` +
      `${outcome.filesDone} files, ${outcome.seconds.toFixed(1)} s (${outcome.ticks} scheduler runs): ` +
      `${Math.round(outcome.rowsPerSecond).toLocaleString('en-US')} rows/s; ` +
      `RSS of the whole stack ${outcome.rssGrowthMb >= 0 ? '+' : ''}${outcome.rssGrowthMb} MB over it`,
  );
}

const s = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
