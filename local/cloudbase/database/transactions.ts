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
 *
 * This coordinator opens, runs, commits and ends transactions; one transaction's snapshot and
 * write set are in open-transaction.ts, the claims and the committed view in claims.ts.
 */
import { randomBytes } from 'node:crypto';
import { ClaimedByTransaction, CommittedView, WriteIntents } from './claims.js';
import { requestFailed, transactionNotExist } from './failures.js';
import { OpenTransaction } from './open-transaction.js';
import type { DocumentView } from './operations.js';
import type { DocumentStore } from './storage.js';

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
