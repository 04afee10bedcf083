/**
 * The two payout products behind one interface: send a payout under its out-number and learn
 * what happened as a state-machine event, plus what the user's client needs to open it. Clients
 * are built from the function's environment (declared in cloudbaserc.json) and kept per instance.
 */
import type { ClientPayParams } from '../../../typings/reward.js';
import type { PayoutRecord } from '../data/payouts.js';
import type { PayoutEvent, PayoutProvider } from '../domain/payout.js';
import {
  eventFromV2Query,
  eventFromV2Send,
  eventFromV3Create,
  eventFromV3Query,
  type ProviderBooking,
  type V2Reply,
  type V3Reply,
} from '../domain/payout-provider-events.js';
import { AppError } from '../errors.js';
import { pemFromEnv } from '../wechat/pay/config.js';
import {
  PayApiError,
  PayProtocolError,
  PaySignatureError,
  PayTransportError,
} from '../wechat/pay/errors.js';
import { RedPacketClient } from '../wechat/pay/v2/red-packet.js';
import { buildBizRedPacketParams } from '../wechat/pay/v2/sign.js';
import { wechatpayKeys } from '../wechat/pay/v3/keys.js';
import {
  TransferClient,
  cashMarketingReportInfos,
  type WechatPayKey,
} from '../wechat/pay/v3/transfer.js';

const SEND_TIMEOUT_MS = 8_000;

/** Where WeChat Pay posts v3 results (the `paynotify` HTTP function); optional. */
function notifyUrl(): string | undefined {
  return process.env.WXPAY_NOTIFY_URL?.trim() || undefined;
}

interface V2Settings {
  mchId: string;
  apiKey: string;
  certPem: string;
  keyPem: string;
}

interface V3Settings {
  mchId: string;
  serialNo: string;
  privateKeyPem: string;
  /** Every WeChat Pay key replies may be signed with (public key and platform certificates). */
  wechatpayKeys: WechatPayKey[];
}

function v2Settings(): V2Settings | undefined {
  const mchId = process.env.WXPAY_MCH_ID?.trim();
  const apiKey = process.env.WXPAY_API_KEY?.trim();
  const certPem = pemFromEnv(process.env.WXPAY_CERT_PEM);
  const keyPem = pemFromEnv(process.env.WXPAY_KEY_PEM);
  return mchId && apiKey && certPem && keyPem ? { mchId, apiKey, certPem, keyPem } : undefined;
}

/**
 * WXPAY_PUBLIC_KEY_ID + WXPAY_PUBLIC_KEY_PEM and/or WXPAY_PLATFORM_CERTS_PEM (several platform
 * certificates, one PEM after another): all of them are trusted, chosen by Wechatpay-Serial.
 */
function configuredWechatpayKeys(): WechatPayKey[] {
  return wechatpayKeys({
    publicKeyId: process.env.WXPAY_PUBLIC_KEY_ID?.trim(),
    publicKeyPem: pemFromEnv(process.env.WXPAY_PUBLIC_KEY_PEM),
    platformCertsPem: pemFromEnv(process.env.WXPAY_PLATFORM_CERTS_PEM),
  });
}

function v3Settings(): V3Settings | undefined {
  const mchId = process.env.WXPAY_MCH_ID?.trim();
  const serialNo = process.env.WXPAY_CERT_SERIAL?.trim();
  const privateKeyPem = pemFromEnv(process.env.WXPAY_PRIVATE_KEY_PEM);
  const keys = configuredWechatpayKeys();
  return mchId && serialNo && privateKeyPem && keys.length > 0
    ? { mchId, serialNo, privateKeyPem, wechatpayKeys: keys }
    : undefined;
}

/** What the `paynotify` function needs to trust and read a v3 callback. */
export interface NotifySettings {
  mchId: string;
  apiV3Key: string;
  /** Every WeChat Pay key a callback may be signed with. */
  wechatpayKeys: WechatPayKey[];
}

export function notifySettings(): NotifySettings | undefined {
  const mchId = process.env.WXPAY_MCH_ID?.trim();
  const apiV3Key = process.env.WXPAY_APIV3_KEY?.trim();
  const keys = configuredWechatpayKeys();
  return mchId && apiV3Key && keys.length > 0
    ? { mchId, apiV3Key, wechatpayKeys: keys }
    : undefined;
}

