/**
 * Child process for the crash tests: writes scans through `handle` as fast as it can and prints
 * each `_id` only after its reply, i.e. after the write was acknowledged. The parent SIGKILLs it.
 * Mode `plain` inserts each scan on its own; mode `transaction` inserts it in a transaction and
 * prints the id once the commit is acknowledged.
 */
import { EJSON } from 'bson';
import { COLLECTIONS } from '../../cloudfunctions/core/data/collections.js';
import { openDatabase } from '../../local/cloudbase/database/index.js';

const [file, mode = 'plain'] = process.argv.slice(2);
if (!file || (mode !== 'plain' && mode !== 'transaction'))
  throw new Error('usage: crash-writer <sqlite file> [plain|transaction]');
const database = openDatabase({ file, collections: COLLECTIONS });

async function burst(): Promise<void> {
  for (let n = 0; n < 1_000_000; n += 1) {
    const data = [
      EJSON.stringify(
        { code: `K-${n}`, openid: 'crash', n, scannedAt: new Date() },
        { relaxed: false },
      ),
    ];
    const started =
      mode === 'transaction' ? await database.handle('database.startTransaction', {}) : {};
    const transactionId = started.transactionId as string | undefined;
    const reply = await database.handle('database.insertDocument', {
      collectionName: 'scans',
      data,
      ...(transactionId ? { transactionId } : {}),
    });
    if (transactionId) await database.handle('database.commitTransaction', { transactionId });
    const [id] = (reply.data as { insertedIds: string[] }).insertedIds;
    process.stdout.write(`${id}\n`);
  }
}

void burst();
