/**
 * CloudBase's document operations on one view of the data, with MongoDB semantics from mingo.
 *
 * The view is the committed state (a plain request) or a transaction's snapshot plus its own
 * writes (transactions.ts). Each public method is synchronous; on the committed state it runs
 * inside `store.atomically`, so a request's read-modify-write is one SQLite transaction (50
 * concurrent `_.inc(1)` sum exactly; a conditional update that lost the race sees the new state
 * and updates 0).
 */
import { randomBytes } from 'node:crypto';
import { Aggregator, Query } from 'mingo';
import type { AnyObject, Options } from 'mingo/types';
// The updater's own entry: mingo's index wraps it with every operator of the library copied into
// a fresh context per call (about 0.15 ms, most of an update's cost). The updater adds the query,
// boolean and comparison operators its conditions ($pull) need, and our updates pass no
// arrayFilters or condition that could name any other.
import { update as applyUpdateOperators } from 'mingo/updater';
import { encodeStoredDocument, idKey, isPlainObject, type Document } from './codec.js';
import { invalidOperator, requestFailed } from './failures.js';
import { planPrefilter } from './planner.js';
import type { DocumentReader, OrderedReader, StoredDocument } from './rows.js';

/** The data one request reads and writes: the committed state, or a transaction's. */
export interface DocumentView extends DocumentReader {
  hasCollection(name: string): boolean;
  /** Top-level paths that carry an index (the planner only prefilters on these). */
  indexedPaths(name: string): ReadonlySet<string>;
  /**
   * Reads in SQL order, where they see exactly this view's state; null where they would not (a
   * transaction's snapshot merged with its own writes), and sorting stays in memory.
   */
  readonly ordered: OrderedReader | null;
  insert(name: string, document: Document): void;
  /** Rewrites `row` (read from this view) as `next`, stored as `text`; the `_id` stays. */
  replace(name: string, row: StoredDocument, next: Document, text: string): void;
  remove(name: string, row: StoredDocument): void;
}

export interface FindOptions {
  order?: Document;
  offset?: number;
  limit?: number;
  projection?: Document;
}

export interface ModifyOptions {
  multi: boolean;
  upsert: boolean;
  /** true: `data` holds update operators; false: `data` replaces the document. */
  merge: boolean;
}

export interface ModifyResult {
  /** Documents the filter selected (bounded by `multi`). */
  matched: number;
  /** Documents actually changed (Mongo's nModified): a no-op update does not count. */
  updated: number;
  upsertedId?: unknown;
}

/** Pipeline stages that would write elsewhere; CloudBase's aggregate is read-only. */
const WRITING_STAGES = new Set(['$out', '$merge']);

/** Below this many candidates, sorting them all in memory is as quick and exactly Mongo's. */
const ORDERED_SCAN_MIN_CANDIDATES = 5_000;
const ORDERABLE_TYPES = new Set(['integer', 'real', 'text', 'null']);

/** A CloudBase-looking id: 8 hex digits of seconds, then 24 random hex digits (32 in all). */
export function newDocumentId(): string {
  const seconds = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return seconds + randomBytes(12).toString('hex');
}

/** Runs a mingo call, reporting its complaints (unknown operator, bad projection) as CloudBase does. */
function withQueryEngine<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    // mingo signals bad input with Error or its MingoError subclass; our own failures pass through.
    if (
      error instanceof Error &&
      (error.constructor === Error ||
        error.name === 'MingoError' ||
        error.constructor.name === 'MingoError')
    ) {
      throw invalidOperator(error.message);
    }
    throw error;
  }
}

/**
 * Top-level fields an exclusion projection drops that neither the filter nor the sort mentions:
 * the read can leave them out before decoding (storage.ts `select`'s `omit`). `_id` stays.
 */
function droppedFields(
  projection: Document | undefined,
  filter: Document,
  order: Document | undefined,
): string[] | undefined {
  if (!projection) return undefined;
  const fields = Object.entries(projection);
  if (fields.length === 0 || fields.some(([, keep]) => keep !== false && keep !== 0))
    return undefined;
  const dropped = fields
    .map(([field]) => field)
    .filter((field) => field !== '_id' && !field.includes('.') && !field.startsWith('$'))
    .filter((field) => !mentions(filter, field) && !mentions(order, field));
  return dropped.length > 0 ? dropped : undefined;
}

/** Whether a filter or sort names `field` anywhere: as a key, a path under it, or `$field`. */
function mentions(value: unknown, field: string): boolean {
  if (typeof value === 'string') return value === `$${field}` || value.startsWith(`$${field}.`);
  if (Array.isArray(value)) return value.some((item) => mentions(item, field));
  if (!isPlainObject(value)) return false;
  return Object.entries(value).some(
    ([key, item]) => key === field || key.startsWith(`${field}.`) || mentions(item, field),
  );
}

