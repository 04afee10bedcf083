/**
 * CloudBase transactions with snapshot isolation, as MongoDB gives them underneath CloudBase.
 * There is no global lock: a reader never waits, and a plain write waits only for the
 * transactions holding what it writes.
 *
 * - A transaction's first operation fixes its snapshot: the committed state of that moment
 *   (snapshot.ts `Snapshot`). Its reads see that snapshot plus its own writes, never a later commit.
 * - Reads outside a transaction see the committed state and are answered at once.
 * - A transaction's writes are buffered in its write set and each written document is claimed (a
 *   write intent), with the unique index entries it makes. A transaction's write to a document,
 *   or of a unique key, another open transaction has claimed fails at once with
 *   DATABASE_TRANSACTION_CONFLICT; so does its write to a document committed since its snapshot
 *   (first writer wins). The transaction that meets a conflict is aborted, as MongoDB aborts it:
 *   runTransaction starts a fresh one without rolling the old one back.
 * - A plain (non-transactional) write that meets a claim waits until the claiming transaction
 *   ends (commit, abort, expiry), then runs again from the start on the committed state: MongoDB's
 *   "the write waits until the transaction ends" (production notes, In-progress Transactions and
 *   Write Conflicts). Waiters are woken when the claims go; one whose client left is dropped.
 * - Unique indexes are checked at each write by rehearsing the write set on the committed state.
 * - Commit applies the write set in one SQLite transaction, durable before the reply. Abort,
 *   expiry (an abandoned transaction) and a conflict drop the write set and release its claims.
 * - A plain request's writes stay one SQLite transaction each, atomic as ever: one that has to
 *   wait is rolled back whole first, so a multi-document write never lands half.
 */
import { randomBytes } from 'node:crypto';
import { CloudBaseError, ErrorCode } from '../errors.js';
import { decodeStoredDocument, encodeStoredDocument, idKey, type Document } from './codec.js';
import {
  duplicateKey,
  requestFailed,
  transactionConflict,
  transactionNotExist,
} from './failures.js';
import type { DocumentView } from './operations.js';
import type { OrderedReader, SqlPrefilter, StoredDocument } from './rows.js';
import type { Snapshot } from './snapshot.js';
import type { DocumentStore } from './storage.js';

/** A document a transaction wrote: its new state (null once removed) as the transaction sees it. */
interface StagedWrite {
  document: Document | null;
  text: string;
  /** Natural-order position; documents the transaction inserted sort after all stored ones. */
  seq: number;
  /** Whether the snapshot held it: commit updates (or deletes) it rather than inserting it. */
  existed: boolean;
}

/** Per collection, per `_id` key. */
type WriteSet = Map<string, Map<string, StagedWrite>>;

/** Above any SQLite rowid a test or a developer will reach, below Number.MAX_SAFE_INTEGER. */
const INSERTED_SEQ_BASE = 2 ** 50;

function intentKey(collection: string, key: string): string {
  return `${collection}\u0000${key}`;
}

/**
 * The unique index entries a write adds: an update that keeps a document's unique keys claims
 * none (a plain insert of a duplicate still hears "duplicate key", not a conflict).
 */
function newUniqueKeys(
  store: DocumentStore,
  name: string,
  written: Document,
  before: Document | undefined,
): string[] {
  const keys = store.uniqueKeys(name, written);
  if (!before) return keys;
  const kept = new Set(store.uniqueKeys(name, before));
  return keys.filter((key) => !kept.has(key));
}

/** A unique index entry's claim, apart from any `_id` key. */
function uniqueIntentKey(uniqueKey: string): string {
  return `\u0001${uniqueKey}`;
}

/**
 * Thrown by the committed view when a plain write meets a transaction's claim; never leaves the
 * coordinator, which rolls the request back, waits for `owner` to end and runs it again.
 */
