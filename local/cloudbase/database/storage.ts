/**
 * SQLite storage: one table per collection, one row per document.
 *
 * A row keeps the document as relaxed EJSON text plus its `_id` key (unique, like Mongo's `_id_`
 * index) and an insertion sequence that gives the natural order (rows.ts reads them). Declared
 * indexes become SQLite expression indexes on `json_extract(doc, …)`; unique ones are UNIQUE, so
 * a duplicate key fails inside the same statement that writes it, also for updates and upserts.
 *
 * better-sqlite3 is synchronous: every request runs its whole read-modify-write in one SQLite
 * transaction (`atomically`), and commits before the reply leaves (WAL, synchronous=NORMAL is
 * durable across a process kill).
 *
 * CloudBase transactions read through a `Snapshot` (snapshot.ts), taken here from a pool of
 * read-only connections.
 */
import Database from 'better-sqlite3';
import type { CollectionSpec, IndexSpec } from '../../../cloudfunctions/core/data/collections.js';
import { decodeStoredDocument, encodeStoredDocument, idKey, type Document } from './codec.js';
import { duplicateKey } from './failures.js';
import {
  fieldExpression,
  isIndexablePath,
  quoteIdentifier,
  quoteLiteral,
  readPath,
  selectRows,
  type DocumentReader,
  type OrderedReader,
  type SqlPrefilter,
  type StoredDocument,
} from './rows.js';
import { Snapshot, SnapshotConnection } from './snapshot.js';

interface CollectionTable {
  name: string;
  table: string;
  indexes: IndexSpec[];
}

const ID_INDEX_NAME = '_id_';
const TABLE_PREFIX = 'docs:';
const INDEX_PREFIX = 'idx:';

interface SqliteErrorLike {
  code?: string;
  message: string;
}

/** Thrown inside `rehearse` to roll its SQLite transaction back; never escapes. */
const ROLLED_BACK = Symbol('rolled back');
/** Read connections kept open for the next transactions; more open at once are closed after. */
const MAX_IDLE_SNAPSHOTS = 8;

export class DocumentStore implements DocumentReader, OrderedReader {
  private readonly sqlite: Database.Database;
  private readonly tables = new Map<string, CollectionTable>();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly idleSnapshots: SnapshotConnection[] = [];
  private closed = false;
  /** Writes per collection, so cached facts about its contents know when they are stale. */
  private readonly versions = new Map<string, number>();
  private readonly typeChecks = new Map<string, { version: number; types: ReadonlySet<string> }>();
  /**
   * The one transaction function every request runs in: better-sqlite3 builds a new wrapper (and
   * its deferred/immediate/exclusive variants) per `transaction()` call, which each request paid.
   */
  private readonly inTransaction: (work: () => unknown) => unknown;

  constructor(
    private readonly file: string,
    declared: readonly CollectionSpec[],
  ) {
    this.sqlite = new Database(file);
    this.sqlite.pragma('journal_mode = WAL');
    this.sqlite.pragma('synchronous = NORMAL');
    this.inTransaction = this.sqlite.transaction((work: () => unknown) => work());
    this.sqlite.exec('CREATE TABLE IF NOT EXISTS created_collections (name TEXT PRIMARY KEY)');
    const applyDeclaration = this.sqlite.transaction(() => {
      for (const spec of declared) this.openTable(spec.name, spec.indexes);
      const created = this.sqlite.prepare('SELECT name FROM created_collections').all() as {
        name: string;
      }[];
      for (const { name } of created) if (!this.tables.has(name)) this.openTable(name, []);
    });
    applyDeclaration();
  }

  collectionNames(): string[] {
    return [...this.tables.keys()];
  }

  hasCollection(name: string): boolean {
    return this.tables.has(name);
  }

  /** Creates an undeclared collection (db.createCollection); false when it already exists. */
  createCollection(name: string): boolean {
    if (this.tables.has(name)) return false;
    this.atomically(() => {
      this.sqlite.prepare('INSERT OR IGNORE INTO created_collections (name) VALUES (?)').run(name);
      this.openTable(name, []);
    });
    return true;
  }

  /** Top-level paths that carry an index (the planner only prefilters on these). */
  indexedPaths(name: string): ReadonlySet<string> {
    const paths = new Set<string>();
    for (const index of this.table(name).indexes)
      for (const path of Object.keys(index.keys)) paths.add(path);
    return paths;
  }

