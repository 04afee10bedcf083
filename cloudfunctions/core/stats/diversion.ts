/**
 * Diversion (窜货): where an activated range is sold (`setRangeRegions`), and the provinces its
 * codes turned up in outside those regions (`listDiversionAlerts`). The scan counts them
 * (scan/resolve.ts → data/diversions.ts); a province is an alert once its count reaches the
 * range's threshold, read at listing time, so changing the threshold re-sorts past counts too.
 */
import type {
  DiversionAlertView,
  ListDiversionAlertsRequest,
  ListDiversionAlertsResult,
  SetRangeRegionsRequest,
  SetRangeRegionsResult,
} from '../../../typings/admin.js';
import { activationView } from '../codes/activation.js';
import { findActivation, setRangeSalesRegions } from '../data/code-ranges.js';
import { listDiversions } from '../data/diversions.js';
import { normalizeRegions } from '../domain/regions.js';
import { AppError } from '../errors.js';

export const DEFAULT_DIVERSION_THRESHOLD = 1;
/** Provinces listed per range at most: 34 provinces × the ranges an operator watches. */
const SCAN_LIMIT = 1000;

export async function setRangeRegions(
  request: SetRangeRegionsRequest,
  _operator: string,
): Promise<SetRangeRegionsResult> {
  const normalized = normalizeRegions(request.regions);
  if (!normalized.ok) {
    throw new AppError('INVALID_ARGUMENT', `无法识别的省份：${normalized.unknown}`);
  }
  const range = await findActivation(request.applicationId, request.codeStart);
  if (!range) {
    throw new AppError(
      'RANGE_NOT_ACTIVATED',
      '没有从该序号开始的已激活号段，请先激活号段（起始序号须与激活时一致）',
    );
  }
  const threshold =
    request.alertThreshold ?? range.diversionThreshold ?? DEFAULT_DIVERSION_THRESHOLD;
  await setRangeSalesRegions(
    request.applicationId,
    request.codeStart,
    normalized.regions,
    threshold,
  );
  return {
    range: activationView({
      ...range,
      salesRegions: normalized.regions,
      diversionThreshold: threshold,
    }),
  };
}

export async function listDiversionAlerts(
  request: ListDiversionAlertsRequest & { limit: number; offset: number },
): Promise<ListDiversionAlertsResult> {
  const records = await listDiversions({
    ...(request.applicationId ? { applicationId: request.applicationId } : {}),
    ...(request.codeStart !== undefined ? { codeStart: request.codeStart } : {}),
    limit: SCAN_LIMIT,
    offset: 0,
  });
  const rangeKeys = [...new Set(records.map((r) => `${r.applicationId}\n${r.codeStart}`))];
  const ranges = new Map(
    await Promise.all(
      rangeKeys.map(async (key) => {
        const [applicationId, codeStart] = key.split('\n');
        return [key, await findActivation(applicationId, Number(codeStart))] as const;
      }),
    ),
  );
  const alerts: DiversionAlertView[] = records.map((record) => {
    const range = ranges.get(`${record.applicationId}\n${record.codeStart}`);
    const threshold = range?.diversionThreshold ?? DEFAULT_DIVERSION_THRESHOLD;
    return {
      applicationId: record.applicationId,
      codeStart: record.codeStart,
      codeEnd: record.codeEnd,
      ...(record.productId ? { productId: record.productId } : {}),
      province: record.province,
      ...(record.lastCity ? { lastCity: record.lastCity } : {}),
      scans: record.scans,
      threshold,
      alerting: record.scans >= threshold,
      firstSeenAt: new Date(record.firstSeenAt).toISOString(),
      lastSeenAt: new Date(record.lastSeenAt).toISOString(),
    };
  });
  return {
    alerts: alerts
      .filter((alert) => request.includeBelowThreshold || alert.alerting)
      .slice(request.offset, request.offset + request.limit),
  };
}