class ClaimedByTransaction extends Error {
  constructor(readonly owner: string) {
    super(`claimed by transaction ${owner}`);
    this.name = 'ClaimedByTransaction';
  }
}

function isConflict(error: unknown): boolean {
  return error instanceof CloudBaseError && error.code === ErrorCode.TransactionConflict;
}

/** Which open transaction has written which document. */
class WriteIntents {
  private readonly owners = new Map<string, string>();

  /** True while no transaction has written anything: plain writes skip every check. */
  get none(): boolean {
    return this.owners.size === 0;
  }

  ownerOf(collection: string, key: string): string | undefined {
    return this.owners.get(intentKey(collection, key));
  }

  claim(collection: string, key: string, transactionId: string): void {
    this.owners.set(intentKey(collection, key), transactionId);
  }

  releaseAll(transactionId: string): void {
    for (const [key, owner] of this.owners) if (owner === transactionId) this.owners.delete(key);
  }
}

/** The committed state, where a write to a document an open transaction wrote must wait. */
class CommittedView implements DocumentView {
  readonly ordered: OrderedReader;

  constructor(
    private readonly store: DocumentStore,
    private readonly intents: WriteIntents,
  ) {
    this.ordered = store;
  }

  hasCollection(name: string): boolean {
    return this.store.hasCollection(name);
  }

  indexedPaths(name: string): ReadonlySet<string> {
    return this.store.indexedPaths(name);
  }

  select(name: string, prefilter: SqlPrefilter | null, omit?: readonly string[]): StoredDocument[] {
    return this.store.select(name, prefilter, omit);
  }

  selectByKey(name: string, key: string): StoredDocument | undefined {
    return this.store.selectByKey(name, key);
  }

  insert(name: string, document: Document): void {
    this.assertUnclaimed(name, idKey(document._id), document);
    this.store.insert(name, document);
  }

  replace(name: string, row: StoredDocument, next: Document, text: string): void {
    this.assertUnclaimed(name, idKey(row.document._id), next, row.document);
    this.store.replace(name, row.seq, next, text);
  }

  remove(name: string, row: StoredDocument): void {
    this.assertUnclaimed(name, idKey(row.document._id));
    this.store.delete(name, row.seq);
  }

  private assertUnclaimed(name: string, key: string, written?: Document, before?: Document): void {
    if (this.intents.none) return;
    const owner = this.intents.ownerOf(name, key);
    if (owner !== undefined) throw new ClaimedByTransaction(owner);
    for (const uniqueKey of written ? newUniqueKeys(this.store, name, written, before) : []) {
      const keyOwner = this.intents.ownerOf(name, uniqueIntentKey(uniqueKey));
      if (keyOwner !== undefined) throw new ClaimedByTransaction(keyOwner);
    }
  }
}

/** One open transaction: its snapshot (taken at its first operation) and its write set. */
class OpenTransaction implements DocumentView {
  readonly ordered = null;
  private snapshot: Snapshot | null = null;
  private writes: WriteSet = new Map();
  /** Plain writes waiting for this transaction's claims to go. */
  readonly waiters = new Set<() => void>();
  private nextInsertedSeq = INSERTED_SEQ_BASE;

  constructor(
    readonly id: string,
    readonly abandonTimer: NodeJS.Timeout,
    private readonly store: DocumentStore,
    private readonly intents: WriteIntents,
  ) {}

  hasCollection(name: string): boolean {
    return this.store.hasCollection(name);
  }

  indexedPaths(name: string): ReadonlySet<string> {
    return this.store.indexedPaths(name);
  }

  select(name: string, prefilter: SqlPrefilter | null): StoredDocument[] {
    const rows = this.reader().select(name, prefilter);
    const staged = this.writes.get(name);
    if (!staged?.size) return rows;
    // Own writes replace the snapshot's version; the caller filters exactly, so all may join.
    const merged = rows.filter((row) => !staged.has(idKey(row.document._id)));
    for (const write of staged.values()) {
      if (write.document) merged.push(stagedRow(write));
    }
    return merged.sort((a, b) => a.seq - b.seq);
  }

