/**
 * The database half of the local CloudBase emulator.
 *
 * The HTTP server hands every `database.*` action of `POST /admin` to `handle`; the real
 * wx-server-sdk and @cloudbase/node-sdk run against it unmodified. Module map:
 * - codec.ts: EJSON on the wire and on disk, serverDate and RegExp placeholders
 * - storage.ts: SQLite tables, declared (unique) indexes, durable writes
 * - planner.ts: SQL prefilter from a Mongo filter (a superset; mingo filters exactly)
 * - operations.ts: find/count/insert/modify/remove/aggregate with mingo semantics
 * - transactions.ts: the exclusive lock and CloudBase transactions on top of it
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
import { collectionNotExist, requestFailed, transactionConflict } from './failures.js';
import { CollectionOperations } from './operations.js';
import { DocumentStore } from './storage.js';
import {
  ExclusiveLock,
  LockWaitAbandoned,
  LockWaitTimeout,
  TransactionCoordinator,
} from './transactions.js';

export type { CollectionSpec } from '../../../cloudfunctions/core/data/collections.js';
export type { Document } from './codec.js';

/**
 * How long an open transaction may live before it is rolled back. Every other request waits while
 * one is open, so this stays under the SDK's 15 s request timeout: a function that dies mid-
 * transaction delays others instead of failing them.
 */
export const DEFAULT_TRANSACTION_TIMEOUT_MS = 10_000;
/**
 * How long a request waits behind an open transaction before it fails with
 * DATABASE_TRANSACTION_CONFLICT: under the SDK's 15 s timeout, so a client that gave up is never
 * answered (or given a transaction) afterwards.
 */
export const LOCK_WAIT_MS = 10_000;

export interface DatabaseOptions {
  /** SQLite file path; its directory must exist. */
  file: string;
  collections: readonly CollectionSpec[];
  /** Clock for serverDate; default `() => new Date()`. */
  now?: () => Date;
  /** Abandoned transactions are aborted after this long; default 30 s. */
  transactionTimeoutMs?: number;
  /** How long a request waits behind an open transaction; default LOCK_WAIT_MS. */
  lockWaitMs?: number;
}

export interface EmulatedDatabase {
  /**
   * Handles one `database.*` action of POST /admin. Returns the reply object WITHOUT requestId
   * (e.g. `{ data: {...} }` or `{ transactionId }`); throws CloudBaseError for CloudBase-shaped
   * failures.
   */
  /** `signal`: the client stopped waiting; a request still queued for the lock is dropped. */
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
  private readonly operations: CollectionOperations;
  private readonly lock = new ExclusiveLock();
  private readonly transactions: TransactionCoordinator;
  private readonly now: () => Date;
  private readonly lockWaitMs: number;
  private closed = false;

  constructor(options: DatabaseOptions) {
    this.store = new DocumentStore(options.file, options.collections);
    this.operations = new CollectionOperations(this.store);
    this.transactions = new TransactionCoordinator(
      this.store,
      this.lock,
      options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
    );
    this.now = options.now ?? (() => new Date());
    this.lockWaitMs = options.lockWaitMs ?? LOCK_WAIT_MS;
  }

  async handle(action: string, body: RequestBody, signal?: AbortSignal): Promise<Reply> {
    this.assertOpen();
    const transactionId = transactionIdOf(body);
    switch (action) {
      case TRANSACTION_ACTIONS.start: {
        const id = await this.waiting(() => this.transactions.start(this.lockWaitMs, signal));
        // Gone before it could hear the id (the server stops signalling once the reply is out):
        // nobody will commit this transaction, so it must not hold the database.
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
    const run = () => this.store.atomically(() => handler(body, this.context()));
    if (transactionId !== undefined) {
      // The transaction holds the lock; its own operations go straight in (each as a savepoint).
      this.transactions.assertOpen(transactionId);
      return run();
    }
    return this.exclusively(run, signal);
  }

  collectionNames(): string[] {
    return this.store.collectionNames();
  }

  insertDocuments(collection: string, documents: Document[]): Promise<unknown[]> {
    return this.exclusively(() => {
      this.assertCollection(collection);
      const now = this.now();
      const resolved = documents.map((document) => resolveWireValue(document, now) as Document);
      return this.store.atomically(() => this.operations.insert(collection, resolved));
    });
  }

  findDocuments(collection: string, filter: Document = {}): Promise<Document[]> {
    return this.exclusively(() => {
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

  private context(): RequestContext {
    return {
      store: this.store,
      operations: this.operations,
      transactions: this.transactions,
      now: this.now(),
    };
  }

  /** A lock wait that ran out becomes CloudBase's conflict answer. */
  private async waiting<T>(acquire: () => Promise<T>): Promise<T> {
    try {
      return await acquire();
    } catch (error) {
      if (error instanceof LockWaitTimeout) throw transactionConflict(error.waitedMs);
      // Nobody is listening any more; the answer only has to be a quiet one.
      if (error instanceof LockWaitAbandoned) throw requestFailed(error.message);
      throw error;
    }
  }

  private async exclusively<T>(work: () => T, signal?: AbortSignal): Promise<T> {
    await this.waiting(() => this.lock.acquire(this.lockWaitMs, signal));
    try {
      this.assertOpen();
      return work();
    } finally {
      this.lock.release();
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
