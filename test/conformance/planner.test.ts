/**
 * The SQL prefilter may only narrow candidates, never drop a match. Same documents in an indexed
 * and an unindexed collection must answer every query identically, across the awkward values:
 * arrays, booleans vs numbers, nulls, missing fields, strings that look like JSON, dates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type EmulatedDatabase } from '../../local/cloudbase/database/index.js';

const directory = mkdtempSync(join(tmpdir(), 'mashang-planner-'));
let database: EmulatedDatabase;

/** Deterministic pseudo-random numbers (mulberry32) so a failure reproduces. */
function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = randomSource(20240521);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];

const SCALARS: readonly unknown[] = [
  0,
  1,
  -1,
  2,
  2.5,
  10,
  true,
  false,
  '',
  'a',
  'b',
  '1',
  '[a',
  '[',
  'zz',
  null,
  new Date(0),
];

function randomValue(depth = 0): unknown {
  const roll = random();
  if (roll < 0.6 || depth > 1) return pick(SCALARS);
  if (roll < 0.85)
    return Array.from({ length: Math.floor(random() * 3) }, () => randomValue(depth + 1));
  return { x: randomValue(depth + 1) };
}

function randomDocument(n: number): Record<string, unknown> {
  const document: Record<string, unknown> = { _id: random() < 0.2 ? n : `d${n}` };
  for (const field of ['a', 'b']) if (random() < 0.85) document[field] = randomValue();
  return document;
}

function randomCondition(): unknown {
  const scalar = () => pick(SCALARS.filter((value) => value !== null && !(value instanceof Date)));
  const number = () => pick([0, 1, 2, 2.5, -1, 10]);
  switch (Math.floor(random() * 7)) {
    case 0:
      return scalar();
    case 1:
      return { $eq: scalar() };
    case 2:
      return { $in: [scalar(), scalar()] };
    case 3:
      return { [pick(['$gt', '$gte', '$lt', '$lte'])]: number() };
    case 4:
      return { $gt: number(), $lte: number() };
    case 5:
      return { $ne: scalar() };
    default:
      return pick([null, { $exists: false }, { $size: 0 }, new Date(0)]);
  }
}

function randomFilter(): Record<string, unknown> {
  const field = () => pick(['a', 'b']);
  switch (Math.floor(random() * 4)) {
    case 0:
      return { [field()]: randomCondition() };
    case 1:
      return { a: randomCondition(), b: randomCondition() };
    case 2:
      return { $or: [{ [field()]: randomCondition() }, { [field()]: randomCondition() }] };
    default:
      return random() < 0.5
        ? { _id: pick(['d1', 'd2', 3, 7, 'd40']) }
        : { _id: { $in: ['d1', 5, 'd9'] } };
  }
}

async function idsOf(collectionName: string, filter: Record<string, unknown>): Promise<string[]> {
  const reply = await database.handle('database.getDocument', {
    collectionName,
    queryType: 'WHERE',
    query: EJSON.stringify(filter, { relaxed: false }),
    limit: 1000,
  });
  const list = (reply.data as { list: string[] }).list;
  return list.map((item) => JSON.stringify((EJSON.parse(item) as { _id: unknown })._id));
}

beforeAll(async () => {
  database = openDatabase({
    file: join(directory, 'planner.sqlite'),
    collections: [
      {
        name: 'indexed',
        describes: 'planner: indexed',
        permission: 'ADMINONLY',
        indexes: [
          { name: 'a', keys: { a: 1 } },
          { name: 'b', keys: { b: -1 } },
        ],
      },
      { name: 'plain', describes: 'planner: no index', indexes: [], permission: 'ADMINONLY' },
    ],
  });
  const documents = Array.from({ length: 300 }, (_unused, n) => randomDocument(n));
  await database.insertDocuments('indexed', documents);
  await database.insertDocuments('plain', documents);
});

afterAll(() => {
  database.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('index prefilter', () => {
  it('answers 400 random queries exactly as a full scan does', async () => {
    for (let round = 0; round < 400; round += 1) {
      const filter = randomFilter();
      const label = EJSON.stringify(filter);
      expect(await idsOf('indexed', filter), label).toEqual(await idsOf('plain', filter));
    }
  });
});
