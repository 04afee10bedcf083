import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { CampaignStatusKind, CampaignView, RewardStatsResult } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';
import type { LoadStatus } from './members';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Days of claims the detail page shows (today included). */
export const STATS_DAYS = 14;

/** Midnight China time (UTC+8) of the day `at` falls in. */
export function chinaMidnight(at: number): number {
  return at - ((at + 8 * HOUR_MS) % DAY_MS);
}

/**
 * The claims-per-day window: the last STATS_DAYS China-time days up to today, never before the
 * campaign's first day; null before it starts (nothing to count yet).
 */
export function statsWindow(
  campaign: Pick<CampaignView, 'startAt' | 'endAt'>,
  now: number,
): { from: string; to: string } | null {
  const to = chinaMidnight(Math.min(now, Date.parse(campaign.endAt) - 1)) + DAY_MS;
  const from = Math.max(chinaMidnight(Date.parse(campaign.startAt)), to - STATS_DAYS * DAY_MS);
  if (from >= to || Date.parse(campaign.startAt) > now) return null;
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

export type StatusOutcome = { ok: true } | { ok: false; error: EnvelopeError };

/** 活动详情: one campaign, its books, its claims per day, and its status changes. */
export class CampaignDetailStore {
  campaignId = '';
  status: LoadStatus = 'idle';
  campaign: CampaignView | null = null;
  error: EnvelopeError | null = null;

  statsStatus: LoadStatus = 'idle';
  stats: RewardStatsResult | null = null;
  statsError: EnvelopeError | null = null;

  /** A status change in flight (its buttons show loading). */
  changing = false;

  private generation = 0;

  constructor() {
    makeAutoObservable<CampaignDetailStore, 'generation'>(this, { generation: false });
  }

  reset(campaignId: string): void {
    this.campaignId = campaignId;
    this.campaign = null;
    this.status = 'idle';
    this.error = null;
    this.stats = null;
    this.statsStatus = 'idle';
    this.statsError = null;
    this.changing = false;
  }

  async load(now = Date.now()): Promise<void> {
    const generation = ++this.generation;
    this.status = 'loading';
    this.error = null;
    const reply = await adminClient.getCampaign({ campaignId: this.campaignId });
    runInAction(() => {
      if (generation !== this.generation) return;
      if (reply.ok) {
        this.campaign = reply.data.campaign;
        this.status = 'ready';
      } else {
        this.error = reply.error;
        this.status = 'error';
      }
    });
    if (reply.ok) await this.loadStats(now);
  }

  async loadStats(now = Date.now()): Promise<void> {
    const campaign = this.campaign;
    const window = campaign ? statsWindow(campaign, now) : null;
    if (!campaign || !window) {
      this.stats = null;
      this.statsStatus = 'ready';
      return;
    }
    const generation = this.generation;
    this.statsStatus = 'loading';
    this.statsError = null;
    const reply = await adminClient.rewardStats({
      ...window,
      granularity: 'day',
      campaignId: campaign.campaignId,
    });
    runInAction(() => {
      if (generation !== this.generation) return;
      if (reply.ok) {
        this.stats = reply.data;
        this.statsStatus = 'ready';
      } else {
        this.statsError = reply.error;
        this.statsStatus = 'error';
      }
    });
  }

  /** Changes the status; the books and figures are read again either way. */
  async changeStatus(to: CampaignStatusKind): Promise<StatusOutcome> {
    if (this.changing) return { ok: true };
    this.changing = true;
    const reply = await adminClient.setCampaignStatus({ campaignId: this.campaignId, status: to });
    runInAction(() => {
      this.changing = false;
      if (reply.ok) this.campaign = reply.data.campaign;
    });
    if (!reply.ok) {
      // The campaign may have moved meanwhile (another marketer): show what it is now.
      await this.load();
      return { ok: false, error: reply.error };
    }
    await this.loadStats();
    return { ok: true };
  }
}

export const campaignDetailStore = new CampaignDetailStore();
