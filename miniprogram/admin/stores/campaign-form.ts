import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { CampaignView } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import {
  checkDraft,
  draftOf,
  emptyDraft,
  type CampaignDraft,
  type DraftIssues,
} from '../pages/campaigns/form';
import { adminClient } from '../services/admin-client';
import type { LoadStatus } from './members';

/** A product or an activated range the campaign may target. */
export interface TargetChoice {
  id: string;
  name: string;
  detail: string;
}

export type SaveOutcome =
  { ok: true; campaignId: string } | { ok: false; error?: EnvelopeError } | { ok: 'busy' };

/** Issues that several inputs share (a date and its time; the amount rule's fields). */
const SHARED_ISSUES: Readonly<Record<string, string>> = {
  startDate: 'start',
  startTime: 'start',
  endDate: 'end',
  endTime: 'end',
  budgetYuan: 'budget',
  amountKind: 'amount',
  fixedYuan: 'amount',
  minYuan: 'amount',
  maxYuan: 'amount',
  tiers: 'amount',
  provider: 'amount',
  productIds: 'targeting',
  rangeIds: 'targeting',
};

/** Applications whose activated ranges are offered (the server's most per call). */
const APPLICATIONS_LIMIT = 100;

/**
 * 新建/编辑活动: the draft as typed, the targeting choices (products and activated ranges), and
 * saving. A refused save keeps every value typed; the server's reason is reported by the page.
 */
export class CampaignFormStore {
  /** '' while creating. */
  campaignId = '';
  /** The campaign being edited, as loaded (its status decides what may change). */
  original: CampaignView | null = null;
  status: LoadStatus = 'idle';
  error: EnvelopeError | null = null;

  draft: CampaignDraft = emptyDraft(Date.now());
  issues: DraftIssues = {};
  saving = false;

  choicesStatus: LoadStatus = 'idle';
  products: TargetChoice[] = [];
  ranges: TargetChoice[] = [];

  constructor() {
    makeAutoObservable(this);
  }

  /** Started by a campaign that has run: its provider is fixed. */
  get providerLocked(): boolean {
    return this.original !== null && this.original.status !== 'draft';
  }

  /** Money paid or held by the campaign: the budget cannot go below it. */
  get committedFen(): number {
    const budget = this.original?.budget;
    return budget ? budget.paidFen + budget.reservedFen : 0;
  }

  reset(campaignId: string, now = Date.now()): void {
    this.campaignId = campaignId;
    this.original = null;
    this.draft = emptyDraft(now);
    this.issues = {};
    this.saving = false;
    this.error = null;
    this.status = campaignId ? 'idle' : 'ready';
  }

  async load(): Promise<void> {
    await Promise.all([this.loadChoices(), this.campaignId ? this.loadCampaign() : undefined]);
  }

  async loadCampaign(): Promise<void> {
    this.status = 'loading';
    this.error = null;
    const reply = await adminClient.getCampaign({ campaignId: this.campaignId });
    runInAction(() => {
      if (reply.ok) {
        this.original = reply.data.campaign;
        this.draft = draftOf(reply.data.campaign);
        this.status = 'ready';
      } else {
        this.error = reply.error;
        this.status = 'error';
      }
    });
  }

  async loadChoices(): Promise<void> {
    this.choicesStatus = 'loading';
    const [products, applications] = await Promise.all([
      adminClient.listProducts({ limit: 100 }),
      adminClient.listApplications({ limit: APPLICATIONS_LIMIT }),
    ]);
    if (!products.ok || !applications.ok) {
      runInAction(() => (this.choicesStatus = 'error'));
      return;
    }
    const ready = applications.data.applications.filter((application) => application.ready);
    const listed = await Promise.all(
      ready.map((application) =>
        adminClient.listRanges({ applicationId: application.applicationId }),
      ),
    );
    runInAction(() => {
      if (listed.some((reply) => !reply.ok)) {
        this.choicesStatus = 'error';
        return;
      }
      this.products = products.data.products.map((product) => ({
        id: product.productId,
        name: product.title,
        detail: product.brand,
      }));
      this.ranges = listed.flatMap((reply) =>
        reply.ok
          ? reply.data.segments.flatMap((segment) =>
              segment.activation
                ? [
                    {
                      // How targeting names a range (core/domain/campaign.ts campaignRangeId).
                      id: `${segment.activation.applicationId}:${segment.activation.codeStart}`,
                      name: segment.activation.productTitle,
                      detail: `申请单 ${segment.activation.applicationId} · 码 ${segment.activation.codeStart}–${segment.activation.codeEnd}`,
                    },
                  ]
                : [],
            )
          : [],
      );
      this.choicesStatus = 'ready';
    });
  }

  /** Replaces some fields of the draft; a fixed problem stops being shown once it is edited. */
  edit(change: Partial<CampaignDraft>): void {
    this.draft = { ...this.draft, ...change };
    const cleared = { ...this.issues };
    for (const key of Object.keys(change)) {
      delete cleared[key];
      const shared = SHARED_ISSUES[key];
      if (shared) delete cleared[shared];
    }
    this.issues = cleared;
  }

  toggleTarget(kind: 'productIds' | 'rangeIds', id: string): void {
    const list = this.draft[kind];
    this.edit({ [kind]: list.includes(id) ? list.filter((x) => x !== id) : [...list, id] });
  }

  addTier(): void {
    this.edit({ tiers: [...this.draft.tiers, { yuan: '', weight: '1' }] });
  }

  removeTier(index: number): void {
    this.edit({ tiers: this.draft.tiers.filter((_, i) => i !== index) });
  }

  editTier(index: number, change: Partial<{ yuan: string; weight: string }>): void {
    this.edit({
      tiers: this.draft.tiers.map((tier, i) => (i === index ? { ...tier, ...change } : tier)),
    });
  }

  async save(): Promise<SaveOutcome> {
    if (this.saving) return { ok: 'busy' };
    const checked = checkDraft(this.draft, { committedFen: this.committedFen });
    if (!checked.ok) {
      this.issues = checked.issues;
      return { ok: false };
    }
    this.issues = {};
    this.saving = true;
    const reply = this.campaignId
      ? await adminClient.updateCampaign({ campaignId: this.campaignId, ...checked.fields })
      : await adminClient.createCampaign(checked.fields);
    return runInAction(() => {
      this.saving = false;
      if (!reply.ok) return { ok: false, error: reply.error };
      this.original = reply.data.campaign;
      this.campaignId = reply.data.campaign.campaignId;
      return { ok: true, campaignId: reply.data.campaign.campaignId };
    });
  }
}

export const campaignFormStore = new CampaignFormStore();
