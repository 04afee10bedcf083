/**
 * The running campaigns as one function instance last read them, shared by the landing offer
 * (rewards/offer.ts) and the claim (rewards/claim.ts), so neither reads `campaigns` on every
 * call: a warm instance reads nothing; a cold one (or one whose list is older than
 * RUNNING_CAMPAIGNS_TTL_MS) reads them once, beside its call's first round, and calls arriving
 * meanwhile share that one read.
 *
 * What a stale list may cost is bounded where money moves: the claim holds budget only while the
 * campaign is still the revision it read (data/campaigns.ts reserveBudget) and decides every "no
 * eligible campaign" on a fresh read, so a campaign started, paused, ended or edited is honoured
 * by claims at once, except that a newly started campaign is preferred over another that already
 * pays for the code only once the list is reloaded (within the TTL).
 */
import { listRunningCampaigns, type CampaignRecord } from '../data/campaigns.js';

export const RUNNING_CAMPAIGNS_TTL_MS = 60_000;

/** A list and when the read that produced it was sent (epoch ms; -Infinity for none). */
export interface Listed<T> {
  items: T[];
  loadedAt: number;
}

/**
 * One instance's copy of a list read from the database, reloaded when older than `ttlMs`, with
 * at most one load in flight. A failed load is logged and answers the last list (or none): the
 * landing page works without an offer, and the next caller tries again.
 */
export class ExpiringList<T> {
  private kept: Listed<T> | undefined;
  private inFlight: Promise<Listed<T>> | undefined;

  constructor(
    private readonly load: () => Promise<T[]>,
    private readonly ttlMs: number,
    private readonly label: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The list, when this instance holds one younger than the TTL; no read. */
  peek(): T[] | undefined {
    return this.young(this.clock())?.items;
  }

  /** The list with the time of its read. Never rejects. */
  read(): Promise<Listed<T>> {
    const now = this.clock();
    const young = this.young(now);
    if (young) return Promise.resolve(young);
    if (!this.inFlight) {
      const pending = this.reload(now);
      this.inFlight = pending;
      void pending.then(() => {
        if (this.inFlight === pending) this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  /** Reads the list now, whatever is kept, and keeps it. Rejects when the read fails. */
  async fresh(): Promise<Listed<T>> {
    const startedAt = this.clock();
    const listed = { items: await this.load(), loadedAt: startedAt };
    if (!this.kept || this.kept.loadedAt <= startedAt) this.kept = listed;
    return listed;
  }

  /** Drops the kept list: the next caller reads it again (it was found out of date). */
  forget(): void {
    this.kept = undefined;
  }

  /** The kept list while younger than the TTL at `now`. */
  private young(now: number): Listed<T> | undefined {
    return this.kept && now - this.kept.loadedAt < this.ttlMs ? this.kept : undefined;
  }

  private async reload(startedAt: number): Promise<Listed<T>> {
    try {
      const items = await this.load();
      // Counted from when the read was sent: nothing changed before that went unseen.
      this.kept = { items, loadedAt: startedAt };
      return this.kept;
    } catch (error) {
      console.warn(`[offer] reading ${this.label} failed: ${String(error)}`);
      return this.kept ?? { items: [], loadedAt: Number.NEGATIVE_INFINITY };
    }
  }
}

const running = new ExpiringList<CampaignRecord>(
  listRunningCampaigns,
  RUNNING_CAMPAIGNS_TTL_MS,
  'running campaigns',
);

/** The running campaigns as this instance keeps them (see the module comment). Never rejects. */
export function keptRunningCampaigns(): Promise<Listed<CampaignRecord>> {
  return running.read();
}

/** The running campaigns this instance holds, if it holds them now (a warm instance): no read. */
export function peekRunningCampaigns(): CampaignRecord[] | undefined {
  return running.peek();
}

/** The running campaigns read now (and kept). Rejects when the read fails. */
export function freshRunningCampaigns(): Promise<Listed<CampaignRecord>> {
  return running.fresh();
}

/** A claim found a kept campaign changed: the instance's next call reads the list again. */
export function forgetRunningCampaigns(): void {
  running.forget();
}
