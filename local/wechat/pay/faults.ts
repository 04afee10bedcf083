/**
 * Injected faults for the WeChat Pay APIs, queued FIFO per API like the OA simulator's
 * (../faults.ts); one for `*` applies to any API with none of its own queued. In memory only.
 */
export const PAY_APIS = [
  'sendminiprogramhb',
  'gethbinfo',
  'transfer-create',
  'transfer-query',
  'transfer-cancel',
] as const;

export type PayApi = (typeof PAY_APIS)[number];

export interface PayFault {
  api: PayApi | '*';
  /**
   * v2: answered as `result_code FAIL` with this err_code (PROCESSING also issues the envelope,
   * which stays SENDING for a while). v3: answered as `{code, message}` with the status WeChat
   * uses for it (NOT_ENOUGH 403, SYSTEM_ERROR 500, …); on create, ACCEPTED or PROCESSING make
   * the bill and answer it ACCEPTED, without package_info for a while.
   */
  err_code?: string;
  err_code_des?: string;
  /** The HTTP status: alone, an HTML error page; with err_code (v3), that error's status. */
  status?: number;
  /** Wait this long before handling the call; with `timeout`, how long the answer is held. */
  delayMs?: number;
  /**
   * Handle the call at once (its effects happen) but hold the answer `delayMs` (default 15 s,
   * past the clients' 10 s timeout): the "did it go through?" case.
   */
  timeout?: boolean;
  times: number;
}

export const DEFAULT_TIMEOUT_HOLD_MS = 15_000;
const MAX_DELAY_MS = 120_000;

export class PayFaultInjector {
  private readonly queues = new Map<string, PayFault[]>();

  add(input: unknown): PayFault | string {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return 'a fault is a JSON object';
    const spec = input as Record<string, unknown>;
    if (spec.api !== '*' && !PAY_APIS.includes(spec.api as PayApi))
      return `api must be one of ${PAY_APIS.join(', ')} or *`;
    const fault: PayFault = { api: spec.api as PayFault['api'], times: 1 };
    if (spec.err_code !== undefined) {
      if (typeof spec.err_code !== 'string' || !/^[A-Z_]{2,40}$/.test(spec.err_code))
        return 'err_code must be an upper-case code such as SYSTEMERROR';
      fault.err_code = spec.err_code;
    }
    if (spec.err_code_des !== undefined) {
      if (typeof spec.err_code_des !== 'string') return 'err_code_des must be a string';
      fault.err_code_des = spec.err_code_des;
    }
    if (spec.status !== undefined) {
      const status = spec.status as number;
      if (!Number.isSafeInteger(status) || status < 400 || status > 599)
        return 'status must be an HTTP error status (400–599)';
      fault.status = status;
    }
    if (spec.delayMs !== undefined) {
      const delay = spec.delayMs as number;
      if (!Number.isSafeInteger(delay) || delay < 0 || delay > MAX_DELAY_MS)
        return `delayMs must be a whole number from 0 to ${MAX_DELAY_MS}`;
      fault.delayMs = delay;
    }
    if (spec.timeout !== undefined) {
      if (typeof spec.timeout !== 'boolean') return 'timeout must be true or false';
      if (spec.timeout) fault.timeout = true;
    }
    if (spec.times !== undefined) {
      if (!Number.isSafeInteger(spec.times) || (spec.times as number) < 1)
        return 'times must be a whole number ≥ 1';
      fault.times = spec.times as number;
    }
    if (
      fault.err_code === undefined &&
      fault.status === undefined &&
      fault.delayMs === undefined &&
      !fault.timeout
    )
      return 'a fault needs err_code, status, delayMs or timeout';
    const queue = this.queues.get(fault.api) ?? [];
    queue.push(fault);
    this.queues.set(fault.api, queue);
    return { ...fault };
  }

  take(api: PayApi): PayFault | undefined {
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

  pending(): PayFault[] {
    return [...this.queues.values()].flat().map((fault) => ({ ...fault }));
  }
}
