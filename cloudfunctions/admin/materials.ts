/**
 * The material hub a channel QR code's replies send from.
 *
 * Actions of the `admin` function on this subject: their input schemas, handlers and audit
 * notes. index.ts wires every subject into the one handler.
 */
import { z } from 'zod';
import { readAction, writeAction } from '../core/auth/admin-actions.js';
import { addMaterial, listMaterials, listOaDrafts } from '../core/oa/materials.js';
import { text, page } from './fields.js';

export const materialActions = {
  addMaterial: writeAction(
    z.union([
      z.object({
        kind: z.enum(['image', 'voice', 'video']),
        fileId: z
          .string()
          .trim()
          .regex(/^cloud:\/\/\S+$/, '文件须为云存储文件 ID（cloud://…）')
          .max(1024),
        name: text(64),
      }),
      z.object({ kind: z.literal('news'), articleId: text(128), name: text(64) }),
      z.object({ kind: z.literal('news'), draftMediaId: text(128), name: text(64) }),
    ]),
    async (input, { member }) => addMaterial(input, member.openid),
    (_input, { material }) => ({
      target: `material:${material.materialId}`,
      summary: `添加素材「${material.name}」（${material.kind}）`,
    }),
  ),

  listMaterials: readAction(
    z.object({
      kind: z.enum(['image', 'voice', 'video', 'news']).optional(),
      keyword: z.string().trim().max(64).optional(),
      mine: z.boolean().optional(),
      ...page(100, 20),
    }),
    async (input, { member }) => listMaterials(input, member.openid),
  ),

  listOaDrafts: readAction(
    z.object({
      offset: z.number().int().min(0).default(0),
      count: z.number().int().min(1).max(20, '一次最多读取 20 篇草稿').default(20),
    }),
    async (input) => listOaDrafts(input),
  ),
};
