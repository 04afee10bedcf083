/**
 * Reply materials (`oaMaterials`): a file in cloud storage (or a published article) that auto
 * replies name by `materialId`. WeChat sends media by its own temporary `media_id`, which
 * expires after 3 days (§6.3), so a material carries the latest one with its upload time and
 * is uploaded again from cloud storage when a reply needs it and it is missing or older than
 * 2.5 days (renew on use). The material hub's pages are a later step; `addMaterial` records an
 * uploaded file after checking WeChat's type and size limits on the file's own bytes.
 */
import { randomBytes } from 'node:crypto';
import type { AddMaterialRequest, MaterialView } from '../../../typings/admin.js';
import { cloud, db } from '../cloud.js';
import {
  type FileFormat,
  type MediaType,
  mediaIsFresh,
  mediaProblem,
  sniffFormat,
} from '../domain/channel-qr.js';
import { AppError } from '../errors.js';
import { channelApis } from '../wechat/oa/channel-apis.js';
import { MATERIALS } from './channel-qrs.js';

export interface MaterialRecord {
  _id: string;
  kind: 'image' | 'voice' | 'video' | 'news';
  name: string;
  fileId?: string;
  articleId?: string;
  format?: FileFormat;
  size?: number;
  mediaId?: string;
  /** Epoch ms of the upload that made `mediaId`. */
  mediaUploadedAt?: number;
  createdAt: number;
  createdBy: string;
}

const CONTENT_TYPES: Record<FileFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  mp3: 'audio/mpeg',
  amr: 'audio/amr',
  mp4: 'video/mp4',
};

const view = (record: MaterialRecord): MaterialView => ({
  materialId: record._id,
  kind: record.kind,
  name: record.name,
  ...(record.fileId ? { fileId: record.fileId } : {}),
  ...(record.articleId ? { articleId: record.articleId } : {}),
  ...(record.size !== undefined ? { size: record.size } : {}),
  createdAt: new Date(record.createdAt).toISOString(),
});

async function download(fileId: string): Promise<Buffer> {
  try {
    const { fileContent } = (await cloud.downloadFile({ fileID: fileId })) as {
      fileContent: Buffer;
    };
    return fileContent;
  } catch (error) {
    throw new AppError('MATERIAL_NOT_FOUND', '找不到上传的文件，请重新上传', { cause: error });
  }
}

export async function addMaterial(
  input: AddMaterialRequest,
  actor: string,
): Promise<{ material: MaterialView }> {
  const now = Date.now();
  const base = {
    _id: randomBytes(12).toString('hex'),
    name: input.name,
    createdAt: now,
    createdBy: actor,
  };
  let record: MaterialRecord;
  if (input.kind === 'news') {
    record = { ...base, kind: 'news', articleId: input.articleId };
  } else {
    const content = await download(input.fileId);
    const format = sniffFormat(content);
    const problem = mediaProblem(input.kind, format, content.length);
    if (problem) throw new AppError('MATERIAL_INVALID', `${KIND_NAMES[input.kind]}${problem}`);
    record = { ...base, kind: input.kind, fileId: input.fileId, format, size: content.length };
  }
  await db().collection(MATERIALS).add({ data: record });
  return { material: view(record) };
}

const KIND_NAMES = { image: '图片', voice: '音频', video: '视频' } as const;

export async function findMaterials(ids: readonly string[]): Promise<Map<string, MaterialRecord>> {
  if (ids.length === 0) return new Map();
  const _ = db().command;
  const { data } = await db()
    .collection(MATERIALS)
    .where({ _id: _.in([...ids]) })
    .limit(ids.length)
    .get();
  return new Map((data as MaterialRecord[]).map((record) => [record._id, record]));
}

/**
 * A fresh WeChat media_id for a material: the stored one while younger than 2.5 days, else the
 * file is uploaded again from cloud storage and the new id stored (1 download, 1 WeChat call,
 * 1 write). Two scans renewing at once both upload; the later write wins, both ids work.
 */
export async function freshMediaId(material: MaterialRecord, now = Date.now()): Promise<string> {
  if (material.mediaId && mediaIsFresh(material.mediaUploadedAt, now)) return material.mediaId;
  if (!material.fileId || !material.format) throw new Error(`material ${material._id} has no file`);
  const content = await download(material.fileId);
  const type: MediaType =
    material.kind === 'voice' ? 'voice' : material.kind === 'video' ? 'video' : 'image';
  const uploaded = await channelApis().uploadMedia(type, {
    content,
    filename: `${material._id}.${material.format === 'jpeg' ? 'jpg' : material.format}`,
    contentType: CONTENT_TYPES[material.format],
  });
  await db()
    .collection(MATERIALS)
    .where({ _id: material._id })
    .update({ data: { mediaId: uploaded.mediaId, mediaUploadedAt: now } });
  material.mediaId = uploaded.mediaId;
  material.mediaUploadedAt = now;
  return uploaded.mediaId;
}

/** A link card's thumbnail as a URL WeChat can fetch (news articles carry `picurl`). */
export async function thumbnailUrl(material: MaterialRecord): Promise<string> {
  if (!material.fileId) throw new Error(`material ${material._id} has no file`);
  const { fileList } = (await cloud.getTempFileURL({
    fileList: [{ fileID: material.fileId, maxAge: 7 * 24 * 3600 }],
  })) as { fileList: { tempFileURL?: string }[] };
  const url = fileList[0]?.tempFileURL;
  if (!url) throw new Error(`no URL for material ${material._id}`);
  return url;
}
