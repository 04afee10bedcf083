import type { RewardErrorCode } from '../../../typings/reward.js';
import { db } from '../cloud.js';

/** `claimRefusals`: one document per refused claim, what `npm run stats:rebuild` counts. */
export interface ClaimRefusalRecord {
  _id: string;
  reason: RewardErrorCode;
  refusedAt: number;
  campaignId?: string;
}

export async function recordRefusal(record: ClaimRefusalRecord): Promise<void> {
  await db().collection('claimRefusals').add({ data: record });
}
