/**
 * The database half of the local CloudBase emulator.
 *
 * The HTTP server hands every `database.*` action of `POST /admin` to `handle`; the real
 * wx-server-sdk and @cloudbase/node-sdk run against it unmodified. Module map:
 * - codec.ts: EJSON on the wire and on disk, serverDate and RegExp placeholders
 * - rows.ts: stored rows, the reader interfaces and the SQL that reads rows
 * - storage.ts: SQLite tables, declared (unique) indexes, durable writes
 * - snapshot.ts: read-only connections fixed at one committed state, for transactions
 * - planner.ts: SQL prefilter from a Mongo filter (a superset; mingo filters exactly)
 * - operations.ts: find/count/insert/modify/remove/aggregate with mingo semantics
 * - transactions.ts: CloudBase transactions with snapshot isolation and write conflicts
 * - open-transaction.ts, claims.ts: one transaction's write set; write intents, committed view
 * - actions.ts: request bodies → operations → reply bodies
 */
import type { CollectionSpec } from '../../../cloudfunctions/core/data/collections.js';
import { CloudBaseError } from '../errors.js';
import {
  DOCUMENT_ACTIONS,
  TRANSACTION_ACTIONS,
  transactionIdOf,
  unknownAction,
  type Reply,
  type RequestBody,
  type RequestContext,
} from './actions.js';
import { resolveWireValue, type Document } from './codec.js';
import { collectionNotExist, requestFailed } from './failures.js';
import { CollectionOperations, type DocumentView } from './operations.js';
import { DocumentStore } from './storage.js';
import { TransactionCoordinator } from './transactions.js';

export type { CollectionSpec } from '../../../cloudfunctions/core/data/collections.js';
export type { Document } from './codec.js';

/**
 * How long a transaction may stay open before it is rolled back and its writes released:
 * CloudBase's lifetime ("must be commit or abort in 30 seconds").
 */
export const DEFAULT_TRANSACTION_TIMEOUT_MS = 30_000;

export interface DatabaseOptions {
  /** SQLite file path; its directory must exist. */
  file: string;
  collections: readonly CollectionSpec[];
  /** Clock for serverDate; default `() => new Date()`. */
  now?: () => Date;
  /** Abandoned transactions are aborted after this long; default DEFAULT_TRANSACTION_TIMEOUT_MS. */
  transactionTimeoutMs?: number;
}

export interface EmulatedDatabase {
  /**
   * Handles one `database.*` action of POST /admin. Returns the reply object WITHOUT requestId
   * (e.g. `{ data: {...} }` or `{ transactionId }`); throws CloudBaseError for CloudBase-shaped
   * failures.
   */
  /** `signal`: the client stopped waiting; a transaction it was never told of is aborted. */
  handle(
    action: string,
    body: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>>;
  /** Direct access for the emulator's own tools and seeding (plain JS documents). */
  collectionNames(): string[];
  /** Seeds documents (plain JS, Dates allowed); returns their `_id`s. */
  insertDocuments(collection: string, documents: Document[]): Promise<unknown[]>;
  /** Reads documents matching a Mongo filter, in natural order. */
  findDocuments(collection: string, filter?: Document): Promise<Document[]>;
  close(): void;
}

class SqliteEmulatedDatabase implements EmulatedDatabase {
  private readonly store: DocumentStore;
  private readonly transactions: TransactionCoordinator;
  /** Plain requests: the committed state; a write to what a transaction claimed waits for it. */
  private readonly operations: CollectionOperations;
  private readonly now: () => Date;
  private closed = false;

  constructor(options: DatabaseOptions) {
    this.store = new DocumentStore(options.file, options.collections);
    this.transactions = new TransactionCoordinator(
      this.store,
      options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
    );
    this.operations = new CollectionOperations(this.transactions.committed);
    this.now = options.now ?? (() => new Date());
  }

  // Synchronous work behind a promise; only a plain write meeting a transaction's claim waits.
  async handle(action: string, body: RequestBody, signal?: AbortSignal): Promise<Reply> {
    this.assertOpen();
    const transactionId = transactionIdOf(body);
    switch (action) {
      case TRANSACTION_ACTIONS.start: {
        const id = this.transactions.start();
        // Gone before it could hear the id (the server stops signalling once the reply is out):
        // nobody will commit this transaction, so it must not keep what it writes.
        signal?.addEventListener('abort', () => this.transactions.abortIfOpen(id), { once: true });
        return { transactionId: id };
      }
      case TRANSACTION_ACTIONS.commit:
        this.transactions.commit(transactionId ?? '');
        return {};
      case TRANSACTION_ACTIONS.abort:
        this.transactions.abort(transactionId ?? '');
        return {};
    }
    const handler = DOCUMENT_ACTIONS[action] ?? unknownAction(action);
    if (transactionId !== undefined) {
      return this.transactions.run(transactionId, (view) =>
        handler(body, this.context(view, new CollectionOperations(view))),
      );
    }
    const view = this.transactions.committed;
    // Run again after a wait, the store may have closed meanwhile.
    return this.transactions.writeCommitted(() => {
      this.assertOpen();
      return this.store.atomically(() => handler(body, this.context(view, this.operations)));
    }, signal);
  }

  collectionNames(): string[] {
    return this.store.collectionNames();
  }

  async insertDocuments(collection: string, documents: Document[]): Promise<unknown[]> {
    this.assertOpen();
    this.assertCollection(collection);
    const now = this.now();
    const resolved = documents.map((document) => resolveWireValue(document, now) as Document);
    return this.transactions.writeCommitted(() => {
      this.assertOpen();
      return this.store.atomically(() => this.operations.insert(collection, resolved));
    });
  }

  findDocuments(collection: string, filter: Document = {}): Promise<Document[]> {
    return this.settled(() => {
      this.assertCollection(collection);
      return this.operations.find(collection, filter, {});
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.transactions.abortOpen();
    this.store.close();
  }

  private context(view: DocumentView, operations: CollectionOperations): RequestContext {
    return { store: this.store, view, operations, now: this.now() };
  }

  /** Runs synchronous work as a promise that rejects with what it throws. */
  private settled<T>(work: () => T): Promise<T> {
    try {
      this.assertOpen();
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw requestFailed('the local database is closed');
  }

  private assertCollection(collection: string): void {
    if (!this.store.hasCollection(collection)) throw collectionNotExist(collection);
  }
}

export function openDatabase(options: DatabaseOptions): EmulatedDatabase {
  return new SqliteEmulatedDatabase(options);
}

export { CloudBaseError };
