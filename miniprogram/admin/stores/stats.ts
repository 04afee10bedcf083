import { makeAutoObservable, observable, runInAction } from 'mobx-miniprogram';
import type {
  DiversionAlertView,
  ProductScanFigures,
  RewardStatsResult,
  ScanStatsBucket,
  ScanStatsResult,
  StatsGranularity,
} from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import {
  type RangePreset,
  type StatsRange,
  MAX_HOUR_DAYS,
  allowedGranularity,
  chinaDate,
  defaultGranularity,
  rangeOf,
  rangeProblem,
} from '../pages/stats/present';
import { adminClient } from '../services/admin-client';
import { adminSessionStore } from './session';
import type { LoadStatus } from './members';

/** A part of the page that loads on its own: its answer, or why it has none. */
export interface Section<T> {
  status: LoadStatus;
  data: T | null;
  error: EnvelopeError | null;
}

const idle = <T>(): Section<T> => ({ status: 'idle', data: null, error: null });

/**
 * 数据: the figures of a period, read from the rollups (scanStats, rewardStats) in one round of
 * parallel calls. The trend is the page (its failure is the page's error); the breakdowns, the
 * hour-of-day heat, the alerts and the names are sections that fail on their own. Sections are
 * replaced whole (`observable.ref`), so a setData carries one section at a time.
 */
export class StatsStore {
  preset: RangePreset = '7d';
  customFrom = '';
  customTo = '';
  granularity: StatsGranularity = 'day';
  /** Set when the caller picked hour or day themselves; a new preset then keeps it if allowed. */
  granularityPicked = false;

  status: LoadStatus = 'idle';
  error: EnvelopeError | null = null;
  scan: ScanStatsResult | null = null;
  /** The range the figures on screen are for (set with them). */
  shownRange: StatsRange | null = null;
  shownGranularity: StatsGranularity = 'day';

  reward: Section<RewardStatsResult> = idle();
  products: Section<ScanStatsBucket[]> = idle();
  /** Who came back, per product (productScanStats): shown beside the product breakdown. */
  loyalty: Section<ProductScanFigures[]> = idle();
  campaigns: Section<ScanStatsBucket[]> = idle();
  provinces: Section<ScanStatsBucket[]> = idle();
  /** Hour buckets of the period (for the hour-of-day heat); only for up to 31 days. */
  hours: Section<ScanStatsBucket[]> = idle();
  alerts: Section<DiversionAlertView[]> = idle();
  productNames: Record<string, string> = {};
  campaignNames: Record<string, string> = {};

  private generation = 0;

  constructor() {
    makeAutoObservable<StatsStore, 'generation'>(this, {
      generation: false,
      scan: observable.ref,
      reward: observable.ref,
      products: observable.ref,
      loyalty: observable.ref,
      campaigns: observable.ref,
      provinces: observable.ref,
      hours: observable.ref,
      alerts: observable.ref,
      productNames: observable.ref,
      campaignNames: observable.ref,
    });
  }

  range(now = Date.now()): StatsRange {
    return rangeOf(this.preset, now, { fromDate: this.customFrom, toDate: this.customTo });
  }

  /** Why the chosen range cannot be read ('' when it can). */
  rangeProblem(now = Date.now()): string {
    return rangeProblem(this.range(now));
  }

  setPreset(preset: RangePreset, now = Date.now()): void {
    this.preset = preset;
    if (preset === 'custom' && !this.customFrom) {
      const shown = rangeOf('7d', now);
      this.customFrom = chinaDate(shown.from);
      this.customTo = chinaDate(shown.to - 1);
    }
    const range = this.range(now);
    this.granularity = this.granularityPicked
      ? allowedGranularity(range, this.granularity)
      : defaultGranularity(range);
  }

  setCustom(fromDate: string, toDate: string, now = Date.now()): void {
    this.preset = 'custom';
    this.customFrom = fromDate;
    this.customTo = toDate;
    this.granularity = allowedGranularity(this.range(now), this.granularity);
  }

  setGranularity(granularity: StatsGranularity, now = Date.now()): void {
    this.granularityPicked = true;
    this.granularity = allowedGranularity(this.range(now), granularity);
  }

  async load(now = Date.now()): Promise<void> {
    const range = this.range(now);
    if (rangeProblem(range)) return;
    const generation = ++this.generation;
    const granularity = allowedGranularity(range, this.granularity);
    const window = {
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
    };
    this.status = 'loading';
    this.error = null;
    const loading = <T>(section: Section<T>): Section<T> => ({ ...section, status: 'loading' });
    this.reward = loading(this.reward);
    this.products = loading(this.products);
    this.loyalty = loading(this.loyalty);
    this.campaigns = loading(this.campaigns);
    this.provinces = loading(this.provinces);
    this.hours = loading(this.hours);
    this.alerts = loading(this.alerts);

    const can = (action: Parameters<typeof adminSessionStore.can>[0]) =>
      adminSessionStore.can(action);
    const grouped = (groupBy: 'product' | 'campaign' | 'province') =>
      adminClient.scanStats({ ...window, granularity: 'day', groupBy });
    const [
      scan,
      reward,
      products,
      loyalty,
      campaigns,
      provinces,
      hours,
      alerts,
      productList,
      campaignList,
    ] = await Promise.all([
      adminClient.scanStats({ ...window, granularity }),
      can('rewardStats') ? adminClient.rewardStats({ ...window, granularity }) : null,
      grouped('product'),
      adminClient.productScanStats(window),
      grouped('campaign'),
      grouped('province'),
      granularity === 'hour' || range.days > MAX_HOUR_DAYS
        ? null
        : adminClient.scanStats({ ...window, granularity: 'hour' }),
      can('listDiversionAlerts') ? adminClient.listDiversionAlerts({ limit: 20 }) : null,
      can('listProducts') ? adminClient.listProducts({ limit: 100 }) : null,
      can('listCampaigns') ? adminClient.listCampaigns({ limit: 100 }) : null,
    ]);

    runInAction(() => {
      if (generation !== this.generation) return;
      if (!scan.ok) {
        this.status = 'error';
        this.error = scan.error;
        return;
      }
      this.scan = scan.data;
      this.shownRange = range;
      this.shownGranularity = granularity;
      this.status = 'ready';
      const section = <T, D>(
        reply: { ok: true; data: D } | { ok: false; error: EnvelopeError } | null,
        pick: (data: D) => T,
      ): Section<T> =>
        reply === null
          ? { status: 'ready', data: null, error: null }
          : reply.ok
            ? { status: 'ready', data: pick(reply.data), error: null }
            : { status: 'error', data: null, error: reply.error };
      this.reward = section(reward, (data) => data);
      this.products = section(products, (data) => data.buckets);
      this.loyalty = section(loyalty, (data) => data.products);
      this.campaigns = section(campaigns, (data) => data.buckets);
      this.provinces = section(provinces, (data) => data.buckets);
      this.hours =
        granularity === 'hour'
          ? { status: 'ready', data: scan.data.buckets, error: null }
          : section(hours, (data) => data.buckets);
      this.alerts = section(alerts, (data) => data.alerts.filter((alert) => alert.alerting));
      if (productList?.ok)
        this.productNames = Object.fromEntries(
          productList.data.products.map((product) => [product.productId, product.title]),
        );
      if (campaignList?.ok)
        this.campaignNames = Object.fromEntries(
          campaignList.data.campaigns.map((campaign) => [campaign.campaignId, campaign.name]),
        );
    });
  }
}

export const statsStore = new StatsStore();
