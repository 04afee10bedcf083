import { makeAutoObservable } from 'mobx-miniprogram';
import type { ListQrScannersRequest, QrScannerView } from '../../../typings/admin';
import { adminClient } from '../services/admin-client';
import { fullPage, PagedList, type MoreOutcome } from './paged-list';

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
  /** The scanners under the filter; one exact OpenID is a single page. */
  readonly list = new PagedList<QrScannerView>(
    async (offset) => {
      const reply = await adminClient.listQrScanners({
        ...this.filter,
        limit: SCANNERS_PAGE_SIZE,
        ...(offset > 0 ? { offset } : {}),
      });
      if (!reply.ok) return reply;
      const page = fullPage(reply.data.scanners, SCANNERS_PAGE_SIZE);
      return { ok: true, data: this.openid ? { ...page, more: false } : page };
    },
    (scanner) => scanner.openid,
  );

  constructor() {
    makeAutoObservable<QrScannersStore, 'list'>(this, { list: false });
  }

  get scanners(): readonly QrScannerView[] {
    return this.list.items;
  }

  reset(qrId: string): void {
    this.list.reset();
    this.qrId = qrId;
    this.order = 'desc';
    this.openidInput = '';
    this.openid = '';
  }

  /** The filter as the server takes it (listQrScanners and exportQrScanners alike). */
  get filter(): Pick<ListQrScannersRequest, 'qrId' | 'openid' | 'order'> {
    return { qrId: this.qrId, order: this.order, ...(this.openid ? { openid: this.openid } : {}) };
  }

  async load(): Promise<void> {
    await this.list.load();
  }

  /** The next page; a failure keeps what is shown and is reported by the page. */
  async loadMore(): Promise<MoreOutcome> {
    return this.list.loadMore();
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
