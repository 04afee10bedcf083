import { db } from '../cloud.js';
import { updateOrInsert } from './upsert.js';

/** A Mini Program user who opened the admin pages. */
export interface OperatorRecord {
  _id: string;
  openid: string;
  appid: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  visits: number;
}

/** Counts one visit of `openid` (exactly, under any concurrency) and returns the record after it. */
export async function recordOperatorVisit(openid: string, appid: string): Promise<OperatorRecord> {
  const database = db();
  await updateOrInsert(
    'operators',
    { openid },
    { lastSeenAt: database.serverDate(), visits: database.command.inc(1) },
    () => ({
      appid,
      firstSeenAt: database.serverDate(),
      lastSeenAt: database.serverDate(),
      visits: 1,
    }),
  );
  const { data } = await database.collection('operators').where({ openid }).limit(1).get();
  return data[0] as OperatorRecord;
}
