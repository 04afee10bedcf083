import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type {
  ActivateRangeRequest,
  AdminProductView,
  CodeRangeView,
  ExportFormat,
  ExportRangeResult,
  ImportState,
  ListRangesResult,
} from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';
import type { LoadStatus } from './members';

/** Products offered when activating (the server's most per call). */
export const PRODUCT_CHOICES_LIMIT = 100;

/**
 * Replies that say nothing about what the server did: the call may have run to its end (an
 * import is one long call, up to the function's 60 s), so the page asks for the state instead
 * of reporting a failure.
 */
const OUTCOME_UNKNOWN: ReadonlySet<string> = new Set(['NETWORK_ERROR', 'BAD_REPLY']);

export type WriteOutcome = { ok: true } | { ok: false; error: EnvelopeError } | { ok: 'busy' };

/**
 * An import's end as the server records it. `unknown`: the reply was lost and the range's state,
 * read back, is `state` (null: no attempt recorded).
 */
export type ImportOutcome =
  | { ok: true; importedCount: number; alreadyImported: boolean }
  | { ok: false; error: EnvelopeError; state: ImportState | null }
  | { ok: 'busy' };

/**
 * One application (码包 › 申请单): its status until WeChat has generated the codes, its ranges
 * with their import state, and the range map (listRanges); importing, exporting and activating
 * its ranges. Every write reloads listRanges, so what the page shows is what the server holds.
 */
export class CodeApplicationStore {
  applicationId = '';
  status: LoadStatus = 'idle';
  view: ListRangesResult | null = null;
  error: EnvelopeError | null = null;

  refreshing = false;
  /** codeStart of the range being imported (null: none). */
  importingStart: number | null = null;
  exporting = false;
  exportResult: ExportRangeResult | null = null;
  activating = false;

  productsStatus: LoadStatus = 'idle';
  products: AdminProductView[] = [];

  /** codeStart of the range-map segment whose details are open (null: none). */
  selectedSegment: number | null = null;

  private generation = 0;

  constructor() {
    makeAutoObservable<CodeApplicationStore, 'generation'>(this, { generation: false });
  }

  open(applicationId: string): void {
    this.applicationId = applicationId;
    this.status = 'idle';
    this.view = null;
    this.error = null;
    this.importingStart = null;
    this.exportResult = null;
    this.selectedSegment = null;
  }

  get ready(): boolean {
    return this.view?.application.ready === true;
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    // A reload keeps what is shown; only the first load shows skeletons.
    if (!this.view) this.status = 'loading';
    this.error = null;
    const reply = await adminClient.listRanges({ applicationId: this.applicationId });
    runInAction(() => {
      if (generation !== this.generation) return;
      if (reply.ok) {
        this.view = reply.data;
        this.status = 'ready';
      } else {
        this.error = reply.error;
        this.status = 'error';
      }
    });
  }

  /** Asks WeChat for the status (and, at FINISH, the generated ranges), then reloads. */
  async refresh(): Promise<WriteOutcome> {
    if (this.refreshing) return { ok: 'busy' };
    this.refreshing = true;
    const reply = await adminClient.refreshApplication({ applicationId: this.applicationId });
    runInAction(() => {
      this.refreshing = false;
    });
    if (!reply.ok) return { ok: false, error: reply.error };
    await this.load();
    return { ok: true };
  }

  async importRange(range: CodeRangeView): Promise<ImportOutcome> {
    if (this.importingStart !== null) return { ok: 'busy' };
    this.importingStart = range.codeStart;
    this.exportResult = null;
    const reply = await adminClient.importRange({ applicationId: this.applicationId, ...range });
    runInAction(() => {
      this.importingStart = null;
    });
    // Whatever the reply, the range's state now lives on the server: read it back.
    await this.load();
    if (reply.ok) {
      return {
        ok: true,
        importedCount: reply.data.importedCount,
        alreadyImported: reply.data.alreadyImported,
      };
    }
    const state = this.importStateOf(range.codeStart);
    if (
      (OUTCOME_UNKNOWN.has(reply.error.code) || reply.error.code === 'IMPORT_IN_PROGRESS') &&
      state === 'imported'
    ) {
      const generated = this.view?.generated.find((g) => g.codeStart === range.codeStart);
      return {
        ok: true,
        importedCount: generated?.import?.importedCount ?? range.codeEnd - range.codeStart + 1,
        alreadyImported: false,
      };
    }
    return { ok: false, error: reply.error, state };
  }

  importStateOf(codeStart: number): ImportState | null {
    return this.view?.generated.find((g) => g.codeStart === codeStart)?.import?.state ?? null;
  }

  async exportRange(
    range: CodeRangeView,
    request: { from: number; to: number; formats: ExportFormat[] },
  ): Promise<WriteOutcome> {
    if (this.exporting) return { ok: 'busy' };
    this.exporting = true;
    this.exportResult = null;
    const reply = await adminClient.exportRange({
      applicationId: this.applicationId,
      ...range,
      ...request,
    });
    runInAction(() => {
      this.exporting = false;
      if (reply.ok) this.exportResult = reply.data;
    });
    return reply.ok ? { ok: true } : { ok: false, error: reply.error };
  }

  closeExport(): void {
    this.exportResult = null;
  }

  async loadProducts(): Promise<void> {
    this.productsStatus = 'loading';
    const reply = await adminClient.listProducts({ limit: PRODUCT_CHOICES_LIMIT });
    runInAction(() => {
      if (reply.ok) {
        this.products = reply.data.products;
        this.productsStatus = 'ready';
      } else {
        this.productsStatus = 'error';
      }
    });
  }

  async activate(request: Omit<ActivateRangeRequest, 'applicationId'>): Promise<WriteOutcome> {
    if (this.activating) return { ok: 'busy' };
    this.activating = true;
    const reply = await adminClient.activateRange({
      applicationId: this.applicationId,
      ...request,
    });
    runInAction(() => {
      this.activating = false;
    });
    if (!reply.ok) return { ok: false, error: reply.error };
    await this.load();
    return { ok: true };
  }

  selectSegment(codeStart: number | null): void {
    this.selectedSegment = this.selectedSegment === codeStart ? null : codeStart;
  }
}

export const codeApplicationStore = new CodeApplicationStore();