  /**
   * The entries `document` makes in the collection's unique indexes, as text (index name and
   * values). A document missing a field of one makes none there: SQLite's NULLs never collide.
   */
  uniqueKeys(name: string, document: Document): string[] {
    const keys: string[] = [];
    for (const index of this.table(name).indexes) {
      if (!index.unique) continue;
      const values = Object.keys(index.keys).map((path) => readPath(document, path));
      if (values.some((value) => value === undefined || value === null)) continue;
      keys.push(`${index.name}:${JSON.stringify(values)}`);
    }
    return keys;
  }

  select(name: string, prefilter: SqlPrefilter | null, omit?: readonly string[]): StoredDocument[] {
    return selectRows(this.table(name).table, prefilter, (sql) => this.statement(sql), omit);
  }

  selectByKey(name: string, key: string): StoredDocument | undefined {
    return selectRows(this.table(name).table, { where: 'id = ?', params: [key] }, (sql) =>
      this.statement(sql),
    )[0];
  }

  /**
   * A read-only view fixed at the committed state of this moment (until `release`). Connections
   * are pooled, so a transaction does not pay for opening one (and preparing its statements).
   */
  openSnapshot(): Snapshot {
    const connection = this.idleSnapshots.pop() ?? new SnapshotConnection(this.file);
    return new Snapshot(
      connection,
      (name) => this.table(name).table,
      () => {
        if (this.closed || this.idleSnapshots.length >= MAX_IDLE_SNAPSHOTS) connection.close();
        else this.idleSnapshots.push(connection);
      },
    );
  }

  /**
   * Runs `work` on the committed state and undoes it, keeping what it returns or throws: a
   * transaction's writes checked against the unique indexes without committing them.
   */
  rehearse(work: () => void): void {
    try {
      this.atomically(() => {
        work();
        throw ROLLED_BACK;
      });
    } catch (error) {
      if (error !== ROLLED_BACK) throw error;
    }
  }

  /**
   * The JSON types the collection holds at a top-level `path` (`integer`, `real`, `text`,
   * `array`, `object` for dates and the like, `true`, `false`, `null`; missing is `null`).
   * Cached until the collection is next written, so a run of pages over a quiet collection
   * scans it once.
   */
  typesAt(name: string, path: string): ReadonlySet<string> {
    const table = this.table(name);
    const key = `${name}\u0000${path}`;
    const cached = this.typeChecks.get(key);
    if (cached && cached.version === this.versionOf(name)) return cached.types;
    const rows = this.statement(
      `SELECT DISTINCT json_type(doc, ${quoteLiteral(`$."${path}"`)}) AS type FROM ${table.table}`,
    ).all() as { type: string | null }[];
    const types = new Set(rows.map((row) => row.type ?? 'null'));
    this.typeChecks.set(key, { version: this.versionOf(name), types });
    return types;
  }

  private versionOf(name: string): number {
    return this.versions.get(name) ?? 0;
  }

  private touch(name: string): void {
    this.versions.set(name, this.versionOf(name) + 1);
  }

