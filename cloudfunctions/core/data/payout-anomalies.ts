import { db } from '../cloud.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * `payoutAnomalies`: money WeChat Pay reports that our books did not expect — today, a payout
 * paid after its budget was given back to the campaign (an overspend). `_id` = outNo:kind, so the
 * same anomaly found again (a second query, a redelivered callback) is recorded, and counted in
 * the campaign's `overspentFen`, exactly once.
 */
export interface PayoutAnomalyRecord {
  _id: string;
  kind: 'PAID_AFTER_RELEASE';
  outNo: string;
  campaignId: string;
  amountFen: number;
  /** Where WeChat Pay said it: a query or a callback. */
  source: 'query' | 'callback';
  /** Epoch ms. */
  at: number;
}

const ANOMALIES = 'payoutAnomalies';

/** 'recorded' the first time; 'known' when this payout's anomaly of this kind is already there. */
export async function recordAnomaly(
  record: Omit<PayoutAnomalyRecord, '_id'>,
): Promise<'recorded' | 'known'> {
  try {
    await db()
      .collection(ANOMALIES)
      .add({ data: { _id: `${record.outNo}:${record.kind}`, ...record } });
    return 'recorded';
  } catch (error) {
    if (isDuplicateKeyError(error)) return 'known';
    throw error;
  }
}
