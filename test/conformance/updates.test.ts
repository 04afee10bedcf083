/**
 * Writes through the real wx-server-sdk: update operators, conditional updates and their
 * counts, set/upsert, remove, serverDate, concurrency, and unique indexes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDatabaseServer, wxDatabase, type DatabaseServer } from './harness.js';
import type { SdkDatabase } from './sdk-types.js';
import { errorOf } from './helpers.js';

let server: DatabaseServer;
let db: SdkDatabase;

beforeAll(async () => {
  server = await startDatabaseServer({ now: () => new Date(Date.now()) });
  db = wxDatabase(server.url);
});

afterAll(async () => {
  await server.close();
});

async function read(id: string, collection = 'items'): Promise<Record<string, unknown>> {
  return (await db.collection(collection).doc(id).get()).data;
}

async function reset(collection: string): Promise<void> {
  await db
    .collection(collection)
    .where({ _id: db.command.exists(true) })
    .remove();
}

describe('update operators', () => {
  beforeEach(async () => {
    await reset('items');
    await db.collection('items').add({
      data: {
        _id: 'u1',
        n: 10,
        m: 3,
        lo: 5,
        hi: 5,
        list: [1, 2, 3],
        set: ['a'],
        nested: { a: 1, b: { c: 2 } },
        gone: true,
        old: 'name',
      },
    });
  });

  it('applies inc, mul, min, max, set (nested), remove and rename', async () => {
    const _ = db.command;
    const result = await db
      .collection('items')
      .doc('u1')
      .update({
        data: {
          n: _.inc(-3),
          m: _.mul(4),
          lo: _.min(2),
          hi: _.max(9),
          nested: { b: { c: _.inc(1) }, added: 'x' },
          fresh: _.inc(2),
          gone: _.remove(),
          old: _.rename('renamed'),
        },
      });
    expect(result.stats.updated).toBe(1);
    const document = await read('u1');
    expect(document).toMatchObject({ n: 7, m: 12, lo: 2, hi: 9, fresh: 2, renamed: 'name' });
    expect(document.nested).toEqual({ a: 1, b: { c: 3 }, added: 'x' });
    expect(document).not.toHaveProperty('gone');
    expect(document).not.toHaveProperty('old');
  });

  it('replaces a whole sub-object with _.set, and sets plain nested fields by path', async () => {
    const _ = db.command;
    await db
      .collection('items')
      .doc('u1')
      .update({ data: { nested: _.set({ only: 1 }) } });
    expect((await read('u1')).nested).toEqual({ only: 1 });
    await db
      .collection('items')
      .doc('u1')
      .update({ data: { 'nested.deep.er': 'yes' } });
    expect((await read('u1')).nested).toEqual({ only: 1, deep: { er: 'yes' } });
  });

  it('applies the array operators push (each/position/slice/sort), pull, pullAll, addToSet, pop, shift, unshift', async () => {
    const _ = db.command;
    await db
      .collection('items')
      .doc('u1')
      .update({ data: { list: _.push(4, 5) } });
    expect((await read('u1')).list).toEqual([1, 2, 3, 4, 5]);
    await db
      .collection('items')
      .doc('u1')
      .update({ data: { list: _.push({ each: [0], position: 0 }) } });
    expect((await read('u1')).list).toEqual([0, 1, 2, 3, 4, 5]);
    await db
      .collection('items')
      .doc('u1')
      .update({ data: { list: _.push({ each: [9, 7], sort: -1, slice: 4 }) } });
    expect((await read('u1')).list).toEqual([9, 7, 5, 4]);
    await db
      .collection('items')
      .doc('u1')
      .update({ data: { list: _.pull(7) } });
    expect((await read('u1')).list).toEqual([9, 5, 4]);
    await db
      .collection('items')
      .doc('u1')
      .update({ data: { list: _.pull(_.gt(4)) } });
    expect((await read('u1')).list).toEqual([4]);
    await db
      .collection('items')
      .doc('u1')
      .update({ data: { list: _.pullAll([4]) } });
    expect((await read('u1')).list).toEqual([]);
    await db
      .collection('items')
      .doc('u1')
      .update({ data: { set: _.addToSet('a') } });
    await db
      .collection('items')
      .doc('u1')
      .update({ data: { set: _.addToSet({ $each: ['b', 'a', 'c'] }) } });
    expect((await read('u1')).set).toEqual(['a', 'b', 'c']);
    await db
      .collection('items')
      .doc('u1')
      .update({ data: { set: _.pop() } });
    expect((await read('u1')).set).toEqual(['a', 'b']);
    await db
      .collection('items')
      .doc('u1')
      .update({ data: { set: _.shift() } });
    expect((await read('u1')).set).toEqual(['b']);
    await db
      .collection('items')
      .doc('u1')
      .update({ data: { set: _.unshift('z', 'y') } });
    expect((await read('u1')).set).toEqual(['z', 'y', 'b']);
  });

  it('stamps serverDate on add and in updates', async () => {
    const before = Date.now();
    const added = await db.collection('items').add({ data: { createdAt: db.serverDate() } });
    const created = (await read(added._id)).createdAt as Date;
    expect(created).toBeInstanceOf(Date);
    expect(created.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(created.getTime()).toBeLessThanOrEqual(Date.now() + 5);
    await db
      .collection('items')
      .doc(added._id)
      .update({
        data: { later: db.serverDate({ offset: 3_600_000 }), nested: { at: db.serverDate() } },
      });
    const document = await read(added._id);
    expect((document.later as Date).getTime() - created.getTime()).toBeGreaterThanOrEqual(
      3_600_000 - 50,
    );
    expect((document.nested as { at: unknown }).at).toBeInstanceOf(Date);
    // (Inside _.max/_.set the SDK sends a ServerDate's fields, not the placeholder, as CloudBase sees it too.)
  });
});

describe('update counts and conditional updates', () => {
  beforeEach(async () => {
    await reset('items');
    for (const [id, state] of [
      ['c1', 'a'],
      ['c2', 'a'],
      ['c3', 'b'],
    ]) {
      await db.collection('items').add({ data: { _id: id, state } });
    }
  });

  it('reports stats.updated for where().update(), then 0 for the same conditional update', async () => {
    const first = await db
      .collection('items')
      .where({ state: 'a' })
      .update({ data: { state: 'b' } });
    expect(first.stats.updated).toBe(2);
    const second = await db
      .collection('items')
      .where({ state: 'a' })
      .update({ data: { state: 'b' } });
    expect(second.stats.updated).toBe(0);
    expect((await db.collection('items').where({ state: 'b' }).count()).total).toBe(3);
  });

  it('lets exactly one of two racing conditional updates win', async () => {
    const claim = () =>
      db
        .collection('items')
        .where({ _id: 'c1', state: 'a' })
        .update({ data: { state: 'claimed' } });
    const results = await Promise.all([claim(), claim(), claim()]);
    expect(results.map((result) => result.stats.updated).sort()).toEqual([0, 0, 1]);
  });

  it('does not count a document the update leaves unchanged (CloudBase reports modified, not matched)', async () => {
    const result = await db
      .collection('items')
      .where({ _id: db.command.in(['c1', 'c3']) })
      .update({ data: { state: 'a' } });
    expect(result.stats.updated).toBe(1);
    const unchanged = await db
      .collection('items')
      .doc('c2')
      .update({ data: { state: 'a' } });
    expect(unchanged.stats.updated).toBe(0);
  });

  it('updates nothing for a missing document id', async () => {
    const result = await db
      .collection('items')
      .doc('nope')
      .update({ data: { state: 'x' } });
    expect(result.stats.updated).toBe(0);
    expect((await db.collection('items').count()).total).toBe(3);
  });

  it('sums 50 concurrent _.inc(1) exactly', async () => {
    await db.collection('counters').add({ data: { _id: 'hits', value: 0 } });
    const _ = db.command;
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        db
          .collection('counters')
          .doc('hits')
          .update({ data: { value: _.inc(1) } }),
      ),
    );
    expect(results.every((result) => result.stats.updated === 1)).toBe(true);
    expect((await read('hits', 'counters')).value).toBe(50);
  });
});

describe('set, upsert and remove', () => {
  beforeEach(async () => {
    await reset('items');
  });

  it('creates with doc().set() when absent and replaces when present', async () => {
    const created = await db
      .collection('items')
      .doc('s1')
      .set({ data: { a: 1, b: 2 } });
    expect(created).toMatchObject({ _id: 's1', stats: { updated: 0, created: 1 } });
    expect(await read('s1')).toEqual({ _id: 's1', a: 1, b: 2 });
    const replaced = await db
      .collection('items')
      .doc('s1')
      .set({ data: { c: 3 } });
    expect(replaced).toMatchObject({ _id: 's1', stats: { updated: 1, created: 0 } });
    expect(await read('s1')).toEqual({ _id: 's1', c: 3 });
  });

  it('removes one document by id and many by query', async () => {
    for (const n of [1, 2, 3, 4])
      await db.collection('items').add({ data: { _id: `r${n}`, even: n % 2 === 0 } });
    expect((await db.collection('items').doc('r1').remove()).stats.removed).toBe(1);
    expect((await db.collection('items').doc('r1').remove()).stats.removed).toBe(0);
    expect((await db.collection('items').where({ even: true }).remove()).stats.removed).toBe(2);
    expect((await db.collection('items').get()).data.map((d) => d._id)).toEqual(['r3']);
  });

  it('rejects a second document with the same _id', async () => {
    await db.collection('items').add({ data: { _id: 'same' } });
    const error = await errorOf(db.collection('items').add({ data: { _id: 'same' } }));
    expect(error.errMsg).toMatch(/duplicate key/);
  });
});

describe('unique indexes', () => {
  beforeEach(async () => {
    await reset('codes');
    await reset('payouts');
  });

  it('rejects a duplicate on insert, keeps the first document', async () => {
    await db.collection('codes').add({ data: { code: 'C-100', scans: 1 } });
    const error = await errorOf(db.collection('codes').add({ data: { code: 'C-100', scans: 2 } }));
    expect(error.errMsg).toMatch(/E11000 duplicate key/);
    expect(error.errMsg).toContain('code_unique');
    const { data } = await db.collection('codes').where({ code: 'C-100' }).get();
    expect(data.map((document) => document.scans)).toEqual([1]);
  });

  it('rejects an update or a set() that would duplicate a key, changing nothing', async () => {
    await db.collection('codes').add({ data: { _id: 'k1', code: 'C-1' } });
    await db.collection('codes').add({ data: { _id: 'k2', code: 'C-2' } });
    const viaUpdate = await errorOf(
      db
        .collection('codes')
        .doc('k2')
        .update({ data: { code: 'C-1' } }),
    );
    expect(viaUpdate.errMsg).toMatch(/duplicate key/);
    const viaWhere = await errorOf(
      db
        .collection('codes')
        .where({ code: 'C-2' })
        .update({ data: { code: 'C-1' } }),
    );
    expect(viaWhere.errMsg).toMatch(/duplicate key/);
    const viaSet = await errorOf(
      db
        .collection('codes')
        .doc('k2')
        .set({ data: { code: 'C-1' } }),
    );
    expect(viaSet.errMsg).toMatch(/duplicate key/);
    const viaUpsert = await errorOf(
      db
        .collection('codes')
        .doc('k3')
        .set({ data: { code: 'C-1' } }),
    );
    expect(viaUpsert.errMsg).toMatch(/duplicate key/);
    expect((await read('k2', 'codes')).code).toBe('C-2');
    expect((await db.collection('codes').count()).total).toBe(2);
  });

  it('enforces every unique index of a collection (payouts: outNo and code)', async () => {
    await db.collection('payouts').add({ data: { outNo: 'P1', code: 'C-1', state: 'new' } });
    expect(
      (await errorOf(db.collection('payouts').add({ data: { outNo: 'P1', code: 'C-2' } }))).errMsg,
    ).toContain('out_no_unique');
    expect(
      (await errorOf(db.collection('payouts').add({ data: { outNo: 'P2', code: 'C-1' } }))).errMsg,
    ).toContain('reward_code_unique');
    await db.collection('payouts').add({ data: { outNo: 'P2', code: 'C-2', state: 'new' } });
    // Non-unique indexes allow repeats.
    expect((await db.collection('payouts').where({ state: 'new' }).count()).total).toBe(2);
  });

  it('lets exactly one of many concurrent inserts of the same key succeed', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_unused, n) =>
        db.collection('codes').add({ data: { code: 'RACE', n } }),
      ),
    );
    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
    expect((await db.collection('codes').where({ code: 'RACE' }).count()).total).toBe(1);
  });
});
