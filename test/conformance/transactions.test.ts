/**
 * Transactions through the real wx-server-sdk: commit, rollback (explicit and by a thrown error),
 * snapshot isolation (readers never wait and see the last commit; a transaction reads its own
 * writes and its snapshot), write conflicts and runTransaction's retry, plain writes that wait
 * for the transaction holding what they write, the lifetime of an abandoned transaction, and
 * commits that survive a SIGKILL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../cloudfunctions/core/data/collections.js';
import { openDatabase } from '../../local/cloudbase/database/index.js';
import { killedWriter } from './crash-writer-run.js';
import {
  cloudbaseNodeSdk,
  startDatabaseServer,
  wxDatabase,
  type DatabaseServer,
} from './harness.js';
import { delay, errorOf } from './helpers.js';
import type { SdkDatabase } from './sdk-types.js';

const ABANDON_AFTER_MS = 1_500;
/** What wx-server-sdk's errMsg carries of CloudBase's write conflict. */
const CONFLICT = '[ResourceUnavailable.TransactionConflict]';

/** What the test uses of @cloudbase/node-sdk's transaction (its typings leave it untyped). */
interface NodeSdkTransaction {
  collection(name: string): {
    doc(id: string): {
      update(data: Record<string, unknown>): Promise<unknown>;
      get(): Promise<{ data: unknown }>;
    };
  };
}

let server: DatabaseServer;
let db: SdkDatabase;

beforeAll(async () => {
  // The default (10 s) abandon timeout: a transaction slowed by a loaded machine must still commit.
  server = await startDatabaseServer();
  db = wxDatabase(server.url);
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  await db
    .collection('counters')
    .where({ _id: db.command.exists(true) })
    .remove();
  await db.collection('counters').add({ data: { _id: 'alice', balance: 100 } });
  await db.collection('counters').add({ data: { _id: 'bob', balance: 0 } });
});

/** A call followed without awaiting it: whether it has been answered yet, and its outcome. */
function follow<T>(call: Promise<T>): { answered: () => boolean; result: Promise<T> } {
  let answered = false;
  const result = call.finally(() => {
    answered = true;
  });
  // Awaited later by the test; a rejection before then must not count as unhandled.
  result.catch(() => undefined);
  return { answered: () => answered, result };
}

async function balance(id: string, database: SdkDatabase = db): Promise<unknown> {
  return (await database.collection('counters').doc(id).get()).data.balance;
}

describe('runTransaction', () => {
  it('commits all writes and returns the callback result', async () => {
    const _ = db.command;
    const result = await db.runTransaction(async (transaction) => {
      const accounts = transaction.collection('counters');
      const alice = await accounts.doc('alice').get();
      expect(alice.data.balance).toBe(100);
      await accounts.doc('alice').update({ data: { balance: _.inc(-30) } });
      await accounts.doc('bob').update({ data: { balance: _.inc(30) } });
      // The transaction reads its own writes.
      expect((await accounts.doc('alice').get()).data.balance).toBe(70);
      await accounts.add({ data: { _id: 'ledger-1', amount: 30 } });
      return 'moved';
    });
    expect(result).toBe('moved');
    expect(await balance('alice')).toBe(70);
    expect(await balance('bob')).toBe(30);
    expect((await db.collection('counters').doc('ledger-1').get()).data.amount).toBe(30);
  });

  it('rolls everything back when the callback throws, and rethrows', async () => {
    const _ = db.command;
    const failure = await errorOf(
      db.runTransaction(async (transaction) => {
        await transaction
          .collection('counters')
          .doc('alice')
          .update({ data: { balance: _.inc(-50) } });
        await transaction.collection('counters').add({ data: { _id: 'ledger-2' } });
        throw new Error('insufficient approval');
      }),
    );
    expect(failure.errMsg).toContain('insufficient approval');
    expect(await balance('alice')).toBe(100);
    expect((await db.collection('counters').where({ _id: 'ledger-2' }).count()).total).toBe(0);
  });

  it('rolls back when the callback calls rollback(reason), rejecting with the reason', async () => {
    const _ = db.command;
    const reason = await db
      .runTransaction(async (transaction) => {
        await transaction
          .collection('counters')
          .doc('bob')
          .update({ data: { balance: _.inc(5) } });
        await transaction.rollback('changed my mind');
      })
      .then(
        () => 'resolved',
        (error: unknown) => error,
      );
    expect(reason).toBe('changed my mind');
    expect(await balance('bob')).toBe(0);
  });

  it('rolls back a transaction whose write broke a unique index', async () => {
    await db
      .collection('codes')
      .where({ code: db.command.exists(true) })
      .remove();
    await db.collection('codes').add({ data: { code: 'TX-1' } });
    const failure = await errorOf(
      db.runTransaction(async (transaction) => {
        await transaction
          .collection('counters')
          .doc('alice')
          .update({ data: { balance: 1 } });
        await transaction.collection('codes').add({ data: { code: 'TX-1' } });
      }),
    );
    expect(failure.errMsg).toMatch(/duplicate key/);
    expect(await balance('alice')).toBe(100);
  });
});

