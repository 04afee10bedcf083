import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { CampaignView, ListPayoutsRequest, PayoutAdminView } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import type { PayoutStateKind } from '../../../typings/reward';
import { adminClient } from '../services/admin-client';
import type { LoadStatus } from './members';

/** Payouts asked for per page (the server allows up to 100). */
export const PAYOUTS_PAGE_SIZE = 20;
/** Campaigns offered in the filter: the server's most per call. */
export const CAMPAIGN_CHOICES_LIMIT = 100;

/** What the list is narrowed to; empty fields mean "all". */
export interface PayoutFilters {
  campaignId: string;
  state: PayoutStateKind | '';
  flagged: boolean;
  /** An exact 9-character code, or '' for none. */
  code: string;
}

export const NO_FILTERS: PayoutFilters = { campaignId: '', state: '', flagged: false, code: '' };

/** The next page's outcome for the page to report; `busy`: nothing was asked. */
export type MoreOutcome = { ok: true } | { ok: false; error: EnvelopeError } | { ok: 'busy' };

/**
 * 发放记录 (read-only): payouts newest first under the filters, paged, and the campaigns to filter
 * by. Each filter change reloads the first page; a reply to an older request (the filter changed
 * while it was in flight) is dropped, so the list always matches the filters on screen.
 */
export class PayoutsStore {
  filters: PayoutFilters = { ...NO_FILTERS };

  status: LoadStatus = 'idle';
  payouts: PayoutAdminView[] = [];
  error: EnvelopeError | null = null;
  hasMore = false;
  loadingMore = false;

  campaignsStatus: LoadStatus = 'idle';
  campaigns: CampaignView[] = [];

  /** The payout whose ledger is open ('' for none). */
  expandedOutNo = '';

  /** Bumped by every first-page load: replies carrying an older number are stale. */
  private generation = 0;

  constructor() {
    makeAutoObservable<PayoutsStore, 'generation'>(this, { generation: false });
  }

  /** A fresh page, optionally opened already filtered (a campaign's or a code's payouts). */
  reset(initial: Partial<PayoutFilters> = {}): void {
    this.filters = { ...NO_FILTERS, ...initial };
    this.payouts = [];
    this.status = 'idle';
    this.error = null;
    this.hasMore = false;
    this.expandedOutNo = '';
  }

  /** Campaigns and the first page side by side. */
  async load(): Promise<void> {
    await Promise.all([this.loadCampaigns(), this.loadPayouts()]);
  }

  async loadCampaigns(): Promise<void> {
    this.campaignsStatus = 'loading';
    const reply = await adminClient.listCampaigns({ limit: CAMPAIGN_CHOICES_LIMIT });
    runInAction(() => {
      if (reply.ok) {
        this.campaigns = reply.data.campaigns;
        this.campaignsStatus = 'ready';
      } else {
        // The list still works unfiltered; the page offers a retry on the picker.
        this.campaignsStatus = 'error';
      }
    });
  }

  async loadPayouts(): Promise<void> {
    const generation = ++this.generation;
    this.status = 'loading';
    this.error = null;
    this.loadingMore = false;
    const reply = await adminClient.listPayouts(this.request(0));
    runInAction(() => {
      if (generation !== this.generation) return;
      if (reply.ok) {
        this.payouts = reply.data.payouts;
        this.hasMore = reply.data.payouts.length === PAYOUTS_PAGE_SIZE;
        this.status = 'ready';
      } else {
        this.payouts = [];
        this.hasMore = false;
        this.error = reply.error;
        this.status = 'error';
      }
    });
  }

  /** The next page; a failure keeps what is shown and is reported by the page. */
  async loadMore(): Promise<MoreOutcome> {
    if (this.loadingMore || !this.hasMore || this.status !== 'ready') return { ok: 'busy' };
    const generation = this.generation;
    this.loadingMore = true;
    const reply = await adminClient.listPayouts(this.request(this.payouts.length));
    return runInAction(() => {
      if (generation !== this.generation) return { ok: 'busy' };
      this.loadingMore = false;
      if (!reply.ok) return { ok: false, error: reply.error };
      // Payouts made since the first page shift the offsets: skip any already shown.
      const seen = new Set(this.payouts.map((payout) => payout.outNo));
      this.payouts = [
        ...this.payouts,
        ...reply.data.payouts.filter((payout) => !seen.has(payout.outNo)),
      ];
      this.hasMore = reply.data.payouts.length === PAYOUTS_PAGE_SIZE;
      return { ok: true };
    });
  }

  /** Changes some filters and reloads the first page. */
  async setFilters(change: Partial<PayoutFilters>): Promise<void> {
    this.filters = { ...this.filters, ...change };
    this.expandedOutNo = '';
    await this.loadPayouts();
  }

  toggle(outNo: string): void {
    this.expandedOutNo = this.expandedOutNo === outNo ? '' : outNo;
  }

  private request(offset: number): ListPayoutsRequest {
    const { campaignId, state, flagged, code } = this.filters;
    return {
      ...(campaignId ? { campaignId } : {}),
      ...(state ? { state } : {}),
      ...(flagged ? { flagged: true } : {}),
      ...(code ? { code } : {}),
      limit: PAYOUTS_PAGE_SIZE,
      offset,
    };
  }
}

export const payoutsStore = new PayoutsStore();
