/**
 * Injected faults for tests and demos: the next call(s) of an API answer an errcode, an HTTP 5xx,
 * or arrive late (queued as fault-queue.ts says). Kept in memory only: a restart starts clean.
 */
import { FaultQueue, readCommonFaultFields } from './fault-queue';

export const FAULTABLE_APIS = [
  'token',
  'stable_token',
  'applycode',
  'applycodequery',
  'applycodedownload',
  'codeactive',
  'codeactivequery',
  'tickettocode',
  'qrcode_create',
  'tags_create',
  'tags_get',
  'tags_delete',
  'tags_batchtagging',
  'tags_batchuntagging',
  'user_info',
  'custom_send',
  'media_upload',
  'draft_batchget',
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

export class FaultInjector extends FaultQueue<Fault> {
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
    const problem = readCommonFaultFields(spec, fault);
    if (problem) return problem;
    if (fault.errcode === undefined && fault.status === undefined && fault.delayMs === undefined)
      return 'a fault needs errcode, status or delayMs';
    return this.enqueue(fault);
  }
}
