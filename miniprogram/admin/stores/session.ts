import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { AdminAction, AdminMe, MemberRole } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';

export type AdminSessionStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * The caller's identity, role and what it allows (`me`), for every console page: loaded once,
 * reloaded on retry, pull-to-refresh or after joining by invite.
 */
export class AdminSessionStore {
  status: AdminSessionStatus = 'idle';
  me: AdminMe | null = null;
  error: EnvelopeError | null = null;
  /** The `me` call in flight, so a page opened meanwhile waits for it instead of asking again. */
  private inflight: Promise<void> | null = null;

  constructor() {
    makeAutoObservable<this, 'inflight'>(this, { inflight: false });
  }

  get isAdmin(): boolean {
    return this.me?.isAdmin === true;
  }

  get role(): MemberRole | null {
    return this.me?.role ?? null;
  }

  /** Whether the server lets the caller call `action` (the pages show only what it allows). */
  can(action: AdminAction): boolean {
    return this.me?.can[action] === true;
  }

  loadMe(): Promise<void> {
    // A second tap while a request is in flight would only race the first one.
    if (this.inflight) return this.inflight;
    this.inflight = this.fetchMe().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async fetchMe(): Promise<void> {
    this.status = 'loading';
    this.error = null;
    const reply = await adminClient.me();
    runInAction(() => {
      if (reply.ok) {
        this.me = reply.data;
        this.status = 'ready';
      } else {
        this.error = reply.error;
        this.status = 'error';
      }
    });
  }

  /** Loads `me` unless it is already known (pages opened from the home reuse it). */
  async ensureMe(): Promise<void> {
    if (this.status === 'ready') return;
    await this.loadMe();
  }
}

export const adminSessionStore = new AdminSessionStore();
