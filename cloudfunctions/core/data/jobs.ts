import { db } from '../cloud.js';
import { updateOrInsert } from './upsert.js';

/** `jobs`: one document per scheduled job, its last run's time and outcome and its run count. */
export async function recordJobRun(name: string, outcome: object): Promise<void> {
  const database = db();
  await updateOrInsert(
    'jobs',
    { name },
    // `set` replaces the whole outcome; a plain object would be merged field by field.
    {
      lastRunAt: database.serverDate(),
      lastOutcome: database.command.set(outcome),
      runs: database.command.inc(1),
    },
    () => ({ lastRunAt: database.serverDate(), lastOutcome: outcome, runs: 1 }),
  );
}
