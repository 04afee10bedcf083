/**
 * `npm run bench -- scan`: what a consumer's scan costs us. `resolve` runs through the whole
 * local stack (POST /functions/scan → a warm instance → the real wx-server-sdk → the emulator, and
 * the WeChat simulator) after the demo seed, while the simulator holds every tickettocode answer
 * back by a fixed latency. Our own overhead is the p50 minus that latency.
 *
 *   sequential   one scan at a time: latency, and database round trips counted per scan (the
 *                emulator sees every request the SDK makes) by verdict
 *   concurrent   CONCURRENCY scans in flight (one warm instance each): throughput and latency
 *
 * Tickets come from the simulator ("user U scans code N") before the clock starts. Users come
 * from a pool and codes from the first CODE_SPAN of the demo range, so the run mixes first scans
 * with repeats. The pool grows with the run so that no user nears the per-user allowance
 * (core/scan/limits.ts: 30 scans per 10 minutes). Expected round trips (core/scan/resolve.ts):
 * 10 for a repeat, 11 for a code's first scan on an instance that has read the demo range (the
 * warm-up makes every instance read it); one more for a user's later call in a window another
 * instance made, one more for a user's first scan ever (a replay, never made here, 4–5).
 * The run fails when a sequential scan costs more than that table allows (ROUND_TRIPS_AT_MOST),
 * never on time. Knobs: BENCH_DELAY_MS (50), BENCH_SCANS (400), BENCH_CONCURRENCY (16).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildFunctions } from '../../cloudfunctions/build';
import { DEMO, seedDemo } from '../../local/seed/demo';
import { startStack } from '../../local/stack';
import { onDatabaseRequest, onStorageRequest } from '../support/requests';

const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 50);
const SCANS = Number(process.env.BENCH_SCANS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SEQUENTIAL = Math.min(200, SCANS);
// About ten scans per user at most on average, far below the allowance even for unlucky draws.
const USERS = Math.max(50, Math.ceil((SCANS + SEQUENTIAL + 2 * CONCURRENCY) / 10));
const CODE_SPAN = 300;

/**
 * The most a sequential scan may cost, by verdict: see core/scan/resolve.ts's table. One over
 * it: a user's first scan ever (their marks inserted) or a later call in a window a warm-up
 * instance made, never both (a user's first scan makes their window).
 */
const ROUND_TRIPS_AT_MOST: Record<string, number> = {
  GENUINE_FIRST: 12,
  GENUINE_REPEAT: 11,
  SUSPICIOUS: 11,
};

interface Launch {
  openid: string;
  ticket: string;
}

interface Timing {
  ms: number;
  kind: string;
  database: number;
}