/**
 * The merchant id the provider pays from; throws PAYOUT_NOT_CONFIGURED before any budget is
 * held when the credentials are missing.
 */
export function requireMerchant(provider: PayoutProvider): string {
  const settings = provider === 'v2-redpacket' ? v2Settings() : v3Settings();
  if (!settings) {
    console.error(`[reward] WeChat Pay ${provider} credentials are not configured`);
    throw new AppError('PAYOUT_NOT_CONFIGURED', '奖励发放暂未开通，请联系商家');
  }
  return settings.mchId;
}

let v2Client: RedPacketClient | undefined;
let v3Client: TransferClient | undefined;

function redPacketClient(): RedPacketClient {
  const settings = v2Settings();
  if (!settings) throw new AppError('PAYOUT_NOT_CONFIGURED', '奖励发放暂未开通，请联系商家');
  v2Client ??= new RedPacketClient({ ...settings, timeoutMs: SEND_TIMEOUT_MS });
  return v2Client;
}

function transferClient(): TransferClient {
  const settings = v3Settings();
  if (!settings) throw new AppError('PAYOUT_NOT_CONFIGURED', '奖励发放暂未开通，请联系商家');
  v3Client ??= new TransferClient({
    mchId: settings.mchId,
    serialNo: settings.serialNo,
    privateKeyPem: settings.privateKeyPem,
    wechatpayKeys: settings.wechatpayKeys,
    timeoutMs: SEND_TIMEOUT_MS,
  });
  return v3Client;
}

export interface SendOutcome {
  event: PayoutEvent;
  /** v2 `package` / v3 `package_info`, when the provider gave one. */
  clientPackage?: string;
}

/** Sends the payout under its stored out-number with its frozen texts. Never throws for WeChat. */
export async function sendPayout(payout: PayoutRecord): Promise<SendOutcome> {
  const { request } = payout;
  if (request.provider === 'v2-redpacket') {
    const result = await redPacketClient().send({
      mchBillno: payout.outNo,
      wxappid: payout.appid,
      reOpenid: payout.openid,
      totalAmount: payout.amountFen,
      sendName: request.sendName,
      wishing: request.wishing,
      actName: request.actName,
      remark: request.remark,
      ...(request.sceneId ? { sceneId: request.sceneId } : {}),
    });
    // The client's classification is mapped as it stands (eventFromV2Send), never rebuilt from
    // the code: a billno WeChat calls expired may have paid and must be queried, not failed.
    const reply: V2Reply = {
      kind: 'outcome',
      outcome: result.outcome,
      ...(result.sendListId ? { ref: result.sendListId } : {}),
    };
    return {
      event: eventFromV2Send(reply),
      ...(result.package ? { clientPackage: result.package } : {}),
    };
  }

  let reply: V3Reply;
  let clientPackage: string | undefined;
  try {
    const bill = await transferClient().createTransferBill({
      appid: payout.appid,
      outBillNo: payout.outNo,
      openid: payout.openid,
      transferAmount: payout.amountFen,
      transferRemark: request.transferRemark,
      reportInfos: cashMarketingReportInfos(
        request.reportActivityName,
        request.reportRewardDescription,
      ),
      userRecvPerception: request.userRecvPerception,
      ...(notifyUrl() ? { notifyUrl: notifyUrl() } : {}),
    });
    clientPackage = bill.packageInfo;
    reply = {
      kind: 'response',
      httpStatus: 200,
      state: bill.state,
      transferBillNo: bill.transferBillNo,
      ...(bill.failReason ? { failReason: bill.failReason } : {}),
    };
  } catch (error) {
    if (error instanceof PayApiError) {
      reply = {
        kind: 'response',
        httpStatus: error.status ?? 500,
        code: error.code,
        message: error.wechatMessage,
        // An error reply nobody signed decides nothing (eventFromV3Create: unknown).
        ...(error.verified === undefined ? {} : { verified: error.verified }),
      };
    } else if (
      error instanceof PayTransportError ||
      error instanceof PayProtocolError ||
      error instanceof PaySignatureError
    ) {
      reply = { kind: 'transport', detail: error.name };
    } else {
      // Refused locally before any request (a text the client's own checks reject): nothing sent.
      return {
        event: { type: 'failed', code: 'LOCAL_PARAM_ERROR', detail: (error as Error).message },
      };
    }
  }
  return {
    event: eventFromV3Create(reply),
    ...(clientPackage ? { clientPackage } : {}),
  };
}

