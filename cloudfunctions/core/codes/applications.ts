/**
 * Applying for codes and following an application until WeChat has generated them.
 */
import type {
  ApplyCodesResult,
  CodeApplicationView,
  ListApplicationsResult,
} from '../../../typings/admin.js';
import {
  type CodeApplication,
  findApplication,
  findApplicationByIsvId,
  listApplications as listApplicationRecords,
  recordApplication,
  recordApplicationStatus,
} from '../data/code-applications.js';
import {
  checkCodeCount,
  checkIsvApplicationId,
  normaliseApplicationId,
} from '../domain/marketcode.js';
import { AppError } from '../errors.js';
import { marketcodeClient } from '../wechat/marketcode/client.js';

export const FINISHED = 'FINISH';

/**
 * applycode, keyed by the operator's order id: the same id always yields the same application
 * (WeChat's rule), so a retried or double-tapped request never orders twice.
 */
export async function applyCodes(
  input: { count: number; isvApplicationId: string },
  operator: string,
): Promise<ApplyCodesResult> {
  const count = checkCodeCount(input.count);
  const isvApplicationId = checkIsvApplicationId(input.isvApplicationId);
  const existing = await findApplicationByIsvId(isvApplicationId);
  if (existing && existing.codeCount !== count) {
    throw new AppError(
      'APPLICATION_CONFLICT',
      `申请单号 ${isvApplicationId} 已用于申请 ${existing.codeCount} 个码，请换一个申请单号`,
    );
  }
  if (existing) return { application: view(existing), created: false };
  const { applicationId } = await marketcodeClient().applyCode({
    codeCount: count,
    isvApplicationId,
  });
  await recordApplication({
    applicationId,
    isvApplicationId,
    codeCount: count,
    appliedBy: operator,
  });
  const stored = await findApplicationByIsvId(isvApplicationId);
  if (!stored) throw new AppError('INTERNAL', '申请单保存失败，请重试');
  return { application: view(stored), created: true };
}

/** applycodequery: stores the status and the generated ranges. */
export async function refreshApplication(
  applicationId: string,
  operator: string,
): Promise<CodeApplicationView> {
  const id = normaliseApplicationId(applicationId);
  const status = await marketcodeClient().queryApplication({ applicationId: id });
  await recordApplicationStatus(status, operator);
  return view(await requireApplication(id));
}

/** The stored application, or APPLICATION_NOT_FOUND. */
export async function requireApplication(applicationId: string): Promise<CodeApplication> {
  const found = await findApplication(normaliseApplicationId(applicationId));
  if (!found) {
    throw new AppError(
      'APPLICATION_NOT_FOUND',
      `找不到申请单 ${applicationId}，请先申请或刷新申请单`,
    );
  }
  return found;
}

/**
 * The application once its codes exist. A stored status short of FINISH is re-read from WeChat
 * once (the operator may simply not have refreshed); still not FINISH → APPLICATION_NOT_READY.
 */
export async function requireFinishedApplication(
  applicationId: string,
  operator: string,
): Promise<CodeApplication> {
  let application = await requireApplication(applicationId);
  if (application.status !== FINISHED) {
    await refreshApplication(application.applicationId, operator);
    application = await requireApplication(application.applicationId);
  }
  if (application.status !== FINISHED) {
    throw new AppError(
      'APPLICATION_NOT_READY',
      `码包尚未生成完毕（当前状态：${application.status || '未知'}），请稍后刷新再试`,
    );
  }
  return application;
}

export async function listApplications(input: {
  limit: number;
  offset: number;
}): Promise<ListApplicationsResult> {
  const records = await listApplicationRecords(input.limit, input.offset);
  return { applications: records.map(view) };
}

export function view(application: CodeApplication): CodeApplicationView {
  return {
    applicationId: application.applicationId,
    isvApplicationId: application.isvApplicationId,
    codeCount: application.codeCount,
    status: application.status,
    ready: application.status === FINISHED,
    ranges: application.ranges ?? [],
    appliedAt: isoOf(application.appliedAt),
    refreshedAt: application.refreshedAt ? isoOf(application.refreshedAt) : undefined,
  };
}

function isoOf(date: Date | string | number): string {
  return new Date(date).toISOString();
}
