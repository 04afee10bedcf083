/**
 * `npm run bench -- claims`: what a reward claim costs. `reward.claim` runs through the whole
 * local stack (POST /functions/reward → a warm instance → the real wx-server-sdk → the emulator,
 * and the WeChat Pay simulator at /wechatpay) after the demo seed, one running campaign at a
 * time with a budget no run can use up.
 *
 *   reference      a claim refused at the edge (empty scanId: no database, no WeChat Pay) through
 *                  the same runtime, at 1, 16 and 50 in flight; every ratio below is against it
 *   sequential     one first claim at a time, each by its own user on its own code: latency, and
 *                  database round trips counted per claim by the emulator
 *   second tap     a claim made again as soon as its answer is back (the payout it has)
 *   16 in flight   distinct users, distinct codes
 *   50 users       50 users hammering one campaign at once, each claiming its own codes in turn
 *   one code       50 users claiming the same code at once: one payout, 49 duplicate answers
 *
 * v3 商家转账 runs every case; v2 red envelopes the sequential and 16 in flight ones. Scanned
 * codes (`scans` and `codes` documents shaped as the scan function writes them) are inserted
 * straight into the emulator before the clock starts, past the request counter.
 *
 * Exits non-zero only for wrong answers: a claim refused with budget to spare, a code with two
 * payouts, a bill created twice, books that do not balance or exceed the budget, or database
 * round trips that differ from core/rewards/claim.ts's table. Times are reported, never judged;
 * a claim that fails in the runtime (an overloaded machine: timeouts) is reported, and exempts
 * its run from the exact counts but not from the books.
 * Knobs: BENCH_CLAIMS (300, the 16-in-flight run; the others scale from it).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CampaignFields, CampaignPayoutSettings } from '../../typings/admin';
import { buildFunctions } from '../../cloudfunctions/build';
import {
  effectiveThresholds,
  type SuspicionThresholds,
} from '../../cloudfunctions/core/domain/verdict';
import { seedDemo } from '../../local/seed/demo';
import { startStack } from '../../local/stack';
import { onDatabaseRequest } from '../support/requests';

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 300);
const SEQUENTIAL = Math.max(20, Math.round(CLAIMS * 0.4));
const REPEATS = Math.max(10, Math.round(CLAIMS * 0.15));
const CONCURRENCY = 16;
const HAMMER_USERS = 50;
const HAMMER_CODES_PER_USER = Math.max(2, Math.round(CLAIMS / 40));
const CROWD_USERS = 50;
const CROWD_CODES = 5;
const V2_SEQUENTIAL = Math.max(20, Math.round(CLAIMS * 0.25));
const V2_CLAIMS = Math.max(40, Math.round(CLAIMS * 0.75));
/** Instances are warmed in waves that at most double the warm ones (50 cold at once time out). */
const WARMUP_WAVES = [8, 16, 32, 50];
const AMOUNT_FEN = 100;
const BUDGET_FEN = 10_000_000;
const ADMIN = 'o-local-admin';

/**
 * core/rewards/claim.ts's table for one candidate campaign without an IP limit, each claim by a
 * user new to the campaign, on a warm instance: rounds 1–6 = 1 + 2 + 1 + 1 + 1 + 2 (round 1
 * reads the scan; round 2 reads the payout ‖ the code's state, which carries its range and
 * product; round 3 inserts the user's quota; round 4 holds the budget; round 5 inserts the
 * payout as sending; round 6 records the provider's answer ‖ counts the claim in the figures'
 * rollup). An instance whose running campaigns are a minute old reads them beside round 1: one
 * more, counted apart (`campaignReads`: no hold misses here, so every `campaigns` read is one).
 * A repeated claim stops after round 2. A claim that loses the code lock at the insert gives
 * its hold and quota back ‖ reads the winner (claim.ts); a loser's refusal is then recorded and
 * counted like every refusal.
 */
const FIRST_CLAIM_TRIPS = 1 + 2 + 1 + 1 + 1 + 2;
const REPEAT_CLAIM_TRIPS = 1 + 2;
const LOST_LOCK_TRIPS = 1 + 2 + 1 + 1 + 1 + 3;
/** An instance reads the running campaigns at most once a minute (rewards/running-campaigns.ts). */
const CAMPAIGNS_TTL_S = 60;
/** A refused claim (a loser of one code: CODE_ALREADY_REWARDED) records and counts it, side by side. */
const REFUSAL_TRIPS = 2;

