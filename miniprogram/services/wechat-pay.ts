import type {
  ClientPayParams,
  RedPacketClientParams,
  TransferClientParams,
} from '../../typings/reward';

/**
 * How the consumer left WeChat's own payout page:
 * - `done`: the envelope was opened / the transfer page came back (not proof of payment: the
 *   server has the last word, so the caller asks it afterwards);
 * - `cancelled`: closed without taking it (the payout is still theirs: opening again is safe);
 * - `outdated`: this WeChat cannot open it (base library too old);
 * - `wrong_scene`: WeChat refuses red envelopes outside a scan launch;
 * - `failed`: anything else, with WeChat's errMsg for the log.
 */
export type PayoutOpening =
  | { outcome: 'done' }
  | { outcome: 'cancelled' }
  | { outcome: 'outdated' }
  | { outcome: 'wrong_scene' }
  | { outcome: 'failed'; errMsg: string };

interface WxCallbacks {
  success?: (result: { errMsg?: string; result?: string }) => void;
  fail?: (error: { errMsg?: string }) => void;
}

/** In WeChat Pay's documentation, not in the Mini Program typings. */
type SendBizRedPacket = (options: RedPacketClientParams & WxCallbacks) => void;

function sendBizRedPacketApi(): SendBizRedPacket | undefined {
  const api = (wx as unknown as { sendBizRedPacket?: SendBizRedPacket }).sendBizRedPacket;
  return typeof api === 'function' ? api : undefined;
}

/** Whether this WeChat can open a payout of `provider` (wx.requestMerchantTransfer needs 3.3.0). */
export function canOpenPayout(provider: ClientPayParams['provider']): boolean {
  if (provider === 'v2-redpacket') return sendBizRedPacketApi() !== undefined;
  return (
    typeof wx.canIUse === 'function' &&
    wx.canIUse('requestMerchantTransfer') &&
    typeof wx.requestMerchantTransfer === 'function'
  );
}

function failure(errMsg: string | undefined): PayoutOpening {
  const message = errMsg ?? '';
  // `sendBizRedPacket:cancel`, `…:fail cancel`, `requestMerchantTransfer:fail cancel`.
  if (/cancel/i.test(message)) return { outcome: 'cancelled' };
  // `sendBizRedPacket:fail scene 1001 not support`.
  if (/scene/i.test(message)) return { outcome: 'wrong_scene' };
  return { outcome: 'failed', errMsg: message };
}

/** Opens the envelope (v2) or WeChat's 确认收款 page (v3) with what `reward.claim` answered. */
export function openPayout(client: ClientPayParams): Promise<PayoutOpening> {
  if (!canOpenPayout(client.provider)) return Promise.resolve({ outcome: 'outdated' });
  return new Promise((resolve) => {
    const callbacks: WxCallbacks = {
      success: (result) => {
        // HarmonyOS has been seen reporting a closed transfer page through success.
        resolve(result?.result === 'cancel' ? { outcome: 'cancelled' } : { outcome: 'done' });
      },
      fail: (error) => resolve(failure(error?.errMsg)),
    };
    try {
      if (client.provider === 'v2-redpacket') {
        sendBizRedPacketApi()!({ ...client.params, ...callbacks });
      } else {
        const params: TransferClientParams = client.params;
        wx.requestMerchantTransfer({
          mchId: params.mchId,
          appId: params.appId,
          package: params.package,
          ...callbacks,
        });
      }
    } catch (error) {
      resolve({ outcome: 'failed', errMsg: String(error) });
    }
  });
}
