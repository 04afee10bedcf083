import type { CodeRange } from '../domain/marketcode.js';
import { db } from '../cloud.js';
import { updateOrInsert } from './upsert.js';

/**
 * `codeApplications`: one document per applycode order, keyed by the merchant's order id
 * (`isvApplicationId`, unique: WeChat's own idempotency key) and found by WeChat's
 * `applicationId`, a uint64 kept as a decimal string (never a number: it may exceed 2^53).
 */
export interface CodeApplication {
  _id: string;
  applicationId: string;
  isvApplicationId: string;
  codeCount: number;
  /** WeChat's status; only `FINISH` is documented (downloadable). `APPLIED` until first queried. */
  status: string;
  /** WeChat's code_generate_list: the ranges of indexes generated, each downloaded on its own. */
  ranges: CodeRange[];
  appliedBy: string;
  appliedAt: Date;
  refreshedAt?: Date;
  wechatCreateTime?: number;
  wechatUpdateTime?: number;
}

const APPLICATIONS = 'codeApplications';

export async function findApplication(applicationId: string): Promise<CodeApplication | undefined> {
  const { data } = await db().collection(APPLICATIONS).where({ applicationId }).limit(1).get();
  return data[0] as CodeApplication | undefined;
}

export async function findApplicationByIsvId(
  isvApplicationId: string,
): Promise<CodeApplication | undefined> {
  const { data } = await db().collection(APPLICATIONS).where({ isvApplicationId }).limit(1).get();
  return data[0] as CodeApplication | undefined;
}

/** Records an order WeChat accepted; repeating it with the same order id changes nothing. */
export async function recordApplication(application: {
  applicationId: string;
  isvApplicationId: string;
  codeCount: number;
  appliedBy: string;
}): Promise<void> {
  const database = db();
  await updateOrInsert(
    APPLICATIONS,
    { isvApplicationId: application.isvApplicationId },
    { applicationId: application.applicationId },
    () => ({
      ...application,
      status: 'APPLIED',
      ranges: [],
      appliedAt: database.serverDate(),
    }),
  );
}

/**
 * Stores what applycodequery said. Also adopts an application made outside Mashang (another tool
 * or the console), so operators can import and activate its codes here.
 */
export async function recordApplicationStatus(
  status: {
    applicationId: string;
    isvApplicationId: string;
    status: string;
    ranges: CodeRange[];
    createTime?: number;
    updateTime?: number;
  },
  refreshedBy: string,
): Promise<void> {
  const database = db();
  const _ = database.command;
  const fields = {
    applicationId: status.applicationId,
    status: status.status,
    // `set` replaces the array instead of merging it element by element.
    ranges: _.set(status.ranges),
    refreshedAt: database.serverDate(),
    ...(status.createTime === undefined ? {} : { wechatCreateTime: status.createTime }),
    ...(status.updateTime === undefined ? {} : { wechatUpdateTime: status.updateTime }),
  };
  await updateOrInsert(APPLICATIONS, { isvApplicationId: status.isvApplicationId }, fields, () => ({
    applicationId: status.applicationId,
    status: status.status,
    ranges: status.ranges,
    codeCount: status.ranges.reduce((sum, r) => sum + r.codeEnd - r.codeStart + 1, 0),
    appliedBy: refreshedBy,
    appliedAt: database.serverDate(),
    refreshedAt: database.serverDate(),
    wechatCreateTime: status.createTime,
    wechatUpdateTime: status.updateTime,
  }));
}

export async function listApplications(limit: number, offset = 0): Promise<CodeApplication[]> {
  const { data } = await db()
    .collection(APPLICATIONS)
    .orderBy('appliedAt', 'desc')
    .skip(offset)
    .limit(limit)
    .get();
  return data as CodeApplication[];
}
