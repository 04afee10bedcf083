import { makeAutoObservable, observable, runInAction } from 'mobx-miniprogram';
import type { DataExportKind, ExportProgress } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { chinaDate, chinaMidnight, parseChinaDate } from '../pages/stats/present';
import { adminClient } from '../services/admin-client';
import { adminSessionStore } from './session';
import type { LoadStatus } from './members';

const DAY_MS = 24 * 3_600_000;

export interface Choice {
  value: string;
  name: string;
}

export type StartOutcome = { ok: true } | { ok: false; error: EnvelopeError };

/**
 * 导出: the caller's CRM exports (newest first) and the form that starts one. An export runs in
 * the background (the server writes a file of 100,000 rows at a time, the scheduler carries it
 * on); the page reads the list again every few seconds while one is running.
 */
export class ExportsStore {
  kind: DataExportKind = 'scans';
  fromDate = '';
  toDate = '';
  /** '' = every product / campaign. */
  productId = '';
  campaignId = '';
  products: Choice[] = [];
  campaigns: Choice[] = [];

  status: LoadStatus = 'idle';
  error: EnvelopeError | null = null;
  exports: ExportProgress[] = [];
  starting = false;

  private generation = 0;

  constructor() {
    makeAutoObservable<ExportsStore, 'generation'>(this, {
      generation: false,
      exports: observable.ref,
      products: observable.ref,
      campaigns: observable.ref,
    });
  }

  /** The last 30 days up to today, China time. */
  reset(now = Date.now()): void {
    const today = chinaMidnight(now);
    this.kind = 'scans';
    this.fromDate = chinaDate(today - 29 * DAY_MS);
    this.toDate = chinaDate(today);
    this.productId = '';
    this.campaignId = '';
    this.status = 'idle';
    this.error = null;
    this.exports = [];
  }

  get running(): boolean {
    return this.exports.some((item) => item.state === 'running');
  }

  setKind(kind: DataExportKind): void {
    this.kind = kind;
  }

  setDates(fromDate: string, toDate: string): void {
    this.fromDate = fromDate;
    this.toDate = toDate;
  }

  setProduct(productId: string): void {
    this.productId = productId;
  }

  setCampaign(campaignId: string): void {
    this.campaignId = campaignId;
  }

  /** The list and the filters' choices; `quiet` for the polling refresh (no skeleton). */
  async load(quiet = false): Promise<void> {
    const generation = ++this.generation;
    if (!quiet) {
      this.status = 'loading';
      this.error = null;
    }
    const [list, products, campaigns] = await Promise.all([
      adminClient.listExports({ limit: 10 }),
      !quiet && adminSessionStore.can('listProducts')
        ? adminClient.listProducts({ limit: 100 })
        : null,
      !quiet && adminSessionStore.can('listCampaigns')
        ? adminClient.listCampaigns({ limit: 100 })
        : null,
    ]);
    runInAction(() => {
      if (generation !== this.generation) return;
      if (list.ok) {
        this.exports = list.data.exports;
        this.status = 'ready';
      } else if (!quiet) {
        this.error = list.error;
        this.status = 'error';
      }
      if (products?.ok)
        this.products = products.data.products.map((product) => ({
          value: product.productId,
          name: product.title,
        }));
      if (campaigns?.ok)
        this.campaigns = campaigns.data.campaigns.map((campaign) => ({
          value: campaign.campaignId,
          name: campaign.name,
        }));
    });
  }

  /** Why the form cannot be sent, in words ('' when it can). */
  get formProblem(): string {
    if (!this.fromDate || !this.toDate) return '请选择日期';
    if (parseChinaDate(this.toDate) < parseChinaDate(this.fromDate))
      return '结束日期不能早于开始日期';
    return '';
  }

  async start(): Promise<StartOutcome> {
    if (this.starting) return { ok: true };
    this.starting = true;
    const reply = await adminClient.exportData({
      kind: this.kind,
      from: new Date(parseChinaDate(this.fromDate)).toISOString(),
      to: new Date(parseChinaDate(this.toDate) + DAY_MS).toISOString(),
      ...(this.kind === 'scans' && this.productId ? { productId: this.productId } : {}),
      ...(this.kind === 'payouts' && this.campaignId ? { campaignId: this.campaignId } : {}),
    });
    runInAction(() => {
      this.starting = false;
    });
    if (!reply.ok) return { ok: false, error: reply.error };
    await this.load(true);
    return { ok: true };
  }
}

export const exportsStore = new ExportsStore();
