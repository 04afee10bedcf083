import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { ListQrScannersRequest, QrScannerView } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';
import type { LoadStatus } from './members';
import type { MoreOutcome } from './payouts';

/** Scanners asked for per page (the server allows up to 100). */
export const SCANNERS_PAGE_SIZE = 20;

export type ScanOrder = 'asc' | 'desc';

/**
 * 扫码用户 of one channel QR code: by first scan time, newest or oldest first, or the one user with
 * an exact OpenID; paged. `openid` and `order` are the filter the list shows (and an export takes);
 * `openidInput` is what is typed, applied by `search()`. A reply to a filter left meanwhile is
 * dropped, so the list always matches the filter on screen.
 */
export class QrScannersStore {
  qrId = '';
  order: ScanOrder = 'desc';
  openidInput = '';
  openid = '';
  status: LoadStatus = 'idle';
  scanners: QrScannerView[] = [];
  error: EnvelopeError | null = null;
  hasMore = false;
  loadingMore = false;

  private generation = 0;

  constructor() {
    makeAutoObservable<QrScannersStore, 'generation'>(this, { generation: false });
  }

  reset(qrId: string): void {
    this.generation++;
    this.qrId = qrId;
    this.order = 'desc';
    this.openidInput = '';
    this.openid = '';
    this.status = 'idle';
    this.scanners = [];
    this.error = null;
    this.hasMore = false;
    this.loadingMore = false;
  }

  /** The filter as the server takes it (listQrScanners and exportQrScanners alike). */
  get filter(): Pick<ListQrScannersRequest, 'qrId' | 'openid' | 'order'> {
    return { qrId: this.qrId, order: this.order, ...(this.openid ? { openid: this.openid } : {}) };
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.status = 'loading';
    this.error = null;
    this.loadingMore = false;
    const reply = await adminClient.listQrScanners({ ...this.filter, limit: SCANNERS_PAGE_SIZE });
    runInAction(() => {
      if (generation !== this.generation) return;
      if (reply.ok) {
        this.scanners = reply.data.scanners;
        this.hasMore = !this.openid && reply.data.scanners.length === SCANNERS_PAGE_SIZE;
        this.status = 'ready';
      } else {
        this.scanners = [];
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
    const reply = await adminClient.listQrScanners({
      ...this.filter,
      limit: SCANNERS_PAGE_SIZE,
      offset: this.scanners.length,
    });
    return runInAction(() => {
      if (generation !== this.generation) return { ok: 'busy' };
      this.loadingMore = false;
      if (!reply.ok) return { ok: false, error: reply.error };
      // Newest first, users who scanned since the first page shift the offsets: skip repeats.
      const seen = new Set(this.scanners.map((scanner) => scanner.openid));
      this.scanners = [
        ...this.scanners,
        ...reply.data.scanners.filter((scanner) => !seen.has(scanner.openid)),
      ];
      this.hasMore = reply.data.scanners.length === SCANNERS_PAGE_SIZE;
      return { ok: true };
    });
  }

  setOpenidInput(text: string): void {
    this.openidInput = text;
  }

  async search(): Promise<void> {
    this.openid = this.openidInput.trim();
    await this.load();
  }

  async clearSearch(): Promise<void> {
    this.openidInput = '';
    this.openid = '';
    await this.load();
  }

  async toggleOrder(): Promise<void> {
    this.order = this.order === 'desc' ? 'asc' : 'desc';
    await this.load();
  }
}

export const qrScannersStore = new QrScannersStore();
