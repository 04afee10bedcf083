import { db } from '../cloud.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * Applies `update` to the one document matching `key`, creating it from `initial` when there is
 * none. The collection must have a unique index over the fields of `key`: when two callers create
 * at once, the index rejects one and that caller applies its update instead, so no update is lost
 * and no duplicate appears. (The SDK's `where().update()` has no upsert of its own.)
 */
export async function updateOrInsert(
  collection: string,
  key: Record<string, string>,
  update: Record<string, unknown>,
  initial: () => Record<string, unknown>,
): Promise<'updated' | 'inserted'> {
  const documents = db().collection(collection);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const { stats } = await documents.where(key).update({ data: update });
    if (stats.updated > 0) return 'updated';
    try {
      await documents.add({ data: { ...initial(), ...key } });
      return 'inserted';
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  throw new Error(`${collection}: document for key kept appearing and vanishing`);
}
