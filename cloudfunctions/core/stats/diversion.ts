import type {
  ListDiversionAlertsRequest,
  ListDiversionAlertsResult,
  SetRangeRegionsRequest,
  SetRangeRegionsResult,
} from '../../../typings/admin.js';
import { AppError } from '../errors.js';

export async function setRangeRegions(
  _request: SetRangeRegionsRequest,
  _by: string,
): Promise<SetRangeRegionsResult> {
  throw new AppError('NOT_IMPLEMENTED', '功能开发中');
}

export async function listDiversionAlerts(
  _request: ListDiversionAlertsRequest,
): Promise<ListDiversionAlertsResult> {
  throw new AppError('NOT_IMPLEMENTED', '功能开发中');
}
