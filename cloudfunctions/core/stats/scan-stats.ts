import type {
  ProductScanStatsRequest,
  ProductScanStatsResult,
  ScanStatsRequest,
  ScanStatsResult,
} from '../../../typings/admin.js';
import { AppError } from '../errors.js';

export async function scanStats(_request: ScanStatsRequest): Promise<ScanStatsResult> {
  throw new AppError('NOT_IMPLEMENTED', '功能开发中');
}

export async function productScanStats(
  _request: ProductScanStatsRequest,
): Promise<ProductScanStatsResult> {
  throw new AppError('NOT_IMPLEMENTED', '功能开发中');
}
