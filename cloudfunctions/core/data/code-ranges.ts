import type { ActivationDetails, SalesRegion, TraceStepInput } from '../../../typings/admin.js';
import { db } from '../cloud.js';
import type { CodeRange } from '../domain/marketcode.js';
import type { ProductRecord } from './products.js';
import { updateOrInsert } from './upsert.js';

/**
 * `codeRanges`: one document per activated segment, unique by (applicationId, codeStart). Activating
 * the same segment again (WeChat allows it) replaces what it leads to.
 */
export interface ActivatedRange extends CodeRange, ActivationDetails {
  _id: string;
  applicationId: string;
  wxaType: number;
  activatedBy: string;
  /** Epoch ms: orders overlapping activations (the newest wins). */
  activatedAt: number;
  /** Set by `bindProduct`; activating the segment again keeps it. */
  productId?: string;
  traceSteps?: TraceStepInput[];
  boundAt?: number;
  boundBy?: string;
  /** Where it is sold (`setRangeRegions`): scans elsewhere count as diversion. */
  salesRegions?: SalesRegion[];
  /** Scans outside per province before an alert (default 1). */
  diversionThreshold?: number;
}

export type ActivationFields = Omit<ActivatedRange, '_id'>;

export async function recordActivation(range: ActivationFields): Promise<void> {
  const { applicationId, codeStart, ...rest } = range;
  await updateOrInsert(
    'codeRanges',
    // The unique index (applicationId, codeStart) settles two simultaneous activations.
    { applicationId, codeStart },
    rest,
    () => ({ ...rest }),
  );
}

export async function listActivations(applicationId: string): Promise<ActivatedRange[]> {
  const found: ActivatedRange[] = [];
  // Paged: the SDK returns at most 1,000 documents per read.
  for (let offset = 0; ; offset += 1000) {
    const { data } = await db()
      .collection('codeRanges')
      .where({ applicationId })
      .orderBy('codeStart', 'asc')
      .skip(offset)
      .limit(1000)
      .get();
    found.push(...(data as ActivatedRange[]));
    if (data.length < 1000) return found;
  }
}

/** The activated segment starting at `codeStart` (WeChat names it by its bounds on every scan). */
export async function findActivation(
  applicationId: string,
  codeStart: number,
): Promise<ActivatedRange | undefined> {
  const { data } = await db()
    .collection('codeRanges')
    .where({ applicationId, codeStart })
    .limit(1)
    .get();
  return data[0] as ActivatedRange | undefined;
}

/** A segment with the product bound to it, read together. */
export interface ActivationWithProduct {
  range: ActivatedRange;
  product: ProductRecord | undefined;
}

/**
 * `findActivation` and the bound product in one request (an aggregate joining `products` with
 * `lookup`): what a scan shows, in one round trip instead of two in a row.
 */
export async function findActivationWithProduct(
  applicationId: string,
  codeStart: number,
): Promise<ActivationWithProduct | undefined> {
  return withProduct(db().collection('codeRanges').aggregate().match({ applicationId, codeStart }));
}

/** `findCoveringActivation` and the bound product in one request. */
export async function findCoveringActivationWithProduct(
  applicationId: string,
  index: number,
): Promise<ActivationWithProduct | undefined> {
  const _ = db().command;
  return withProduct(
    db()
      .collection('codeRanges')
      .aggregate()
      .match({ applicationId, codeStart: _.lte(index), codeEnd: _.gte(index) })
      .sort({ activatedAt: -1 }),
  );
}

interface Pipeline {
  limit(n: number): Pipeline;
  lookup(stage: { from: string; localField: string; foreignField: string; as: string }): Pipeline;
  end(): Promise<{ list: unknown[] }>;
}

async function withProduct(matched: unknown): Promise<ActivationWithProduct | undefined> {
  const { list } = await (matched as Pipeline)
    .limit(1)
    // A range without a product matches none: `_id` is never missing.
    .lookup({ from: 'products', localField: 'productId', foreignField: '_id', as: 'products' })
    .end();
  const found = list[0] as (ActivatedRange & { products?: ProductRecord[] }) | undefined;
  if (!found) return undefined;
  const { products, ...range } = found;
  return { range, product: range.productId ? products?.[0] : undefined };
}

/** Binds a product (and the range's own trace steps) to a segment; false when there is none. */
export async function bindRangeProduct(
  applicationId: string,
  codeStart: number,
  binding: { productId: string; traceSteps?: TraceStepInput[]; boundBy: string },
): Promise<boolean> {
  const _ = db().command;
  const data: Record<string, unknown> = {
    productId: binding.productId,
    boundAt: Date.now(),
    boundBy: binding.boundBy,
  };
  // Replaced whole, not merged with the steps stored before.
  if (binding.traceSteps) data.traceSteps = _.set(binding.traceSteps);
  const { stats } = await db()
    .collection('codeRanges')
    .where({ applicationId, codeStart })
    .update({ data });
  return stats.updated > 0;
}

/**
 * The activation that applies to the code at `index` of an application: of the segments covering
 * it, the most recently activated (WeChat lets a segment be activated again; the newest wins).
 */
export async function findCoveringActivation(
  applicationId: string,
  index: number,
): Promise<ActivatedRange | undefined> {
  const _ = db().command;
  const { data } = await db()
    .collection('codeRanges')
    .where({ applicationId, codeStart: _.lte(index), codeEnd: _.gte(index) })
    .orderBy('activatedAt', 'desc')
    .limit(1)
    .get();
  return data[0] as ActivatedRange | undefined;
}

/** Sets a segment's sales regions and alert threshold; false when there is no such segment. */
export async function setRangeSalesRegions(
  applicationId: string,
  codeStart: number,
  regions: SalesRegion[],
  threshold: number,
): Promise<boolean> {
  const _ = db().command;
  const { stats } = await db()
    .collection('codeRanges')
    .where({ applicationId, codeStart })
    .update({ data: { salesRegions: _.set(regions), diversionThreshold: threshold } });
  // 0 also when nothing changed (the same regions again): the caller reads the range back.
  return stats.updated > 0;
}

/** The ranges bound to a product (at most `limit`), as far as a filter by range needs them. */
export async function listProductRanges(
  productId: string,
  limit: number,
): Promise<Pick<ActivatedRange, 'applicationId' | 'codeStart'>[]> {
  const { data } = await db().collection('codeRanges').where({ productId }).limit(limit).get();
  return data as Pick<ActivatedRange, 'applicationId' | 'codeStart'>[];
}
