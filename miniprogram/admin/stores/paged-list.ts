import { makeAutoObservable, observable, runInAction } from 'mobx-miniprogram';
import type { Envelope, EnvelopeError } from '../../../typings/envelope';
import type { LoadStatus } from './members';

/** The next page's outcome for the page to report; `busy`: nothing was asked. */
export type MoreOutcome = { ok: true } | { ok: false; error: EnvelopeError } | { ok: 'busy' };

/** One page as the server answered it, and whether another may follow. */
export interface Page<T> {
  items: readonly T[];
  more: boolean;
}

/** Reads the page at `offset` (the number of items shown). */
export type PageReader<T> = (offset: number) => Promise<Envelope<Page<T>>>;

/**
 * A console list read in pages, newest first, the way every list page shows one: the first page
 * with a skeleton, the next on reaching the bottom, a failure of the first page shown in its place
 * and a failure of a later page kept for the page to say (what is shown stays). Items made since
 * the first page shift the offsets, so an item already shown is skipped (by `keyOf`). A reply to
 * a load that a newer one replaced (a filter changed, a pull to refresh) is dropped, so the list
 * always matches what the screen asks for.
 */
export class PagedList<T> {
  status: LoadStatus = 'idle';
  items: readonly T[] = [];
  error: EnvelopeError | null = null;
  hasMore = false;
  loadingMore = false;

  /** Bumped by every first-page load and reset: replies carrying an older number are stale. */
  private generation = 0;

  constructor(
    private readonly read: PageReader<T>,
    private readonly keyOf: (item: T) => string,
  ) {
    makeAutoObservable<PagedList<T>, 'generation' | 'read' | 'keyOf'>(this, {
      generation: false,
      read: false,
      keyOf: false,
      items: observable.ref,
    });
  }

  /** Back to nothing loaded; a reply still in flight is dropped. */
  reset(): void {
    this.generation++;
    this.status = 'idle';
    this.items = [];
    this.error = null;
    this.hasMore = false;
    this.loadingMore = false;
  }

  /** The first page. Resolves to the page read (for what a store does besides), if it was read. */
  async load(): Promise<Page<T> | null> {
    const generation = ++this.generation;
    this.status = 'loading';
    this.error = null;
    this.loadingMore = false;
    const reply = await this.read(0);
    return runInAction(() => {
      if (generation !== this.generation) return null;
      if (reply.ok) {
        this.items = reply.data.items;
        this.hasMore = reply.data.more;
        this.status = 'ready';
        return reply.data;
      }
      this.items = [];
      this.hasMore = false;
      this.error = reply.error;
      this.status = 'error';
      return null;
    });
  }

  /** The next page; a failure keeps what is shown and is returned for the page to say. */
  async loadMore(): Promise<MoreOutcome & { page?: Page<T> }> {
    if (this.loadingMore || !this.hasMore || this.status !== 'ready') return { ok: 'busy' };
    const generation = this.generation;
    this.loadingMore = true;
    const reply = await this.read(this.items.length);
    return runInAction(() => {
      if (generation !== this.generation) return { ok: 'busy' as const };
      this.loadingMore = false;
      if (!reply.ok) return { ok: false as const, error: reply.error };
      const seen = new Set(this.items.map(this.keyOf));
      this.items = [
        ...this.items,
        ...reply.data.items.filter((item) => !seen.has(this.keyOf(item))),
      ];
      this.hasMore = reply.data.more;
      return { ok: true as const, page: reply.data };
    });
  }

  /** Puts an item saved elsewhere in place, or first when it is new, without a reload. */
  upsert(item: T): void {
    const key = this.keyOf(item);
    const at = this.items.findIndex((shown) => this.keyOf(shown) === key);
    this.items =
      at >= 0 ? this.items.map((shown, i) => (i === at ? item : shown)) : [item, ...this.items];
    if (this.status !== 'ready' && this.status !== 'loading') this.status = 'ready';
  }
}

/** A full page means another may follow. */
export const fullPage = <T>(items: readonly T[], pageSize: number): Page<T> => ({
  items,
  more: items.length === pageSize,
});
