/**
 * Code applications: `applycode`, `applycodequery` and `applycodedownload`
 * (WeChat's 一物一码 API pages for the three).
 *
 * - applycode: code_count from 10,000 to 20,000,000 in steps of 10,000; idempotent by
 *   isv_application_id per account (same id and count → the same application_id; same id with
 *   another count → 40097).
 * - Status is `INIT` for the first half of the configured delay, `PROCESSING` for the second half,
 *   then `FINISH` (WeChat publishes no other values; clients must treat anything else as "wait").
 *   code_generate_list is empty until FINISH.
 * - code_generate_list tiles [0, code_count) with inclusive ranges of the application's range
 *   size; a download must name exactly one of them and needs FINISH (40097 otherwise).
 * - An unknown application, or one of another account, is 80301.
 */
import { CODE_SPACE } from './codes';
import { CODE_COUNT_STEP, type SimulatorConfig } from './config';
import { Errcode, WechatApiError, invalidArgs } from './errors';
import { optionalText, optionalUint, requireText, requireUint, type Body } from './args';
import type { ApplicationRow, SimulatorStore } from './store';

export const MAX_CODE_COUNT = 20_000_000;
const MAX_ISV_APPLICATION_ID = 128;

export type ApplicationStatus = 'INIT' | 'PROCESSING' | 'FINISH';

export interface CodeRange {
  code_start: number;
  code_end: number;
}

/** What a download streams: `count` codes from global index `globalStart`, application index `indexStart`. */
export interface DownloadPlan {
  globalStart: number;
  indexStart: number;
  count: number;
}

export class CodeApplications {
  constructor(
    private readonly store: SimulatorStore,
    private readonly now: () => number,
    private readonly config: () => SimulatorConfig,
  ) {}

  applycode(appid: string, body: Body): { application_id: number } {
    const count = requireUint(body, 'code_count');
    if (count < CODE_COUNT_STEP || count > MAX_CODE_COUNT || count % CODE_COUNT_STEP !== 0)
      throw invalidArgs(
        `code_count must be a multiple of ${CODE_COUNT_STEP} between ${CODE_COUNT_STEP} and ${MAX_CODE_COUNT}`,
      );
    const isvId = requireText(body, 'isv_application_id', MAX_ISV_APPLICATION_ID);
    const existing = this.store.applicationByIsvId(appid, isvId);
    if (existing) {
      if (existing.code_count !== count)
        throw invalidArgs(
          `isv_application_id ${isvId} was already applied for with code_count ${existing.code_count}`,
        );
      return { application_id: existing.application_id };
    }
    const now = this.now();
    const { finishDelayMs, rangeSize } = this.config();
    const created = this.store.createApplication(
      {
        appid,
        isv_application_id: isvId,
        code_count: count,
        range_size: rangeSize,
        created_at: now,
        finish_at: now + finishDelayMs,
      },
      CODE_SPACE,
    );
    if (!created)
      throw new WechatApiError(Errcode.SystemBusy, 'system error, code space exhausted');
    return { application_id: created.application_id };
  }

  applycodequery(appid: string, body: Body) {
    const applicationId = optionalUint(body, 'application_id');
    const isvId = optionalText(body, 'isv_application_id', MAX_ISV_APPLICATION_ID);
    if (applicationId === undefined && isvId === undefined)
      throw invalidArgs('application_id or isv_application_id is required');
    const application =
      applicationId !== undefined
        ? this.owned(appid, applicationId)
        : this.store.applicationByIsvId(appid, isvId!);
    if (!application) throw applicationNotFound();
    if (isvId !== undefined && application.isv_application_id !== isvId)
      throw invalidArgs('application_id and isv_application_id name different applications');
    const now = this.now();
    const status = statusOf(application, now);
    return {
      status,
      isv_application_id: application.isv_application_id,
      application_id: application.application_id,
      create_time: seconds(application.created_at),
      update_time: seconds(statusChangedAt(application, now)),
      code_generate_list: status === 'FINISH' ? rangesOf(application) : [],
    };
  }

  /** Checks an applycodedownload request; the server streams the package the plan describes. */
  planDownload(appid: string, body: Body): DownloadPlan {
    const application = this.owned(appid, requireUint(body, 'application_id'));
    const start = requireUint(body, 'code_start');
    const end = requireUint(body, 'code_end');
    const status = statusOf(application, this.now());
    if (status !== 'FINISH')
      throw invalidArgs(`application status is ${status}, codes can be downloaded after FINISH`);
    const isRange = rangesOf(application).some(
      (range) => range.code_start === start && range.code_end === end,
    );
    if (!isRange)
      throw invalidArgs('code_start and code_end must be exactly one range of code_generate_list');
    return {
      globalStart: application.code_offset + start,
      indexStart: start,
      count: end - start + 1,
    };
  }

  /** An application of this account, or 80301. */
  owned(appid: string, applicationId: number): ApplicationRow {
    const application = this.store.applicationById(applicationId);
    if (!application) throw applicationNotFound();
    if (application.appid !== appid)
      throw new WechatApiError(
        Errcode.ApplicationNotOwned,
        'application not belong to this account (申请单不属于该账号)',
      );
    return application;
  }

  /** Brings pending applications forward when the finish delay is shortened. */
  finishDelayChanged(finishDelayMs: number): void {
    const now = this.now();
    this.store.expediteApplications(now, now + finishDelayMs);
  }
}

export function statusOf(application: ApplicationRow, now: number): ApplicationStatus {
  if (now >= application.finish_at) return 'FINISH';
  return now < halfway(application) ? 'INIT' : 'PROCESSING';
}

export function rangesOf(application: ApplicationRow): CodeRange[] {
  const ranges: CodeRange[] = [];
  for (let start = 0; start < application.code_count; start += application.range_size) {
    const end = Math.min(start + application.range_size, application.code_count) - 1;
    ranges.push({ code_start: start, code_end: end });
  }
  return ranges;
}

function halfway(application: ApplicationRow): number {
  return application.created_at + Math.floor((application.finish_at - application.created_at) / 2);
}

function statusChangedAt(application: ApplicationRow, now: number): number {
  const status = statusOf(application, now);
  if (status === 'FINISH') return application.finish_at;
  return status === 'PROCESSING' ? halfway(application) : application.created_at;
}

function applicationNotFound(): WechatApiError {
  return new WechatApiError(Errcode.ApplicationNotOwned, 'application not exist (申请单不存在)');
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
