/**
 * Injected faults for tests and demos: the next call(s) of an API answer an errcode, an HTTP 5xx,
 * or arrive late. Faults queue per API in the order they were added; one for `*` applies to any
 * API with no fault of its own queued. Kept in memory only: a restart starts clean.
 */
export const FAULTABLE_APIS = [
  'token',
  'stable_token',
  'applycode',
  'applycodequery',
  'applycodedownload',
  'codeactive',
  'codeactivequery',
  'tickettocode',
] as const;

export type WechatApi = (typeof FAULTABLE_APIS)[number];

export interface Fault {
  api: WechatApi | '*';
  /** Answer `{ errcode, errmsg }` instead of the real reply. */
  errcode?: number;
  errmsg?: string;
  /** Answer with this HTTP status (4xx/5xx) instead; with errcode, the body is that error. */
  status?: number;
  /** Wait this long first; alone, the real answer follows the wait. */
  delayMs?: number;
  /** How many calls it applies to; default 1. */
  times: number;
}

const MAX_DELAY_MS = 120_000;

export class FaultInjector {
  private readonly queues = new Map<string, Fault[]>();

  /** Validates and queues a fault; returns an error message when the request is unusable. */
  add(input: unknown): Fault | string {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return 'a fault is a JSON object';
    const spec = input as Record<string, unknown>;
    const api = spec.api;
    if (api !== '*' && !FAULTABLE_APIS.includes(api as WechatApi))
      return `api must be one of ${FAULTABLE_APIS.join(', ')} or *`;
    const fault: Fault = { api: api as Fault['api'], times: 1 };
    if (spec.errcode !== undefined) {
      if (!Number.isSafeInteger(spec.errcode) || spec.errcode === 0)
        return 'errcode must be a non-zero integer';
      fault.errcode = spec.errcode as number;
    }
    if (spec.errmsg !== undefined) {
      if (typeof spec.errmsg !== 'string') return 'errmsg must be a string';
      fault.errmsg = spec.errmsg;
    }
    if (spec.status !== undefined) {
      if (
        !Number.isSafeInteger(spec.status) ||
        (spec.status as number) < 400 ||
        (spec.status as number) > 599
      )
        return 'status must be an HTTP error status (400–599)';
      fault.status = spec.status as number;
    }
    if (spec.delayMs !== undefined) {
      if (
        !Number.isSafeInteger(spec.delayMs) ||
        (spec.delayMs as number) < 0 ||
        (spec.delayMs as number) > MAX_DELAY_MS
      )
        return `delayMs must be a whole number from 0 to ${MAX_DELAY_MS}`;
      fault.delayMs = spec.delayMs as number;
    }
    if (spec.times !== undefined) {
      if (!Number.isSafeInteger(spec.times) || (spec.times as number) < 1)
        return 'times must be a whole number ≥ 1';
      fault.times = spec.times as number;
    }
    if (fault.errcode === undefined && fault.status === undefined && fault.delayMs === undefined)
      return 'a fault needs errcode, status or delayMs';
    const queue = this.queues.get(fault.api) ?? [];
    queue.push(fault);
    this.queues.set(fault.api, queue);
    return { ...fault };
  }

  /** The fault that applies to this call of `api`, if any (using up one of its times). */
  take(api: WechatApi): Fault | undefined {
    const queue = this.queues.get(api)?.length ? this.queues.get(api) : this.queues.get('*');
    const fault = queue?.[0];
    if (!queue || !fault) return undefined;
    fault.times -= 1;
    if (fault.times === 0) queue.shift();
    return { ...fault };
  }

  clear(): void {
    this.queues.clear();
  }

  pending(): Fault[] {
    return [...this.queues.values()].flat().map((fault) => ({ ...fault }));
  }
}