/** Fields an upsert copies from the filter into the new document (Mongo: equality conditions). */
function equalityFields(filter: Document, into: Document = {}): Document {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const branch of condition) if (isPlainObject(branch)) equalityFields(branch, into);
    } else if (key.startsWith('$') || condition instanceof RegExp) {
      continue;
    } else if (isPlainObject(condition) && Object.keys(condition).some((k) => k.startsWith('$'))) {
      if ('$eq' in condition) into[key] = condition.$eq;
    } else {
      into[key] = condition;
    }
  }
  return into;
}

/** Splits update data into operators; plain fields (never sent by the SDK with merge) mean $set. */
function normalizeUpdate(data: Document): { operators: Document; setOnInsert?: Document } {
  const operators: Document = {};
  let setOnInsert: Document | undefined;
  for (const [key, value] of Object.entries(data)) {
    if (key === '$setOnInsert' && isPlainObject(value)) setOnInsert = value;
    else if (key.startsWith('$')) operators[key] = value;
    else operators.$set = { ...(operators.$set as Document | undefined), [key]: value };
  }
  return { operators, setOnInsert };
}

export class CollectionOperations {
  constructor(private readonly store: DocumentView) {}

  find(collection: string, filter: Document, options: FindOptions): Document[] {
    const ordered = this.findOrdered(collection, filter, options);
    if (ordered) {
      return withQueryEngine(() =>
        new Query<AnyObject>({}, {}).find<Document>(ordered, options.projection).all(),
      );
    }
    const omit = droppedFields(options.projection, filter, options.order);
    const documents = this.matching(collection, filter, omit).map((row) => row.document);
    // Nothing to project or sort (a document by its id, most reads): the page is a slice, with
    // no second query built around the documents.
    const unordered = !options.order || Object.keys(options.order).length === 0;
    if (unordered && !options.projection) {
      const start = options.offset ?? 0;
      return documents.slice(
        start,
        options.limit === undefined ? undefined : start + options.limit,
      );
    }
    return withQueryEngine(() => {
      let cursor = new Query<AnyObject>({}, {}).find<Document>(documents, options.projection);
      if (options.order && Object.keys(options.order).length > 0)
        cursor = cursor.sort(options.order);
      if (options.offset) cursor = cursor.skip(options.offset);
      if (options.limit !== undefined) cursor = cursor.limit(options.limit);
      return cursor.all();
    });
  }

  /**
   * A sorted, limited page of a large candidate set read in SQL order, stopping at the page's
   * end (a cursor-paged export would otherwise decode every candidate per page). Only when each
   * sort key is `_id` or an indexed top-level field holding only strings, numbers or nothing in
   * the whole collection, where SQLite's order is Mongo's; else null (the full path).
   */
  private findOrdered(
    collection: string,
    filter: Document,
    options: FindOptions,
  ): Document[] | null {
    const order = Object.entries(options.order ?? {});
    if (order.length === 0 || options.limit === undefined) return null;
    const reader = this.store.ordered;
    if (!reader) return null;
    const indexed = this.store.indexedPaths(collection);
    const keys: [string, 1 | -1][] = [];
    for (const [path, direction] of order) {
      if (path !== '_id' && (path.includes('.') || !indexed.has(path))) return null;
      if (direction !== 1 && direction !== -1) return null;
      keys.push([path, direction]);
    }
    // SQLite orders numbers, then text, as Mongo does; other types (dates, booleans, arrays)
    // anywhere in a sort field and the full path decides.
    for (const [path] of keys) {
      const types = reader.typesAt(collection, path);
      if ([...types].some((type) => !ORDERABLE_TYPES.has(type))) return null;
      if (path === '_id' && (types.has('integer') || types.has('real'))) return null;
    }
    // Array candidates in the prefilter would keep SQLite off the index's order.
    const scalar = new Set(
      [...indexed].filter((path) => !reader.typesAt(collection, path).has('array')),
    );
    const prefilter = planPrefilter(filter, indexed, scalar);
    if (!reader.hasCandidates(collection, prefilter, ORDERED_SCAN_MIN_CANDIDATES)) return null;
    const query = withQueryEngine(() => new Query<AnyObject>(filter, {}));
    const wanted = (options.offset ?? 0) + options.limit;
    const page: Document[] = [];
    let skipped = 0;
    for (const row of reader.selectOrdered(collection, prefilter, keys)) {
      if (page.length >= options.limit) break;
      if (!withQueryEngine(() => query.test(row.document))) continue;
      if (skipped < wanted - options.limit) skipped += 1;
      else page.push(row.document);
    }
    return page;
  }

  count(collection: string, filter: Document): number {
    return this.matching(collection, filter).length;
  }

  /** Inserts all documents or none; returns their `_id`s in order. */
  insert(collection: string, documents: Document[]): unknown[] {
    return documents.map((document) => {
      const { _id, ...fields } = document;
      const stored: Document = { _id: _id ?? newDocumentId(), ...fields };
      this.store.insert(collection, stored);
      return stored._id;
    });
  }