interface Claimant {
  scanId: string;
  openid: string;
  code: string;
}

interface Answer {
  ms: number;
  ok: boolean;
  /** Refusal code, or the payout state. */
  outcome: string;
  /**
   * The claim failed in the runtime rather than being answered (an instance timed out, or the
   * SDK gave up on the emulator and the function answered INTERNAL): an overloaded machine.
   */
  failed: boolean;
  database: number;
  /** Reads of `campaigns` during the call (exact only when nothing else runs). */
  campaignReads: number;
}

interface Run {
  name: string;
  provider: 'v3' | 'v2' | '—';
  width: number;
  answers: Answer[];
  seconds: number;
  database: number;
  /** Reads of the running campaigns: an instance's list a minute old, read again. */
  campaignReads: number;
  /** Payout inserts tried: the claims that reached the code lock. */
  inserts: number;
  /** Every WeChat Pay call, and the creating ones (transfer-create, sendminiprogramhb). */
  pay: number;
  creates: number;
  /** CPU of the whole process (stack, instances, simulators) per answer. */
  cpuMs: number;
  /** Share of the time the main thread (emulator, HTTP server, simulators) was busy. */
  mainBusy: number;
  /**
   * CPU the main thread itself spent per answer (Linux; NaN elsewhere): unlike `mainBusy`, not
   * inflated by the time it waited for a core the instances held.
   */
  mainCpuMs: number;
}