describe('startTransaction', () => {
  it('commits explicitly', async () => {
    const transaction = await db.startTransaction();
    await transaction
      .collection('counters')
      .doc('bob')
      .set({ data: { balance: 7 } });
    await transaction
      .collection('counters')
      .doc('carol')
      .set({ data: { balance: 1 } });
    await transaction.commit();
    expect(await balance('bob')).toBe(7);
    expect(await balance('carol')).toBe(1);
  });

  it('rolls back explicitly, including removals', async () => {
    const transaction = await db.startTransaction();
    await transaction.collection('counters').doc('alice').remove();
    // Only doc() operations, add() and where().get() carry the transactionId (SDK behaviour);
    // where().remove()/count() would run outside the transaction.
    await transaction
      .collection('counters')
      .doc('bob')
      .update({ data: { balance: 99 } });
    expect(
      (await transaction.collection('counters').where({ balance: 99 }).get()).data,
    ).toHaveLength(1);
    await transaction.rollback();
    expect(await balance('alice')).toBe(100);
    expect(await balance('bob')).toBe(0);
  });

  it('answers a reader outside at once, with the last committed value until the commit', async () => {
    const transaction = await db.startTransaction();
    await transaction
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 1 } });
    // Answered while the transaction is still open (no lock to wait for), with the old value.
    expect(await balance('alice')).toBe(100);
    expect(
      (await db.collection('counters').where({ balance: 1 }).count()).total,
      'a query does not see the uncommitted write either',
    ).toBe(0);
    await transaction.commit();
    expect(await balance('alice')).toBe(1);
  });

  it('reads its own writes, and otherwise its snapshot from its first read', async () => {
    const transaction = await db.startTransaction();
    const accounts = transaction.collection('counters');
    expect((await accounts.doc('bob').get()).data.balance).toBe(0);
    // Committed after the transaction's first read: the transaction keeps seeing its snapshot.
    await db
      .collection('counters')
      .doc('bob')
      .update({ data: { balance: 50 } });
    await db.collection('counters').add({ data: { _id: 'dave', balance: 3 } });
    expect((await accounts.doc('bob').get()).data.balance).toBe(0);
    expect((await accounts.where({ _id: 'dave' }).get()).data).toEqual([]);
    await accounts.doc('alice').update({ data: { balance: 60 } });
    await accounts.add({ data: { _id: 'erin', balance: 40 } });
    expect((await accounts.doc('alice').get()).data.balance).toBe(60);
    expect((await accounts.where({ balance: db.command.gte(40) }).get()).data).toEqual([
      { _id: 'alice', balance: 60 },
      { _id: 'erin', balance: 40 },
    ]);
    await transaction.commit();
    expect(await balance('alice')).toBe(60);
    expect(await balance('bob')).toBe(50);
    expect(await balance('erin')).toBe(40);
  });

  it('refuses a write to a document committed since its snapshot (first writer wins)', async () => {
    const transaction = await db.startTransaction();
    const seen = (await transaction.collection('counters').doc('alice').get()).data.balance;
    await db
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 10 } });
    const stale = await errorOf(
      transaction
        .collection('counters')
        .doc('alice')
        .update({ data: { balance: (seen as number) - 1 } }),
    );
    expect(stale.errMsg).toContain(CONFLICT);
    // The conflict ended the transaction (as MongoDB does): nothing of it can commit.
    expect((await errorOf(transaction.commit())).errMsg).toContain('TransactionNotExist');
    expect(await balance('alice')).toBe(10);
  });

  it('fails the second of two transactions writing one document at once, with the conflict', async () => {
    const first = await db.startTransaction();
    const second = await db.startTransaction();
    await first
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 1 } });
    // The second writer to the document does not wait for the first to end.
    const startedAt = Date.now();
    const conflict = await errorOf(
      second
        .collection('counters')
        .doc('alice')
        .update({ data: { balance: 2 } }),
    );
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(conflict.errMsg).toContain(CONFLICT);
    // The conflict ended the second transaction; the first commits as if nothing happened.
    expect((await errorOf(second.commit())).errMsg).toContain('TransactionNotExist');
    await first.commit();
    expect(await balance('alice')).toBe(1);
  });

  it('hands a conflict met inside runTransaction to the caller (wx-server-sdk hides its code)', async () => {
    const holder = await db.startTransaction();
    await holder
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 1 } });
    let attempts = 0;
    const failure = await errorOf(
      db.runTransaction(async (transaction) => {
        attempts += 1;
        await transaction
          .collection('counters')
          .doc('alice')
          .update({ data: { balance: 2 } });
      }),
    );
    // wx-server-sdk rewraps the failure as errCode/errMsg, so runTransaction's retry (which
    // compares `code`) does not fire: callers retry on the errMsg (core/data/errors.ts).
    expect(attempts).toBe(1);
    expect(failure.errMsg).toContain(CONFLICT);
    await holder.commit();
    expect(await balance('alice')).toBe(1);
  });

  it('retries a conflicting runTransaction of @cloudbase/node-sdk until it succeeds', async () => {
    const nodeDb = cloudbaseNodeSdk(server.url).database();
    const _ = nodeDb.command;
    const holder = await db.startTransaction();
    await holder
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: db.command.inc(-30) } });
    let attempts = 0;
    const result: unknown = await nodeDb.runTransaction(async (transaction: NodeSdkTransaction) => {
      attempts += 1;
      const write = transaction
        .collection('counters')
        .doc('alice')
        .update({ balance: _.inc(5) });
      // The first attempt meets the holder's claim; the holder then commits, so the retry, a
      // fresh transaction with a fresh snapshot, builds on its result.
      if (attempts === 1)
        await write.catch(async (error: unknown) => {
          await holder.commit();
          throw error;
        });
      else await write;
      return (await transaction.collection('counters').doc('alice').get()).data;
    });
    expect(attempts).toBe(2);
    expect(result).toEqual({ _id: 'alice', balance: 75 });
    expect(await balance('alice')).toBe(75);
  });

  it('makes a plain update of a document an open transaction wrote wait for the commit, then builds on it', async () => {
    const _ = db.command;
    const transaction = await db.startTransaction();
    await transaction
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 10 } });
    const plain = follow(
      db
        .collection('counters')
        .doc('alice')
        .update({ data: { balance: _.inc(1) } }),
    );
    // Meanwhile readers are answered at once with the last commit, and other documents take
    // plain writes at once.
    expect(await balance('alice')).toBe(100);
    await db
      .collection('counters')
      .doc('bob')
      .update({ data: { balance: 3 } });
    await delay(300);
    expect(plain.answered(), 'the plain write waits for the transaction').toBe(false);
    await transaction.commit();
    expect((await plain.result).stats.updated).toBe(1);
    expect(await balance('alice')).toBe(11);
    expect(await balance('bob')).toBe(3);
  });

  it('matches a waiting conditional update again on what the transaction committed', async () => {
    const _ = db.command;
    const transaction = await db.startTransaction();
    await transaction
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 3 } });
    // A budget hold: take 5 only while 5 are left. The committed 100 matches; the commit does not.
    const hold = follow(
      db
        .collection('counters')
        .where({ _id: 'alice', balance: _.gte(5) })
        .update({ data: { balance: _.inc(-5) } }),
    );
    await delay(300);
    expect(hold.answered()).toBe(false);
    await transaction.commit();
    expect((await hold.result).stats.updated).toBe(0);
    expect(await balance('alice')).toBe(3);
  });

  it('makes a plain write wait for an aborted transaction, then applies it on the old value', async () => {
    const _ = db.command;
    const transaction = await db.startTransaction();
    await transaction
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 10 } });
    await transaction.collection('counters').doc('bob').remove();
    const increment = follow(
      db
        .collection('counters')
        .doc('alice')
        .update({ data: { balance: _.inc(1) } }),
    );
    const removal = follow(db.collection('counters').doc('bob').remove());
    await delay(300);
    expect(increment.answered()).toBe(false);
    expect(removal.answered()).toBe(false);
    expect(await balance('bob'), 'the waiting removal has not happened').toBe(0);
    await transaction.rollback();
    await increment.result;
    expect((await removal.result).stats.removed).toBe(1);
    expect(await balance('alice')).toBe(101);
    expect((await db.collection('counters').where({ _id: 'bob' }).count()).total).toBe(0);
  });

  it('holds a multi-document plain write whole until the transaction ends', async () => {
    const _ = db.command;
    const transaction = await db.startTransaction();
    await transaction
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 10 } });
    const both = follow(
      db
        .collection('counters')
        .where({ _id: _.in(['alice', 'bob']) })
        .update({ data: { balance: _.inc(1) } }),
    );
    await delay(300);
    expect(both.answered()).toBe(false);
    // Nothing of it has landed: bob, which nobody claimed, is not half-written meanwhile.
    expect(await balance('bob')).toBe(0);
    await transaction.commit();
    expect((await both.result).stats.updated).toBe(2);
    expect(await balance('alice')).toBe(11);
    expect(await balance('bob')).toBe(1);
  });

  it('makes an upsert wait for a transaction that inserted the document', async () => {
    const transaction = await db.startTransaction();
    await transaction.collection('counters').add({ data: { _id: 'gina', balance: 1, note: 'tx' } });
    const upsert = follow(
      db
        .collection('counters')
        .doc('gina')
        .set({ data: { balance: 5 } }),
    );
    await delay(300);
    expect(upsert.answered()).toBe(false);
    await transaction.commit();
    await upsert.result;
    // It replaced what the transaction committed rather than failing on its `_id`.
    expect((await db.collection('counters').doc('gina').get()).data).toEqual({
      _id: 'gina',
      balance: 5,
    });
  });

  it("makes node-sdk's updateAndReturn wait, and return the document after the commit", async () => {
    const nodeDb = cloudbaseNodeSdk(server.url).database();
    const transaction = await db.startTransaction();
    await transaction
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 10 } });
    const returned = follow(
      nodeDb
        .collection('counters')
        .where({ _id: 'alice', balance: nodeDb.command.gte(5) })
        .updateAndReturn({ balance: nodeDb.command.inc(-5) }),
    );
    await delay(300);
    expect(returned.answered()).toBe(false);
    await transaction.commit();
    expect((await returned.result).doc).toEqual({ _id: 'alice', balance: 5 });
  });

  it('drops a waiting plain write whose client gave up, without running it', async () => {
    const transaction = await db.startTransaction();
    await transaction
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 10 } });
    // The server signals a client that went away; here the test plays that client.
    const client = new AbortController();
    const write = follow(
      server.database().handle(
        'database.modifyDocument',
        {
          collectionName: 'counters',
          queryType: 'DOC',
          query: EJSON.stringify({ _id: 'alice' }),
          data: EJSON.stringify({ $inc: { balance: 1 } }),
          multi: false,
        },
        client.signal,
      ),
    );
    await delay(100);
    expect(write.answered()).toBe(false);
    client.abort();
    expect((await errorOf(write.result)).errMsg).toContain('stopped waiting');
    await transaction.commit();
    await delay(100);
    expect(await balance('alice')).toBe(10);
  });

  it('refuses a second transaction writing a unique key an open one wrote; a plain insert waits', async () => {
    await db
      .collection('codes')
      .where({ code: db.command.exists(true) })
      .remove();
    const first = await db.startTransaction();
    const second = await db.startTransaction();
    await first.collection('codes').add({ data: { _id: 'u1', code: 'TX-UNIQUE' } });
    // Not a duplicate yet (nothing committed), but one of the two would have to fail at commit.
    const rival = await errorOf(
      second.collection('codes').add({ data: { _id: 'u2', code: 'TX-UNIQUE' } }),
    );
    expect(rival.errMsg).toContain(CONFLICT);
    const plain = follow(errorOf(db.collection('codes').add({ data: { code: 'TX-UNIQUE' } })));
    await delay(300);
    expect(plain.answered(), 'the plain insert waits for the transaction').toBe(false);
    await first.commit();
    // Committed, the key is an ordinary duplicate: the waiting insert hears so.
    expect((await plain.result).errMsg).toMatch(/duplicate key/);
    const late = await errorOf(db.collection('codes').add({ data: { code: 'TX-UNIQUE' } }));
    expect(late.errMsg).toMatch(/duplicate key/);
    // A transaction that only updates the document keeps its key without claiming it again.
    const updater = await db.startTransaction();
    await updater
      .collection('codes')
      .doc('u1')
      .update({ data: { note: 'seen' } });
    const duplicate = await errorOf(db.collection('codes').add({ data: { code: 'TX-UNIQUE' } }));
    expect(duplicate.errMsg).toMatch(/duplicate key/);
    await updater.commit();
  });

  it('lets a plain insert waiting on a unique key an aborted transaction wrote succeed', async () => {
    await db
      .collection('codes')
      .where({ code: db.command.exists(true) })
      .remove();
    const transaction = await db.startTransaction();
    await transaction.collection('codes').add({ data: { _id: 'u3', code: 'TX-ABORTED' } });
    const plain = follow(db.collection('codes').add({ data: { _id: 'u4', code: 'TX-ABORTED' } }));
    await delay(300);
    expect(plain.answered()).toBe(false);
    await transaction.rollback();
    expect((await plain.result)._id).toBe('u4');
    expect((await db.collection('codes').where({ code: 'TX-ABORTED' }).get()).data).toEqual([
      { _id: 'u4', code: 'TX-ABORTED' },
    ]);
  });

  it('leaves nothing behind when aborted, and frees what it wrote', async () => {
    const transaction = await db.startTransaction();
    const accounts = transaction.collection('counters');
    await accounts.doc('alice').update({ data: { balance: 0 } });
    await accounts.doc('bob').remove();
    await accounts.add({ data: { _id: 'frank', balance: 9 } });
    await transaction.rollback();
    expect(await balance('alice')).toBe(100);
    expect(await balance('bob')).toBe(0);
    expect((await db.collection('counters').where({ _id: 'frank' }).count()).total).toBe(0);
    // No claim survives the abort: the same documents take plain writes at once.
    await db
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 5 } });
    await db.collection('counters').add({ data: { _id: 'frank', balance: 1 } });
    expect(await balance('alice')).toBe(5);
    expect(await balance('frank')).toBe(1);
  });

  it('loses no update when transactions race on one document (conflicts are retried)', async () => {
    const _ = db.command;
    const transfer = async (amount: number): Promise<void> => {
      // What the project's own writers do: run again, after a pause, while runTransaction's own
      // retries meet the other transactions still open.
      for (let attempt = 1; ; attempt++) {
        try {
          await db.runTransaction(async (transaction) => {
            const current = (await transaction.collection('counters').doc('alice').get()).data
              .balance as number;
            await delay(20);
            await transaction
              .collection('counters')
              .doc('alice')
              .update({ data: { balance: current - amount } });
            await transaction
              .collection('counters')
              .doc('bob')
              .update({ data: { balance: _.inc(amount) } });
          });
          return;
        } catch (error) {
          if (!String((error as { errMsg?: string }).errMsg).includes(CONFLICT) || attempt >= 10)
            throw error;
          await delay(30 * attempt + Math.random() * 30);
        }
      }
    };
    await Promise.all([transfer(10), transfer(20), transfer(30)]);
    expect(await balance('alice')).toBe(40);
    expect(await balance('bob')).toBe(60);
  });
});

