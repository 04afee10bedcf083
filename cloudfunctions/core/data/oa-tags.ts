/** `oaTags`: the Official Account's user tags this server made or found, by name (`_id`). */
import { db } from '../cloud.js';
import { isDuplicateKeyError } from './errors.js';

const TAGS = 'oaTags';

/** WeChat's tag id of each name known here (one read). */
export async function knownTagIds(names: readonly string[]): Promise<Map<string, number>> {
  const _ = db().command;
  const { data } = await db()
    .collection(TAGS)
    .where({ _id: _.in([...names]) })
    .limit(names.length)
    .get();
  return new Map((data as { _id: string; tagId: number }[]).map((tag) => [tag._id, tag.tagId]));
}

/** Remembers a tag's id; a racing scan that remembered it first is fine. */
export async function rememberTag(name: string, tagId: number, at: number): Promise<void> {
  await db()
    .collection(TAGS)
    .add({ data: { _id: name, tagId, createdAt: at } })
    .catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
}