/** CPU time of this process's main thread so far, in ms (Linux /proc; NaN elsewhere). */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name: state is the first, utime and stime the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
/** USER_HZ: 100 on every Linux Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

const problems: string[] = [];
const check = (ok: boolean, problem: string): void => {
  if (!ok) problems.push(problem);
};

async function main(): Promise<void> {
  await buildFunctions();
  // Shared machines skew absolute numbers (the ratios much less): the report says how busy it was.
  const loadBefore = os.loadavg()[0]!;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mashang-bench-claims-'));
  const functionErrors: string[] = [];
  const stack = await startStack({
    port: 0,
    dataDir: dir,
    timers: false,
    log: (line) => {
      if (line.includes('] ! ')) functionErrors.push(line);
    },
    wechat: { finishDelayMs: 0 },
  });
  const demo = await seedDemo(stack, { log: () => {}, campaign: false });
  // The day's rollup documents exist before the claims count in them, as the scheduler keeps
  // them in production (core/stats/rebuild.ts prepareRollupDays).
  await stack.runtime.invoke(
    'scheduler',
    { Type: 'Timer', TriggerName: 'every-minute' },
    { SOURCE: 'wx_trigger' },
  );

  // Every database request the functions make reaches the emulator here, in this process.
  const requests = { database: 0, payoutInserts: 0, campaignReads: 0 };
  const byCollection = new Map<string, number>();
  const { database } = stack;
  onDatabaseRequest(stack, (action, named) => {
    requests.database += 1;
    const collection = named ?? '(tx)';
    if (collection === 'payouts' && action === 'database.insertDocument')
      requests.payoutInserts += 1;
    if (collection === 'campaigns' && action === 'database.getDocument')
      requests.campaignReads += 1;
    const key = `${collection} ${action.replace('database.', '')}`;
    byCollection.set(key, (byCollection.get(key) ?? 0) + 1);
  });

  const post = async (url: string, body: unknown, openid?: string): Promise<any> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(openid ? { 'x-wx-openid': openid } : {}),
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  };
  const payState = async (): Promise<any> =>
    (await fetch(`${stack.url}/wechatpay/_sim/state`)).json();
  const payCalls = async (): Promise<{ pay: number; creates: number }> => {
    const { calls } = (await payState()) as { calls: Record<string, number> };
    return {
      pay: Object.values(calls).reduce((sum, n) => sum + n, 0),
      creates: (calls['transfer-create'] ?? 0) + (calls.sendminiprogramhb ?? 0),
    };
  };
  /** Counters of one run: database requests, WeChat Pay calls, CPU and main-thread time. */
  const counters = async () => ({
    database: requests.database,
    campaignReads: requests.campaignReads,
    inserts: requests.payoutInserts,
    ...(await payCalls()),
    cpu: process.cpuUsage(),
    mainCpu: mainThreadCpuMs(),
    loop: performance.eventLoopUtilization(),
  });
  const since = async (
    before: Awaited<ReturnType<typeof counters>>,
    answers: number,
  ): Promise<
    Pick<
      Run,
      | 'database'
      | 'campaignReads'
      | 'inserts'
      | 'pay'
      | 'creates'
      | 'cpuMs'
      | 'mainBusy'
      | 'mainCpuMs'
    >
  > => {
    const now = await counters();
    const cpu = process.cpuUsage(before.cpu);
    return {
      database: now.database - before.database,
      campaignReads: now.campaignReads - before.campaignReads,
      inserts: now.inserts - before.inserts,
      pay: now.pay - before.pay,
      creates: now.creates - before.creates,
      cpuMs: (cpu.user + cpu.system) / 1000 / answers,
      mainBusy: performance.eventLoopUtilization(now.loop, before.loop).utilization,
      mainCpuMs: (now.mainCpu - before.mainCpu) / answers,
    };
  };
  const admin = async (event: Record<string, unknown>): Promise<any> => {
    const reply = await post(`${stack.url}/functions/admin`, event, ADMIN);
    if (!reply.ok) throw new Error(`admin ${String(event.action)}: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };

  /** One call of the reward function; a runtime failure (timeout, crash) is an answer too. */
  const callReward = async (scanId: string, openid: string): Promise<Answer> => {
    const before = requests.database;
    const campaignReadsBefore = requests.campaignReads;
    const started = process.hrtime.bigint();
    const response = await fetch(`${stack.url}/functions/reward`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
      body: JSON.stringify({ action: 'claim', scanId }),
    });
    const reply = (await response.json()) as any;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const database = requests.database - before;
    const campaignReads = requests.campaignReads - campaignReadsBefore;
    if (!response.ok) {
      return {
        ms,
        ok: false,
        outcome: `HTTP ${response.status}`,
        failed: true,
        database,
        campaignReads,
      };
    }
    return {
      ms,
      ok: reply.ok,
      outcome: reply.ok ? reply.data.payout.state : reply.error.code,
      failed: !reply.ok && reply.error.code === 'INTERNAL',
      database,
      campaignReads,
    };
  };
  const claim = (claimant: Claimant): Promise<Answer> =>
    callReward(claimant.scanId, claimant.openid);
  const refused = (openid: string): Promise<Answer> => callReward('', openid);

  /** `width` workers; worker w runs lanes[w] in order (one lane per user, or a shared queue). */
  const measure = async <T>(
    name: string,
    provider: Run['provider'],
    lanes: T[][],
    call: (item: T) => Promise<Answer>,
  ): Promise<Run> => {
    const before = await counters();
    const answers: Answer[] = [];
    const started = process.hrtime.bigint();
    await Promise.all(
      lanes.map(async (lane) => {
        for (const item of lane) answers.push(await call(item));
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      name,
      provider,
      width: lanes.length,
      answers,
      seconds,
      ...(await since(before, answers.length)),
    };
  };
  /** Deals `items` round-robin to `width` lanes (a queue served by `width` callers). */
  const deal = <T>(items: T[], width: number): T[][] =>
    Array.from({ length: width }, (_, w) => items.filter((__, i) => i % width === w));

  // Scanned codes, one fresh code per claim, each scanned by its claimant a moment ago.
  const packageCodes = (
    await database.findDocuments('packageCodes', { applicationId: demo.applicationId })
  ).sort((a, b) => Number(a.index) - Number(b.index));
  // What the scan function now leaves on each code for the claim (data/codes.ts ClaimFacts).
  const [product] = await database.findDocuments('products', { _id: demo.productId });
  const claimFacts = {
    applicationId: demo.applicationId,
    rangeStart: demo.codeStart,
    productId: demo.productId,
    thresholds: effectiveThresholds(product?.suspicion as Partial<SuspicionThresholds> | undefined),
  };
  let nextCode = 0;
  const scanned = async (openids: string[], shared = false): Promise<Claimant[]> => {
    const now = Date.now();
    const claimants: Claimant[] = [];
    const codes: Record<string, unknown>[] = [];
    let entry = packageCodes[nextCode];
    for (const [i, openid] of openids.entries()) {
      if (!shared || i === 0) entry = packageCodes[nextCode++];
      if (!entry) throw new Error('the demo range has run out of codes: lower BENCH_CLAIMS');
      const claimant = {
        scanId: `bench-scan-${nextCode}-${i}`,
        openid,
        code: String(entry.code),
      };
      claimants.push(claimant);
      if (!shared || i === 0) {
        codes.push({
          code: claimant.code,
          applicationId: demo.applicationId,
          index: entry.index,
          rangeStart: demo.codeStart,
          scanCount: shared ? openids.length : 1,
          distinctScanners: shared ? openids.length : 1,
          firstScannedAt: now,
          firstScanBy: openid,
          firstScanId: claimant.scanId,
          firstTicketScanId: claimant.scanId,
          recent: [{ at: now, by: openid.slice(-8) }],
          lastScannedAt: now,
          lastScanId: claimant.scanId,
          claimFacts,
        });
      }
    }
    await database.insertDocuments(
      'scans',
      claimants.map((c) => ({
        _id: c.scanId,
        via: 'ticket',
        code: c.code,
        applicationId: demo.applicationId,
        rangeStart: demo.codeStart,
        openid: c.openid,
        scannedAt: now,
      })),
    );
    await database.insertDocuments('codes', codes);
    return claimants;
  };
  const users = (prefix: string, n: number): string[] =>
    Array.from({ length: n }, (_, i) => `o-bench-${prefix}-${i}`);

  const campaignFields = (payout: CampaignPayoutSettings, perUser: number): CampaignFields => ({
    name: '扫码领现金（基准）',
    startAt: new Date(Date.now() - 60_000).toISOString(),
    endAt: new Date(Date.now() + 86_400_000).toISOString(),
    budgetFen: BUDGET_FEN,
    amount: { kind: 'fixed', fen: AMOUNT_FEN },
    firstScanOnly: false,
    amountDisplay: 'shown',
    targeting: { productIds: [demo.productId], rangeIds: [] },
    limits: { perUserPerDay: perUser, perUserPerCampaign: perUser },
    payout,
    risk: { openidBlacklist: [], maxClaimsPerIpPerHour: null, excludeSuspicious: false },
  });
  const endCampaign = (campaignId: string) =>
    admin({ action: 'setCampaignStatus', campaignId, status: 'ended' });
  /** Starts a campaign as the only running one (claim.ts's table counts one candidate). */
  const startCampaign = async (fields: CampaignFields): Promise<string> => {
    const { campaign } = await admin({ action: 'createCampaign', ...fields });
    const { campaigns } = await admin({ action: 'listCampaigns', status: 'running' });
    for (const other of campaigns as { campaignId: string }[]) await endCampaign(other.campaignId);
    await admin({
      action: 'setCampaignStatus',
      campaignId: campaign.campaignId,
      status: 'running',
    });
    return campaign.campaignId as string;
  };

  const runs: Run[] = [];
  /** Each warm instance reads the running campaigns at most once a minute. */
  const checkCampaignReads = (run: Run): void => {
    const most = HAMMER_USERS * (Math.floor(run.seconds / CAMPAIGNS_TTL_S) + 1);
    check(
      run.campaignReads <= most,
      `${run.name}: ${run.campaignReads} reads of the running campaigns in ${run.seconds.toFixed(0)} s ` +
        `(${HAMMER_USERS} instances, one read a minute each: at most ${most})`,
    );
  };
  /** Runs measured piecewise (between setup steps) as one. */
  const merged = (name: string, parts: Run[]): Run => {
    const answers = parts.flatMap((part) => part.answers);
    const seconds = parts.reduce((sum, part) => sum + part.seconds, 0);
    const total = (pick: (part: Run) => number): number =>
      parts.reduce((sum, part) => sum + pick(part), 0);
    return {
      name,
      provider: parts[0]!.provider,
      width: parts[0]!.width,
      answers,
      seconds,
      database: total((part) => part.database),
      campaignReads: total((part) => part.campaignReads),
      inserts: total((part) => part.inserts),
      pay: total((part) => part.pay),
      creates: total((part) => part.creates),
      cpuMs: total((part) => part.cpuMs * part.answers.length) / answers.length,
      mainBusy: total((part) => part.mainBusy * part.seconds) / seconds,
      mainCpuMs: total((part) => part.mainCpuMs * part.answers.length) / answers.length,
    };
  };
  /**
   * Claims that failed in the runtime were not answered: they may or may not have made their
   * payout, and their round trips stop wherever they stopped, so a run with any is not held to
   * the exact counts (the books still are). Counted per run for the report.
   */
  const failures = new Map<string, number>();
  const failedIn = (run: Run): number => {
    const failed = run.answers.filter((a) => a.failed).length;
    if (failed > 0) failures.set(`${run.provider} ${run.name}`, failed);
    return failed;
  };
  /** Payouts each campaign must hold: at least the claims that won one, at most plus failures. */
  const payoutsExpected = new Map<string, { min: number; max: number }>();
  const expectPayouts = (campaignId: string, won: number, failed: number): void => {
    const sofar = payoutsExpected.get(campaignId) ?? { min: 0, max: 0 };
    payoutsExpected.set(campaignId, { min: sofar.min + won, max: sofar.max + won + failed });
  };
  /**
   * Every claim of `run` won a new payout in `state`, with the documented round trips; `returning`
   * of them by users who claimed in the campaign before (their quota exists: one request more).
   */
  const allFirst = (run: Run, campaignId: string, state: string, returning = 0): void => {
    const failed = failedIn(run);
    const wrong = run.answers.filter((a) => !a.failed && (!a.ok || a.outcome !== state));
    check(
      wrong.length === 0,
      `${run.name}: ${wrong.length} claims answered ` +
        `${[...new Set(wrong.map((a) => a.outcome))].join(', ')} instead of ${state}`,
    );
    const won = run.answers.filter((a) => a.ok).length;
    expectPayouts(campaignId, won, failed);
    check(
      run.creates >= won && run.creates <= won + failed,
      `${run.name}: ${run.creates} payments created for ${won} payouts won`,
    );
    if (failed > 0) return;
    check(
      run.database === FIRST_CLAIM_TRIPS * run.answers.length + returning + run.campaignReads,
      `${run.name}: ${run.database} database round trips for ${run.answers.length} claims, ` +
        `claim.ts documents ${FIRST_CLAIM_TRIPS} each (+1 for each of ${returning} returning users, ` +
        `+${run.campaignReads} running-campaign reads)`,
    );
    checkCampaignReads(run);
  };

  // ---- v3 商家转账 ----
  const v3 = await startCampaign(
    campaignFields(
      {
        provider: 'v3-transfer',
        transferRemark: '扫码奖励',
        reportActivityName: '扫码领现金',
        reportRewardDescription: '扫码即得现金奖励',
        userRecvPerception: '现金奖励',
      },
      HAMMER_CODES_PER_USER,
    ),
  );

  // Warm 50 instances: started by a refused call each, then a claim each (the SDK's first
  // requests, the pay client). Cold starts are not what is measured here.
  const warmParts: Run[] = [];
  for (const width of WARMUP_WAVES) {
    await measure('warm-up', '—', deal(users(`warm-ref${width}`, width), width), refused);
    const wave = deal(await scanned(users(`warm${width}`, width)), width);
    warmParts.push(await measure('warm-up', 'v3', wave, claim));
  }
  const warm = merged('warm-up', warmParts);
  const warmFailed = warm.answers.filter((a) => a.failed).map((a) => a.outcome);
  expectPayouts(v3, warm.answers.filter((a) => a.ok).length, warmFailed.length);
  check(
    warm.answers.every((a) => a.ok || a.failed),
    `warm-up: claims refused ${warm.answers.filter((a) => !a.ok && !a.failed).map((a) => a.outcome)}`,
  );
  const warmErrors = functionErrors.length;

  const reference = new Map<number, Run>();
  for (const [width, calls] of [
    [1, SEQUENTIAL],
    [CONCURRENCY, CLAIMS],
    [HAMMER_USERS, HAMMER_USERS * HAMMER_CODES_PER_USER],
  ] as const) {
    const run = await measure(`${width} in flight`, '—', deal(users('ref', calls), width), refused);
    check(
      run.answers.every((a) => a.failed || (a.outcome === 'INVALID_ARGUMENT' && a.database === 0)),
      'reference: an empty scanId was not refused at the edge',
    );
    failedIn(run);
    reference.set(width, run);
  }

  const tally = new Map(byCollection);
  const sequential = await measure(
    'sequential',
    'v3',
    [await scanned(users('seq', SEQUENTIAL))],
    claim,
  );
  const firstClaimTrips = [...byCollection]
    .map(([key, n]) => [key, (n - (tally.get(key) ?? 0)) / SEQUENTIAL] as const)
    .filter(([, n]) => n > 0);
  allFirst(sequential, v3, 'waiting_user');
  const oddTrips = sequential.answers.filter(
    (a) => !a.failed && a.database !== FIRST_CLAIM_TRIPS + a.campaignReads,
  ).length;
  check(
    oddTrips === 0,
    `sequential: ${oddTrips} first claims strayed from ${FIRST_CLAIM_TRIPS} round trips`,
  );
  runs.push(sequential);

  // A second tap: each claim made again as soon as its first answer is back (what a double tap
  // or a client retry does). Only the second claims are measured.
  const repeatParts: Run[] = [];
  for (const claimant of await scanned(users('rep', REPEATS))) {
    const first = await claim(claimant);
    expectPayouts(v3, first.ok ? 1 : 0, first.failed ? 1 : 0);
    check(first.ok || first.failed, `second tap: a first claim answered ${first.outcome}`);
    if (first.ok) repeatParts.push(await measure('repeat', 'v3', [[claimant]], claim));
  }
  const repeat = merged('second tap (same payout)', repeatParts);
  failedIn(repeat);
  const answered = repeat.answers.filter((a) => !a.failed);
  check(
    answered.every((a) => a.ok && a.outcome === 'waiting_user'),
    'second tap: a second claim did not answer the payout it has',
  );
  check(
    answered.every((a) => a.database === REPEAT_CLAIM_TRIPS + a.campaignReads),
    `second tap: ${answered.map((a) => a.database).join(',')} database round trips, ` +
      `claim.ts documents ${REPEAT_CLAIM_TRIPS}`,
  );
  check(repeat.creates === 0, `second tap: ${repeat.creates} payments created by second claims`);
  runs.push(repeat);

  const parallel = await measure(
    `${CONCURRENCY} in flight`,
    'v3',
    deal(await scanned(users('par', CLAIMS)), CONCURRENCY),
    claim,
  );
  allFirst(parallel, v3, 'waiting_user');
  runs.push(parallel);

  // Each of the 50 users claims its own codes one after another: 50 claims always in flight.
  const hammerLanes = await Promise.all(
    users('hammer', HAMMER_USERS).map((openid) =>
      scanned(Array.from({ length: HAMMER_CODES_PER_USER }, () => openid)),
    ),
  );
  const hammer = await measure(`${HAMMER_USERS} users, one campaign`, 'v3', hammerLanes, claim);
  allFirst(hammer, v3, 'waiting_user', HAMMER_USERS * (HAMMER_CODES_PER_USER - 1));
  runs.push(hammer);

  // 50 users, each with their own scan of the same code, all claiming at once.
  const crowdParts: Run[] = [];
  for (let round = 0; round < CROWD_CODES; round += 1) {
    const claimants = await scanned(users(`crowd${round}`, CROWD_USERS), true);
    const part = await measure(
      'one code',
      'v3',
      claimants.map((c) => [c]),
      claim,
    );
    const losers = new Set(part.answers.filter((a) => !a.ok && !a.failed).map((a) => a.outcome));
    const won = part.answers.filter((a) => a.ok).length;
    const failed = part.answers.filter((a) => a.failed).length;
    check(failed > 0 ? won <= 1 : won === 1, `one code: ${won} of ${CROWD_USERS} claims won it`);
    expectPayouts(v3, won, failed > 0 && won === 0 ? 1 : 0);
    check(
      [...losers].every((code) => code === 'CODE_ALREADY_REWARDED'),
      `one code: losers answered ${[...losers].join(', ')}`,
    );
    crowdParts.push(part);
  }
  const crowd = merged(`${CROWD_USERS} users, one code`, crowdParts);
  // Claims that reached the insert (the winner and the losers of the lock) make every round;
  // the rest saw the lock in round 2.
  const lostLock = crowd.inserts - CROWD_CODES;
  const crowdTrips =
    CROWD_CODES * FIRST_CLAIM_TRIPS +
    lostLock * LOST_LOCK_TRIPS +
    (crowd.answers.length - crowd.inserts) * REPEAT_CLAIM_TRIPS +
    (crowd.answers.length - CROWD_CODES) * REFUSAL_TRIPS +
    crowd.campaignReads;
  check(
    failedIn(crowd) > 0 || crowd.database === crowdTrips,
    `one code: ${crowd.database} database round trips, claim.ts's rounds make ${crowdTrips} ` +
      `(${crowd.inserts} of ${crowd.answers.length} claims reached the code lock)`,
  );
  check(
    crowd.creates <= CROWD_CODES && (failedIn(crowd) > 0 || crowd.creates === CROWD_CODES),
    `one code: ${crowd.creates} payments for ${CROWD_CODES} codes`,
  );
  runs.push(crowd);
  await endCampaign(v3);

  // ---- v2 red envelopes (WeChat allows 10 a user a day: one code each) ----
  // Every instance still keeps the v3 campaign as running for up to a minute: its first claim
  // finds it ended at the hold and reads the list again. That is warmed away before measuring.
  const v2 = await startCampaign(
    campaignFields(
      {
        provider: 'v2-redpacket',
        sendName: '码上山泉',
        wishing: '感谢扫码',
        actName: '扫码领红包',
        remark: '扫码即得',
      },
      1,
    ),
  );
  const v2Warm = await measure(
    'warm-up',
    'v2',
    deal(await scanned(users('v2warm', HAMMER_USERS)), HAMMER_USERS),
    claim,
  );
  expectPayouts(
    v2,
    v2Warm.answers.filter((a) => a.ok).length,
    v2Warm.answers.filter((a) => a.failed).length,
  );
  const v2Sequential = await measure(
    'sequential',
    'v2',
    [await scanned(users('v2seq', V2_SEQUENTIAL))],
    claim,
  );
  allFirst(v2Sequential, v2, 'sent');
  runs.push(v2Sequential);
  const v2Parallel = await measure(
    `${CONCURRENCY} in flight`,
    'v2',
    deal(await scanned(users('v2par', V2_CLAIMS)), CONCURRENCY),
    claim,
  );
  allFirst(v2Parallel, v2, 'sent');
  runs.push(v2Parallel);
  await endCampaign(v2);

  // ---- The books, as the database and WeChat Pay hold them ----
  const state = await payState();
  const createsByNo = new Map<string, number>();
  for (const bill of state.bills) createsByNo.set(bill.out_bill_no, bill.creates);
  for (const envelope of state.envelopes) createsByNo.set(envelope.mch_billno, envelope.sends);
  /** Payouts a failed claim left before their send: the scheduler's to settle. */
  const pending: string[] = [];
  for (const [campaignId, expected] of payoutsExpected) {
    const payouts = await database.findDocuments('payouts', { campaignId });
    const [record] = await database.findDocuments('campaigns', { _id: campaignId });
    const books = record as Record<
      'budgetFen' | 'remainingFen' | 'reservedFen' | 'paidFen',
      number
    >;
    const held = payouts
      .filter((payout) => payout.state !== 'budget_released')
      .reduce((sum, payout) => sum + Number(payout.amountFen), 0);
    check(
      payouts.length >= expected.min && payouts.length <= expected.max,
      `${campaignId}: ${payouts.length} payouts, expected ${expected.min}–${expected.max}`,
    );
    check(
      new Set(payouts.map((payout) => payout.code)).size === payouts.length,
      `${campaignId}: a code has two payouts`,
    );
    check(
      books.remainingFen + books.reservedFen + books.paidFen === books.budgetFen &&
        books.remainingFen >= 0,
      `${campaignId}: books do not balance ${JSON.stringify(books)}`,
    );
    // A hold no payout accounts for is never given back: nothing references it.
    check(
      books.reservedFen + books.paidFen === held,
      `${campaignId}: the books hold ${books.reservedFen + books.paidFen} fen, its payouts ` +
        `${held} fen: ${books.reservedFen + books.paidFen - held} fen held with no payout to release it`,
    );
    for (const payout of payouts) {
      const creates = createsByNo.get(String(payout.outNo)) ?? 0;
      const answered = ['sent', 'waiting_user', 'received'].includes(String(payout.state));
      check(
        answered ? creates === 1 : creates <= 1,
        `${campaignId}: out-number ${String(payout.outNo)} (${String(payout.state)}) created ` +
          `${creates} times at WeChat Pay`,
      );
      if (!answered && creates === 0) pending.push(String(payout.state));
    }
  }

  await stack.close();
  await rm(dir, { recursive: true, force: true });

  // ---- Report ----
  const ms = (n: number): string => n.toFixed(1);
  const p = (answers: Answer[], q: number): number => {
    const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  };
  const rate = (run: Run): number => run.answers.length / run.seconds;
  const busy = (run: Run): string => `${(run.mainBusy * 100).toFixed(0)}%`;

  console.log(
    `\nreward.claim through the local stack, WeChat Pay played by its simulator: ` +
      `${AMOUNT_FEN / 100} yuan fixed, one running campaign with ${BUDGET_FEN / 100} yuan of budget\n`,
  );
  console.log(
    `${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} before the run and ` +
      `${os.loadavg()[0]!.toFixed(1)} after it\n`,
  );
  console.log('Reference: the same call refused at the edge (no database, no WeChat Pay)\n');
  console.log(
    '| in flight | calls | p50 ms | p99 ms | calls/s | CPU ms / call | main thread busy | main thread CPU ms / call |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const run of reference.values())
    console.log(
      `| ${run.width} | ${run.answers.length} | ${ms(p(run.answers, 0.5))} | ${ms(p(run.answers, 0.99))} | ` +
        `${rate(run).toFixed(0)} | ${ms(run.cpuMs)} | ${busy(run)} | ${ms(run.mainCpuMs)} |`,
    );

  console.log('\nClaims (ratios against the reference at the same number in flight)\n');
  console.log(
    '| run | pay | claims | p50 ms | p99 ms | claims/s | p50 ÷ ref | claims/s ÷ ref | ' +
      'db round trips / claim | WeChat Pay calls / claim | CPU ms / claim | main thread busy | ' +
      'main thread CPU ms / claim |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const run of runs) {
    const ref = reference.get(run.width)!;
    const p50 = p(run.answers, 0.5);
    const per = (n: number): string => (n / run.answers.length).toFixed(2);
    console.log(
      `| ${run.name} | ${run.provider} | ${run.answers.length} | ${ms(p50)} | ${ms(p(run.answers, 0.99))} | ` +
        `${rate(run).toFixed(0)} | ${(p50 / p(ref.answers, 0.5)).toFixed(1)} | ` +
        `${(rate(run) / rate(ref)).toFixed(3)} | ${per(run.database)} | ${per(run.pay)} | ` +
        `${ms(run.cpuMs)} | ${busy(run)} | ${ms(run.mainCpuMs)} |`,
    );
  }
  console.log(
    `\n${CROWD_USERS} users, one code: ${CROWD_CODES} codes, one payout each; ${lostLock} of ` +
      `${crowd.answers.length - CROWD_CODES} losers got past round 2 and lost at the code lock ` +
      `(${LOST_LOCK_TRIPS} round trips), the rest saw the lock in round 2 (${REPEAT_CLAIM_TRIPS}); ` +
      `each loser's refusal is recorded and counted (+${REFUSAL_TRIPS}). ` +
      'v3 claims answer waiting_user, v2 ones sent. Main thread = the emulator, the HTTP server and ' +
      'both simulators; the function instances are worker threads.',
  );

  console.log(
    '\nDatabase round trips of one first claim (v3, sequential, counted by the emulator)\n',
  );
  console.log('| collection | request | per claim |');
  console.log('|---|---|---:|');
  for (const [key, n] of firstClaimTrips) {
    const [collection, request] = key.split(' ');
    console.log(`| ${collection} | ${request} | ${n.toFixed(2)} |`);
  }
  console.log(
    `| total | | ${(sequential.database / SEQUENTIAL).toFixed(2)} (claim.ts: ${FIRST_CLAIM_TRIPS}) |`,
  );

  if (warmFailed.length > 0) {
    console.log(
      `\nwarm-up: ${warmFailed.length} of ${warm.answers.length} claims on cold instances failed in the runtime ` +
        `(${[...new Set(warmFailed)].join(', ')})`,
    );
  }
  for (const [run, failed] of failures)
    console.log(
      `${run}: ${failed} claims failed in the runtime; its round trips were not checked and its ` +
        'times include them',
    );
  if (pending.length > 0) {
    console.log(
      `${pending.length} payouts left unsent by failed claims (${[...new Set(pending)].join(', ')}), ` +
        'for the scheduler to settle',
    );
  }
  if (functionErrors.length > 0) {
    console.log(
      `function error lines: ${functionErrors.length} (${warmErrors} while warming up), first: ` +
        `${functionErrors.find((line) => line.includes('Error')) ?? functionErrors[0]}`,
    );
  }

  if (problems.length > 0) {
    console.error(`\n${problems.length} correctness problem(s):`);
    for (const problem of problems) console.error(`  - ${problem}`);
    process.exitCode = 1;
  } else {
    console.log(
      '\nbooks balance, one payout per code, every out-number created once at WeChat Pay',
    );
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