  /** Whether `prefilter` selects at least `count` rows (reads no further than that). */
  hasCandidates(name: string, prefilter: SqlPrefilter | null, count: number): boolean {
    const table = this.table(name);
    const where = prefilter ? ` WHERE ${prefilter.where}` : '';
    const row = this.statement(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${table.table}${where} LIMIT ${Math.floor(count)})`,
    ).get(...(prefilter?.params ?? [])) as { n: number };
    return row.n >= count;
  }

  /**
   * Candidate documents one at a time in `order` (then natural order), so a sorted, limited
   * query over a large collection reads only as far as it needs (through a declared index when
   * one matches). `_id` orders by the id key; other paths by their JSON value.
   */
  *selectOrdered(
    name: string,
    prefilter: SqlPrefilter | null,
    order: readonly [path: string, direction: 1 | -1][],
  ): Generator<StoredDocument> {
    const table = this.table(name);
    const where = prefilter ? ` WHERE ${prefilter.where}` : '';
    const orderBy = order
      .map(([path, direction]) => {
        const expression = path === '_id' ? 'id' : fieldExpression(path);
        return `${expression} ${direction === -1 ? 'DESC' : 'ASC'}`;
      })
      .join(', ');
    const rows = this.statement(
      `SELECT seq, doc FROM ${table.table}${where} ORDER BY ${orderBy}, seq`,
    ).iterate(...(prefilter?.params ?? [])) as IterableIterator<{ seq: number; doc: string }>;
    for (const row of rows) {
      yield { seq: row.seq, document: decodeStoredDocument(row.doc), text: row.doc };
    }
  }

  insert(name: string, document: Document): void {
    const table = this.table(name);
    this.touch(name);
    this.write(table, document, () =>
      this.statement(`INSERT INTO ${table.table} (id, doc) VALUES (?, ?)`).run(
        idKey(document._id),
        encodeStoredDocument(document),
      ),
    );
  }

  /** Rewrites the document stored under `seq` (its `_id` stays the same), `text` its encoding. */
  replace(
    name: string,
    seq: number,
    document: Document,
    text = encodeStoredDocument(document),
  ): void {
    const table = this.table(name);
    this.touch(name);
    this.write(table, document, () =>
      this.statement(`UPDATE ${table.table} SET id = ?, doc = ? WHERE seq = ?`).run(
        idKey(document._id),
        text,
        seq,
      ),
    );
  }

  delete(name: string, seq: number): void {
    const table = this.table(name);
    this.touch(name);
    this.statement(`DELETE FROM ${table.table} WHERE seq = ?`).run(seq);
  }

  /** Rewrites the document stored under its `_id`; false when there is none. */
  replaceByKey(name: string, document: Document): boolean {
    const table = this.table(name);
    this.touch(name);
    let changes = 0;
    this.write(table, document, () => {
      changes = this.statement(`UPDATE ${table.table} SET doc = ? WHERE id = ?`).run(
        encodeStoredDocument(document),
        idKey(document._id),
      ).changes;
    });
    return changes > 0;
  }

  deleteByKey(name: string, key: string): void {
    const table = this.table(name);
    this.touch(name);
    this.statement(`DELETE FROM ${table.table} WHERE id = ?`).run(key);
  }

  /** Runs `work` as one SQLite transaction (a savepoint inside another). */
  atomically<T>(work: () => T): T {
    return this.inTransaction(work) as T;
  }

  close(): void {
    this.closed = true;
    for (const connection of this.idleSnapshots.splice(0)) connection.close();
    this.statements.clear();
    this.sqlite.close();
  }

  private table(name: string): CollectionTable {
    const table = this.tables.get(name);
    if (!table) throw new Error(`collection ${name} is not open`);
    return table;
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs a write and turns a UNIQUE violation into CloudBase's duplicate-key failure. */
  private write(table: CollectionTable, document: Document, run: () => unknown): void {
    try {
      run();
    } catch (error) {
      const sqliteError = error as SqliteErrorLike;
      if (!sqliteError.code?.startsWith('SQLITE_CONSTRAINT')) throw error;
      const indexMatch = /index '([^']+)'/.exec(sqliteError.message);
      const index = table.indexes.find(
        (spec) => indexMatch?.[1] === this.indexName(table.name, spec.name),
      );
      if (index) {
        const key: Record<string, unknown> = {};
        for (const path of Object.keys(index.keys)) key[path] = readPath(document, path);
        throw duplicateKey(table.name, index.name, key);
      }
      throw duplicateKey(table.name, ID_INDEX_NAME, { _id: document._id });
    }
  }

  private indexName(collection: string, index: string): string {
    return `${INDEX_PREFIX}${collection}:${index}`;
  }

  /** Creates the collection's table and brings its indexes in line with the declaration. */
  private openTable(name: string, declaredIndexes: IndexSpec[]): void {
    const table = quoteIdentifier(TABLE_PREFIX + name);
    this.sqlite.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL)`,
    );
    const indexes = declaredIndexes.filter((index) =>
      Object.keys(index.keys).every(isIndexablePath),
    );
    const wanted = new Map<string, string>();
    for (const index of indexes) {
      const columns = Object.entries(index.keys)
        .map(([path, direction]) => `${fieldExpression(path)} ${direction === -1 ? 'DESC' : 'ASC'}`)
        .join(', ');
      const indexName = this.indexName(name, index.name);
      wanted.set(
        indexName,
        `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdentifier(indexName)} ON ${table} (${columns})`,
      );
    }
    const existing = this.sqlite
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
      )
      .all(TABLE_PREFIX + name) as { name: string; sql: string }[];
    for (const index of existing) {
      if (wanted.get(index.name) === index.sql) wanted.delete(index.name);
      else this.sqlite.exec(`DROP INDEX ${quoteIdentifier(index.name)}`);
    }
    for (const [indexName, sql] of wanted) {
      try {
        this.sqlite.exec(sql);
      } catch (error) {
        // Typically a unique index declared over data that already repeats a key.
        throw new Error(`cannot create index ${indexName}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    this.tables.set(name, { name, table, indexes });
  }
}
