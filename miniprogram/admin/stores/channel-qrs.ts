import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type {
  ChannelQrMetrics,
  ChannelQrStatus,
  ChannelQrView,
  DeleteChannelQrsResult,
  DownloadResult,
} from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';
import { qrLogoStore } from './qr-logo';
import type { LoadStatus } from './members';

/** Codes asked for at once (the server's most per call). */
export const QRS_PAGE_SIZE = 100;

export type ListedQr = ChannelQrView & { metrics: ChannelQrMetrics };

/** `busy`: another write of this list is in flight; nothing was sent. */
export type WriteOutcome<T> =
  { ok: true; data: T } | { ok: false; error: EnvelopeError } | { ok: 'busy' };

/**
 * 渠道二维码 list: search by name, filter by status, newest first; a batch selection for 批量删除.
 * A reply for a search or filter left meanwhile is dropped, so the list matches what is on screen.
 */
export class ChannelQrsStore {
  keyword = '';
  filter: ChannelQrStatus | '' = '';
  status: LoadStatus = 'idle';
  qrs: ListedQr[] = [];
  error: EnvelopeError | null = null;
  selected: string[] = [];
  /** A delete or copy in flight. */
  busy = false;
  /** A zip of images or the links' CSV being made. */
  downloading = false;

  private generation = 0;

  constructor() {
    makeAutoObservable<ChannelQrsStore, 'generation'>(this, { generation: false });
  }

  get selectedQrs(): ListedQr[] {
    return this.qrs.filter((qr) => this.selected.includes(qr.qrId));
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.status = 'loading';
    this.error = null;
    const keyword = this.keyword.trim();
    const reply = await adminClient.listChannelQrs({
      ...(keyword ? { keyword } : {}),
      ...(this.filter ? { status: this.filter } : {}),
      limit: QRS_PAGE_SIZE,
    });
    runInAction(() => {
      if (generation !== this.generation) return;
      if (reply.ok) {
        this.qrs = reply.data.qrs;
        // A chosen code that left the list (deleted elsewhere, filtered out) is no longer chosen.
        this.selected = this.selected.filter((id) => reply.data.qrs.some((qr) => qr.qrId === id));
        this.status = 'ready';
      } else {
        this.qrs = [];
        this.error = reply.error;
        this.status = 'error';
      }
    });
  }

  setKeyword(keyword: string): void {
    this.keyword = keyword;
  }

  async search(keyword = this.keyword): Promise<void> {
    this.keyword = keyword;
    this.selected = [];
    await this.load();
  }

  async setFilter(filter: ChannelQrStatus | ''): Promise<void> {
    this.filter = filter;
    this.selected = [];
    this.qrs = [];
    await this.load();
  }

  toggle(qrId: string): void {
    const qr = this.qrs.find((item) => item.qrId === qrId);
    if (!qr || qr.status === 'deleted') return;
    this.selected = this.selected.includes(qrId)
      ? this.selected.filter((id) => id !== qrId)
      : [...this.selected, qrId];
  }

  clearSelection(): void {
    this.selected = [];
  }

  async deleteQrs(qrIds: string[]): Promise<WriteOutcome<DeleteChannelQrsResult>> {
    if (this.busy || qrIds.length === 0) return { ok: true, data: { deleted: [], skipped: [] } };
    this.busy = true;
    const reply = await adminClient.deleteChannelQrs({ qrIds });
    runInAction(() => {
      this.busy = false;
      if (reply.ok) this.selected = [];
    });
    await this.load();
    return reply.ok ? { ok: true, data: reply.data } : { ok: false, error: reply.error };
  }

  /** Chosen codes WeChat created (only they have an image; the server refuses the zip otherwise). */
  get downloadableQrs(): ListedQr[] {
    return this.selectedQrs.filter((qr) => qr.url !== '');
  }

  /**
   * The chosen codes' images as one zip (one PNG per code), those never created left out; with
   * the logo, the batch's uploaded one (qrLogoStore) when there is one.
   */
  async downloadZip(
    size: 'small' | 'medium' | 'large',
    logo: boolean,
  ): Promise<WriteOutcome<DownloadResult>> {
    const qrIds = this.downloadableQrs.map((qr) => qr.qrId);
    if (this.downloading || qrIds.length === 0) return { ok: 'busy' };
    this.downloading = true;
    const logoFileId = logo ? qrLogoStore.logoFileId : undefined;
    const reply = await adminClient.qrImagesZip({
      qrIds,
      size,
      logo,
      ...(logoFileId ? { logoFileId } : {}),
    });
    runInAction(() => {
      this.downloading = false;
      if (!reply.ok && logoFileId) qrLogoStore.refusedByServer(logoFileId, reply.error);
    });
    return reply.ok ? { ok: true, data: reply.data } : { ok: false, error: reply.error };
  }

  /** The links of the chosen codes (every code not deleted when none is chosen) as CSV. */
  async exportLinks(): Promise<WriteOutcome<DownloadResult>> {
    if (this.downloading) return { ok: 'busy' };
    const qrIds = [...this.selected];
    this.downloading = true;
    const reply = await adminClient.exportQrLinks(qrIds.length > 0 ? { qrIds } : {});
    runInAction(() => (this.downloading = false));
    return reply.ok ? { ok: true, data: reply.data } : { ok: false, error: reply.error };
  }

  async copy(qrId: string): Promise<WriteOutcome<ChannelQrView>> {
    if (this.busy) return { ok: 'busy' };
    this.busy = true;
    const reply = await adminClient.copyChannelQr({ qrId });
    runInAction(() => (this.busy = false));
    await this.load();
    return reply.ok ? { ok: true, data: reply.data.qr } : { ok: false, error: reply.error };
  }
}

export const channelQrsStore = new ChannelQrsStore();
