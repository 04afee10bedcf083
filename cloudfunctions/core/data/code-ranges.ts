import type { ActivationDetails } from '../../../typings/admin.js';
import { db } from '../cloud.js';
import type { CodeRange } from '../domain/marketcode.js';
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
