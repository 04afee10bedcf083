/**
 * Channel QR codes: the codes, their scanners, audiences and downloads.
 *
 * Actions of the `admin` function on this subject: their input schemas, handlers and audit
 * notes. index.ts wires every subject into the one handler.
 */
import { z } from 'zod';
import { readAction, writeAction } from '../core/auth/admin-actions.js';
import {
  copyChannelQr,
  createChannelQr,
  deleteChannelQrs,
  getChannelQr,
  listChannelQrs,
  qrNotFound,
  updateChannelQr,
} from '../core/oa/channel-qrs.js';
import { findQr } from '../core/data/oa-qrcodes.js';
import { exportQrLinks, qrImage, qrImagesZip } from '../core/oa/qr-downloads.js';
import { createAudience, listAudiences } from '../core/oa/scanner-jobs.js';
import { listScannerRecords } from '../core/data/oa-qr-scanners.js';
import { toScannerView } from '../core/oa/scanners.js';
import { MAX_QR_IMAGE_PX, MIN_QR_IMAGE_PX } from '../core/domain/qr-exports.js';
import {
  MAX_EXPIRE_SECONDS,
  MAX_REPLY_ITEMS,
  MIN_EXPIRE_SECONDS,
} from '../core/domain/channel-qr.js';
import { text, page, openid, qrId, scanOrder } from './fields.js';

// Channel QR codes (issue 11): reply items as typings/admin.ts ReplyItem; tag byte lengths and
// materials are checked by core/oa/channel-qrs.ts with their own codes.
const materialId = z.string().trim().min(1).max(64);

const replyItem = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().min(1).max(2000) }),
  z.object({ kind: z.literal('image'), materialId }),
  z.object({ kind: z.literal('video'), materialId, title: text(64), description: text(120) }),
  z.object({ kind: z.literal('news'), materialId }),
  z.object({ kind: z.literal('voice'), materialId }),
  z.object({
    kind: z.literal('miniprogram'),
    appid: z.string().regex(/^wx[0-9a-f]{16}$/, '小程序 AppID 格式不正确'),
    pagePath: text(256),
    title: text(64),
    thumbMaterialId: materialId,
  }),
  z.object({
    kind: z.literal('link'),
    title: text(64),
    url: z
      .string()
      .trim()
      .regex(/^https?:\/\/\S+$/, '链接须为 http(s) 地址')
      .max(1024),
    description: text(120),
    thumbMaterialId: materialId,
  }),
]);

const replies = z.object({
  enabled: z.boolean(),
  items: z.array(replyItem).max(MAX_REPLY_ITEMS, `最多 ${MAX_REPLY_ITEMS} 条回复内容`),
});

const tagNames = z.array(z.string().trim().min(1).max(30)).max(20, '每个二维码最多 20 个标签');

const QR_TYPE_NAMES = { temporary: '临时', permanent: '永久' } as const;

const qrImageSize = z.union([
  z.enum(['small', 'medium', 'large']),
  z
    .number()
    .int()
    .min(MIN_QR_IMAGE_PX, `自定义尺寸至少 ${MIN_QR_IMAGE_PX} 像素`)
    .max(MAX_QR_IMAGE_PX, `自定义尺寸最多 ${MAX_QR_IMAGE_PX} 像素`),
]);

const qrIds = z.array(qrId).min(1).max(100, '一次最多 100 个二维码');
const logoFileId = z
  .string()
  .trim()
  .min(1, '请先上传 Logo')
  .max(512, 'Logo 文件 ID 过长')
  .optional();

export const channelQrActions = {
  createChannelQr: writeAction(
    z.object({
      name: text(64),
      type: z.enum(['temporary', 'permanent']),
      expireSeconds: z
        .number()
        .int()
        .min(MIN_EXPIRE_SECONDS, '有效期至少 60 秒')
        .max(MAX_EXPIRE_SECONDS, '临时二维码有效期最长 30 天')
        .optional(),
      channel: text(64).optional(),
      tagNames: tagNames.optional(),
      replies: replies.optional(),
    }),
    async (input, { member }) => createChannelQr(input, member.openid),
    (input, { qr }) => ({
      target: `qr:${qr.qrId}`,
      summary: `新建${QR_TYPE_NAMES[input.type]}渠道二维码「${qr.name}」`,
    }),
  ),

  getChannelQr: readAction(z.object({ qrId }), async (input) => getChannelQr(input.qrId)),

  listChannelQrs: readAction(
    z.object({
      keyword: z.string().trim().max(64).optional(),
      status: z.enum(['creating', 'active', 'expired', 'creation_failed', 'deleted']).optional(),
      ...page(100, 20),
    }),
    async (input) => listChannelQrs(input),
  ),

  updateChannelQr: writeAction(
    z.object({
      qrId,
      name: text(64).optional(),
      tagNames: tagNames.optional(),
      replies: replies.optional(),
    }),
    async (input) => updateChannelQr(input),
    (input, { qr }) => ({
      target: `qr:${qr.qrId}`,
      summary: `修改渠道二维码「${qr.name}」：${Object.keys(input)
        .filter((key) => key !== 'qrId')
        .join('、')}`,
    }),
  ),

  copyChannelQr: writeAction(
    z.object({ qrId }),
    async (input, { member }) => copyChannelQr(input.qrId, member.openid),
    (input, { qr }) => ({
      target: `qr:${qr.qrId}`,
      summary: `复制渠道二维码 ${input.qrId} 为「${qr.name}」`,
    }),
  ),

  deleteChannelQrs: writeAction(
    z.object({ qrIds: z.array(qrId).min(1).max(100, '一次最多删除 100 个') }),
    async (input) => deleteChannelQrs(input.qrIds),
    (input, result) => ({
      target: `qr:${input.qrIds.slice(0, 5).join(',')}${input.qrIds.length > 5 ? '…' : ''}`,
      summary: `删除渠道二维码 ${result.deleted.length} 个${result.skipped.length ? `（${result.skipped.length} 个已删除或不存在）` : ''}`,
    }),
  ),

  listQrScanners: readAction(
    z.object({ qrId, openid: openid.optional(), order: scanOrder, ...page(100, 20) }),
    async (input) => {
      const qr = await findQr(input.qrId);
      if (!qr) throw qrNotFound();
      const records = await listScannerRecords(input);
      return { scanners: records.map((record) => toScannerView(record, qr.tagNames ?? [])) };
    },
  ),

  createAudience: writeAction(
    z.object({ qrId, name: text(64) }),
    async (input, { member }) => createAudience(input, member.openid),
    (input, { audience }) => ({
      target: `audience:${audience.audienceId}`,
      summary: `以二维码 ${input.qrId} 的扫码用户创建人群「${audience.name}」`,
    }),
  ),

  listAudiences: readAction(z.object({ qrId: qrId.optional(), ...page(100, 20) }), async (input) =>
    listAudiences(input),
  ),

  qrImage: readAction(
    z.object({ qrId, size: qrImageSize, logo: z.boolean().optional(), logoFileId }),
    async (input, { member }) => qrImage(input, member.openid),
  ),

  qrImagesZip: readAction(
    z.object({ qrIds, size: qrImageSize, logo: z.boolean().optional(), logoFileId }),
    async (input, { member }) => qrImagesZip(input, member.openid),
  ),

  exportQrLinks: readAction(z.object({ qrIds: qrIds.optional() }), async (input, { member }) =>
    exportQrLinks(input, member.openid),
  ),
};
