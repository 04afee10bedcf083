/**
 * `npm run bench -- stats`: what a dashboard read costs with 10,000 and with 1,000,000 scans
 * recorded (issue 12 point 7). The figures come from write-time rollups, so the cost must follow
 * the number of buckets read, never the number of scans behind them.
 *
 * Scans are seeded straight into the database (a million resolves would take hours here): the
 * raw `scans` rows, and the rollup documents those scans make — built with the same rules the
 * scan uses (domain/rollups.ts scanIncrements), spread over 30 days, 24 hours, 34 provinces,
 * 5 products, 20 ranges and 3 campaigns. Then, for each size, through the whole stack:
 *
 *   dashboard         工作台 (today's scan and reward rollups, flagged payouts, budgets)
 *   scanStats day     30 days by province
 *   scanStats hour    7 days of hours
 *   hours × province  7 days of hours by province: the past hours from their folds (one
 *                     document per day, made by the first read, which is not measured), the
 *                     current hour from its shards; and the same up to the hour the run began
 *                     (folds only)
 *   me                the reference in the same run: an action that reads one document
 *
 * Sizes 10,000, 100,000 and 1,000,000. Printed: p50 of each call, its ratio to `me`, database
 * requests per call, buckets in the answer, and the ratios between sizes (of the times, and of
 * their ratios to `me`).
 * Fails (exit 1) when a read's database requests differ between the sizes (through the current
 * hour: exceed its bound, CLOCK_BOUND_REQUESTS) or its answer is wrong (hours by province must
 * add up to the hours); never on time. Knobs: BENCH_CALLS (30), BENCH_LARGE (1,000,000).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildFunctions } from '../../cloudfunctions/build';
import { PROVINCES } from '../../cloudfunctions/core/domain/regions';
import {
  dayLabel,
  dayStartOf,
  hourLabel,
  markTags,
  rollupId,
  scanIncrements,
  shardOf,
  splitIncrements,
  type ScanKeys,
} from '../../cloudfunctions/core/domain/rollups';
import { adminClient } from '../../local/admin-client';
import { startStack } from '../../local/stack';
import { onDatabaseRequest } from '../support/requests';
import { sdkFor } from '../support/sdk';

const CALLS = Number(process.env.BENCH_CALLS ?? 30);
const LARGE = Number(process.env.BENCH_LARGE ?? 1_000_000);
/** The middle size shows where the documents stop growing: every key present in every bucket. */
const SIZES = [10_000, Math.round(LARGE / 10), LARGE];
const ADMIN = 'o-bench-admin';
const DAYS = 30;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Reads whose requests follow the clock, not the scans: through today's hours by key, 2 (the
 * folds and the shards' write counts) plus 1 while the current hour has scans (its shards), and
 * once more when an hour ends during the run (its fold is written). Checked against a bound.
 */
const CLOCK_BOUND_REQUESTS: Record<string, number> = {
  'scanStats 7 days of hours × province': 3 + 1 / CALLS,
};

/** A small deterministic generator, so both sizes draw from the same distributions. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Measured {
  p50: number;
  requests: number;
  /** Buckets in the answer: what a read's cost may follow. */
  buckets?: number;
}

interface Seeded {
  scans: number;
  firstScans: number;
}

