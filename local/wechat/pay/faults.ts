/**
 * Injected faults for the WeChat Pay APIs, queued as ../fault-queue.ts says. In memory only.
 */
import { FaultQueue, readCommonFaultFields } from '../fault-queue';

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
  /**
   * v3 only: answer the injected error without WeChat Pay's signature, as a proxy or an attacker
   * on the path would; such a reply must decide nothing.
   */
  unsigned?: boolean;
  times: number;
}

export const DEFAULT_TIMEOUT_HOLD_MS = 15_000;

export class PayFaultInjector extends FaultQueue<PayFault> {
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
    const problem = readCommonFaultFields(spec, fault);
    if (problem) return problem;
    if (spec.timeout !== undefined) {
      if (typeof spec.timeout !== 'boolean') return 'timeout must be true or false';
      if (spec.timeout) fault.timeout = true;
    }
    if (spec.unsigned !== undefined) {
      if (typeof spec.unsigned !== 'boolean') return 'unsigned must be true or false';
      if (spec.unsigned) fault.unsigned = true;
    }
    if (
      fault.err_code === undefined &&
      fault.status === undefined &&
      fault.delayMs === undefined &&
      !fault.timeout
    )
      return 'a fault needs err_code, status, delayMs or timeout';
    return this.enqueue(fault);
  }
}
