/**
 * The reward offer on the landing page: the best running campaign that targets the scanned code
 * (domain/campaign-eligibility.ts rankCampaigns: status, window, targeting). Whether the claim qualifies —
 * limits, budget, risk rules, first scan — is decided when it is claimed, against fresh data.
 *
 * A scan keeps its fixed number of database round trips, so running campaigns are kept per
 * instance for RUNNING_CAMPAIGNS_TTL_MS: a warm instance reads nothing; a cold one (or one whose
 * list is older than that) reads `campaigns` once, beside the scan's own first round, and scans
 * arriving meanwhile share that one read. A campaign started, paused or ended shows on landing
 * pages within the TTL; the claim reads campaigns itself, so a stale offer never pays.
 */
import type { RewardOffer } from '../../../typings/reward.js';
import type { VerdictKind } from '../../../typings/scan.js';
import { listRunningCampaigns, toCampaign } from '../data/campaigns.js';
import { campaignRangeId, type Campaign } from '../domain/campaign.js';
import { offerPreview, rankCampaigns } from '../domain/campaign-eligibility.js';

export const RUNNING_CAMPAIGNS_TTL_MS = 60_000;

/**
 * One instance's copy of a list read from the database, reloaded when older than `ttlMs`, with
 * at most one load in flight. A failed load is logged and answers the last list (or none): the
 * landing page works without an offer, and the next caller tries again.
 */
export class ExpiringList<T> {
  private kept: { items: T[]; loadedAt: number } | undefined;
  private inFlight: Promise<T[]> | undefined;

  constructor(
    private readonly load: () => Promise<T[]>,
    private readonly ttlMs: number,
    private readonly label: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The list, when this instance holds one younger than the TTL; no read. */
  peek(): T[] | undefined {
    return this.kept && this.clock() - this.kept.loadedAt < this.ttlMs
      ? this.kept.items
      : undefined;
  }

  /** Never rejects. */
  get(): Promise<T[]> {
    const now = this.clock();
    if (this.kept && now - this.kept.loadedAt < this.ttlMs) return Promise.resolve(this.kept.items);
    if (!this.inFlight) {
      const pending = this.reload(now);
      this.inFlight = pending;
      void pending.then(() => {
        if (this.inFlight === pending) this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async reload(startedAt: number): Promise<T[]> {
    try {
      const items = await this.load();
      // Counted from when the read was sent: nothing changed before that went unseen.
      this.kept = { items, loadedAt: startedAt };
      return items;
    } catch (error) {
      console.warn(`[offer] reading ${this.label} failed: ${String(error)}`);
      return this.kept?.items ?? [];
    }
  }
}

const running = new ExpiringList<Campaign>(
  async () => (await listRunningCampaigns()).map(toCampaign),
  RUNNING_CAMPAIGNS_TTL_MS,
  'running campaigns',
);

/** Running campaigns as this instance last read them (see the module comment). Never rejects. */
export function runningCampaigns(): Promise<Campaign[]> {
  return running.get();
}

/** The running campaigns this instance holds, if it holds them now (a warm instance): no read. */
export function keptRunningCampaigns(): Campaign[] | undefined {
  return running.peek();
}

/** What the landing view knows about the scanned code. */
export interface OfferedCode {
  code: string;
  via: 'ticket' | 'code';
  applicationId: string;
  codeStart: number;
  productId?: string;
  verdict: VerdictKind;
}

/** The offer of the best ranked campaign for this code now; undefined when none targets it. */
export function rewardOffer(
  campaigns: readonly Campaign[],
  code: OfferedCode,
  now: number,
): RewardOffer | undefined {
  const [best] = rankCampaigns(
    // A typed code is offered only what it could claim.
    campaigns.filter((campaign) => code.via === 'ticket' || campaign.allowTypedCodes),
    {
      code: code.code,
      via: code.via,
      ...(code.productId ? { productId: code.productId } : {}),
      rangeId: campaignRangeId(code),
      verdict: code.verdict,
      // Neither is known here, and ranking does not use them: the claim checks both.
      isFirstScan: code.verdict === 'GENUINE_FIRST',
      alreadyRewarded: false,
    },
    now,
  );
  return best ? offerPreview(best) : undefined;
}
