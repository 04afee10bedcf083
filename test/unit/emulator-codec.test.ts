import { Binary, Decimal128, Long, ObjectId, EJSON } from 'bson';
import { describe, expect, it } from 'vitest';
import {
  decodeStoredDocument,
  encodeStoredDocument,
  type Document,
} from '../../local/cloudbase/database/codec';

/**
 * The emulator stores documents as relaxed EJSON and reads them back; plain-JSON documents take a
 * JSON.parse / JSON.stringify path. Whatever path a document takes, the text and the values must
 * be exactly what bson's EJSON makes of it, or a stored document would change on a round trip.
 */
const documents: Record<string, Document> = {
  plain: { _id: 'c1', name: '扫码领现金', budgetFen: 10_000, ratio: 0.25, on: true, none: null },
  nested: {
    _id: 'c2',
    holds: [
      { id: 'h1', fen: 100, at: 1_764_000_000_000 },
      { id: 'h2', fen: 200, at: 1_764_000_000_001 },
    ],
    limits: { perUserPerDay: 2, nested: { deeper: ['a', 1, false, null] } },
  },
  dates: { _id: 'd', createdAt: new Date('2026-01-02T03:04:05.678Z'), list: [new Date(0)] },
  bsonValues: {
    _id: new ObjectId('65a1b2c3d4e5f60718293a4b'),
    big: Long.fromString('9007199254740993'),
    money: Decimal128.fromString('12.34'),
    bytes: new Binary(Buffer.from('码上')),
  },
  undefinedField: { _id: 'u', gone: undefined, list: [1, undefined, 3] },
  negativeZero: { _id: 'z', value: -0, big: 2 ** 53 - 1, tiny: 5e-324 },
  dollarKeys: { _id: 'k', meta: { $comment: 'kept as a field' }, text: '$5 off' },
  dollarText: { _id: 's', price: '$1', nested: { note: '"$quoted"' } },
  unicode: { _id: 'u8', name: '码上\u2028山泉', emoji: '🧧' },
  dateInsideArrayOfObjects: { _id: 'r', recent: [{ at: new Date(1_700_000_000_000), by: 'x' }] },
  nonFinite: { _id: 'n', a: Number.NaN, b: Number.POSITIVE_INFINITY },
};

describe('stored documents', () => {
  for (const [name, document] of Object.entries(documents)) {
    it(`${name}: written as EJSON writes it and read back as EJSON reads it`, () => {
      const text = encodeStoredDocument(document);
      expect(text).toBe(EJSON.stringify(document, { relaxed: true }));
      expect(decodeStoredDocument(text)).toEqual(EJSON.parse(text, { relaxed: true }));
    });
  }

  it('reads back Dates and BSON values as their types, not as $-objects', () => {
    const back = decodeStoredDocument(encodeStoredDocument(documents.dates!));
    expect(back.createdAt).toBeInstanceOf(Date);
    expect((back.createdAt as Date).toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect((back.list as unknown[])[0]).toBeInstanceOf(Date);
    const bson = decodeStoredDocument(encodeStoredDocument(documents.bsonValues!));
    expect(bson._id).toBeInstanceOf(ObjectId);
    expect(bson.money).toBeInstanceOf(Decimal128);
  });

  it('refuses a field name with a NUL byte as bson does', () => {
    expect(() => decodeStoredDocument('{"a\\u0000b":1}')).toThrow(/null bytes/);
  });
});
