/**
 * Values on the wire and on disk.
 *
 * The SDK sends documents and queries as canonical EJSON strings with two CloudBase extensions:
 * `{"$tcb_server_date":{"offset":N}}` for `db.serverDate()` and `$regularExpression` for RegExp.
 * Stored documents are relaxed EJSON text, so strings, numbers and booleans are plain JSON that
 * SQLite's `json_extract` can index, while Dates and other BSON types survive a round trip.
 */
import { BSONRegExp, BSONValue, EJSON } from 'bson';

export type Document = Record<string, unknown>;

const SERVER_DATE_KEY = '$tcb_server_date';

/** Flags JavaScript RegExp understands; Mongo's `x` (extended) has no JS equivalent and is dropped. */
const JS_REGEXP_FLAGS = new Set(['i', 'm', 's', 'u']);

export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function toJsRegExp(value: BSONRegExp): RegExp {
  const flags = [...new Set(value.options.split(''))].filter((flag) => JS_REGEXP_FLAGS.has(flag));
  return new RegExp(value.pattern, flags.join(''));
}

function serverDateOffset(value: Document): number | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== SERVER_DATE_KEY) return undefined;
  const spec = value[SERVER_DATE_KEY];
  const offset = isPlainObject(spec) ? Number(spec.offset ?? 0) : 0;
  return Number.isFinite(offset) ? offset : 0;
}

/**
 * Replaces CloudBase placeholders inside a parsed wire value: server dates become the server's
 * time at this request (plus their offset), BSON regexes become JS RegExp for mingo.
 */
export function resolveWireValue(value: unknown, now: Date): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveWireValue(item, now));
  if (value instanceof BSONRegExp) return toJsRegExp(value);
  if (!isPlainObject(value)) return value;
  const offset = serverDateOffset(value);
  if (offset !== undefined) return new Date(now.getTime() + offset);
  const resolved: Document = {};
  for (const [key, item] of Object.entries(value)) resolved[key] = resolveWireValue(item, now);
  return resolved;
}

/** Parses one EJSON string from a request (numbers come back as JS numbers). */
export function decodeWireValue(text: string, now: Date): unknown {
  return resolveWireValue(EJSON.parse(text, { relaxed: true }), now);
}

/** Encodes a document for a reply; the SDK runs `EJSON.parse` on every list item. */
export function encodeWireDocument(document: Document): string {
  return EJSON.stringify(document, { relaxed: false });
}

/**
 * Stored form: relaxed EJSON, plain JSON wherever JSON can express the value. A document that is
 * plain JSON already (the usual case) is written by JSON.stringify, several times quicker than
 * bson's EJSON walk and the same text.
 */
export function encodeStoredDocument(document: Document): string {
  return isPlainJson(document)
    ? JSON.stringify(document)
    : EJSON.stringify(document, { relaxed: true });
}

/**
 * The inverse of encodeStoredDocument. JSON.parse reads the text; only objects with a `$` key (a
 * Date, an ObjectId, a Long…) go through EJSON, so a large document of plain fields does not pay
 * for bson's per-value reviver. Text with a NUL in a key takes bson's path, which refuses it.
 */
export function decodeStoredDocument(text: string): Document {
  if (text.includes('\\u0000')) return EJSON.parse(text, { relaxed: true }) as Document;
  const parsed = JSON.parse(text) as Document;
  return text.includes('"$') ? (reviveExtended(parsed) as Document) : parsed;
}

/** Replaces each object with a `$` key by what EJSON makes of it (bottom-up, as bson's reviver). */
function reviveExtended(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) value[i] = reviveExtended(value[i]);
    return value;
  }
  const object = value as Document;
  const keys = Object.keys(object);
  if (keys.some((key) => key.startsWith('$')))
    return EJSON.deserialize(object, { relaxed: true }) as unknown;
  for (const key of keys) object[key] = reviveExtended(object[key]);
  return object;
}

/**
 * Whether JSON.stringify writes `value` exactly as relaxed EJSON does: only strings, booleans,
 * null, finite numbers, arrays and plain objects whose keys do not start with `$` (EJSON writes
 * `undefined` as null where JSON drops it, and has its own forms for Dates and BSON values).
 */
function isPlainJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (const item of value) if (!isPlainJson(item)) return false;
        return true;
      }
      if (!isPlainObject(value)) return false;
      for (const key in value) {
        if (key.startsWith('$') || key.includes('\u0000')) return false;
        if (!isPlainJson(value[key])) return false;
      }
      return true;
    default:
      return false;
  }
}

/**
 * A stable text key for an `_id` value, used as the primary-key column. Strings (CloudBase's
 * usual ids) keep their text; other types carry a prefix so `"1"` and `1` stay distinct.
 */
export function idKey(id: unknown): string {
  if (typeof id === 'string') return `s:${id}`;
  if (typeof id === 'number') return `n:${id}`;
  return `j:${EJSON.stringify(id, { relaxed: false })}`;
}

/** True for values an equality/range prefilter on `json_extract` may bind as an SQL parameter. */
export function isSqlScalar(value: unknown): value is string | number | boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** BSON-typed values (ObjectId, Decimal128, …) and Dates are leaves, never walked into. */
export function isLeafValue(value: unknown): boolean {
  return value instanceof Date || value instanceof RegExp || value instanceof BSONValue;
}
