/**
 * The console's channel QR codes (issue 11 point 2): create through WeChat's `qrcode/create`,
 * read with metrics in one read, list, edit, copy, delete (batch). The document (`oaQrcodes`,
 * `_id` = qrId, unique `scene`) holds the configuration and the metrics, which scans move with
 * `_.inc` (channel-scan.ts).
 *
 * Creation: the document is written `creating` first (so the scene is reserved and an operator
 * sees the attempt), then WeChat is asked; the answer moves it to `active` (ticket, url,
 * expiresAt) or `creation_failed` (WeChat's reason kept, the action answers its error code).
 * Round trips: create 2 + 1 WeChat call (+1 read when replies name materials); get 1; list 1;
 * update 2; copy 3 + 1 WeChat call; delete 1 + 1 per code.
 */
import { randomBytes } from 'node:crypto';
import type {
  ChannelQrDetails,
  ChannelQrReplies,
  ChannelQrType,
  ChannelQrView,
  ChannelQrMetrics,
  CreateChannelQrRequest,
  DeleteChannelQrsResult,
  ListChannelQrsRequest,
  UpdateChannelQrRequest,
} from '../../../typings/admin.js';
import {
  findQr,
  findQrs,
  insertQr,
  listQrRecords,
  markQrDeleted,
  setQrFields,
  updateLiveQr,
  type QrRecord,
} from '../data/oa-qrcodes.js';
import { findMaterials } from '../data/oa-materials.js';
import {
  EMPTY_METRICS,
  MAX_TAGS_PER_USER,
  QR_QUOTA_ERRCODE,
  materialOf,
  mayCopy,
  mayDelete,
  qrcodeCreateBody,
  sceneFor,
  statusAt,
  tagNameFits,
} from '../domain/channel-qr.js';
import { AppError } from '../errors.js';
import { WeChatApiError, toAppError } from '../wechat/errors.js';
import { channelApis } from '../wechat/oa/channel-apis.js';

const MAX_NAME = 64;

export const qrNotFound = (): AppError => new AppError('QR_NOT_FOUND', '二维码不存在');

export function toView(record: QrRecord, now = Date.now()): ChannelQrView {
  return {
    qrId: record._id,
    name: record.name,
    type: record.type,
    status: statusAt(record, now),
    sceneStr: record.scene,
    ticket: record.ticket,
    url: record.url,
    ...(record.expiresAt !== undefined
      ? { expiresAt: new Date(record.expiresAt).toISOString() }
      : {}),
    ...(record.expireSeconds !== undefined ? { expireSeconds: record.expireSeconds } : {}),
    ...(record.channel !== undefined ? { channel: record.channel } : {}),
    tagNames: record.tagNames,
    replies: record.replies,
    createdAt: new Date(record.createdAt).toISOString(),
    ...(record.failureReason ? { failureReason: record.failureReason } : {}),
  };
}

function checkTags(tagNames: readonly string[] | undefined): string[] {
  const names = [...new Set((tagNames ?? []).map((name) => name.trim()))];
  if (names.length > MAX_TAGS_PER_USER) {
    throw new AppError('INVALID_ARGUMENT', `每个二维码最多 ${MAX_TAGS_PER_USER} 个标签`);
  }
  for (const name of names) {
    if (!tagNameFits(name)) {
      throw new AppError('INVALID_ARGUMENT', `标签「${name}」过长：最多 30 字节（约 10 个汉字）`);
    }
  }
  return names;
}

/** Every material a reply names must exist and be of a kind that item can send. */
async function checkReplies(replies: ChannelQrReplies | undefined): Promise<ChannelQrReplies> {
  const checked = replies ?? { enabled: false, items: [] };
  const ids = [...new Set(checked.items.map(materialOf).filter((id): id is string => !!id))];
  if (ids.length === 0) return checked;
  const found = await findMaterials(ids);
  for (const item of checked.items) {
    const id = materialOf(item);
    if (!id) continue;
    const kind = found.get(id)?.kind;
    if (!kind) throw new AppError('MATERIAL_NOT_FOUND', '回复内容引用的素材不存在，请重新选择');
    const wanted = item.kind === 'miniprogram' || item.kind === 'link' ? 'image' : item.kind;
    if (kind !== wanted) {
      throw new AppError(
        'MATERIAL_INVALID',
        `素材类型不符：需要${KIND_NAMES[wanted] ?? wanted}素材`,
      );
    }
  }
  return checked;
}

const KIND_NAMES: Record<string, string> = {
  image: '图片',
  voice: '音频',
  video: '视频',
  news: '图文',
};

interface NewQr {
  name: string;
  type: ChannelQrType;
  expireSeconds?: number;
  channel?: string;
  tagNames: string[];
  replies: ChannelQrReplies;
  copiedFrom?: string;
}