export interface QueryOutcome {
  /** Null: nothing new (still on its way, or the query itself failed); look again later. */
  event: PayoutEvent | null;
  /** v3 package_info when the bill waits for the user and WeChat included it. */
  clientPackage?: string;
  /** What WeChat Pay states it booked (amount, openid, merchant, appid), to hold against ours. */
  booking?: ProviderBooking;
}

/**
 * Asks the provider where the payout under its out-number stands (gethbinfo / transfer query),
 * as the payout's own merchant (`payout.mchId`), not whichever merchant is configured now.
 * Never throws for WeChat or the network: a failed query is simply no news.
 */
export async function queryPayout(payout: PayoutRecord): Promise<QueryOutcome> {
  try {
    if (payout.provider === 'v2-redpacket') {
      const result = await redPacketClient().query(payout.outNo, payout.appid, payout.mchId);
      if (!result.found) {
        // "Not found" under a merchant we no longer hold the keys of proves nothing.
        if (payout.mchId !== v2Settings()?.mchId) return { event: null };
        return {
          event: eventFromV2Query({
            kind: 'response',
            returnCode: 'SUCCESS',
            resultCode: 'FAIL',
            errCode: 'NOT_FOUND',
          }),
        };
      }
      // gethbinfo lists who opened it; an unopened envelope names nobody yet.
      const receiver = result.receivers[0];
      return {
        event: eventFromV2Query({
          kind: 'response',
          returnCode: 'SUCCESS',
          resultCode: 'SUCCESS',
          status: result.status,
          ...(result.detailId ? { ref: result.detailId } : {}),
          ...(result.reason ? { reason: result.reason } : {}),
        }),
        booking: {
          ...(result.totalAmount !== undefined ? { amountFen: result.totalAmount } : {}),
          ...(receiver ? { openid: receiver.openid } : {}),
          ...(result.mchId ? { mchId: result.mchId } : {}),
          ...(result.appid ? { appid: result.appid } : {}),
        },
      };
    }
    const bill = await transferClient().queryByOutBillNo(payout.outNo, payout.mchId);
    return {
      event: eventFromV3Query({
        kind: 'response',
        httpStatus: 200,
        state: bill.state,
        transferBillNo: bill.transferBillNo,
        ...(bill.failReason ? { failReason: bill.failReason } : {}),
      }),
      ...(bill.packageInfo ? { clientPackage: bill.packageInfo } : {}),
      booking: {
        amountFen: bill.transferAmount,
        openid: bill.openid,
        mchId: bill.mchId,
        appid: bill.appid,
      },
    };
  } catch (error) {
    if (error instanceof PayApiError && payout.provider === 'v3-transfer') {
      if (error.status === 404 && payout.mchId !== v3Settings()?.mchId) return { event: null };
      return {
        event: eventFromV3Query({
          kind: 'response',
          httpStatus: error.status ?? 500,
          code: error.code,
          message: error.wechatMessage,
          ...(error.verified === undefined ? {} : { verified: error.verified }),
        }),
      };
    }
    if (error instanceof AppError) throw error;
    console.error(
      `[reward] payout ${payout.outNo}: query failed: ${error instanceof Error ? error.name : 'error'}`,
    );
    return { event: null };
  }
}

/** What the user's client opens, rebuilt on every claim (fresh timestamp, nonce and sign). */
export function clientParams(payout: PayoutRecord): ClientPayParams | null {
  if (!payout.clientPackage) return null;
  if (payout.state !== 'sent' && payout.state !== 'waiting_user') return null;
  if (payout.request.provider === 'v2-redpacket') {
    const settings = v2Settings();
    if (!settings) return null;
    return {
      provider: 'v2-redpacket',
      params: buildBizRedPacketParams({
        appId: payout.appid,
        package: payout.clientPackage,
        apiKey: settings.apiKey,
      }),
    };
  }
  return {
    provider: 'v3-transfer',
    params: { mchId: payout.mchId, appId: payout.appid, package: payout.clientPackage },
  };
}
