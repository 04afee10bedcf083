import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { AudienceView } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';
import type { LoadStatus } from './members';

/** Audiences shown per code: the newest (the server's default page). */
export const AUDIENCES_PAGE_SIZE = 20;

/**
 * 人群 of one channel QR code: frozen snapshots of its scanners, newest first, and making one.
 * A snapshot is never updated afterwards (the server's rule): the list shows each one's size and
 * the moment it froze.
 */
export class QrAudiencesStore {
  qrId = '';
  status: LoadStatus = 'idle';
  audiences: AudienceView[] = [];
  error: EnvelopeError | null = null;
  creating = false;

  private generation = 0;

  constructor() {
    makeAutoObservable<QrAudiencesStore, 'generation'>(this, { generation: false });
  }

  reset(qrId: string): void {
    this.generation++;
    this.qrId = qrId;
    this.status = 'idle';
    this.audiences = [];
    this.error = null;
    this.creating = false;
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.status = this.audiences.length > 0 ? 'ready' : 'loading';
    this.error = null;
    const reply = await adminClient.listAudiences({ qrId: this.qrId, limit: AUDIENCES_PAGE_SIZE });
    runInAction(() => {
      if (generation !== this.generation) return;
      if (reply.ok) {
        this.audiences = reply.data.audiences;
        this.status = 'ready';
      } else {
        this.error = reply.error;
        this.status = 'error';
      }
    });
  }

  async create(
    name: string,
  ): Promise<
    { ok: true; audience: AudienceView } | { ok: false; error: EnvelopeError } | { ok: 'busy' }
  > {
    if (this.creating) return { ok: 'busy' };
    this.creating = true;
    const reply = await adminClient.createAudience({ qrId: this.qrId, name });
    runInAction(() => {
      this.creating = false;
      if (!reply.ok) return;
      const { audience } = reply.data;
      this.audiences = [
        audience,
        ...this.audiences.filter((a) => a.audienceId !== audience.audienceId),
      ];
      if (this.status !== 'ready') this.status = 'ready';
    });
    return reply.ok
      ? { ok: true, audience: reply.data.audience }
      : { ok: false, error: reply.error };
  }
}

export const qrAudiencesStore = new QrAudiencesStore();
