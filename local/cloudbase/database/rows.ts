/**
 * Rows of the SQLite storage and the SQL that reads them, shared by the store (storage.ts) and its
 * snapshots (snapshot.ts).
 *
 * A row keeps the document as relaxed EJSON text; a field is addressed as `json_extract(doc, …)`,
 * the one expression the planner's prefilters and the declared indexes both use.
 */
import type Database from 'better-sqlite3';
import { decodeStoredDocument, type Document } from './codec.js';

export interface StoredDocument {
  /** Insertion sequence: the natural order of the collection. */
  seq: number;
  /** Decoded for this read alone: the reader may change it (an update does, in place). */
  document: Document;
  /** The stored text, compared to tell a real modification from a no-op. */
  text: string;
}

/** An SQL condition on a collection table that selects a superset of the matching documents. */
export interface SqlPrefilter {
  where: string;
  params: unknown[];
}

/** Read access to one state of the collections: the committed one, or a transaction's snapshot. */
export interface DocumentReader {
  /**
   * Candidate documents in natural order; `prefilter` may only narrow to a superset of matches.
   * `omit`: top-level fields left out of the documents (and their text), for reads whose filter
   * never looks at them and whose projection drops them anyway.
   */
  select(name: string, prefilter: SqlPrefilter | null, omit?: readonly string[]): StoredDocument[];
  /** The document stored under `_id` key `key` (codec `idKey`), if any. */
  selectByKey(name: string, key: string): StoredDocument | undefined;
}

/**
 * Reads in SQL order over the committed state, for sorted pages of large collections (see
 * `CollectionOperations.find`).
 */
export interface OrderedReader {
  typesAt(name: string, path: string): ReadonlySet<string>;
  hasCandidates(name: string, prefilter: SqlPrefilter | null, count: number): boolean;
  selectOrdered(
    name: string,
    prefilter: SqlPrefilter | null,
    order: readonly [path: string, direction: 1 | -1][],
  ): Iterable<StoredDocument>;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The SQL expression for a document field. Planner and index definitions share it, because
 * SQLite only uses an expression index for the identical expression.
 */
export function fieldExpression(path: string): string {
  const jsonPath =
    '$' +
    path
      .split('.')
      .map((segment) => `."${segment}"`)
      .join('');
  return `json_extract(doc, ${quoteLiteral(jsonPath)})`;
}

/** Paths SQLite can address safely (no quotes inside segments, no empty segments). */
export function isIndexablePath(path: string): boolean {
  return path.length > 0 && !path.includes('"') && !path.split('.').includes('');
}

export function readPath(document: unknown, path: string): unknown {
  let current: unknown = document;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * The stored text of each row, without `omit`'s top-level fields: SQLite drops them before the
 * text reaches JavaScript, so a large field nobody reads (a campaign's holds) is never decoded.
 */
function documentColumn(omit: readonly string[] | undefined): string {
  const paths = (omit ?? []).filter(isIndexablePath).filter((path) => !path.includes('.'));
  if (paths.length === 0) return 'doc';
  return `json_remove(doc, ${paths.map((path) => quoteLiteral(`$."${path}"`)).join(', ')}) AS doc`;
}

export function selectRows(
  table: string,
  prefilter: SqlPrefilter | null,
  statement: (sql: string) => Database.Statement,
  omit?: readonly string[],
): StoredDocument[] {
  const where = prefilter ? ` WHERE ${prefilter.where}` : '';
  const rows = statement(
    `SELECT seq, ${documentColumn(omit)} FROM ${table}${where} ORDER BY seq`,
  ).all(...(prefilter?.params ?? [])) as { seq: number; doc: string }[];
  return rows.map((row) => ({
    seq: row.seq,
    document: decodeStoredDocument(row.doc),
    text: row.doc,
  }));
}
