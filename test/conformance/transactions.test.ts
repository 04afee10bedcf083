/**
 * Transactions through the real wx-server-sdk: commit, rollback (explicit and by a thrown error),
 * reads of the transaction's own writes, isolation from other requests, and the abandon timeout.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDatabaseServer, wxDatabase, type DatabaseServer } from './harness.js';
import { delay, errorOf } from './helpers.js';
import type { SdkDatabase } from './sdk-types.js';

const ABANDON_AFTER_MS = 1_500;
// Well inside the abandon timeout, so a queued request gives up while the holder still lives.
const LOCK_WAIT_MS = 200;

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
    // where().update()/remove()/count() would run outside and wait for the transaction.
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

  it('isolates: other requests wait until the transaction ends and then see its outcome', async () => {
    const transaction = await db.startTransaction();
    await transaction
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 1 } });
    let outsideRead: unknown = 'pending';
    const reading = balance('alice').then((value) => {
      outsideRead = value;
    });
    await delay(150);
    expect(outsideRead).toBe('pending');
    await transaction.commit();
    await reading;
    expect(outsideRead).toBe(1);
  });

  it('serializes two transactions on the same document (no lost update)', async () => {
    const _ = db.command;
    const transfer = (amount: number) =>
      db.runTransaction(async (transaction) => {
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
    await Promise.all([transfer(10), transfer(20), transfer(30)]);
    expect(await balance('alice')).toBe(40);
    expect(await balance('bob')).toBe(60);
  });
});

describe('an abandoned transaction', () => {
  // A stack of its own, with a short abandon timeout, so no other test races that timeout.
  let shortLived: DatabaseServer;
  let shortDb: SdkDatabase;

  beforeAll(async () => {
    shortLived = await startDatabaseServer({
      transactionTimeoutMs: ABANDON_AFTER_MS,
      lockWaitMs: LOCK_WAIT_MS,
    });
    shortDb = wxDatabase(shortLived.url);
    await shortDb.collection('counters').add({ data: { _id: 'alice', balance: 100 } });
    await shortDb.collection('counters').add({ data: { _id: 'bob', balance: 0 } });
  });

  afterAll(async () => {
    await shortLived.close();
  });

  it('makes requests queued behind it give up with a conflict, not wait forever', async () => {
    await shortDb.collection('counters').add({ data: { _id: 'carol', balance: 7 } });
    const transaction = await shortDb.startTransaction();
    await transaction
      .collection('counters')
      .doc('carol')
      .update({ data: { balance: 8 } });
    // A plain write and a second transaction wait LOCK_WAIT_MS, then hear the conflict.
    const blocked = await errorOf(
      shortDb
        .collection('counters')
        .doc('carol')
        .update({ data: { balance: 9 } }),
    );
    expect(blocked.errMsg).toMatch(/TransactionBusy/);
    expect((await errorOf(shortDb.startTransaction())).errMsg).toMatch(/TransactionBusy/);
    // The holder is unaffected, and once it commits the database is free again.
    await transaction.commit();
    expect(await balance('carol', shortDb)).toBe(8);
    await shortDb
      .collection('counters')
      .doc('carol')
      .update({ data: { balance: 9 } });
    expect(await balance('carol', shortDb)).toBe(9);
  });

  it('is never handed to a client that stopped waiting for it', async () => {
    const holder = await shortDb.startTransaction();
    // A second client asks for a transaction, then gives up while it is still queued.
    const gaveUp = new AbortController();
    const queued = fetch(`${shortLived.url}?env=local`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'database.startTransaction', envName: 'local' }),
      signal: gaveUp.signal,
    }).catch((error: Error) => error);
    await delay(50);
    gaveUp.abort();
    expect(await queued).toBeInstanceOf(Error);
    // The server learns of it when the connection closes, a moment after the client gave up.
    await delay(100);
    await holder.commit();
    // No orphan transaction holds the database: the next write goes straight through.
    await shortDb
      .collection('counters')
      .doc('bob')
      .update({ data: { balance: 1 } });
    expect(await balance('bob', shortDb)).toBe(1);
  });

  it('is aborted after the timeout and frees the database', async () => {
    const transaction = await shortDb.startTransaction();
    await transaction
      .collection('counters')
      .doc('alice')
      .update({ data: { balance: 0 } });
    await delay(ABANDON_AFTER_MS + 200);
    expect(await balance('alice', shortDb)).toBe(100);
    const late = await errorOf(transaction.commit());
    expect(late.errMsg).toMatch(/transaction/i);
    const lateWrite = await errorOf(
      transaction
        .collection('counters')
        .doc('bob')
        .update({ data: { balance: 5 } }),
    );
    expect(lateWrite.errMsg).toMatch(/transaction/i);
    expect(await balance('bob', shortDb)).toBe(0);
  });
});
