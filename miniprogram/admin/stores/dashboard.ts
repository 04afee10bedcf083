import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { DashboardFigures } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';
import type { LoadStatus } from './members';

/**
 * 工作台's figures (`dashboard`). A refresh keeps the figures on screen until the new ones arrive
 * (pull-to-refresh does not blank the cards); a reply to an older request is dropped.
 */
export class DashboardStore {
  status: LoadStatus = 'idle';
  figures: DashboardFigures | null = null;
  error: EnvelopeError | null = null;

  /** Bumped by every load: replies carrying an older number are stale. */
  private generation = 0;

  constructor() {
    makeAutoObservable<DashboardStore, 'generation'>(this, { generation: false });
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.status = 'loading';
    this.error = null;
    const reply = await adminClient.dashboard();
    runInAction(() => {
      if (generation !== this.generation) return;
      if (reply.ok) {
        this.figures = reply.data;
        this.status = 'ready';
      } else {
        this.figures = null;
        this.error = reply.error;
        this.status = 'error';
      }
    });
  }

  /** Nothing shown: a caller whose role does not read the figures (or who lost it). */
  clear(): void {
    this.generation += 1;
    this.status = 'idle';
    this.figures = null;
    this.error = null;
  }
}

export const dashboardStore = new DashboardStore();