  selectByKey(name: string, key: string): StoredDocument | undefined {
    const write = this.writes.get(name)?.get(key);
    if (write) return write.document ? stagedRow(write) : undefined;
    return this.reader().selectByKey(name, key);
  }

  insert(name: string, document: Document): void {
    const key = idKey(document._id);
    if (this.selectByKey(name, key)) throw duplicateKey(name, '_id_', { _id: document._id });
    this.claim(name, key);
    this.claimUniqueKeys(name, document);
    this.stage(name, key, document, this.nextInsertedSeq++);
    this.checkUniqueIndexes();
  }

  replace(name: string, row: StoredDocument, next: Document, text: string): void {
    const key = idKey(row.document._id);
    this.claim(name, key);
    this.claimUniqueKeys(name, next, row.document);
    this.stage(name, key, next, row.seq, text);
    this.checkUniqueIndexes();
  }

  remove(name: string, row: StoredDocument): void {
    const key = idKey(row.document._id);
    this.claim(name, key);
    this.stage(name, key, null, row.seq);
  }

  /**
   * Runs one operation of the transaction: all of its writes or none join the write set. A
   * conflict ends the transaction (`onConflict`), like MongoDB's WriteConflict.
   */
  operate<T>(work: () => T, onConflict: () => void): T {
    const before: WriteSet = new Map([...this.writes].map(([name, map]) => [name, new Map(map)]));
    try {
      return work();
    } catch (error) {
      this.writes = before;
      if (isConflict(error)) onConflict();
      throw error;
    }
  }

  /** Writes the write set to the committed state (inside the caller's SQLite transaction). */
  apply(): void {
    // Removals first, so a unique key a removed document held is free for the writes after it.
    for (const [name, staged] of this.writes)
      for (const [key, write] of staged)
        if (!write.document && write.existed) this.store.deleteByKey(name, key);
    for (const [name, staged] of this.writes)
      for (const write of staged.values()) {
        if (!write.document) continue;
        if (write.existed) this.store.replaceByKey(name, write.document);
        else this.store.insert(name, write.document);
      }
  }

  /** Drops the snapshot and the claims; the write set is forgotten with the transaction. */
  end(): void {
    this.snapshot?.release();
    this.snapshot = null;
    // Also the claims of an operation that failed after claiming (its writes were undone).
    this.intents.releaseAll(this.id);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  private reader(): Snapshot {
    this.snapshot ??= this.store.openSnapshot();
    return this.snapshot;
  }

  /**
   * Makes the document this transaction's to write: refused when another open transaction wrote
   * it, or when a commit changed it after this transaction's snapshot.
   */
  private claim(name: string, key: string): void {
    const owner = this.intents.ownerOf(name, key);
    if (owner === this.id) return;
    if (owner !== undefined) throw transactionConflict();
    const seen = this.reader().selectByKey(name, key)?.text;
    if (seen !== this.store.selectByKey(name, key)?.text) throw transactionConflict();
    this.intents.claim(name, key, this.id);
  }

  /** The unique keys it writes: a second open transaction writing one would fail at commit. */
  private claimUniqueKeys(name: string, document: Document, before?: Document): void {
    for (const uniqueKey of newUniqueKeys(this.store, name, document, before)) {
      const intent = uniqueIntentKey(uniqueKey);
      const owner = this.intents.ownerOf(name, intent);
      if (owner !== undefined && owner !== this.id) throw transactionConflict();
      this.intents.claim(name, intent, this.id);
    }
  }

  private stage(
    name: string,
    key: string,
    document: Document | null,
    seq: number,
    text = document ? encodeStoredDocument(document) : '',
  ): void {
    let staged = this.writes.get(name);
    if (!staged) {
      staged = new Map();
      this.writes.set(name, staged);
    }
    const earlier = staged.get(key);
    staged.set(key, {
      document,
      text,
      seq,
      existed: earlier ? earlier.existed : this.reader().selectByKey(name, key) !== undefined,
    });
  }

  /** A write that breaks a unique index fails now, as in CloudBase, not at commit. */
  private checkUniqueIndexes(): void {
    this.store.rehearse(() => this.apply());
  }
}

function stagedRow(write: StagedWrite): StoredDocument {
  // A fresh copy: callers (projection, update operators) may change what they are given.
  return { seq: write.seq, document: decodeStoredDocument(write.text), text: write.text };
}

export class TransactionCoordinator {
  private readonly open = new Map<string, OpenTransaction>();
  private readonly intents = new WriteIntents();
  /** Plain requests read and write here. */
  readonly committed: DocumentView;

