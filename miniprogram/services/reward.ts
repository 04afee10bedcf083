import type { Envelope } from '../../typings/envelope';
import type { ClaimRequest, RewardActions, StatusRequest } from '../../typings/reward';
import { callAction } from './cloud';

const FUNCTION_NAME = 'reward';

/**
 * Claims the cash reward of a scan. Idempotent on the server: claiming again answers the same
 * payout (and the same arguments for WeChat), never a second one.
 */
export function claimReward(
  request: ClaimRequest,
): Promise<Envelope<RewardActions['claim']['response']>> {
  return callAction(FUNCTION_NAME, 'claim', { ...request });
}

/** Where the caller's payout for this scan's code stands (`payout: null` when none). */
export function rewardStatus(
  request: StatusRequest,
): Promise<Envelope<RewardActions['status']['response']>> {
  return callAction(FUNCTION_NAME, 'status', { ...request });
}