async function main(): Promise<void> {
  await buildFunctions();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mashang-bench-stats-'));
  const stack = await startStack({
    port: 0,
    dataDir: dir,
    timers: false,
    log: () => {},
    settings: { ADMIN_OPENIDS: ADMIN },
  });
  let requests = 0;
  onDatabaseRequest(stack, () => {
    requests += 1;
  });
  const db = sdkFor(stack.url).database();
  const now = Date.now();
  const today = dayStartOf(dayLabel(now));
  // Envelopes as they are: a refusal is reported with the read's name.
  const admin = adminClient(stack.url, ADMIN);

  /** Raw rows from `from` up to `to` (so the large size adds to the small one), and the rollups. */
  const seed = async (from: number, to: number): Promise<Seeded> => {
    const started = Date.now();
    const next = random(12);
    const rollups = new Map<string, Record<string, unknown>>();
    const hourRollups = new Map<string, Record<string, unknown>>();
    let firstScans = 0;
    let batch: Record<string, unknown>[] = [];
    const pending: Promise<unknown>[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const data = batch;
      batch = [];
      pending.push(db.collection('scans').add({ data }));
      if (pending.length >= 4) await Promise.all(pending.splice(0));
    };
    for (let i = 0; i < to; i += 1) {
      // Every size replays the same first scans, so the large one holds the small one.
      // Within the 30 China-time days that end with today, up to now.
      const at = now - Math.floor(next() * (now - (today - (DAYS - 1) * DAY)));
      const keys: ScanKeys = {
        product: `product-${Math.floor(next() * 5)}`,
        range: `9000000001:${Math.floor(next() * 20) * 10_000}`,
        campaign: `campaign-${Math.floor(next() * 3)}`,
        province: PROVINCES[Math.floor(next() * PROVINCES.length)]!,
      };
      const openid = `o-bench-${Math.floor(next() * (to / 3))}`;
      const firstScan = next() < 0.7;
      const fresh = next() < 0.5;
      const scanId = `bench-${i}`;
      if (firstScan) firstScans += 1;
      const day = dayLabel(at);
      const hour = hourLabel(at);
      const id = rollupId(day, shardOf(scanId));
      const split = splitIncrements(
        scanIncrements({
          hour,
          keys,
          // Half the scans are their user's first in every bucket they land in.
          firstIn: new Set(fresh ? markTags(hour, keys) : []),
          firstScan,
        }),
      );
      for (const [docs, increments] of [
        [rollups, split.day],
        [hourRollups, split.hours],
      ] as const) {
        const doc = docs.get(id) ?? { day: dayStartOf(day), shard: shardOf(scanId) };
        for (const [field, by] of Object.entries(increments)) {
          const parts = field.split('.');
          let node = doc as Record<string, any>;
          for (const part of parts.slice(0, -1)) node = node[part] ??= {};
          node[parts.at(-1)!] = (node[parts.at(-1)!] ?? 0) + by;
        }
        docs.set(id, doc);
      }
      if (i < from) continue;
      batch.push({
        _id: scanId,
        via: 'ticket',
        code: `B${String(i).padStart(8, '0')}`,
        applicationId: '9000000001',
        rangeStart: 0,
        openid,
        scannedAt: at,
        productId: keys.product,
        campaignId: keys.campaign,
        province: keys.province,
      });
      if (batch.length === 1000) await flush();
    }
    await flush();
    await Promise.all(pending);
    const _ = db.command;
    for (const [collection, built] of [
      ['scanRollups', rollups],
      ['scanHourRollups', hourRollups],
    ] as const) {
      await db
        .collection(collection)
        .where({ _id: _.exists(true) })
        .remove();
      const docs = [...built];
      for (let i = 0; i < docs.length; i += 50) {
        await db
          .collection(collection)
          .add({ data: docs.slice(i, i + 50).map(([id, doc]) => ({ _id: id, ...doc })) });
      }
    }
    console.log(
      `seeded ${to.toLocaleString('en-US')} scans (${(to - from).toLocaleString('en-US')} rows now) ` +
        `and ${rollups.size} rollup documents in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return { scans: to, firstScans };
  };

  const reads: Record<string, () => Promise<any>> = {
    // The hours that were over when the run began: from the folds alone.
    'scanStats 7 days of hours × province, finished': () =>
      admin.reply('scanStats', {
        from: new Date(today - 6 * DAY).toISOString(),
        to: new Date(now - (now % HOUR)).toISOString(),
        granularity: 'hour',
        groupBy: 'province',
      }),
    // The folds and the current hour's shards.
    'scanStats 7 days of hours × province': () =>
      admin.reply('scanStats', {
        from: new Date(today - 6 * DAY).toISOString(),
        to: new Date(today + DAY).toISOString(),
        granularity: 'hour',
        groupBy: 'province',
      }),
    me: () => admin.reply('me'),
    dashboard: () => admin.reply('dashboard'),
    'scanStats day × province': () =>
      admin.reply('scanStats', {
        from: new Date(today - (DAYS - 1) * DAY).toISOString(),
        to: new Date(today + DAY).toISOString(),
        granularity: 'day',
        groupBy: 'province',
      }),
    'scanStats 7 days of hours': () =>
      admin.reply('scanStats', {
        from: new Date(today - 6 * DAY).toISOString(),
        to: new Date(today + DAY).toISOString(),
        granularity: 'hour',
      }),
  };

  const measure = async (seeded: Seeded) => {
    const results: Record<string, Measured> = {};
    for (const [name, read] of Object.entries(reads)) {
      const answer = await read();
      if (!answer.ok) throw new Error(`${name}: ${JSON.stringify(answer)}`);
      const times: number[] = [];
      let counted = 0;
      for (let i = 0; i < CALLS; i += 1) {
        const before = requests;
        const started = performance.now();
        await read();
        times.push(performance.now() - started);
        counted += requests - before;
      }
      times.sort((a, b) => a - b);
      results[name] = {
        p50: times[Math.floor(times.length / 2)]!,
        requests: counted / CALLS,
        ...(answer.data?.buckets ? { buckets: answer.data.buckets.length as number } : {}),
      };
    }
    // The answers are the seeded figures, and hours by province (folds) add up to the hours.
    const month = await reads['scanStats day × province']!();
    if (
      month.data.totals.scans !== seeded.scans ||
      month.data.totals.firstScans !== seeded.firstScans
    ) {
      throw new Error(
        `scanStats answered ${JSON.stringify(month.data.totals)} for ${JSON.stringify(seeded)}`,
      );
    }
    const [byProvince, hours] = await Promise.all([
      reads['scanStats 7 days of hours × province']!(),
      reads['scanStats 7 days of hours']!(),
    ]);
    for (const figure of ['scans', 'firstScans'] as const) {
      if (byProvince.data.totals[figure] !== hours.data.totals[figure]) {
        throw new Error(
          `hours by province add up to ${JSON.stringify(byProvince.data.totals)}, ` +
            `hours to ${JSON.stringify(hours.data.totals)}`,
        );
      }
    }
    return results;
  };

  let failed = false;
  try {
    const results: Record<string, Measured>[] = [];
    let done = 0;
    for (const size of SIZES) {
      results.push(await measure(await seed(done, size)));
      done = size;
    }
    const label = (n: number) => n.toLocaleString('en-US');
    console.log(
      `\n| read | ${SIZES.map((n) => `${label(n)} scans: p50 ms (× me), requests, buckets`).join(' | ')} | ` +
        `${label(SIZES[2]!)} / ${label(SIZES[0]!)} | ${label(SIZES[2]!)} / ${label(SIZES[1]!)} |`,
    );
    console.log(`|---|${SIZES.map(() => '---|').join('')}---|---|`);
    for (const name of Object.keys(reads)) {
      const cells = results.map((r) => {
        const one = r[name]!;
        const buckets = one.buckets === undefined ? '' : `, ${one.buckets.toLocaleString('en-US')}`;
        return `${one.p50.toFixed(1)} (${(one.p50 / r.me!.p50).toFixed(1)}×), ${one.requests}${buckets}`;
      });
      // Between sizes: of the times, and of the times as multiples of `me` (which a busy
      // machine moves less).
      const [a, b, c] = results.map((r) => r[name]!.p50);
      const [ma, mb, mc] = results.map((r) => r[name]!.p50 / r.me!.p50);
      const between = (x: number, y: number, mx: number, my: number) =>
        `${(x / y).toFixed(2)} (× me ${(mx / my).toFixed(2)})`;
      console.log(
        `| ${name} | ${cells.join(' | ')} | ${between(c!, a!, mc!, ma!)} | ${between(c!, b!, mc!, mb!)} |`,
      );
      const counts = new Set(results.map((r) => r[name]!.requests));
      const byTheClock = CLOCK_BOUND_REQUESTS[name];
      if (byTheClock !== undefined) {
        const over = [...counts].filter((n) => n > byTheClock);
        if (over.length > 0) {
          console.error(`${name}: more than ${byTheClock} database requests: ${over.join(', ')}`);
          failed = true;
        }
      } else if (counts.size !== 1) {
        console.error(`${name}: database requests differ between sizes: ${[...counts].join(', ')}`);
        failed = true;
      }
    }
    console.log(`load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`);
  } finally {
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
