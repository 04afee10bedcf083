/**
 * Aggregation through the real wx-server-sdk: match, group with accumulators, sort, skip,
 * limit, project, count, unwind, lookup and addFields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabaseServer, wxDatabase, type DatabaseServer } from './harness.js';
import type { SdkDatabase } from './sdk-types.js';

let server: DatabaseServer;
let db: SdkDatabase;

beforeAll(async () => {
  server = await startDatabaseServer();
  db = wxDatabase(server.url);
  await db.collection('scans').add({
    data: [
      {
        code: 'A',
        openid: 'u1',
        scannedAt: new Date('2024-01-01T00:00:00Z'),
        tags: ['x', 'y'],
        amount: 1,
      },
      {
        code: 'A',
        openid: 'u2',
        scannedAt: new Date('2024-01-02T00:00:00Z'),
        tags: ['y'],
        amount: 2,
      },
      { code: 'B', openid: 'u1', scannedAt: new Date('2024-01-03T00:00:00Z'), tags: [], amount: 3 },
      {
        code: 'C',
        openid: 'u3',
        scannedAt: new Date('2024-01-04T00:00:00Z'),
        tags: ['x'],
        amount: 4,
      },
    ],
  });
  await db.collection('products').add({
    data: [
      { _id: 'pA', code: 'A', title: 'Tea' },
      { _id: 'pB', code: 'B', title: 'Coffee' },
    ],
  });
});

afterAll(async () => {
  await server.close();
});

describe('aggregate', () => {
  it('groups with sum, count, addToSet and first; sorts the groups', async () => {
    const $ = db.command.aggregate;
    const { list } = await db
      .collection('scans')
      .aggregate()
      .group({
        _id: '$code',
        scans: $.sum(1),
        amount: $.sum('$amount'),
        users: $.addToSet('$openid'),
        firstAt: $.min('$scannedAt'),
      })
      .sort({ amount: -1 })
      .end();
    expect(list.map((group) => [group._id, group.scans, group.amount])).toEqual([
      ['C', 1, 4],
      ['A', 2, 3],
      ['B', 1, 3],
    ]);
    const groupA = list.find((group) => group._id === 'A');
    expect([...(groupA?.users as string[])].sort()).toEqual(['u1', 'u2']);
    expect(groupA?.firstAt).toEqual(new Date('2024-01-01T00:00:00Z'));
  });

  it('matches with query commands, then skips, limits and projects', async () => {
    const _ = db.command;
    const { list } = await db
      .collection('scans')
      .aggregate()
      .match({ amount: _.gte(2), openid: _.in(['u1', 'u2', 'u3']) })
      .sort({ scannedAt: 1 })
      .skip(1)
      .limit(2)
      .project({ _id: 0, code: 1, amount: 1 })
      .end();
    expect(list).toEqual([
      { code: 'B', amount: 3 },
      { code: 'C', amount: 4 },
    ]);
  });

  it('counts and unwinds arrays', async () => {
    const counted = await db
      .collection('scans')
      .aggregate()
      .match({ openid: 'u1' })
      .count('total')
      .end();
    expect(counted.list).toEqual([{ total: 2 }]);
    const $ = db.command.aggregate;
    const { list } = await db
      .collection('scans')
      .aggregate()
      .unwind('$tags')
      .group({ _id: '$tags', n: $.sum(1) })
      .sort({ _id: 1 })
      .end();
    expect(list).toEqual([
      { _id: 'x', n: 2 },
      { _id: 'y', n: 2 },
    ]);
  });

  it('joins another collection with lookup and computes fields with addFields', async () => {
    const $ = db.command.aggregate;
    const { list } = await db
      .collection('scans')
      .aggregate()
      .match({ openid: 'u1' })
      .lookup({ from: 'products', localField: 'code', foreignField: 'code', as: 'product' })
      .addFields({ doubled: $.multiply(['$amount', 2]) })
      .project({ _id: 0, code: 1, doubled: 1, 'product.title': 1 })
      .sort({ code: 1 })
      .end();
    expect(list).toEqual([
      { code: 'A', doubled: 2, product: [{ title: 'Tea' }] },
      { code: 'B', doubled: 6, product: [{ title: 'Coffee' }] },
    ]);
  });

  it('joins by _id after a limit; a document without the local field joins nothing', async () => {
    const _ = db.command;
    await db.collection('codeRanges').add({
      data: [
        { applicationId: 'app', codeStart: 0, codeEnd: 9, productId: 'pB', activatedAt: 1 },
        { applicationId: 'app', codeStart: 10, codeEnd: 19, activatedAt: 2 },
      ],
    });
    const covering = async (index: number) =>
      (
        await db
          .collection('codeRanges')
          .aggregate()
          .match({ applicationId: 'app', codeStart: _.lte(index), codeEnd: _.gte(index) })
          .sort({ activatedAt: -1 })
          .limit(1)
          .lookup({ from: 'products', localField: 'productId', foreignField: '_id', as: 'p' })
          .project({ _id: 0, codeStart: 1, 'p.title': 1 })
          .end()
      ).list;
    expect(await covering(5)).toEqual([{ codeStart: 0, p: [{ title: 'Coffee' }] }]);
    expect(await covering(15)).toEqual([{ codeStart: 10, p: [] }]);
    expect(await covering(25)).toEqual([]);
  });
});
