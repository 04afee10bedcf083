import { db } from '../cloud.js';
import { isDuplicateKeyError } from './errors.js';

export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged';

/**
 * Applies `update` to the one document matching `key`, creating it from `initial` when there is
 * none. The collection must have a unique index over the fields of `key`: when two callers create
 * at once, the index rejects one and that caller applies its update instead, so no update is lost
 * and no duplicate appears. (The SDK's `where().update()` has no upsert of its own.)
 *
 * CloudBase's `stats.updated` counts documents the update changed, not those it matched, so 0
 * alone does not mean "missing": the failed insert is what proves the document exists.
 */
export async function updateOrInsert(
  collection: string,
  key: Record<string, string | number>,
  update: Record<string, unknown>,
  initial: () => Record<string, unknown>,
): Promise<UpsertOutcome> {
  const documents = db().collection(collection);
  const { stats } = await documents.where(key).update({ data: update });
  if (stats.updated > 0) return 'updated';
  try {
    await documents.add({ data: { ...initial(), ...key } });
    return 'inserted';
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  // It exists: either another caller created it a moment ago (apply our update now) or our update
  // simply changed nothing.
  const retried = await documents.where(key).update({ data: update });
  return retried.stats.updated > 0 ? 'updated' : 'unchanged';
}
