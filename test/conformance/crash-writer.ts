/**
 * Child process for the crash test: inserts scans through `handle` as fast as it can and prints
 * each `_id` only after its reply, i.e. after the write was acknowledged. The parent SIGKILLs it.
 */
import { EJSON } from 'bson';
import { COLLECTIONS } from '../../cloudfunctions/core/data/collections.js';
import { openDatabase } from '../../local/cloudbase/database/index.js';

const file = process.argv[2];
if (!file) throw new Error('usage: crash-writer <sqlite file>');
const database = openDatabase({ file, collections: COLLECTIONS });

async function burst(): Promise<void> {
  for (let n = 0; n < 1_000_000; n += 1) {
    const data = [
      EJSON.stringify(
        { code: `K-${n}`, openid: 'crash', n, scannedAt: new Date() },
        { relaxed: false },
      ),
    ];
    const reply = await database.handle('database.insertDocument', {
      collectionName: 'scans',
      data,
    });
    const [id] = (reply.data as { insertedIds: string[] }).insertedIds;
    process.stdout.write(`${id}\n`);
  }
}

void burst();
