/**
 * Code supply: applications, import, print files, activation and the range map.
 *
 * Actions of the `admin` function on this subject: their input schemas, handlers and audit
 * notes. index.ts wires every subject into the one handler.
 */
import { z } from 'zod';
import { readAction, writeAction } from '../core/auth/admin-actions.js';
import { activateRange, listRanges, queryActivation } from '../core/codes/activation.js';
import { applyCodes, listApplications, refreshApplication } from '../core/codes/applications.js';
import { exportRange } from '../core/codes/export.js';
import { importRange } from '../core/codes/import.js';
import { applicationId, codeIndex, range, text, page } from './fields.js';

export const codeActions = {
  applyCodes: writeAction(
    // The count's grid rule answers INVALID_CODE_COUNT from the domain, not a generic zod error.
    z.object({ count: z.number().int(), isvApplicationId: z.string().trim().min(1).max(128) }),
    async (input, { member }) => applyCodes(input, member.openid),
    (input, { application, created }) => ({
      target: `application:${application.applicationId}`,
      summary: `申请 ${input.count} 个码（订单号 ${input.isvApplicationId}）${created ? '' : '：重复提交，未新建'}`,
    }),
  ),

  refreshApplication: writeAction(
    z.object({ applicationId }),
    async (input, { member }) => refreshApplication(input.applicationId, member.openid),
    (_input, application) => ({
      target: `application:${application.applicationId}`,
      summary: `刷新申请单状态：${application.status}`,
    }),
  ),

  listApplications: readAction(z.object(page(100, 20)), async (input) => listApplications(input)),

  importRange: writeAction(
    z.object(range),
    async (input, { member }) => importRange(input, member.openid),
    (input, result) => ({
      target: `range:${input.applicationId}:${input.codeStart}`,
      summary: `导入码段 ${input.codeStart}–${input.codeEnd}（${result.importedCount} 个码）${result.alreadyImported ? '：此前已导入' : ''}`,
    }),
  ),

  exportRange: writeAction(
    z.object({
      ...range,
      from: codeIndex.optional(),
      to: codeIndex.optional(),
      formats: z
        .array(z.enum(['csv', 'svg', 'png', 'qr']))
        .min(1)
        .max(4),
    }),
    async (input, { member }) => exportRange(input, member.openid),
    (input, result) => ({
      target: `range:${input.applicationId}:${input.codeStart}`,
      summary: `导出印刷文件 ${result.from}–${result.to}（${result.codeCount} 个码，${input.formats.join('/')}），导出 ${result.exportId}`,
    }),
  ),

  activateRange: writeAction(
    z.object({
      ...range,
      activityName: text(128),
      productBrand: text(128),
      productTitle: text(128),
      productCode: z.string().trim(),
      wxaAppid: text(64).optional(),
      wxaPath: text(256),
      // The contract's 0 | 1 | 2, in the domain rule's words (it checks again before WeChat).
      wxaType: z
        .union([z.literal(0), z.literal(1), z.literal(2)], {
          error: '小程序版本须为 0（正式版）、1（开发版）或 2（体验版）',
        })
        .optional(),
    }),
    async (input, { member }) => activateRange(input, member.openid),
    (input) => ({
      target: `range:${input.applicationId}:${input.codeStart}`,
      summary: `激活码段 ${input.codeStart}–${input.codeEnd}：${input.productTitle}，页面 ${input.wxaPath}`,
    }),
  ),

  queryActivation: readAction(
    z.union([
      z.object({ applicationId, codeIndex }).strict(),
      z.object({ code: z.string() }).strict(),
      z.object({ codeUrl: z.string() }).strict(),
    ]),
    async (input) => queryActivation(input),
  ),

  listRanges: readAction(z.object({ applicationId }), async (input) =>
    listRanges(input.applicationId),
  ),
};
