/**
 * Reply materials (`oaMaterials`): a file in cloud storage (or a published article) that auto
 * replies name by `materialId`. WeChat sends media by its own temporary `media_id`, which
 * expires after 3 days (§6.3), so a material carries the latest one with its upload time and
 * is uploaded again from cloud storage when a reply needs it and it is missing or older than
 * 2.5 days (renew on use). `addMaterial` records an uploaded file after checking WeChat's type,
 * size and (voice) playing-time limits on the file's own bytes, or one article of the account's
 * drafts; `listMaterials` is the hub (kind, name keyword, 我的上传), `listOaDrafts` the drafts.
 */
import { randomBytes } from 'node:crypto';
import type {
  AddMaterialRequest,
  ListMaterialsRequest,
  ListMaterialsResult,
  ListOaDraftsResult,
  MaterialView,
} from '../../../typings/admin.js';
import { downloadFile, temporaryUrls } from '../data/storage.js';
import {
  insertMaterial,
  listMaterialRecords,
  setMaterialMedia,
  type MaterialRecord,
} from '../data/oa-materials.js';
import {
  type FileFormat,
  type MediaType,
  mediaIsFresh,
  mediaProblem,
  sniffFormat,
} from '../domain/channel-qr.js';
import { MAX_VOICE_SECONDS, mp3DurationSeconds } from '../domain/mp3.js';
import { AppError } from '../errors.js';
import { channelApis } from '../wechat/oa/channel-apis.js';

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
    return await downloadFile(fileId);
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
    // A draft's media_id is permanent: stored as the material's media, never renewed.
    record =
      'draftMediaId' in input
        ? { ...base, kind: 'news', mediaId: input.draftMediaId }
        : { ...base, kind: 'news', articleId: input.articleId };
  } else {
    const content = await download(input.fileId);
    const format = sniffFormat(content);
    const problem =
      mediaProblem(input.kind, format, content.length) ??
      (input.kind === 'voice' && format === 'mp3' ? voiceLengthProblem(content) : undefined);
    if (problem) throw new AppError('MATERIAL_INVALID', `${KIND_NAMES[input.kind]}${problem}`);
    record = { ...base, kind: input.kind, fileId: input.fileId, format, size: content.length };
  }
  await insertMaterial(record);
  return { material: view(record) };
}

const KIND_NAMES = { image: '图片', voice: '音频', video: '视频' } as const;

/** WeChat refuses voice media over 60 s (§6.3); an MP3 with no readable frame is no audio. */
function voiceLengthProblem(content: Buffer): string | undefined {
  const seconds = mp3DurationSeconds(content);
  if (seconds === undefined) return '无法读取：不是有效的 MP3 音频';
  if (seconds > MAX_VOICE_SECONDS)
    return `时长 ${Math.ceil(seconds)} 秒，不能超过 ${MAX_VOICE_SECONDS} 秒`;
  return undefined;
}

/**
 * The hub, newest first: one query on `oaMaterials` (indexes kind/createdBy + createdAt). The
 * keyword matches anywhere in the name, case-insensitive, taken literally.
 */
export async function listMaterials(
  input: Required<Pick<ListMaterialsRequest, 'limit' | 'offset'>> & ListMaterialsRequest,
  actor: string,
): Promise<ListMaterialsResult> {
  const data = await listMaterialRecords(input, actor);
  return { materials: data.map(view) };
}

/** The account's drafts (草稿箱), read from WeChat each time: they change outside this console. */
export async function listOaDrafts(input: {
  offset: number;
  count: number;
}): Promise<ListOaDraftsResult> {
  const page = await channelApis().batchGetDrafts(input.offset, input.count);
  return {
    total: page.totalCount,
    drafts: page.drafts.map((draft) => {
      const first = draft.articles[0];
      return {
        mediaId: draft.mediaId,
        title: first?.title ?? '',
        digest: first?.digest ?? '',
        author: first?.author ?? '',
        ...(first?.thumbUrl ? { thumbUrl: first.thumbUrl } : {}),
        articleCount: draft.articles.length,
        updatedAt: new Date(draft.updateTime * 1000).toISOString(),
      };
    }),
  };
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
  await setMaterialMedia(material._id, uploaded.mediaId, now);
  material.mediaId = uploaded.mediaId;
  material.mediaUploadedAt = now;
  return uploaded.mediaId;
}

/** A link card's thumbnail as a URL WeChat can fetch (news articles carry `picurl`). */
export async function thumbnailUrl(material: MaterialRecord): Promise<string> {
  if (!material.fileId) throw new Error(`material ${material._id} has no file`);
  const url = (await temporaryUrls([material.fileId], 7 * 24 * 3600)).get(material.fileId);
  if (!url) throw new Error(`no URL for material ${material._id}`);
  return url;
}
