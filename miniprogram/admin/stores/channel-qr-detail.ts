import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { ChannelQrMetrics, ChannelQrView } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';
import type { LoadStatus } from './members';

/** 二维码详情: the code's settings and its metrics, read together in one request. */
export class ChannelQrDetailStore {
  qrId = '';
  status: LoadStatus = 'idle';
  qr: ChannelQrView | null = null;
  metrics: ChannelQrMetrics | null = null;
  error: EnvelopeError | null = null;
  busy = false;

  private generation = 0;

  constructor() {
    makeAutoObservable<ChannelQrDetailStore, 'generation'>(this, { generation: false });
  }

  reset(qrId: string): void {
    this.qrId = qrId;
    this.qr = null;
    this.metrics = null;
    this.error = null;
    this.status = 'idle';
    this.busy = false;
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.status = this.qr ? 'ready' : 'loading';
    this.error = null;
    const reply = await adminClient.getChannelQr({ qrId: this.qrId });
    runInAction(() => {
      if (generation !== this.generation) return;
      if (reply.ok) {
        this.qr = reply.data.qr;
        this.metrics = reply.data.metrics;
        this.status = 'ready';
      } else {
        this.error = reply.error;
        this.status = 'error';
      }
    });
  }

  async remove(): Promise<{ ok: true } | { ok: false; error: EnvelopeError } | { ok: 'busy' }> {
    if (this.busy) return { ok: 'busy' };
    this.busy = true;
    const reply = await adminClient.deleteChannelQrs({ qrIds: [this.qrId] });
    runInAction(() => (this.busy = false));
    await this.load();
    return reply.ok ? { ok: true } : { ok: false, error: reply.error };
  }

  async copy(): Promise<
    { ok: true; qr: ChannelQrView } | { ok: false; error: EnvelopeError } | { ok: 'busy' }
  > {
    if (this.busy) return { ok: 'busy' };
    this.busy = true;
    const reply = await adminClient.copyChannelQr({ qrId: this.qrId });
    runInAction(() => (this.busy = false));
    return reply.ok ? { ok: true, qr: reply.data.qr } : { ok: false, error: reply.error };
  }
}

export const channelQrDetailStore = new ChannelQrDetailStore();
