/**
 * `exportData` (issue 12 point 6): scans, payouts or scanners of a period as CSV for a brand's
 * CRM, run by the shared export machine (jobs.ts, sources in sources.ts). The filters are
 * resolved once here: a product becomes its activated ranges (a scan names its range, not its
 * product), so every page stays one indexed read.
 */
import type { ExportDataRequest } from '../../../typings/admin.js';
import { findCampaign } from '../data/campaigns.js';
import { listProductRanges } from '../data/code-ranges.js';
import { findProduct } from '../data/products.js';
import { invalidArgument, notFound } from '../errors.js';
import { startExport } from './jobs.js';
import { DATA_EXPORT_SOURCES, type DataFilter } from './sources.js';

/** A product is bound to a handful of ranges; more than this is not a product's. */
const MAX_PRODUCT_RANGES = 200;

export async function exportData(
  input: ExportDataRequest,
  actor: string,
): Promise<{ exportId: string }> {
  if (input.productId && input.kind !== 'scans') throw invalidArgument('只有扫码记录可按商品筛选');
  if (input.campaignId && input.kind !== 'payouts')
    throw invalidArgument('只有红包发放可按活动筛选');
  const filter: DataFilter = { from: Date.parse(input.from), to: Date.parse(input.to) };
  if (input.productId) {
    if (!(await findProduct(input.productId))) throw notFound('商品不存在，请刷新后重试');
    const ranges = await listProductRanges(input.productId, MAX_PRODUCT_RANGES);
    filter.productId = input.productId;
    filter.ranges = ranges.map((range) => ({
      applicationId: range.applicationId,
      rangeStart: range.codeStart,
    }));
  }
  if (input.campaignId) {
    if (!(await findCampaign(input.campaignId))) throw notFound('活动不存在，请刷新后重试');
    filter.campaignId = input.campaignId;
  }
  return startExport(DATA_EXPORT_SOURCES[input.kind], filter, actor);
}
