/**
 * Snapshots for CloudBase transactions: a second, read-only connection held in an SQLite read
 * transaction, which WAL keeps at the state of its first read however many commits the main
 * connection makes meanwhile. Nothing ever holds the write lock between requests.
 *
 * The store (storage.ts `openSnapshot`) pools the connections; a `Snapshot` gives its one back on
 * `release`.
 */
import Database from 'better-sqlite3';
import { selectRows, type DocumentReader, type SqlPrefilter, type StoredDocument } from './rows.js';

/** A read-only connection to the database file, with its own statement cache. */
export class SnapshotConnection {
  private readonly sqlite: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string) {
    this.sqlite = new Database(file, { readonly: true, fileMustExist: true });
  }

  /** Starts a read transaction and reads once: from here on it sees this moment's commits only. */
  begin(): void {
    this.sqlite.exec('BEGIN');
    this.statement('SELECT count(*) FROM created_collections').get();
  }

  end(): void {
    if (this.sqlite.inTransaction) this.sqlite.exec('COMMIT');
  }

  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.end();
    this.statements.clear();
    this.sqlite.close();
  }
}

/** The committed state as of `openSnapshot`, unchanged by later commits, until `release`. */
export class Snapshot implements DocumentReader {
  private released = false;

  constructor(
    private readonly connection: SnapshotConnection,
    private readonly tableOf: (name: string) => string,
    private readonly giveBack: () => void,
  ) {
    connection.begin();
  }

  select(name: string, prefilter: SqlPrefilter | null, omit?: readonly string[]): StoredDocument[] {
    return this.rows(name, prefilter, omit);
  }

  selectByKey(name: string, key: string): StoredDocument | undefined {
    return this.rows(name, { where: 'id = ?', params: [key] })[0];
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.connection.end();
    this.giveBack();
  }

  private rows(
    name: string,
    prefilter: SqlPrefilter | null,
    omit?: readonly string[],
  ): StoredDocument[] {
    const table = this.tableOf(name);
    try {
      return selectRows(table, prefilter, (sql) => this.connection.statement(sql), omit);
    } catch (error) {
      // A collection created after the snapshot was taken holds nothing in it.
      if (/no such table/.test((error as Error).message)) return [];
      throw error;
    }
  }
}
