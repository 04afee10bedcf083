/**
 * `npm run bench`: what the CloudBase protocol costs locally. Each operation runs through the
 * real wx-server-sdk against the emulator (HTTP, EJSON, query planning, SQLite) and, in the same
 * run, as the same statement on raw better-sqlite3 with the same settings. The ratio is the
 * overhead of everything above SQLite; absolute numbers depend on the machine, ratios much less.
 */
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startStack } from '../../local/stack';
import { sdkFor } from '../support/sdk';

const N = Number(process.env.BENCH_N ?? 2000);

interface Row {
  operation: string;
  sdkPerSecond: number;
  rawPerSecond: number;
}

async function timed(
  count: number,
  run: (i: number) => Promise<unknown> | unknown,
): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await run(i);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mashang-bench-'));
  const stack = await startStack({
    port: 0,
    dataDir: path.join(dir, 'stack'),
    timers: false,
    log: () => {},
  });
  const db = sdkFor(stack.url).database();
  const _ = db.command;
  const codes = db.collection('codes');

  const raw = new Database(path.join(dir, 'raw.sqlite'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec(`CREATE TABLE docs (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
            CREATE UNIQUE INDEX docs_code ON docs (json_extract(doc, '$.code'));
            CREATE INDEX docs_state ON docs (json_extract(doc, '$.state'));`);
  const rawInsert = raw.prepare('INSERT INTO docs (id, doc) VALUES (?, ?)');
  const rawGet = raw.prepare('SELECT doc FROM docs WHERE id = ?');
  const rawUpdate = raw.prepare(
    `UPDATE docs SET doc = json_set(doc, '$.state', 'scanned', '$.scans', json_extract(doc, '$.scans') + 1)
     WHERE json_extract(doc, '$.code') = ? AND json_extract(doc, '$.state') = 'new'`,
  );
  const rawCount = raw.prepare(
    `SELECT COUNT(*) AS n FROM docs WHERE json_extract(doc, '$.code') = ?`,
  );

  const code = (i: number): string => String(100000000 + i);
  const document = (i: number) => ({ code: code(i), state: 'new', scans: 0, batch: i % 10 });
  const rows: Row[] = [];

  // Warm both sides (connections, statement caches, JIT) before measuring.
  await codes.add({ data: { _id: 'warm', code: 'warm', state: 'warm', scans: 0 } });
  for (let i = 0; i < 50; i += 1) await codes.doc('warm').get();

  rows.push({
    operation: 'insert one document',
    sdkPerSecond: await timed(N, (i) => codes.add({ data: { _id: `c${i}`, ...document(i) } })),
    rawPerSecond: await timed(N, (i) => rawInsert.run(`c${i}`, JSON.stringify(document(i)))),
  });
  rows.push({
    operation: 'get by _id',
    sdkPerSecond: await timed(N, (i) => codes.doc(`c${i}`).get()),
    rawPerSecond: await timed(N, (i) => JSON.parse((rawGet.get(`c${i}`) as { doc: string }).doc)),
  });
  rows.push({
    operation: 'conditional update (indexed key + state)',
    sdkPerSecond: await timed(N, (i) =>
      codes
        .where({ code: code(i), state: 'new' })
        .update({ data: { state: 'scanned', scans: _.inc(1) } }),
    ),
    rawPerSecond: await timed(N, (i) => rawUpdate.run(code(i))),
  });
  rows.push({
    operation: 'count on an indexed field',
    sdkPerSecond: await timed(N, (i) => codes.where({ code: code(i) }).count()),
    rawPerSecond: await timed(N, (i) => rawCount.get(code(i))),
  });

  await stack.close();
  raw.close();
  await rm(dir, { recursive: true, force: true });

  const format = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log(
    `\nCloudBase emulator vs raw better-sqlite3 (${N} operations each, one client, sequential)\n`,
  );
  console.log(`| operation | SDK → emulator ops/s | raw SQLite ops/s | overhead (raw ÷ SDK) |`);
  console.log(`|---|---:|---:|---:|`);
  for (const row of rows) {
    console.log(
      `| ${row.operation} | ${format(row.sdkPerSecond)} | ${format(row.rawPerSecond)} | ${(row.rawPerSecond / row.sdkPerSecond).toFixed(1)}× |`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
