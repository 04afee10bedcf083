import { db } from '../core/cloud.js';
import { updateOrInsert } from '../core/data/upsert.js';
import { currentCaller } from '../core/caller.js';
import { officialAccount } from '../core/config.js';
import { reconcileDuePayouts } from '../core/rewards/dispatch.js';
import { sweepHolds } from '../core/rewards/holds.js';
import { officialAccountClient } from '../core/wechat/oa/client.js';

/**
 * Timer-triggered housekeeping (see config.json for the schedule). Each job is small and
 * idempotent, so a run that overlaps or repeats another does no harm. Later jobs: QR expiry,
 * export jobs.
 */
interface Job {
  name: string;
  /** What it did, for the run's outcome (kept in `jobs`); nothing for a job with nothing to say. */
  run(): Promise<Record<string, unknown> | void>;
}

const JOBS: readonly Job[] = [
  // A run that does nothing but record itself: operators read its last run to know the timer lives.
  { name: 'heartbeat', run: async () => {} },
  // Keeps the central OA access token fresh, so functions only ever read it (wechat-api.md §8.1).
  {
    name: 'oaToken',
    run: async () => {
      // An environment without an Official Account (yet) has nothing to refresh.
      if (!officialAccount()) return;
      await officialAccountClient().tokens.renewAhead();
    },
  },
  // Budget held by claims that died before making their payout goes back (core/rewards/holds.ts).
  { name: 'holds', run: async () => ({ ...(await sweepHolds()) }) },
  // Every payout not yet received or released is looked at when due, until it is
  // (core/rewards/dispatch.ts; the policy is domain/payout.ts planReconciliation).
  {
    name: 'payouts',
    run: async () => ({ ...(await reconcileDuePayouts({ budgetMs: 40_000 })) }),
  },
];

interface TimerEvent {
  Type?: string;
  TriggerName?: string;
}

export interface JobOutcome {
  name: string;
  ok: boolean;
  result?: Record<string, unknown>;
  error?: string;
}

export async function main(event: TimerEvent): Promise<{ trigger: string; jobs: JobOutcome[] }> {
  // The scheduler runs on its timer; a Mini Program user must not be able to drive it.
  if (currentCaller().openid) throw new Error('scheduler is not callable from the Mini Program');
  const outcomes: JobOutcome[] = [];
  for (const job of JOBS) outcomes.push(await runJob(job));
  return { trigger: event?.TriggerName ?? 'manual', jobs: outcomes };
}

async function runJob(job: Job): Promise<JobOutcome> {
  let outcome: JobOutcome;
  try {
    const result = await job.run();
    outcome = { name: job.name, ok: true, ...(result ? { result } : {}) };
  } catch (error) {
    console.error(`[scheduler] job ${job.name} failed`, error);
    outcome = {
      name: job.name,
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    };
  }
  const database = db();
  await updateOrInsert(
    'jobs',
    { name: job.name },
    // `set` replaces the whole outcome; a plain object would be merged field by field.
    {
      lastRunAt: database.serverDate(),
      lastOutcome: database.command.set(outcome),
      runs: database.command.inc(1),
    },
    () => ({ lastRunAt: database.serverDate(), lastOutcome: outcome, runs: 1 }),
  );
  return outcome;
}