  modify(
    collection: string,
    filter: Document,
    data: Document,
    options: ModifyOptions,
  ): ModifyResult {
    const matched = this.matching(collection, filter);
    const targets = options.multi ? matched : matched.slice(0, 1);
    let updated = 0;
    for (const row of targets) {
      if (this.rewrite(collection, row, data, options.merge)) updated += 1;
    }
    if (matched.length > 0 || !options.upsert) return { matched: targets.length, updated };
    const inserted = this.upsertDocument(filter, data, options.merge);
    this.store.insert(collection, inserted);
    return { matched: 0, updated, upsertedId: inserted._id };
  }

  /** Updates the first match and returns it as it is after the update (null when none matched). */
  modifyAndReturn(
    collection: string,
    filter: Document,
    data: Document,
  ): { updated: number; document: Document | null } {
    const [row] = this.matching(collection, filter);
    if (!row) return { updated: 0, document: null };
    const changed = this.rewrite(collection, row, data, true);
    return { updated: changed ? 1 : 0, document: changed ?? row.document };
  }

  remove(collection: string, filter: Document, multi: boolean): number {
    const matched = this.matching(collection, filter);
    const targets = multi ? matched : matched.slice(0, 1);
    for (const row of targets) this.store.remove(collection, row);
    return targets.length;
  }

  aggregate(collection: string, pipeline: Document[]): Document[] {
    for (const stage of pipeline) {
      const name = Object.keys(stage)[0];
      if (name && WRITING_STAGES.has(name))
        throw invalidOperator(`aggregate stage ${name} is not supported`);
    }
    // A leading $match narrows the source through the planner like a plain query would.
    const [first] = pipeline;
    const leadingMatch =
      first && Object.keys(first).length === 1 && isPlainObject(first.$match) ? first.$match : null;
    const source = leadingMatch
      ? this.matching(collection, leadingMatch).map((row) => row.document)
      : this.all(collection);
    const stages = leadingMatch ? pipeline.slice(1) : pipeline;
    const options: Partial<Options> = {
      collectionResolver: (name: string) => (this.store.hasCollection(name) ? this.all(name) : []),
    };
    return withQueryEngine(() => new Aggregator(stages, options).run(source) as Document[]);
  }

  private all(collection: string): Document[] {
    return this.store.select(collection, null).map((row) => row.document);
  }

  private matching(
    collection: string,
    filter: Document,
    omit?: readonly string[],
  ): StoredDocument[] {
    const query = withQueryEngine(() => new Query<AnyObject>(filter, {}));
    const prefilter = planPrefilter(filter, this.store.indexedPaths(collection));
    const rows = this.store.select(collection, prefilter, omit);
    return withQueryEngine(() => rows.filter((row) => query.test(row.document)));
  }

  /** Applies an update or replacement to one stored document; the new one if it really changed. */
  private rewrite(
    collection: string,
    row: StoredDocument,
    data: Document,
    merge: boolean,
  ): Document | null {
    const original = row.document;
    const originalKey = idKey(original._id);
    let next: Document;
    if (merge) {
      // The row's document is this request's own copy (views decode one per read): updated in
      // place rather than decoded a second time from the text.
      next = original;
      const { operators } = normalizeUpdate(data);
      withQueryEngine(() =>
        applyUpdateOperators(next, operators, undefined, undefined, { cloneMode: 'deep' }),
      );
    } else {
      const { _id, ...fields } = data;
      if (_id !== undefined && idKey(_id) !== originalKey) throw immutableId();
      next = { _id: original._id, ...fields };
    }
    if (idKey(next._id) !== originalKey) throw immutableId();
    const text = encodeStoredDocument(next);
    if (text === row.text) return null;
    this.store.replace(collection, row, next, text);
    return next;
  }

  private upsertDocument(filter: Document, data: Document, merge: boolean): Document {
    if (!merge) {
      const { _id, ...fields } = data;
      const filterId = equalityFields(filter)._id;
      return { _id: _id ?? filterId ?? newDocumentId(), ...fields };
    }
    const seed: Document = {};
    const { operators, setOnInsert } = normalizeUpdate(data);
    const fromFilter = equalityFields(filter);
    withQueryEngine(() => {
      if (Object.keys(fromFilter).length > 0)
        applyUpdateOperators(seed, { $set: fromFilter }, undefined, undefined, {
          cloneMode: 'deep',
        });
      if (setOnInsert)
        applyUpdateOperators(seed, { $set: setOnInsert }, undefined, undefined, {
          cloneMode: 'deep',
        });
      applyUpdateOperators(seed, operators, undefined, undefined, { cloneMode: 'deep' });
    });
    const { _id, ...fields } = seed;
    return { _id: _id ?? newDocumentId(), ...fields };
  }
}

function immutableId() {
  return requestFailed(
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );
}
