/**
 * Payouts as operators list them.
 *
 * Actions of the `admin` function on this subject: their input schemas, handlers and audit
 * notes. index.ts wires every subject into the one handler.
 */
import { z } from 'zod';
import { readAction } from '../core/auth/admin-actions.js';
import { listPayoutViews } from '../core/rewards/payouts-admin.js';
import { PAYOUT_STATES, type PayoutState } from '../core/domain/payout.js';
import { page, campaignId } from './fields.js';

export const payoutActions = {
  listPayouts: readAction(
    z.object({
      campaignId: campaignId.optional(),
      state: z.enum(PAYOUT_STATES as [PayoutState, ...PayoutState[]]).optional(),
      flagged: z.boolean().optional(),
      // Checked by the domain (checkRawCode) so a malformed code gets its own Chinese message.
      code: z.string().optional(),
      ...page(100, 20),
    }),
    async (input) => listPayoutViews(input),
  ),
};
