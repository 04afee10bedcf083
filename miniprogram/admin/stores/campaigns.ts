import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { CampaignStatusKind, CampaignView } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';
import type { LoadStatus } from './members';

/** Campaigns asked for per tab (the server's most per call). */
export const CAMPAIGNS_PAGE_SIZE = 100;

/**
 * 活动 list: the campaigns of one status tab ('' = all), newest first. A reply for a tab left
 * meanwhile is dropped, so the list always matches the tab on screen.
 */
export class CampaignsStore {
  tab: CampaignStatusKind | '' = '';
  status: LoadStatus = 'idle';
  campaigns: CampaignView[] = [];
  error: EnvelopeError | null = null;

  private generation = 0;

  constructor() {
    makeAutoObservable<CampaignsStore, 'generation'>(this, { generation: false });
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.status = 'loading';
    this.error = null;
    const reply = await adminClient.listCampaigns({
      ...(this.tab ? { status: this.tab } : {}),
      limit: CAMPAIGNS_PAGE_SIZE,
    });
    runInAction(() => {
      if (generation !== this.generation) return;
      if (reply.ok) {
        this.campaigns = reply.data.campaigns;
        this.status = 'ready';
      } else {
        this.campaigns = [];
        this.error = reply.error;
        this.status = 'error';
      }
    });
  }

  async setTab(tab: CampaignStatusKind | ''): Promise<void> {
    this.tab = tab;
    this.campaigns = [];
    await this.load();
  }
}

export const campaignsStore = new CampaignsStore();
