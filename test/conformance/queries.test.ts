/**
 * Reads through the real wx-server-sdk: query commands, ordering, paging, projection, counts,
 * EJSON values and CloudBase's errors for missing documents and collections.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabaseServer, wxDatabase, type DatabaseServer } from './harness.js';
import type { SdkDatabase, SdkQuery } from './sdk-types.js';
import { errorOf, sorted } from './helpers.js';

let server: DatabaseServer;
let db: SdkDatabase;

const ITEMS = [
  {
    _id: 'i1',
    sku: 'A-1',
    price: 10,
    qty: 5,
    tags: ['red', 'small'],
    spec: { color: 'red', size: 1 },
    title: 'Green Tea',
  },
  {
    _id: 'i2',
    sku: 'A-2',
    price: 20,
    qty: 0,
    tags: ['blue'],
    spec: { color: 'blue', size: 2 },
    title: 'black tea',
  },
  {
    _id: 'i3',
    sku: 'B-1',
    price: 20,
    qty: 7,
    tags: ['red', 'large'],
    spec: { color: 'red', size: 3 },
    title: 'Coffee',
  },
  {
    _id: 'i4',
    sku: 'B-2',
    price: 35,
    tags: [],
    spec: { color: 'green', size: 2 },
    title: 'TEA cake',
    note: null,
  },
  {
    _id: 'i5',
    sku: 'C-1',
    price: 5,
    qty: 1,
    tags: ['small'],
    spec: { color: 'blue', size: 1 },
    title: 'water',
  },
];

beforeAll(async () => {
  server = await startDatabaseServer();
  db = wxDatabase(server.url);
  for (const item of ITEMS) await db.collection('items').add({ data: item });
});

afterAll(async () => {
  await server.close();
});

async function ids(query: SdkQuery): Promise<string[]> {
  const result = await query.get();
  return result.data.map((document) => String(document._id));
}

describe('query commands', () => {
  const items = () => db.collection('items');

  it('matches plain equality and each comparison command', async () => {
    const _ = db.command;
    expect(await ids(items().where({ price: 20 }))).toEqual(['i2', 'i3']);
    expect(await ids(items().where({ price: _.eq(20) }))).toEqual(['i2', 'i3']);
    expect(await ids(items().where({ price: _.neq(20) }))).toEqual(['i1', 'i4', 'i5']);
    expect(await ids(items().where({ price: _.gt(20) }))).toEqual(['i4']);
    expect(await ids(items().where({ price: _.gte(20) }))).toEqual(['i2', 'i3', 'i4']);
    expect(await ids(items().where({ price: _.lt(10) }))).toEqual(['i5']);
    expect(await ids(items().where({ price: _.lte(10) }))).toEqual(['i1', 'i5']);
    expect(await ids(items().where({ sku: _.in(['A-1', 'C-1', 'nope']) }))).toEqual(['i1', 'i5']);
    expect(await ids(items().where({ sku: _.nin(['A-1', 'C-1']) }))).toEqual(['i2', 'i3', 'i4']);
  });

  it('combines conditions with and / or, on one field and across fields', async () => {
    const _ = db.command;
    expect(await ids(items().where({ price: _.gt(5).and(_.lt(35)) }))).toEqual(['i1', 'i2', 'i3']);
    expect(await ids(items().where({ price: _.lt(10).or(_.gt(30)) }))).toEqual(['i4', 'i5']);
    expect(await ids(items().where(_.or([{ price: 5 }, { sku: 'A-2' }])))).toEqual(['i2', 'i5']);
    expect(await ids(items().where(_.and([{ price: 20 }, { qty: _.gt(1) }])))).toEqual(['i3']);
    expect(await ids(items().where({ price: 20, qty: 0 }))).toEqual(['i2']);
  });

  it('tests presence with exists (a null value exists)', async () => {
    const _ = db.command;
    expect(await ids(items().where({ qty: _.exists(false) }))).toEqual(['i4']);
    expect(await ids(items().where({ note: _.exists(true) }))).toEqual(['i4']);
  });

  it('matches regular expressions from db.RegExp and JS literals', async () => {
    expect(await ids(items().where({ title: /tea/i }))).toEqual(['i1', 'i2', 'i4']);
    expect(await ids(items().where({ title: /^T/ }))).toEqual(['i4']);
    expect(
      await ids(items().where({ title: db.RegExp({ regexp: 'tea$', options: 'i' }) })),
    ).toEqual(['i1', 'i2']);
    expect(await ids(items().where({ sku: db.RegExp({ regexp: '^B-' }) }))).toEqual(['i3', 'i4']);
  });

  it('reaches nested fields by object and by dot path', async () => {
    const _ = db.command;
    expect(await ids(items().where({ spec: { color: 'red' } }))).toEqual(['i1', 'i3']);
    expect(await ids(items().where({ 'spec.size': _.gte(2) }))).toEqual(['i2', 'i3', 'i4']);
    expect(await ids(items().where({ spec: { color: 'blue', size: 1 } }))).toEqual(['i5']);
  });

  it('matches array elements (contains, all, size, elemMatch)', async () => {
    const _ = db.command;
    expect(await ids(items().where({ tags: 'red' }))).toEqual(['i1', 'i3']);
    expect(await ids(items().where({ tags: _.in(['blue', 'large']) }))).toEqual(['i2', 'i3']);
    expect(await ids(items().where({ tags: _.all(['red', 'small']) }))).toEqual(['i1']);
    expect(await ids(items().where({ tags: _.size(0) }))).toEqual(['i4']);
    expect(await ids(items().where({ 'tags.0': 'red' }))).toEqual(['i1', 'i3']);
  });
});

describe('ordering, paging and projection', () => {
  const items = () => db.collection('items');

  it('orders by several keys, then skips and limits', async () => {
    expect(await ids(items().orderBy('price', 'desc').orderBy('sku', 'asc'))).toEqual([
      'i4',
      'i2',
      'i3',
      'i1',
      'i5',
    ]);
    expect(await ids(items().orderBy('price', 'asc').orderBy('sku', 'desc'))).toEqual([
      'i5',
      'i1',
      'i3',
      'i2',
      'i4',
    ]);
    expect(
      await ids(items().orderBy('price', 'asc').orderBy('sku', 'asc').skip(1).limit(2)),
    ).toEqual(['i1', 'i2']);
    expect(await ids(items().orderBy('spec.size', 'desc').orderBy('_id', 'asc').limit(3))).toEqual([
      'i3',
      'i2',
      'i4',
    ]);
  });

  it('keeps natural (insertion) order without orderBy', async () => {
    expect(await ids(items())).toEqual(['i1', 'i2', 'i3', 'i4', 'i5']);
    expect(await ids(items().skip(3))).toEqual(['i4', 'i5']);
  });

  it('projects fields with field()', async () => {
    const { data } = await items()
      .where({ _id: 'i1' })
      .field({ sku: true, 'spec.color': true })
      .get();
    expect(data).toEqual([{ _id: 'i1', sku: 'A-1', spec: { color: 'red' } }]);
    const excluded = await items()
      .doc('i2')
      .field({ tags: false, spec: false, title: false })
      .get();
    expect(excluded.data).toEqual({ _id: 'i2', sku: 'A-2', price: 20, qty: 0 });
  });

  it('drops excluded fields after filtering and sorting on them', async () => {
    const _ = db.command;
    // The filter and the sort read the very fields the projection drops.
    const byTag = await items()
      .where({ tags: 'red', spec: _.exists(true) })
      .orderBy('title', 'asc')
      .field({ tags: false, spec: false, title: false })
      .get();
    expect(byTag.data).toEqual([
      { _id: 'i3', sku: 'B-1', price: 20, qty: 7 },
      { _id: 'i1', sku: 'A-1', price: 10, qty: 5 },
    ]);
    const byNested = await items()
      .where(_.or([{ 'spec.size': 2 }, { note: null, price: 35 }]))
      .field({ spec: false, tags: false, title: false, note: false })
      .get();
    expect(byNested.data).toEqual([
      { _id: 'i2', sku: 'A-2', price: 20, qty: 0 },
      { _id: 'i4', sku: 'B-2', price: 35 },
    ]);
    // A field no condition names is dropped the same way, and the documents are whole again
    // without a projection.
    const cheap = await items()
      .where({ price: _.lt(11) })
      .field({ tags: false })
      .get();
    expect(cheap.data.map((item: Record<string, unknown>) => Object.keys(item).sort())).toEqual([
      ['_id', 'price', 'qty', 'sku', 'spec', 'title'],
      ['_id', 'price', 'qty', 'sku', 'spec', 'title'],
    ]);
    const whole = await items()
      .where({ price: _.lt(11) })
      .get();
    expect(whole.data.map((item: Record<string, unknown>) => item.tags)).toEqual([
      ['red', 'small'],
      ['small'],
    ]);
  });

  it('counts matches regardless of paging', async () => {
    const _ = db.command;
    expect((await items().count()).total).toBe(5);
    expect(
      (
        await items()
          .where({ price: _.gte(20) })
          .count()
      ).total,
    ).toBe(3);
    expect((await items().where({ price: 999 }).count()).total).toBe(0);
  });

  it('returns 100 documents by default and at most 1000', async () => {
    const batch = Array.from({ length: 1100 }, (_unused, index) => ({ bulk: true, n: index }));
    const added = await db.collection('counters').add({ data: batch });
    expect(added._ids).toHaveLength(1100);
    expect(new Set(added._ids).size).toBe(1100);
    expect(added._ids.every((id) => typeof id === 'string' && /^[0-9a-f]{32}$/.test(id))).toBe(
      true,
    );
    const counters = () => db.collection('counters').where({ bulk: true });
    expect((await counters().get()).data).toHaveLength(100);
    expect((await counters().limit(5000).get()).data).toHaveLength(1000);
    const lastPage = await counters().orderBy('n', 'desc').skip(1000).limit(1000).get();
    expect(lastPage.data.map((document) => document.n)).toEqual(
      sorted(
        Array.from({ length: 100 }, (_u, i) => i),
        -1,
      ),
    );
    expect((await counters().count()).total).toBe(1100);
  });
});

describe('documents by id and EJSON values', () => {
  it('gets a document by id, and rejects a missing id like CloudBase', async () => {
    const { data } = await db.collection('items').doc('i3').get();
    expect(data).toEqual(ITEMS[2]);
    const error = await errorOf(db.collection('items').doc('missing').get());
    expect(error.errMsg).toContain('document with _id missing does not exist');
  });

  it('round-trips dates and numbers, and compares dates in queries', async () => {
    const _ = db.command;
    const when = new Date('2024-05-06T07:08:09.123Z');
    const added = await db.collection('items').add({
      data: {
        kind: 'dated',
        at: when,
        ratio: 0.25,
        big: 2 ** 40,
        flag: false,
        empty: {},
        list: [new Date(0), 1, 'x'],
      },
    });
    const { data } = await db.collection('items').doc(added._id).get();
    expect(data.at).toBeInstanceOf(Date);
    expect((data.at as Date).toISOString()).toBe(when.toISOString());
    expect(data).toMatchObject({
      ratio: 0.25,
      big: 2 ** 40,
      flag: false,
      empty: {},
      list: [new Date(0), 1, 'x'],
    });
    expect(await ids(db.collection('items').where({ at: _.gt(new Date('2024-01-01')) }))).toEqual([
      added._id,
    ]);
    expect(await ids(db.collection('items').where({ at: _.lt(new Date('2024-01-01')) }))).toEqual(
      [],
    );
    await db.collection('items').doc(added._id).remove();
  });

  it('resolves serverDate in queries', async () => {
    const _ = db.command;
    const added = await db
      .collection('items')
      .add({ data: { kind: 'stamped', at: db.serverDate() } });
    expect(
      await ids(db.collection('items').where({ kind: 'stamped', at: _.lte(db.serverDate()) })),
    ).toEqual([added._id]);
    expect(
      await ids(
        db
          .collection('items')
          .where({ kind: 'stamped', at: _.gt(db.serverDate({ offset: 60_000 })) }),
      ),
    ).toEqual([]);
    await db.collection('items').doc(added._id).remove();
  });
});

describe('collections', () => {
  it('fails every operation on a collection that does not exist (errCode -502005)', async () => {
    const missing = db.collection('no_such_collection');
    for (const attempt of [
      missing.get(),
      missing.count(),
      missing.add({ data: { a: 1 } }),
      missing.doc('x').get(),
      missing.doc('x').set({ data: { a: 1 } }),
      missing.where({ a: 1 }).update({ data: { a: 2 } }),
      missing.where({ a: 1 }).remove(),
    ]) {
      const error = await errorOf(attempt);
      expect(error.errCode).toBe(-502005);
      expect(error.errMsg).toMatch(/not exist/i);
    }
    // The SDK's aggregate path throws the reply itself, so only the message survives (errCode -1).
    const aggregateError = await errorOf(missing.aggregate().match({ a: 1 }).end());
    expect(aggregateError.errMsg).toMatch(/Db or Table not exist/);
  });

  it('creates a collection once; creating it again fails', async () => {
    await db.createCollection('made_at_runtime');
    await db.collection('made_at_runtime').add({ data: { ok: true } });
    expect((await db.collection('made_at_runtime').count()).total).toBe(1);
    const error = await errorOf(db.createCollection('made_at_runtime'));
    expect(error.errMsg).toMatch(/exist/i);
    const declared = await errorOf(db.createCollection('codes'));
    expect(declared.errMsg).toMatch(/exist/i);
  });
});
