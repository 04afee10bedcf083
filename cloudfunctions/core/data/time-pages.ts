/**
 * Pages of a collection in time order (the CRM exports, core/exports/sources.ts): every page is
 * one indexed range read of [from, before) on `field`, past the cursor, by (field, _id).
 */
import { db } from '../cloud.js';

/** Conditions beside the time range: fields equal to values, and/or any one of some matches. */
export interface RowConditions {
  equals?: Readonly<Record<string, unknown>>;
  anyOf?: readonly Readonly<Record<string, unknown>>[];
}

export interface TimePageQuery extends RowConditions {
  collection: string;
  field: string;
  from: number;
  /** Exclusive. */
  before: number;
  /** The last row of the previous page. */
  cursor?: { at: number; id: string };
}

export async function timeOrderedPage<R>(query: TimePageQuery, size: number): Promise<R[]> {
  const _ = db().command;
  const { field, cursor } = query;
  const conditions: object[] = [
    { [field]: _.gte(cursor ? Math.max(cursor.at, query.from) : query.from) },
    { [field]: _.lt(query.before) },
  ];
  if (cursor) {
    conditions.push(
      _.or([{ [field]: _.gt(cursor.at) }, { [field]: cursor.at, _id: _.gt(cursor.id) }]),
    );
  }
  if (query.anyOf) conditions.push(_.or([...query.anyOf]));
  if (query.equals) conditions.push({ ...query.equals });
  const { data } = await db()
    .collection(query.collection)
    .where(_.and(conditions))
    .orderBy(field, 'asc')
    .orderBy('_id', 'asc')
    .limit(size)
    .get();
  return data as R[];
}
