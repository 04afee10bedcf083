/**
 * CloudBase transactions as one exclusive lock over the whole database.
 *
 * `startTransaction` waits for the lock, opens an SQLite transaction and keeps both until
 * commit, abort or timeout. Every other request waits for the lock too, so a transaction sees
 * no concurrent writes (serializable, never a conflict) and its operations, which carry its
 * `transactionId`, run straight away on the open SQLite transaction.
 */
import { randomBytes } from 'node:crypto';
import { transactionNotExist } from './failures.js';
import type { DocumentStore } from './storage.js';

/**
 * A FIFO async mutex: requests run in arrival order once the holder releases. A waiter gives up
 * after `maxWaitMs` — before the SDK's own 15 s request timeout — so the lock is never handed to a
 * client that has stopped waiting (a transaction nobody will commit would hold it until its
 * abandon timeout, and everyone queued behind it would time out in turn).
 */
export class ExclusiveLock {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  /**
   * Resolves once the lock is ours. Rejects — leaving the queue — with LockWaitTimeout after
   * `maxWaitMs`, or with LockWaitAbandoned when `signal` aborts (the client went away).
   */
  async acquire(maxWaitMs = Infinity, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new LockWaitAbandoned();
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const leave = (error: Error): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = this.waiters.indexOf(grant);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(error);
      };
      const onAbort = (): void => leave(new LockWaitAbandoned());
      const grant = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const timer =
        maxWaitMs === Infinity
          ? undefined
          : setTimeout(() => leave(new LockWaitTimeout(maxWaitMs)), maxWaitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
    });
  }

  /** Hands the lock to the next waiter, if any (it stays held on its behalf). */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

/** The client stopped waiting before the lock was free; nothing was done for it. */
export class LockWaitAbandoned extends Error {
  constructor() {
    super('the client went away while waiting for the database');
    this.name = 'LockWaitAbandoned';
  }
}

export class LockWaitTimeout extends Error {
  constructor(readonly waitedMs: number) {
    super(`waited ${waitedMs} ms for a transaction to finish`);
    this.name = 'LockWaitTimeout';
  }
}

interface OpenTransaction {
  id: string;
  abandonTimer: NodeJS.Timeout;
}

export class TransactionCoordinator {
  private open: OpenTransaction | null = null;

  constructor(
    private readonly store: DocumentStore,
    private readonly lock: ExclusiveLock,
    private readonly abandonAfterMs: number,
  ) {}

  /** Waits for the lock and opens a transaction; resolves with its id. */
  async start(maxWaitMs?: number, signal?: AbortSignal): Promise<string> {
    await this.lock.acquire(maxWaitMs, signal);
    if (signal?.aborted) {
      // Gone while the lock changed hands: a transaction nobody will use must not hold it.
      this.lock.release();
      throw new LockWaitAbandoned();
    }
    try {
      this.store.beginLongTransaction();
    } catch (error) {
      this.lock.release();
      throw error;
    }
    const id = randomBytes(16).toString('hex');
    // A client that never commits (crash, forgotten rollback) must not freeze the database.
    const abandonTimer = setTimeout(() => this.finish(id, 'abort'), this.abandonAfterMs);
    abandonTimer.unref();
    this.open = { id, abandonTimer };
    return id;
  }

  isOpen(id: string): boolean {
    return this.open?.id === id;
  }

  /** Throws CloudBase's failure unless `id` is the open transaction. */
  assertOpen(id: string): void {
    if (!this.isOpen(id)) throw transactionNotExist(id);
  }

  commit(id: string): void {
    this.assertOpen(id);
    this.finish(id, 'commit');
  }

  abort(id: string): void {
    this.assertOpen(id);
    this.finish(id, 'abort');
  }

  /** Aborts `id` if it is still the open transaction; nothing otherwise. */
  abortIfOpen(id: string): void {
    if (this.isOpen(id)) this.finish(id, 'abort');
  }

  /** Aborts whatever is open (used on close). */
  abortOpen(): void {
    if (this.open) this.finish(this.open.id, 'abort');
  }

  private commitOrRollBack(): void {
    try {
      this.store.commitLongTransaction();
    } catch (error) {
      this.store.rollbackLongTransaction();
      throw error;
    }
  }

  private finish(id: string, outcome: 'commit' | 'abort'): void {
    if (!this.isOpen(id) || !this.open) return;
    clearTimeout(this.open.abandonTimer);
    this.open = null;
    try {
      if (outcome === 'commit') this.commitOrRollBack();
      else this.store.rollbackLongTransaction();
    } finally {
      this.lock.release();
    }
  }
}
