/**
 * The same server through @cloudbase/node-sdk directly (no wx-server-sdk wrapper): replies it
 * reads raw, including updateAndReturn (database.modifyAndReturnDoc) and error codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudbaseNodeSdk, startDatabaseServer, type DatabaseServer } from './harness.js';

let server: DatabaseServer;
let db: ReturnType<ReturnType<typeof cloudbaseNodeSdk>['database']>;

beforeAll(async () => {
  server = await startDatabaseServer();
  db = cloudbaseNodeSdk(server.url).database();
});

afterAll(async () => {
  await server.close();
});

describe('@cloudbase/node-sdk', () => {
  it('adds, reads, updates and counts', async () => {
    const added = await db
      .collection('items')
      .add({ sku: 'N-1', qty: 1, at: new Date('2024-02-03T04:05:06Z') });
    expect(typeof added.id).toBe('string');
    const { data } = await db
      .collection('items')
      .doc(added.id as string)
      .get();
    expect(data).toEqual([
      { _id: added.id, sku: 'N-1', qty: 1, at: new Date('2024-02-03T04:05:06Z') },
    ]);
    const updated = await db
      .collection('items')
      .where({ sku: 'N-1' })
      .update({ qty: db.command.inc(2) });
    expect(updated.updated).toBe(1);
    const counted = await db.collection('items').where({ qty: 3 }).count();
    expect(counted.total).toBe(1);
  });

  it('updates and returns the document after the update', async () => {
    await db.collection('items').add({ _id: 'ret-1', state: 'new', tries: 0 });
    const result = await db
      .collection('items')
      .where({ _id: 'ret-1', state: 'new' })
      .updateAndReturn({ state: 'taken', tries: db.command.inc(1) });
    expect(result.updated).toBe(1);
    expect(result.doc).toEqual({ _id: 'ret-1', state: 'taken', tries: 1 });
    const none = await db
      .collection('items')
      .where({ _id: 'ret-1', state: 'new' })
      .updateAndReturn({ state: 'x' });
    expect(none.updated).toBe(0);
    expect(none.doc).toBeNull();
  });

  it('upserts with doc().set() and reports upsertedId', async () => {
    const created = await db.collection('items').doc('set-1').set({ v: 1 });
    expect(created).toMatchObject({ updated: 0, upsertedId: 'set-1' });
    const replaced = await db.collection('items').doc('set-1').set({ v: 2 });
    expect(replaced.updated).toBe(1);
    expect(replaced.upsertedId).toBeUndefined();
  });

  it('surfaces CloudBase error codes', async () => {
    const missing = await db
      .collection('nowhere')
      .get()
      .then(
        (reply: unknown) => reply,
        (error: unknown) => error,
      );
    expect(missing).toMatchObject({ code: 'DATABASE_COLLECTION_NOT_EXIST' });
    await db.collection('codes').add({ code: 'N-DUP' });
    const duplicate = await db
      .collection('codes')
      .add({ code: 'N-DUP' })
      .then(
        (reply: unknown) => reply,
        (error: unknown) => error,
      );
    expect(duplicate).toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' });
  });
});