describe('a crash', () => {
  const directory = mkdtempSync(join(tmpdir(), 'mashang-crash-tx-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('loses no acknowledged commit when the process is killed mid-burst', async () => {
    const file = join(directory, 'crash.sqlite');
    const acknowledged = await killedWriter(file, 'transaction', 200);
    const reopened = openDatabase({ file, collections: COLLECTIONS });
    try {
      const stored = new Set(
        (await reopened.findDocuments('scans')).map((document) => String(document._id)),
      );
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      reopened.close();
    }
  }, 30_000);
});

describe('an abandoned transaction', () => {
  // A stack of its own, with a short lifetime, so no other test races that timeout.
  let shortLived: DatabaseServer;
  let shortDb: SdkDatabase;

  beforeAll(async () => {
    shortLived = await startDatabaseServer({ transactionTimeoutMs: ABANDON_AFTER_MS });
    shortDb = wxDatabase(shortLived.url);
    await shortDb.collection('counters').add({ data: { _id: 'alice', balance: 100 } });
    await shortDb.collection('counters').add({ data: { _id: 'bob', balance: 0 } });
  });

  afterAll(async () => {
    await shortLived.close();
  });

  it('expires after its lifetime, leaving nothing and releasing what it wrote', async () => {
    const transaction = await shortDb.startTransaction();
    await transaction
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 0 } });
    // A plain write to what it claimed waits for it, here until it expires.
    const plain = follow(
      shortDb
        .collection('counters')
        .doc('alice')
        .update({ data: { balance: shortDb.command.inc(1) } }),
    );
    await delay(ABANDON_AFTER_MS / 2);
    expect(plain.answered()).toBe(false);
    expect(await balance('alice', shortDb)).toBe(100);
    await plain.result;
    // Rolled back at expiry, then the waiting write applied on the old value.
    expect(await balance('alice', shortDb)).toBe(101);
    const late = await errorOf(transaction.commit());
    expect(late.errMsg).toContain('TransactionNotExist');
    const lateWrite = await errorOf(
      transaction
        .collection('counters')
        .doc('bob')
        .update({ data: { balance: 5 } }),
    );
    expect(lateWrite.errMsg).toContain('TransactionNotExist');
    expect(await balance('bob', shortDb)).toBe(0);
  });
});
