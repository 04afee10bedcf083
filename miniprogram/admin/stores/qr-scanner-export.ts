import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { ExportProgress, ExportQrScannersRequest } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';

/** How often a running export is read again while its page is on screen. */
export const EXPORT_POLL_MS = 3_000;

/**
 * `getExport` needs the id (`listExports` lists only the 数据 page's CRM exports, which need
 * data.export). The page keeps the id of the latest export of each code in the phone's storage, so leaving and coming back (or closing the
 * Mini Program) shows the running job, or the finished files with fresh links, again.
 */
export function exportStorageKey(qrId: string): string {
  return `channel-qr-scanner-export:${qrId}`;
}

interface KeptExport {
  exportId: string;
}

function keptExport(qrId: string): KeptExport | null {
  try {
    const kept = wx.getStorageSync(exportStorageKey(qrId)) as Partial<KeptExport> | '';
    return kept && typeof kept.exportId === 'string' ? { exportId: kept.exportId } : null;
  } catch {
    return null;
  }
}

function keepExport(qrId: string, kept: KeptExport | null): void {
  try {
    if (kept) wx.setStorageSync(exportStorageKey(qrId), kept);
    else wx.removeStorageSync(exportStorageKey(qrId));
  } catch {
    // Storage full or unavailable: the export still runs; only resuming it after leaving is lost.
  }
}

/**
 * Phases: `idle` (no export of this code known), `starting` (exportQrScanners in flight), `shown`
 * (`progress` holds the export: running, done or failed). `error` is the last request's failure,
 * shown beside whatever is shown.
 */
export type ExportPhase = 'idle' | 'starting' | 'shown';

/** 导出扫码用户: starts an export of the list as filtered and follows it until it is done. */
export class QrScannerExportStore {
  qrId = '';
  phase: ExportPhase = 'idle';
  progress: ExportProgress | null = null;
  error: EnvelopeError | null = null;
  refreshing = false;

  private timer: ReturnType<typeof setInterval> | undefined = undefined;
  private generation = 0;

  constructor() {
    makeAutoObservable<QrScannerExportStore, 'timer' | 'generation'>(this, {
      timer: false,
      generation: false,
    });
  }

  get running(): boolean {
    return this.progress?.state === 'running';
  }

  /** Another code's page (or none): forget what was shown and stop following it. */
  reset(qrId: string): void {
    this.stopPolling();
    this.generation++;
    this.qrId = qrId;
    this.phase = 'idle';
    this.progress = null;
    this.error = null;
    this.refreshing = false;
  }

  /** Shows this code's latest export again, if the phone kept one. */
  async resume(): Promise<void> {
    const kept = keptExport(this.qrId);
    if (!kept) return;
    await this.read(kept.exportId);
  }

  async start(
    filter: ExportQrScannersRequest,
  ): Promise<{ ok: true } | { ok: false; error: EnvelopeError } | { ok: 'busy' }> {
    if (this.phase === 'starting' || this.running) return { ok: 'busy' };
    this.stopPolling();
    const generation = ++this.generation;
    this.phase = 'starting';
    this.error = null;
    const reply = await adminClient.exportQrScanners(filter);
    if (generation !== this.generation) return { ok: 'busy' };
    if (!reply.ok) {
      runInAction(() => {
        this.phase = this.progress ? 'shown' : 'idle';
        this.error = reply.error;
      });
      return { ok: false, error: reply.error };
    }
    keepExport(this.qrId, { exportId: reply.data.exportId });
    await this.read(reply.data.exportId);
    return { ok: true };
  }

  /** Reads the export shown now (the page's 刷新 and each poll). */
  async refresh(): Promise<void> {
    const exportId = this.progress?.exportId;
    if (exportId && !this.refreshing) await this.read(exportId);
  }

  stopPolling(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async read(exportId: string): Promise<void> {
    const generation = this.generation;
    this.refreshing = true;
    const reply = await adminClient.getExport({ exportId });
    runInAction(() => {
      if (generation !== this.generation) return;
      this.refreshing = false;
      if (reply.ok) {
        this.progress = reply.data;
        this.phase = 'shown';
        this.error = null;
      } else if (reply.error.code === 'EXPORT_NOT_FOUND') {
        // Gone (another environment, or cleaned up): nothing to resume.
        keepExport(this.qrId, null);
        this.progress = null;
        this.phase = 'idle';
        this.error = null;
      } else {
        this.phase = this.progress ? 'shown' : 'idle';
        this.error = reply.error;
      }
      if (this.running) this.startPolling();
      else this.stopPolling();
    });
  }

  private startPolling(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.refresh(), EXPORT_POLL_MS);
  }
}

export const qrScannerExportStore = new QrScannerExportStore();
