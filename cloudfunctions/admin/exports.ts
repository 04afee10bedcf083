/**
 * Background CSV exports: a channel QR code's scanners and a brand's data for its CRM.
 *
 * Actions of the `admin` function on this subject: their input schemas, handlers and audit
 * notes. index.ts wires every subject into the one handler.
 */
import { z } from 'zod';
import { readAction, writeAction } from '../core/auth/admin-actions.js';
import { exportQrScanners } from '../core/oa/scanner-jobs.js';
import { exportData } from '../core/exports/data-exports.js';
import { getExport, listExports } from '../core/exports/jobs.js';
import {
  DATA_EXPORT_KINDS,
  DATA_EXPORT_NAMES,
  MAX_EXPORT_SPAN_MS,
} from '../core/domain/data-exports.js';
import { openid, isoTime, qrId, scanOrder } from './fields.js';

export const exportActions = {
  exportQrScanners: writeAction(
    z.object({ qrId, openid: openid.optional(), order: scanOrder }),
    async (input, { member }) => exportQrScanners(input, member.openid),
    (input, { exportId }) => ({
      target: `export:${exportId}`,
      summary: `导出二维码 ${input.qrId} 的扫码用户${input.openid ? '（按 OpenID 筛选）' : ''}`,
    }),
  ),

  // A channel QR export is every OA reader's to follow; a CRM export only its requester's.
  getExport: readAction(
    z.object({ exportId: z.string().trim().min(1).max(64) }),
    async (input, { member }) => {
      try {
        return await getExport(input.exportId, { kinds: ['qrScanners'] });
      } catch (error) {
        return getExport(input.exportId, {
          kinds: DATA_EXPORT_KINDS,
          requestedBy: member.openid,
        }).catch(() => Promise.reject(error));
      }
    },
  ),

  exportData: writeAction(
    z
      .object({
        kind: z.enum(['scans', 'payouts', 'scanners'], { message: '请选择导出的数据' }),
        from: isoTime,
        to: isoTime,
        productId: z.string().trim().min(1).max(64).optional(),
        campaignId: z.string().trim().min(1).max(64).optional(),
      })
      .refine((input) => Date.parse(input.from) < Date.parse(input.to), {
        message: '结束时间须晚于开始时间',
      })
      .refine((input) => Date.parse(input.to) - Date.parse(input.from) <= MAX_EXPORT_SPAN_MS, {
        message: '一次最多导出一年的数据',
      }),
    async (input, { member }) => exportData(input, member.openid),
    (input, { exportId }) => ({
      target: `export:${exportId}`,
      summary: `导出${DATA_EXPORT_NAMES[input.kind]}（${input.from} 至 ${input.to}${input.productId ? `，商品 ${input.productId}` : ''}${input.campaignId ? `，活动 ${input.campaignId}` : ''}）`,
    }),
  ),

  listExports: readAction(
    z.object({
      limit: z.number().int().min(1).max(20, '一次最多列出 20 个导出').default(10),
    }),
    async (input, { member }) => listExports(member.openid, DATA_EXPORT_KINDS, input.limit),
  ),
};
