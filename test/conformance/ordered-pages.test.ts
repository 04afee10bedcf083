/**
 * Sorted, limited queries over a large candidate set are read in SQL order (operations.ts
 * findOrdered) instead of sorting every candidate in memory. They must answer exactly what the
 * full path answers: ties in natural order, skip and limit, filters beyond the prefilter, and a
 * collection whose sort field mixes types (dates, booleans, arrays) falls back unchanged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type EmulatedDatabase } from '../../local/cloudbase/database/index.js';

const directory = mkdtempSync(join(tmpdir(), 'mashang-ordered-'));
let database: EmulatedDatabase;
const COUNT = 6_000;

function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = randomSource(20261202);

async function page(
  collectionName: string,
  filter: Record<string, unknown>,
  order: Record<string, 1 | -1>,
  offset: number,
  limit: number,
): Promise<string[]> {
  const reply = await database.handle('database.getDocument', {
    collectionName,
    queryType: 'WHERE',
    query: EJSON.stringify(filter, { relaxed: false }),
    order: EJSON.stringify(order, { relaxed: false }),
    offset,
    limit,
  });
  const list = (reply.data as { list: string[] }).list;
  return list.map((item) => JSON.stringify((EJSON.parse(item) as { _id: unknown })._id));
}

const spec = (name: string, indexed: boolean) => ({
  name,
  describes: `ordered pages: ${name}`,
  permission: 'ADMINONLY' as const,
  indexes: indexed ? [{ name: 'g_t', keys: { g: 1 as const, t: -1 as const } }] : [],
});

beforeAll(async () => {
  database = openDatabase({
    file: join(directory, 'ordered.sqlite'),
    collections: [
      spec('indexed', true),
      spec('plain', false),
      spec('mixedIndexed', true),
      spec('mixedPlain', false),
    ],
  });
  const documents = Array.from({ length: COUNT }, (_unused, n) => ({
    _id: `d${String(Math.floor(random() * 1e9)).padStart(9, '0')}-${n}`,
    g: random() < 0.9 ? 'x' : 'y',
    // Few distinct values: many ties, broken by natural order then.
    t: random() < 0.8 ? Math.floor(random() * 50) : `s${Math.floor(random() * 5)}`,
    k: n % 7,
  }));
  await database.insertDocuments('indexed', documents);
  await database.insertDocuments('plain', documents);
  const mixed = documents.map((document, n) =>
    n % 97 === 0 ? { ...document, t: n % 2 ? new Date(n) : [n, 1] } : document,
  );
  await database.insertDocuments('mixedIndexed', mixed);
  await database.insertDocuments('mixedPlain', mixed);
});

afterAll(() => {
  database.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('ordered pages over a large collection', () => {
  const cases: [Record<string, unknown>, Record<string, 1 | -1>, number, number][] = [
    [{ g: 'x' }, { t: -1 }, 0, 100],
    [{ g: 'x' }, { t: 1 }, 250, 100],
    [{ g: 'x' }, { t: -1, _id: 1 }, 4000, 1000],
    [{ g: 'x', t: { $lte: 20 } }, { t: -1, _id: 1 }, 10, 50],
    [{ g: 'x', k: 3 }, { t: 1, _id: 1 }, 0, 200],
    [{ g: { $in: ['x', 'y'] } }, { _id: 1 }, 5_900, 1000],
    [
      {
        $and: [{ g: 'x', t: { $lte: 30 } }, { $or: [{ t: { $lt: 30 } }, { _id: { $gt: 'd5' } }] }],
      },
      { t: -1, _id: 1 },
      0,
      300,
    ],
  ];

  it('answers each page exactly as sorting every candidate does', async () => {
    for (const [filter, order, offset, limit] of cases) {
      const label = `${EJSON.stringify(filter)} ${JSON.stringify(order)} ${offset}+${limit}`;
      const expected = await page('plain', filter, order, offset, limit);
      expect(expected.length, label).toBeGreaterThan(0);
      expect(await page('indexed', filter, order, offset, limit), label).toEqual(expected);
      expect(await page('mixedIndexed', filter, order, offset, limit), label).toEqual(
        await page('mixedPlain', filter, order, offset, limit),
      );
    }
  });
});
