/**
 * `diversions`: scans of an activated range outside its sales regions, one document per range
 * and province (unique), counted with `_.inc`. Only such scans write here (a rare path), beside
 * the scan's second round.
 */
import { db } from '../cloud.js';
import type { Place } from '../domain/regions.js';
import type { ActivatedRange } from './code-ranges.js';
import { updateOrInsert } from './upsert.js';

export interface DiversionRecord {
  _id: string;
  applicationId: string;
  codeStart: number;
  codeEnd: number;
  productId?: string;
  province: string;
  lastCity?: string;
  scans: number;
  /** Epoch ms. */
  firstSeenAt: number;
  lastSeenAt: number;
}

const DIVERSIONS = 'diversions';

export async function countDiversion(
  range: ActivatedRange,
  place: Place,
  at: number,
): Promise<void> {
  const _ = db().command;
  const key = {
    applicationId: range.applicationId,
    codeStart: range.codeStart,
    province: place.province,
  };
  await updateOrInsert(
    DIVERSIONS,
    key,
    {
      scans: _.inc(1),
      lastSeenAt: _.max(at),
      firstSeenAt: _.min(at),
      ...(place.city ? { lastCity: place.city } : {}),
    },
    () => ({
      codeEnd: range.codeEnd,
      ...(range.productId ? { productId: range.productId } : {}),
      ...(place.city ? { lastCity: place.city } : {}),
      scans: 1,
      firstSeenAt: at,
      lastSeenAt: at,
    }),
  );
}

export async function listDiversions(filter: {
  applicationId?: string;
  codeStart?: number;
  limit: number;
  offset: number;
}): Promise<DiversionRecord[]> {
  const where: Record<string, unknown> = {};
  if (filter.applicationId) where.applicationId = filter.applicationId;
  if (filter.applicationId && filter.codeStart !== undefined) where.codeStart = filter.codeStart;
  const { data } = await db()
    .collection(DIVERSIONS)
    .where(where)
    .orderBy('lastSeenAt', 'desc')
    .skip(filter.offset)
    .limit(filter.limit)
    .get();
  return data as DiversionRecord[];
}
