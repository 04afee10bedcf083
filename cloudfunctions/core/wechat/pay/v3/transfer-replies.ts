/**
 * 商家转账 replies as our types: a create reply, a query reply (also the callback's bill), a
 * cancel reply. A reply that lacks a field we rely on throws PayProtocolError: it is never
 * guessed at. Only replies whose signature was verified (transfer.ts) are read here.
 */
import type { V3State } from '../../../domain/payout-provider-events.js';
import { PayProtocolError } from '../errors.js';

/** A transfer bill's state as WeChat Pay reports it (the payout rules map it to their events). */
export type TransferState = V3State;

export interface TransferBill {
  outBillNo: string;
  transferBillNo: string;
  createTime: string;
  state: TransferState | (string & {});
  /** For wx.requestMerchantTransfer; present only in WAIT_USER_CONFIRM. */
  packageInfo?: string;
  failReason?: string;
}

export interface TransferBillDetail {
  mchId: string;
  outBillNo: string;
  transferBillNo: string;
  appid: string;
  state: TransferState | (string & {});
  transferAmount: number;
  transferRemark: string;
  openid: string;
  failReason?: string;
  createTime: string;
  updateTime: string;
  /** WAIT_USER_CONFIRM only, when WeChat includes it in the query reply. */
  packageInfo?: string;
  /** Encrypted with the merchant key, when the bill carried a name. */
  userName?: string;
}

export interface CancelResult {
  outBillNo: string;
  transferBillNo: string;
  state: TransferState | (string & {});
  updateTime: string;
}

/** A create reply (发起转账 应答). */
export function readTransferBill(api: string, reply: Record<string, unknown>): TransferBill {
  const packageInfo = optionalStr(reply, 'package_info');
  const failReason = optionalStr(reply, 'fail_reason');
  return {
    outBillNo: str(reply, 'out_bill_no', api),
    transferBillNo: str(reply, 'transfer_bill_no', api),
    createTime: str(reply, 'create_time', api),
    state: str(reply, 'state', api),
    ...(packageInfo ? { packageInfo } : {}),
    ...(failReason ? { failReason } : {}),
  };
}

/**
 * A query reply (商户单号查询转账单 应答, §3). The query names the merchant `mch_id`, the callback
 * `mchid`; either is read so one shape serves both.
 */
export function readTransferBillDetail(
  api: string,
  reply: Record<string, unknown>,
): TransferBillDetail {
  const amount = reply.transfer_amount;
  if (typeof amount !== 'number' || !Number.isInteger(amount)) {
    throw new PayProtocolError(api, 'transfer_amount is not an integer');
  }
  const failReason = optionalStr(reply, 'fail_reason');
  const packageInfo = optionalStr(reply, 'package_info');
  const userName = optionalStr(reply, 'user_name');
  return {
    mchId: optionalStr(reply, 'mch_id') ?? str(reply, 'mchid', api),
    outBillNo: str(reply, 'out_bill_no', api),
    transferBillNo: str(reply, 'transfer_bill_no', api),
    appid: str(reply, 'appid', api),
    state: str(reply, 'state', api),
    transferAmount: amount,
    transferRemark: optionalStr(reply, 'transfer_remark') ?? '',
    openid: str(reply, 'openid', api),
    ...(failReason ? { failReason } : {}),
    ...(userName ? { userName } : {}),
    createTime: str(reply, 'create_time', api),
    updateTime: optionalStr(reply, 'update_time') ?? str(reply, 'create_time', api),
    ...(packageInfo ? { packageInfo } : {}),
  };
}

export function parseJson(api: string, text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PayProtocolError(api, 'the reply is not JSON', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PayProtocolError(api, 'the reply is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

export function str(reply: Record<string, unknown>, name: string, api: string): string {
  const value = reply[name];
  if (typeof value !== 'string' || value === '')
    throw new PayProtocolError(api, `${name} is missing`);
  return value;
}

function optionalStr(reply: Record<string, unknown>, name: string): string | undefined {
  const value = reply[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
