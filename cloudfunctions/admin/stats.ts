/**
 * Figures: 工作台, scans and claims from the rollups, sales regions and diversion alerts.
 *
 * Actions of the `admin` function on this subject: their input schemas, handlers and audit
 * notes. index.ts wires every subject into the one handler.
 */
import { z } from 'zod';
import { readAction, writeAction } from '../core/auth/admin-actions.js';
import { rewardStats } from '../core/rewards/stats.js';
import { dashboardFigures } from '../core/stats/dashboard.js';
import { productScanStats, scanStats } from '../core/stats/scan-stats.js';
import { listDiversionAlerts, setRangeRegions } from '../core/stats/diversion.js';
import { applicationId, codeIndex, text, page, campaignId, isoTime } from './fields.js';

export const statsActions = {
  // 工作台: one round of indexed counts (core/stats/dashboard.ts).
  dashboard: readAction(z.object({}), async () => dashboardFigures()),

  rewardStats: readAction(
    z.object({
      from: z.iso.datetime({ offset: true }),
      to: z.iso.datetime({ offset: true }),
      granularity: z.enum(['hour', 'day']),
      campaignId: campaignId.optional(),
    }),
    async (input) => rewardStats(input),
  ),

  scanStats: readAction(
    z.object({
      from: isoTime,
      to: isoTime,
      granularity: z.enum(['hour', 'day']),
      groupBy: z.enum(['product', 'range', 'campaign', 'province']).optional(),
    }),
    async (input) => scanStats(input),
  ),

  productScanStats: readAction(z.object({ from: isoTime, to: isoTime }), async (input) =>
    productScanStats(input),
  ),

  setRangeRegions: writeAction(
    z.object({
      applicationId,
      codeStart: codeIndex,
      regions: z
        .array(z.object({ province: text(32), city: text(32).optional() }))
        .max(50, '销售区域最多 50 个'),
      alertThreshold: z.number().int().min(1).max(1_000_000).optional(),
    }),
    async (input, { member }) => setRangeRegions(input, member.openid),
    (input) => ({
      target: `range:${input.applicationId}:${input.codeStart}`,
      summary:
        input.regions.length === 0
          ? '取消销售区域（不再监测窜货）'
          : `设置销售区域：${input.regions.map((r) => r.province + (r.city ? r.city : '')).join('、')}`,
    }),
  ),

  listDiversionAlerts: readAction(
    z.object({
      applicationId: applicationId.optional(),
      codeStart: codeIndex.optional(),
      includeBelowThreshold: z.boolean().optional(),
      ...page(100, 20),
    }),
    async (input) => listDiversionAlerts(input),
  ),
};