async function main(): Promise<void> {
  await buildFunctions();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mashang-bench-scan-'));
  const stack = await startStack({
    port: 0,
    dataDir: dir,
    timers: false,
    log: () => {},
    wechat: { finishDelayMs: 0 },
  });
  const demo = await seedDemo(stack, { log: () => {} });
  // The day's rollup documents exist before the scans count in them (the scheduler's job).
  await stack.runtime.invoke(
    'scheduler',
    { Type: 'Timer', TriggerName: 'every-minute' },
    { SOURCE: 'wx_trigger' },
  );

  // Every database request the functions make reaches the emulator here, in this process.
  const requests = { database: 0, tokens: 0, storage: 0 };
  onDatabaseRequest(stack, (_action, collection) => {
    if (collection === 'tokens') requests.tokens += 1;
    else requests.database += 1;
  });
  onStorageRequest(stack, () => {
    requests.storage += 1;
  });

  const post = async (url: string, body: unknown, openid?: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(openid ? { 'x-wx-openid': openid } : {}),
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as any;
  };
  let seed = 7;
  const random = (n: number): number => {
    // 32-bit arithmetic (a plain product passes 2^53 and loses its low bits, which made every
    // draw the same user), and the high bits, which cycle far longer than the low ones.
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) & 0x7fffffff;
    return (seed >>> 16) % n;
  };
  const launches = async (count: number): Promise<Launch[]> => {
    const made: Launch[] = [];
    for (let i = 0; i < count; i += 1) {
      const openid = `o-bench-${random(USERS)}`;
      const launch = await post(`${stack.url}/wechat/_sim/scan`, {
        openid,
        applicationId: Number(demo.applicationId),
        index: demo.codeStart + random(CODE_SPAN),
      });
      made.push({ openid, ticket: launch.query.code_ticket });
    }
    return made;
  };
  const resolve = async (launch: Launch): Promise<Timing> => {
    const before = requests.database;
    const started = process.hrtime.bigint();
    const reply = await post(
      `${stack.url}/functions/scan`,
      { action: 'resolve', codeTicket: launch.ticket, scene: 1124 },
      launch.openid,
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (!reply.ok) throw new Error(`resolve failed: ${JSON.stringify(reply.error)}`);
    return { ms, kind: reply.data.verdict.kind, database: requests.database - before };
  };

  await post(`${stack.url}/wechat/_sim/faults`, {
    api: 'tickettocode',
    delayMs: DELAY_MS,
    times: 1_000_000_000,
  });

  // Warm CONCURRENCY instances (cold starts and the first token read are not what we measure).
  const warmup = await launches(CONCURRENCY * 2);
  await Promise.all(warmup.map(resolve));

  const sequentialLaunches = await launches(SEQUENTIAL);
  const sequential: Timing[] = [];
  for (const launch of sequentialLaunches) sequential.push(await resolve(launch));

  const concurrentLaunches = await launches(SCANS);
  const before = { ...requests };
  const concurrent: Timing[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < concurrentLaunches.length) {
        const launch = concurrentLaunches[next];
        next += 1;
        concurrent.push(await resolve(launch!));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = {
    database: requests.database - before.database,
    tokens: requests.tokens - before.tokens,
    storage: requests.storage - before.storage,
  };

  await stack.close();
  await rm(dir, { recursive: true, force: true });

  const ms = (n: number): string => n.toFixed(1);
  const p = (timings: Timing[], q: number): number => {
    const sorted = timings.map((t) => t.ms).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  };
  console.log(
    `\nscan.resolve through the local stack, tickettocode held back ${DELAY_MS} ms by the simulator ` +
      `(${USERS} users, codes ${DEMO.activated.from}–${CODE_SPAN - 1} of the demo range)\n`,
  );
  console.log('| run | scans | p50 ms | p99 ms | our overhead at p50 ms | scans/s |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, timings, rate] of [
    ['sequential', sequential, undefined],
    [`${CONCURRENCY} in flight`, concurrent, concurrent.length / seconds],
  ] as const) {
    const p50 = p(timings, 0.5);
    console.log(
      `| ${name} | ${timings.length} | ${ms(p50)} | ${ms(p(timings, 0.99))} | ${ms(p50 - DELAY_MS)} | ${
        rate === undefined ? (1000 / p50).toFixed(0) : rate.toFixed(0)
      } |`,
    );
  }

  console.log('\nDatabase round trips per scan (sequential run, counted by the emulator)\n');
  console.log('| verdict | scans | round trips (min–max) |');
  console.log('|---|---:|---:|');
  const kinds = [...new Set(sequential.map((t) => t.kind))].sort();
  for (const kind of kinds) {
    const trips = sequential.filter((t) => t.kind === kind).map((t) => t.database);
    console.log(`| ${kind} | ${trips.length} | ${Math.min(...trips)}–${Math.max(...trips)} |`);
  }
  const over = sequential.filter((t) => t.database > (ROUND_TRIPS_AT_MOST[t.kind] ?? 0));
  if (over.length > 0) {
    throw new Error(
      `round trips off the table (core/scan/resolve.ts): ${over
        .map((t) => `${t.kind} ${t.database}`)
        .join(', ')}`,
    );
  }
  const perScan = (n: number): string => (n / concurrent.length).toFixed(2);
  console.log(
    `\n${CONCURRENCY} in flight: ${perScan(used.database)} database round trips per scan, ` +
      `plus ${perScan(used.tokens)} OA token reads and ${perScan(used.storage)} storage calls ` +
      `(temporary image URLs) per scan, amortised over warm instances`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
