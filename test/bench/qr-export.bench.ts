/**
 * `npm run bench -- qr-export`: the channel QR scanners' export (issue 11 point 5) at its
 * maximum, 2,000,000 rows in 20 files: rows per second from the first file (the action) to the
 * last (scheduler ticks back to back, as a run of minutes would), and memory. The functions run
 * in worker threads whose heap is capped at their declared memory (admin 512 MB, scheduler
 * 256 MB), so an export that held its rows would die here; the process's peak RSS (emulator and
 * all) is printed as an upper bound. Rows: BENCH_ROWS (default 2,000,000).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildFunctions } from '../../cloudfunctions/build';
import { adminClient } from '../../local/admin-client';
import { startStack } from '../../local/stack';
import { seedQrScanners } from '../support/qr-scanners';
import { sdkFor } from '../support/sdk';

const ROWS = Number(process.env.BENCH_ROWS ?? 2_000_000);
const ADMIN = 'o-bench-admin';

async function main(): Promise<void> {
  await buildFunctions();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mashang-bench-qr-export-'));
  const stack = await startStack({
    port: 0,
    dataDir: dir,
    timers: false,
    log: () => {},
    settings: { ADMIN_OPENIDS: ADMIN },
  });
  try {
    const admin = adminClient(stack.url, ADMIN);
    const created = await admin.call('createChannelQr', { name: '基准', type: 'permanent' });
    const qrId = created.qr.qrId;

    let started = Date.now();
    const base = Date.now() - ROWS * 10;
    await seedQrScanners(stack.url, qrId, ROWS, base);
    const db = sdkFor(stack.url).database();
    const _ = db.command;
    await db
      .collection('oaQrcodes')
      .where({ _id: qrId })
      .update({ data: { metrics: { scanners: _.inc(ROWS) } } });
    console.log(`scanners: ${ROWS.toLocaleString('en-US')} inserted in ${s(started)}`);

    started = Date.now();
    const { exportId } = await admin.call('exportQrScanners', { qrId, order: 'desc' });
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
    const rss = process.resourceUsage().maxRSS * 1024;
    console.log(
      `export: ${progress.state}, ${progress.rowsDone.toLocaleString('en-US')} rows in ` +
        `${progress.filesDone} files, ${seconds.toFixed(1)} s (${ticks} scheduler runs): ` +
        `${Math.round(progress.rowsDone / seconds).toLocaleString('en-US')} rows/s; ` +
        `peak RSS of the whole stack ${Math.round(rss / 1024 / 1024)} MB`,
    );
    if (progress.state !== 'done' || progress.rowsDone !== Math.min(ROWS, 2_000_000)) {
      process.exitCode = 1;
    }
  } finally {
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const s = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
