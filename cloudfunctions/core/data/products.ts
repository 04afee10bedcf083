import type { ProductFields } from '../../../typings/admin.js';
import { db } from '../cloud.js';

/**
 * `products`: what a scan shows about the thing in the consumer's hand. Times are epoch ms.
 * Images are stored as given (cloud file IDs or https URLs); scans turn file IDs into URLs.
 */
export interface ProductRecord extends ProductFields {
  _id: string;
  createdAt: number;
  updatedAt: number;
  createdBy: string;
  updatedBy: string;
}

const PRODUCTS = 'products';

export async function insertProduct(fields: ProductFields, operator: string): Promise<string> {
  const now = Date.now();
  const { _id } = (await db()
    .collection(PRODUCTS)
    .add({
      data: { ...fields, createdAt: now, updatedAt: now, createdBy: operator, updatedBy: operator },
    })) as { _id: string | number };
  return String(_id);
}

/**
 * Sets the given fields (arrays and objects are replaced whole, not merged) and removes those
 * given as null. False when there is no such product.
 */
export async function updateProductFields(
  productId: string,
  set: Partial<ProductFields>,
  remove: readonly (keyof ProductFields)[],
  operator: string,
): Promise<boolean> {
  const _ = db().command;
  const data: Record<string, unknown> = { updatedAt: Date.now(), updatedBy: operator };
  // `_.set` stores the value as is: a plain object would be merged into the stored one.
  for (const [key, value] of Object.entries(set)) {
    if (value !== undefined) data[key] = _.set(value);
  }
  for (const key of remove) data[key] = _.remove();
  const { stats } = await db().collection(PRODUCTS).where({ _id: productId }).update({ data });
  return stats.updated > 0;
}

export async function findProduct(productId: string): Promise<ProductRecord | undefined> {
  const { data } = await db().collection(PRODUCTS).where({ _id: productId }).limit(1).get();
  return data[0] as ProductRecord | undefined;
}

export async function listProductRecords(page: {
  limit: number;
  offset: number;
}): Promise<ProductRecord[]> {
  const { data } = await db()
    .collection(PRODUCTS)
    .orderBy('createdAt', 'desc')
    .skip(page.offset)
    .limit(page.limit)
    .get();
  return data as ProductRecord[];
}
