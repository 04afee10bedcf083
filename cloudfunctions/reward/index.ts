import { z } from 'zod';
import type { ClaimResult, StatusResult } from '../../typings/reward.js';
import { requireOpenid } from '../core/auth/roles.js';
import { action, createHandler } from '../core/handler.js';
import { claimReward, rewardStatus } from '../core/rewards/claim.js';

/**
 * The consumer's reward function. Open to every WeChat user; who they are comes from
 * `cloud.getWXContext()` alone, and the scan must be theirs.
 *
 *   claim   { scanId, campaignId? }  hold the budget, lock the code, send the payout; answers
 *                       the arguments of wx.sendBizRedPacket (v2) or wx.requestMerchantTransfer
 *                       (v3). Claiming again answers the same payout, never a second one.
 *                       `campaignId` (the landing's offer) only words a refusal.
 *   status  { scanId }  where the caller's payout for this scan's code stands.
 *
 * Errors besides the common ones: typings/reward.ts RewardErrorCode.
 */

const scanId = z.string().trim().min(1, '缺少扫码记录').max(64);
const campaignId = z.string().trim().min(1).max(64).optional();

export const main = createHandler('reward', {
  claim: action(z.object({ scanId, campaignId }), async (input, { caller }): Promise<ClaimResult> =>
    claimReward(
      input.scanId,
      {
        openid: requireOpenid(caller),
        ...(caller.appid ? { appid: caller.appid } : {}),
        ...(caller.clientIp ? { clientIp: caller.clientIp } : {}),
      },
      input.campaignId,
    ),
  ),

  status: action(z.object({ scanId }), async (input, { caller }): Promise<StatusResult> =>
    rewardStatus(input.scanId, requireOpenid(caller)),
  ),
});
