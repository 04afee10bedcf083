import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { AdminMe } from '../../typings/admin';
import type { EnvelopeError } from '../../typings/envelope';
import { fetchAdminMe } from '../services/admin';

export type AdminSessionStatus = 'idle' | 'loading' | 'ready' | 'error';

/** The operator's identity for the admin subpackage: loaded once, reloaded on retry. */
export class AdminSessionStore {
  status: AdminSessionStatus = 'idle';
  me: AdminMe | null = null;
  error: EnvelopeError | null = null;

  constructor() {
    makeAutoObservable(this);
  }

  get isAdmin(): boolean {
    return this.me?.isAdmin === true;
  }

  async loadMe(): Promise<void> {
    // A second tap while a request is in flight would only race the first one.
    if (this.status === 'loading') return;
    this.status = 'loading';
    this.error = null;
    const reply = await fetchAdminMe();
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
}

export const adminSessionStore = new AdminSessionStore();
