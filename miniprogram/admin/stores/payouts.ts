import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { CampaignView, ListPayoutsRequest, PayoutAdminView } from '../../../typings/admin';
import type { PayoutStateKind } from '../../../typings/reward';
import { adminClient } from '../services/admin-client';
import type { LoadStatus } from './members';
import { fullPage, PagedList, type MoreOutcome } from './paged-list';

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

/**
 * 发放记录 (read-only): payouts newest first under the filters, paged, and the campaigns to filter
 * by. Each filter change reloads the first page; a reply to an older request (the filter changed
 * while it was in flight) is dropped, so the list always matches the filters on screen.
 */
export class PayoutsStore {
  filters: PayoutFilters = { ...NO_FILTERS };

  /** The payouts under the filters, newest first. */
  readonly list = new PagedList<PayoutAdminView>(
    async (offset) => {
      const reply = await adminClient.listPayouts(this.request(offset));
      return reply.ok ? { ok: true, data: fullPage(reply.data.payouts, PAYOUTS_PAGE_SIZE) } : reply;
    },
    (payout) => payout.outNo,
  );

  campaignsStatus: LoadStatus = 'idle';
  campaigns: CampaignView[] = [];

  /** The payout whose ledger is open ('' for none). */
  expandedOutNo = '';

  constructor() {
    makeAutoObservable<PayoutsStore, 'list'>(this, { list: false });
  }

  get payouts(): readonly PayoutAdminView[] {
    return this.list.items;
  }

  /** A fresh page, optionally opened already filtered (a campaign's or a code's payouts). */
  reset(initial: Partial<PayoutFilters> = {}): void {
    this.filters = { ...NO_FILTERS, ...initial };
    this.list.reset();
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
    await this.list.load();
  }

  /** The next page; a failure keeps what is shown and is reported by the page. */
  async loadMore(): Promise<MoreOutcome> {
    return this.list.loadMore();
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
