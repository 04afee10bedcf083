/**
 * Whole collections read and replaced: only the rollup rebuild (core/stats/rebuild.ts, run by
 * `npm run stats:rebuild` against a quiet system) works this way.
 */
import { db } from '../cloud.js';
import type { MarkDocument, RollupCollection } from './rollups.js';

const PAGE = 1000;

/** Every document of a collection in `field` order, by cursor (never a deep skip). */
export async function* everything<T extends { _id: string }>(
  collection: string,
  field: string,
  fields?: Record<string, boolean>,
): AsyncGenerator<T> {
  const _ = db().command;
  let after: { value: number; id: string } | undefined;
  for (;;) {
    let query = db()
      .collection(collection)
      .where(
        after
          ? _.or([{ [field]: _.gt(after.value) }, { [field]: after.value, _id: _.gt(after.id) }])
          : { [field]: _.exists(true) },
      );
    if (fields) query = query.field({ ...fields, [field]: true });
    const { data } = await query.orderBy(field, 'asc').orderBy('_id', 'asc').limit(PAGE).get();
    const page = data as (T & Record<string, unknown>)[];
    for (const doc of page) yield doc;
    if (page.length < PAGE) return;
    const last = page[page.length - 1];
    after = { value: last[field] as number, id: last._id };
  }
}

/** Removes a collection's documents, then writes these (by id), 20 at a time. */
export async function replaceAll(
  collection: RollupCollection | 'scannerMarks',
  docs: Map<string, Record<string, unknown> | MarkDocument>,
): Promise<void> {
  const _ = db().command;
  await db()
    .collection(collection)
    .where({ _id: _.exists(true) })
    .remove();
  const entries = [...docs];
  for (let i = 0; i < entries.length; i += 20) {
    await Promise.all(
      entries.slice(i, i + 20).map(([id, data]) =>
        db()
          .collection(collection)
          .add({ data: { _id: id, ...data } }),
      ),
    );
  }
}