  constructor(
    private readonly store: DocumentStore,
    private readonly lifetimeMs: number,
  ) {
    this.committed = new CommittedView(store, this.intents);
  }

  /** Opens a transaction and returns its id; it takes its snapshot at its first operation. */
  start(): string {
    const id = randomBytes(16).toString('hex');
    // A client that never commits (crash, forgotten rollback) must not keep its claims forever.
    const abandonTimer = setTimeout(() => this.finish(id), this.lifetimeMs);
    abandonTimer.unref();
    this.open.set(id, new OpenTransaction(id, abandonTimer, this.store, this.intents));
    return id;
  }

  isOpen(id: string): boolean {
    return this.open.has(id);
  }

  /**
   * Runs a plain write (`work` writes through `committed` inside one SQLite transaction). Where it
   * meets a document or unique key an open transaction claimed, it has been rolled back whole: it
   * waits for that transaction to end and runs again, on the state the end left. `signal`: the
   * client gave up, and the write is dropped without running.
   */
  async writeCommitted<T>(work: () => T, signal?: AbortSignal): Promise<T> {
    for (;;) {
      try {
        return work();
      } catch (error) {
        if (!(error instanceof ClaimedByTransaction)) throw error;
        await this.ended(error.owner, signal);
      }
    }
  }

  /** Runs one operation inside transaction `id` on its view of the data. */
  run<T>(id: string, work: (view: DocumentView) => T): T {
    const transaction = this.get(id);
    return transaction.operate(
      () => work(transaction),
      () => this.finish(id),
    );
  }

  /** Applies the write set atomically; the transaction is over whether or not that succeeded. */
  commit(id: string): void {
    const transaction = this.get(id);
    try {
      this.store.atomically(() => transaction.apply());
    } finally {
      this.finish(id);
    }
  }

  abort(id: string): void {
    this.get(id);
    this.finish(id);
  }

  /** Aborts `id` if it is still open; nothing otherwise. */
  abortIfOpen(id: string): void {
    this.finish(id);
  }

  /** Aborts whatever is open (used on close). */
  abortOpen(): void {
    for (const id of [...this.open.keys()]) this.finish(id);
  }

  /** Resolves once transaction `id` has ended (at once if it has); rejects if `signal` fires. */
  private ended(id: string, signal?: AbortSignal): Promise<void> {
    const transaction = this.open.get(id);
    if (!transaction) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const gone = (): void => {
        transaction.waiters.delete(wake);
        reject(requestFailed('the client stopped waiting for the write'));
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', gone);
        resolve();
      };
      if (signal?.aborted) {
        gone();
        return;
      }
      transaction.waiters.add(wake);
      signal?.addEventListener('abort', gone, { once: true });
    });
  }

  private get(id: string): OpenTransaction {
    const transaction = this.open.get(id);
    if (!transaction) throw transactionNotExist(this.lifetimeMs);
    return transaction;
  }

  private finish(id: string): void {
    const transaction = this.open.get(id);
    if (!transaction) return;
    this.open.delete(id);
    clearTimeout(transaction.abandonTimer);
    transaction.end();
  }
}
