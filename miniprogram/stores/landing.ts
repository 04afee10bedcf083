import { makeAutoObservable, observable, runInAction } from 'mobx-miniprogram';
import type { Envelope, EnvelopeError } from '../../typings/envelope';
import type { LandingView } from '../../typings/scan';
import { grantedLocation } from '../services/location';
import { resolveTicket, verifyCode } from '../services/scan';
import { rewardStore } from './reward';

export type LandingStatus = 'idle' | 'loading' | 'ready' | 'error';

/** What the landing page asked the scan function: a ticket to resolve or a raw code to verify. */
export type LandingRequest =
  | { kind: 'ticket'; codeTicket: string; scene?: number }
  | { kind: 'code'; code: string; scene?: number };

function sameRequest(a: LandingRequest | null, b: LandingRequest): boolean {
  if (!a || a.kind !== b.kind) return false;
  return a.kind === 'ticket'
    ? a.codeTicket === (b as typeof a).codeTicket
    : a.code === (b as typeof a).code;
}

/** The consumer landing: one lookup at a time, its view or its error, and what retry repeats. */
export class LandingStore {
  status: LandingStatus = 'idle';
  view: LandingView | null = null;
  error: EnvelopeError | null = null;
  /** The last code_ticket handed to resolve: a hot start with the same one must not re-resolve. */
  lastTicket: string | null = null;
  /** The lookup in flight or last answered; retry sends it again. */
  request: LandingRequest | null = null;
  // Numbers each lookup so a slow reply cannot overwrite a newer scan's result.
  private generation = 0;

  constructor() {
    // Views and errors arrive whole from the server and are replaced, never edited in place:
    // reference observables skip deep proxies and keep the bindings' setData cheap.
    makeAutoObservable<LandingStore, 'generation'>(
      this,
      { view: observable.ref, error: observable.ref, request: observable.ref, generation: false },
      { autoBind: true },
    );
  }

  get requestKind(): LandingRequest['kind'] | null {
    return this.request?.kind ?? null;
  }

  /** Resolves a code_ticket (launch query, hot-start re-scan or in-app scan of a code URL). */
  resolveTicket(codeTicket: string, scene?: number): Promise<void> {
    this.lastTicket = codeTicket;
    return this.run({ kind: 'ticket', codeTicket, ...(scene === undefined ? {} : { scene }) });
  }

  /** Verifies a raw 9-character code (typed in, or an in-app scan of the raw-code form). */
  verifyCode(code: string, scene?: number): Promise<void> {
    return this.run({ kind: 'code', code, ...(scene === undefined ? {} : { scene }) });
  }

  /** Sends the failed lookup again (resolving the same ticket is idempotent on the server). */
  retry(): Promise<void> {
    if (this.status !== 'error' || !this.request) return Promise.resolve();
    return this.run(this.request);
  }

  /** Back to the welcome screen; a reply still in flight is ignored when it lands. */
  reset(): void {
    this.generation += 1;
    this.status = 'idle';
    this.view = null;
    this.error = null;
    this.request = null;
    rewardStore.clear();
  }

  private async run(request: LandingRequest): Promise<void> {
    // A double tap, or onShow repeating onLoad's ticket, must not send a second lookup.
    if (this.status === 'loading' && sameRequest(this.request, request)) return;
    const generation = ++this.generation;
    this.request = request;
    this.status = 'loading';
    this.view = null;
    this.error = null;
    rewardStore.clear();

    const location = await grantedLocation();
    const extra = {
      ...(request.scene === undefined ? {} : { scene: request.scene }),
      ...(location ? { location } : {}),
    };
    const reply: Envelope<LandingView> =
      request.kind === 'ticket'
        ? await resolveTicket({ codeTicket: request.codeTicket, ...extra })
        : await verifyCode({ code: request.code, ...extra });

    if (generation !== this.generation) return;
    runInAction(() => {
      if (reply.ok) {
        this.view = reply.data;
        this.status = 'ready';
      } else {
        this.error = reply.error;
        this.status = 'error';
      }
    });
    // The reward card of this view: its offer, and whether it was claimed before.
    if (reply.ok) await rewardStore.show(reply.data);
  }
}

export const landingStore = new LandingStore();
