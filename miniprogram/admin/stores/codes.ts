import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type {
  ApplyCodesResult,
  CodeActivationView,
  CodeApplicationView,
  QueryActivationRequest,
} from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';
import { fullPage, PagedList, type MoreOutcome } from './paged-list';

/** Applications asked for per page (the server allows up to 100). */
export const APPLICATIONS_PAGE_SIZE = 20;

/** An apply attempt whose outcome is not known to have succeeded: its order id is reused. */
export interface PendingOrder {
  isvApplicationId: string;
  count: number;
}

export type ApplyOutcome =
  | { ok: true; result: ApplyCodesResult }
  | { ok: false; error: EnvelopeError; order: PendingOrder }
  | { ok: 'busy' };

export type LookupStatus = 'idle' | 'loading' | 'found' | 'error';

/**
 * A fresh order id: `MS` + the phone's time + randomness, visible ASCII as WeChat requires.
 * Unique enough per brand: two operators would have to apply in the same second and draw the
 * same 8 base-36 characters.
 */
export function newOrderId(now = new Date(), random = Math.random): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const stamp =
    `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}` +
    `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const suffix = Array.from({ length: 8 }, () => Math.floor(random() * 36).toString(36)).join('');
  return `MS${stamp}-${suffix}`;
}

/**
 * 码包: applications newest first (paged), applying for codes, and looking a code up.
 *
 * Applying is WeChat's applycode keyed by our order id (`isvApplicationId`): the same id never
 * orders twice. So the id is made once per order and kept here until the server confirms it;
 * a retry after an error or a timeout (the order may have gone through) sends the same id, and
 * the server answers with the application it already made. Only a different count starts a new
 * order (the same id with another count would be refused as APPLICATION_CONFLICT).
 */
export class CodesStore {
  readonly list = new PagedList<CodeApplicationView>(
    async (offset) => {
      const reply = await adminClient.listApplications({ limit: APPLICATIONS_PAGE_SIZE, offset });
      if (!reply.ok) return reply;
      return { ok: true, data: fullPage(reply.data.applications, APPLICATIONS_PAGE_SIZE) };
    },
    (application) => application.applicationId,
  );

  /** The count on the stepper. */
  applyCount = 10_000;
  pendingOrder: PendingOrder | null = null;
  applying = false;

  lookupStatus: LookupStatus = 'idle';
  lookupResult: CodeActivationView | null = null;
  lookupError: EnvelopeError | null = null;

  constructor() {
    makeAutoObservable<CodesStore, 'list'>(this, { list: false });
  }

  get applications(): readonly CodeApplicationView[] {
    return this.list.items;
  }

  async loadApplications(): Promise<void> {
    await this.list.load();
  }

  /** The next page; a failure keeps what is shown and is returned for the page to say. */
  async loadMore(): Promise<MoreOutcome> {
    return this.list.loadMore();
  }

  setApplyCount(count: number): void {
    this.applyCount = count;
  }

  /** The order the next tap on 申请 sends: the pending one for this count, or a new one. */
  orderFor(count: number): PendingOrder {
    if (this.pendingOrder && this.pendingOrder.count === count) return this.pendingOrder;
    return { isvApplicationId: newOrderId(), count };
  }

  async apply(order: PendingOrder): Promise<ApplyOutcome> {
    if (this.applying) return { ok: 'busy' };
    this.applying = true;
    // Kept before sending: if the reply never comes, the retry must carry the same id.
    this.pendingOrder = order;
    const reply = await adminClient.applyCodes(order);
    return runInAction(() => {
      this.applying = false;
      if (!reply.ok) {
        // This id is bound to another count at WeChat: only a new id can go through.
        if (reply.error.code === 'APPLICATION_CONFLICT') this.pendingOrder = null;
        return { ok: false as const, error: reply.error, order };
      }
      this.pendingOrder = null;
      this.list.upsert(reply.data.application);
      return { ok: true as const, result: reply.data };
    });
  }

  async lookup(request: QueryActivationRequest): Promise<void> {
    this.lookupStatus = 'loading';
    this.lookupError = null;
    this.lookupResult = null;
    const reply = await adminClient.queryActivation(request);
    runInAction(() => {
      if (reply.ok) {
        this.lookupResult = reply.data;
        this.lookupStatus = 'found';
      } else {
        this.lookupError = reply.error;
        this.lookupStatus = 'error';
      }
    });
  }

  clearLookup(): void {
    this.lookupStatus = 'idle';
    this.lookupResult = null;
    this.lookupError = null;
  }
}

export const codesStore = new CodesStore();