/** Writes the `creating` document, asks WeChat, and records what WeChat said. */
async function createQr(spec: NewQr, actor: string, now = Date.now()): Promise<ChannelQrView> {
  const qrId = randomBytes(12).toString('hex');
  const record: QrRecord = {
    _id: qrId,
    name: spec.name,
    type: spec.type,
    status: 'creating',
    scene: sceneFor(randomBytes(13).toString('hex')),
    ticket: '',
    url: '',
    ...(spec.type === 'temporary' && spec.expireSeconds !== undefined
      ? { expireSeconds: spec.expireSeconds }
      : {}),
    ...(spec.channel ? { channel: spec.channel } : {}),
    tagNames: spec.tagNames,
    replies: spec.replies,
    createdAt: now,
    createdBy: actor,
    updatedAt: now,
    ...(spec.copiedFrom ? { copiedFrom: spec.copiedFrom } : {}),
    metrics: { ...EMPTY_METRICS },
  };
  await insertQr(record);
  try {
    const ticket = await channelApis().createQrcode(
      qrcodeCreateBody(spec.type, record.scene, spec.expireSeconds),
    );
    const created = {
      status: 'active' as const,
      ticket: ticket.ticket,
      url: ticket.url,
      updatedAt: Date.now(),
      ...(ticket.expireSeconds !== undefined
        ? { expiresAt: now + ticket.expireSeconds * 1000 }
        : {}),
    };
    await setQrFields(qrId, created);
    return toView({ ...record, ...created });
  } catch (error) {
    const reason =
      error instanceof WeChatApiError ? `${error.errcode} ${error.errmsg}` : 'WeChat unreachable';
    await setQrFields(qrId, {
      status: 'creation_failed',
      failureReason: reason,
      updatedAt: Date.now(),
    });
    if (error instanceof WeChatApiError && error.errcode === QR_QUOTA_ERRCODE) {
      throw new AppError(
        'QR_QUOTA_EXCEEDED',
        '永久二维码数量已达微信上限（10 万个），请改用临时二维码',
        { cause: error },
      );
    }
    throw toAppError(error) ?? error;
  }
}

export async function createChannelQr(
  input: CreateChannelQrRequest,
  actor: string,
): Promise<{ qr: ChannelQrView }> {
  const qr = await createQr(
    {
      name: input.name,
      type: input.type,
      ...(input.expireSeconds !== undefined ? { expireSeconds: input.expireSeconds } : {}),
      ...(input.channel ? { channel: input.channel } : {}),
      tagNames: checkTags(input.tagNames),
      replies: await checkReplies(input.replies),
    },
    actor,
  );
  return { qr };
}

export async function getChannelQr(qrId: string): Promise<ChannelQrDetails> {
  const record = await findQr(qrId);
  if (!record) throw qrNotFound();
  return { qr: toView(record), metrics: { ...EMPTY_METRICS, ...record.metrics } };
}

export async function listChannelQrs(
  input: Required<Pick<ListChannelQrsRequest, 'limit' | 'offset'>> & ListChannelQrsRequest,
  now = Date.now(),
): Promise<{ qrs: (ChannelQrView & { metrics: ChannelQrMetrics })[] }> {
  const data = await listQrRecords(input, now);
  return {
    qrs: data.map((record) => ({
      ...toView(record, now),
      metrics: { ...EMPTY_METRICS, ...record.metrics },
    })),
  };
}

export async function updateChannelQr(
  input: UpdateChannelQrRequest,
): Promise<{ qr: ChannelQrView }> {
  const record = await findQr(input.qrId);
  if (!record) throw qrNotFound();
  if (record.status === 'deleted') throw new AppError('QR_DELETED', '二维码已删除，不能再修改');
  const changes: Partial<QrRecord> = { updatedAt: Date.now() };
  if (input.name !== undefined) changes.name = input.name;
  if (input.tagNames !== undefined) changes.tagNames = checkTags(input.tagNames);
  if (input.replies !== undefined) changes.replies = await checkReplies(input.replies);
  if (!(await updateLiveQr(input.qrId, changes)))
    throw new AppError('QR_DELETED', '二维码已删除，不能再修改');
  return { qr: toView({ ...record, ...changes }) };
}

export async function copyChannelQr(qrId: string, actor: string): Promise<{ qr: ChannelQrView }> {
  const source = await findQr(qrId);
  if (!source) throw qrNotFound();
  if (!mayCopy(source.status)) {
    throw new AppError('QR_CREATION_FAILED', '创建失败的二维码不能复制');
  }
  const suffix = '_copy';
  const qr = await createQr(
    {
      name: `${source.name.slice(0, MAX_NAME - suffix.length)}${suffix}`,
      type: source.type,
      ...(source.expireSeconds !== undefined ? { expireSeconds: source.expireSeconds } : {}),
      ...(source.channel ? { channel: source.channel } : {}),
      tagNames: source.tagNames,
      replies: source.replies,
      copiedFrom: source._id,
    },
    actor,
  );
  return { qr };
}

export async function deleteChannelQrs(
  qrIds: string[],
  now = Date.now(),
): Promise<DeleteChannelQrsResult> {
  const ids = [...new Set(qrIds)];
  const found = new Map((await findQrs(ids)).map((record) => [record._id, record]));
  const result: DeleteChannelQrsResult = { deleted: [], skipped: [] };
  for (const qrId of ids) {
    const record = found.get(qrId);
    const status = record ? statusAt(record, now) : undefined;
    if (!record || !status || !mayDelete(status)) {
      result.skipped.push(qrId);
      continue;
    }
    if (await markQrDeleted(qrId, status, now))
      result.deleted.push({ qrId, previousStatus: status });
    else result.skipped.push(qrId);
  }
  return result;
}
