/**
 * `oaMaterials`: reply materials (core/oa/materials.ts decides what one may be; channel QR
 * replies name them by `materialId`).
 */
import type { ListMaterialsRequest } from '../../../typings/admin.js';
import { db } from '../cloud.js';
import type { FileFormat } from '../domain/channel-qr.js';

export const MATERIALS = 'oaMaterials';

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

export async function insertMaterial(record: MaterialRecord): Promise<void> {
  await db().collection(MATERIALS).add({ data: record });
}

/**
 * The hub, newest first: one query (indexes kind/createdBy + createdAt). The keyword matches
 * anywhere in the name, case-insensitive, taken literally.
 */
export async function listMaterialRecords(
  input: Required<Pick<ListMaterialsRequest, 'limit' | 'offset'>> & ListMaterialsRequest,
  actor: string,
): Promise<MaterialRecord[]> {
  const database = db();
  const where: Record<string, unknown> = {};
  if (input.kind) where.kind = input.kind;
  if (input.mine) where.createdBy = actor;
  if (input.keyword) {
    where.name = database.RegExp({
      regexp: input.keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      options: 'i',
    });
  }
  const { data } = await database
    .collection(MATERIALS)
    .where(where)
    .orderBy('createdAt', 'desc')
    .skip(input.offset)
    .limit(input.limit)
    .get();
  return data as MaterialRecord[];
}

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

/** Records a fresh WeChat media_id for a material. */
export async function setMaterialMedia(
  materialId: string,
  mediaId: string,
  uploadedAt: number,
): Promise<void> {
  await db()
    .collection(MATERIALS)
    .where({ _id: materialId })
    .update({ data: { mediaId, mediaUploadedAt: uploadedAt } });
}
