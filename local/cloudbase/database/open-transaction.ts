/**
 * One open CloudBase transaction (transactions.ts tells the rules): the snapshot its first
 * operation takes, its write set, the claims it makes on what it writes, and the unique-index
 * check rehearsed at each write. The coordinator opens, commits and ends it.
 */
import { CloudBaseError, ErrorCode } from '../errors.js';
import { decodeStoredDocument, encodeStoredDocument, idKey, type Document } from './codec.js';
import { newUniqueKeys, uniqueIntentKey, type WriteIntents } from './claims.js';
import { duplicateKey, transactionConflict } from './failures.js';
import type { DocumentView } from './operations.js';
import type { SqlPrefilter, StoredDocument } from './rows.js';
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

function isConflict(error: unknown): boolean {
  return error instanceof CloudBaseError && error.code === ErrorCode.TransactionConflict;
}

/** One open transaction: its snapshot (taken at its first operation) and its write set. */
export class OpenTransaction implements DocumentView {
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
