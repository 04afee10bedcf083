import { removeEndedWindows } from '../core/data/rate-limits.js';
import { recordJobRun } from '../core/data/jobs.js';
import { currentCaller } from '../core/caller.js';
import { officialAccount } from '../core/config.js';
import { expireExportFiles } from '../core/codes/export-retention.js';
import { continueExportJobs } from '../core/oa/scanner-jobs.js';
import { reconcileDuePayouts } from '../core/rewards/dispatch.js';
import { sweepHolds } from '../core/rewards/holds.js';
import { prepareRollupDays } from '../core/stats/rebuild.js';
import { officialAccountClient } from '../core/wechat/oa/client.js';

/**
 * Timer-triggered housekeeping (see config.json for the schedule). Each job is small and
 * idempotent, so a run that overlaps or repeats another does no harm. Later jobs: QR expiry.
 *
 * The jobs of a tick run side by side, each against its own deadline inside the invocation's
 * time limit: one that hangs (a token endpoint that never answers) is recorded as timed out
 * while the others — reconciliation above all — still do their work in the same tick, instead
 * of waiting behind it until CloudBase ends the whole invocation.
 */
interface Job {
  name: string;
  /** The most of a tick this job may take; less when the invocation has less left. */
  maxMs: number;
  /**
   * What it did, for the run's outcome (kept in `jobs`); nothing for a job with nothing to say.
   * `budgetMs` is the time it has: a job that can stop early by itself should.
   */
  run(budgetMs: number): Promise<Record<string, unknown> | void>;
}

const JOBS: readonly Job[] = [
  // A run that does nothing but record itself: operators read its last run to know the timer lives.
  { name: 'heartbeat', maxMs: 10_000, run: async () => {} },
  // Keeps the central OA access token fresh, so functions only ever read it (as WeChat's
  // access-token pages advise). Its retries (3 × 10 s) may outlast its share: the next tick tries
  // again, well before expiry.
  {
    name: 'oaToken',
    maxMs: 25_000,
    run: async () => {
      // An environment without an Official Account (yet) has nothing to refresh.
      if (!officialAccount()) return;
      await officialAccountClient().tokens.renewAhead();
    },
  },
  // Budget held by claims that died before making their payout goes back (core/rewards/holds.ts).
  { name: 'holds', maxMs: 30_000, run: async () => ({ ...(await sweepHolds()) }) },
  // Exported code files are deleted from storage after their retention (core/codes/export-retention.ts).
  { name: 'exports', maxMs: 30_000, run: async () => ({ ...(await expireExportFiles()) }) },
  // Every background export (channel QR scanners, CRM scans / payouts / scanners: core/exports/)
  // and audience goes on where the last run stopped; each run finishes the file in hand past its
  // budget's reserve.
  {
    name: 'exportJobs',
    maxMs: 45_000,
    run: async (budgetMs) => ({ ...(await continueExportJobs(budgetMs)) }),
  },
  // Today's and tomorrow's rollup documents exist before the first scan or claim counts in them
  // (core/data/rollups.ts), so no scan pays for creating one.
  {
    name: 'rollups',
    maxMs: 20_000,
    run: async () => ({ created: await prepareRollupDays(Date.now()) }),
  },
  // Rate-limit windows that have ended are deleted (core/data/rate-limits.ts).
  {
    name: 'rateLimits',
    maxMs: 20_000,
    run: async () => ({ removed: await removeEndedWindows(Date.now()) }),
  },
  // Every payout not yet received or released is looked at when due, until it is
  // (core/rewards/dispatch.ts; the policy is domain/payout-reconciliation.ts planReconciliation).
  // It stops taking new payouts when its budget is spent, leaving room to finish the one in hand.
  {
    name: 'payouts',
    maxMs: 45_000,
    run: async (budgetMs) => ({
      ...(await reconcileDuePayouts({
        budgetMs: Math.min(35_000, Math.max(budgetMs / 2, budgetMs - 10_000)),
      })),
    }),
  },
];

/**
 * Time kept back from the invocation's limit to record the outcomes: a write may wait up to 10 s
 * behind a transaction (the settlements reconciliation left running), plus the write itself.
 */
const RECORDING_RESERVE_MS = 12_000;
/** CloudBase passes the function's timeout as `context.time_limit_in_ms`; ours is 60 s. */
const DEFAULT_TIME_LIMIT_MS = 60_000;

interface TimerEvent {
  Type?: string;
  TriggerName?: string;
}

interface InvocationContext {
  time_limit_in_ms?: number;
}

export interface JobOutcome {
  name: string;
  ok: boolean;
  result?: Record<string, unknown>;
  /** `JOB_TIMEOUT` when the job had not finished by its deadline. */
  code?: string;
  error?: string;
}

export async function main(
  event: TimerEvent,
  context?: InvocationContext,
): Promise<{ trigger: string; jobs: JobOutcome[] }> {
  // The scheduler runs on its timer; a Mini Program user must not be able to drive it.
  if (currentCaller().openid) throw new Error('scheduler is not callable from the Mini Program');
  const limit = context?.time_limit_in_ms ?? DEFAULT_TIME_LIMIT_MS;
  const available = Math.max(1_000, limit - RECORDING_RESERVE_MS);
  const outcomes = await Promise.all(
    JOBS.map((job) => runJob(job, Math.min(job.maxMs, available))),
  );
  return { trigger: event?.TriggerName ?? 'manual', jobs: outcomes };
}

async function runJob(job: Job, budgetMs: number): Promise<JobOutcome> {
  let outcome: JobOutcome;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), budgetMs);
  });
  try {
    const result = await Promise.race([job.run(budgetMs), deadline]);
    if (result === 'timeout') {
      // The job is left behind (nothing can cancel it); whatever it still does is idempotent.
      console.error(`[scheduler] job ${job.name} did not finish within ${budgetMs} ms`);
      outcome = {
        name: job.name,
        ok: false,
        code: 'JOB_TIMEOUT',
        error: `did not finish within ${budgetMs} ms; the next run tries again`,
      };
    } else {
      outcome = { name: job.name, ok: true, ...(result ? { result } : {}) };
    }
  } catch (error) {
    console.error(`[scheduler] job ${job.name} failed`, error);
    outcome = {
      name: job.name,
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
  await recordJobRun(job.name, outcome);
  return outcome;
}
