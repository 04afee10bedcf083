import type { V3State } from '../../../domain/payout-provider-events.js';
import type http from 'node:http';
import { wechatPayApiBase } from '../config.js';
import { PayApiError, PayProtocolError, PaySignatureError } from '../errors.js';
import { payHttpRequest, type PayHttpResponse } from '../http.js';
import { buildAuthorization, verifyResponseSignature } from './sign.js';

const TRANSFER_BILLS = '/v3/fund-app/mch-transfer/transfer-bills';

/** Digits and letters, at most 32: the rule for `out_bill_no`, which is also the idempotency key. */
const OUT_BILL_NO = /^[0-9A-Za-z]{1,32}$/;

/** A transfer bill's state as WeChat Pay reports it (the payout rules map it to their events). */
export type TransferState = V3State;

const TERMINAL_STATES: ReadonlySet<string> = new Set(['SUCCESS', 'FAIL', 'CANCELLED']);

/** SUCCESS, FAIL and CANCELLED never change; everything else (and an unknown state) still may. */
export function isTerminalTransferState(state: string): boolean {
  return TERMINAL_STATES.has(state);
}

/** A public key WeChat Pay signs with: `PUB_KEY_ID_…` + public key, or serial + platform cert. */
export interface WechatPayKey {
  serial: string;
  publicKeyPem: string;
}

export interface TransferClientOptions {
  mchId: string;
  /** Serial number of the merchant API certificate (goes into Authorization). */
  serialNo: string;
  privateKeyPem: string;
  /** Every key replies may be signed with; during a switch, both the public key and the certificate. */
  wechatpayKeys: readonly WechatPayKey[];
  /** Defaults to WECHATPAY_API_BASE (or api.mch.weixin.qq.com). */
  base?: string;
  timeoutMs?: number;
  agent?: http.Agent;
  /** For tests: the clock (ms) used for signing and for the reply's freshness. */
  now?: () => number;
}

export interface ReportInfo {
  infoType: string;
  infoContent: string;
}

/** Scene 1000 (现金营销) wants exactly these two report entries (WeChat Pay's 发起转账 page). */
export function cashMarketingReportInfos(
  activityName: string,
  rewardDescription: string,
): ReportInfo[] {
  return [
    { infoType: '活动名称', infoContent: activityName },
    { infoType: '奖励说明', infoContent: rewardDescription },
  ];
}

/** The only user_recv_perception values scene 1000 accepts. */
export const CASH_MARKETING_PERCEPTIONS = ['现金奖励', '活动奖励'] as const;

export interface CreateTransferBillInput {
  /** The Mini Program appid; `openid` must belong to it. */
  appid: string;
  outBillNo: string;
  openid: string;
  /** In fen. */
  transferAmount: number;
  /** Shown to the payee; at most 32 characters. */
  transferRemark: string;
  /** Defaults to 1000 (现金营销). */
  transferSceneId?: string;
  reportInfos: readonly ReportInfo[];
  userRecvPerception?: string;
  notifyUrl?: string;
}

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

/**
 * 商家转账 transfer-bills: create, query by out_bill_no, cancel (WeChat Pay's 商家转账 pages).
 * Every request is signed (WECHATPAY2-SHA256-RSA2048); every 2xx reply must carry a valid
 * WeChat Pay signature or it throws PaySignatureError and is never parsed. Non-2xx replies throw
 * PayApiError; see classifyTransferError for what each means. Nothing logged, nothing secret thrown.
 */
export class TransferClient {
  private readonly base: string;
  private readonly now: () => number;
  private readonly requestSerial: string;

  constructor(private readonly options: TransferClientOptions) {
    if (!options.mchId || !options.serialNo || !options.privateKeyPem) {
      throw new Error('TransferClient: mchId, serialNo and privateKeyPem are required');
    }
    if (options.wechatpayKeys.length === 0) {
      throw new Error('TransferClient: at least one WeChat Pay key is required to verify replies');
    }
    this.base = (options.base ?? wechatPayApiBase()).replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    // During a switch WeChat signs with the public key only when the request names it.
    this.requestSerial = (
      options.wechatpayKeys.find((key) => key.serial.startsWith('PUB_KEY_ID_')) ??
      options.wechatpayKeys[0]
    ).serial;
  }

  async createTransferBill(input: CreateTransferBillInput): Promise<TransferBill> {
    assertOutBillNo(input.outBillNo);
    const sceneId = input.transferSceneId ?? '1000';
    validateCreate(input, sceneId);
    const body = {
      appid: input.appid,
      out_bill_no: input.outBillNo,
      transfer_scene_id: sceneId,
      openid: input.openid,
      transfer_amount: input.transferAmount,
      transfer_remark: input.transferRemark,
      ...(input.notifyUrl ? { notify_url: input.notifyUrl } : {}),
      ...(input.userRecvPerception ? { user_recv_perception: input.userRecvPerception } : {}),
      transfer_scene_report_infos: input.reportInfos.map((info) => ({
        info_type: info.infoType,
        info_content: info.infoContent,
      })),
    };
    const reply = await this.call('POST', TRANSFER_BILLS, TRANSFER_BILLS, JSON.stringify(body));
    return readTransferBill(TRANSFER_BILLS, reply);
  }

  /** `mchId`: the merchant the bill was made under (the payout's own); defaults to ours. */
  async queryByOutBillNo(outBillNo: string, mchId?: string): Promise<TransferBillDetail> {
    assertOutBillNo(outBillNo);
    const api = `${TRANSFER_BILLS}/out-bill-no/{out_bill_no}`;
    const reply = await this.call(
      'GET',
      api,
      `${TRANSFER_BILLS}/out-bill-no/${outBillNo}`,
      '',
      mchId,
    );
    return readTransferBillDetail(api, reply);
  }

  /** Asks WeChat to cancel; CANCELING means accepted, the end state comes by query or callback. */
  async cancel(outBillNo: string): Promise<CancelResult> {
    assertOutBillNo(outBillNo);
    const api = `${TRANSFER_BILLS}/out-bill-no/{out_bill_no}/cancel`;
    const reply = await this.call('POST', api, `${TRANSFER_BILLS}/out-bill-no/${outBillNo}/cancel`);
    return {
      outBillNo: str(reply, 'out_bill_no', api),
      transferBillNo: str(reply, 'transfer_bill_no', api),
      state: str(reply, 'state', api),
      updateTime: str(reply, 'update_time', api),
    };
  }

  private async call(
    method: 'GET' | 'POST',
    api: string,
    path: string,
    body = '',
    mchId = this.options.mchId,
  ): Promise<Record<string, unknown>> {
    const authorization = buildAuthorization({
      mchId,
      serialNo: this.options.serialNo,
      privateKeyPem: this.options.privateKeyPem,
      method,
      urlPathWithQuery: path,
      body,
      timestamp: Math.floor(this.now() / 1000),
    });
    const response = await payHttpRequest({
      api,
      url: `${this.base}${path}`,
      method,
      headers: {
        authorization,
        accept: 'application/json',
        'wechatpay-serial': this.requestSerial,
        'user-agent': 'mashang-wechatpay/1',
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      },
      body: method === 'POST' ? body : undefined,
      agent: this.options.agent,
      timeoutMs: this.options.timeoutMs,
    });
    if (response.status < 200 || response.status > 299) throw this.apiError(api, response);
    this.verify(api, response);
    return parseJson(api, response.body);
  }

  /** Throws PaySignatureError unless the reply is signed by one of our WeChat Pay keys. */
  private verify(api: string, response: PayHttpResponse): void {
    const serial = response.headers['wechatpay-serial'];
    const key = this.options.wechatpayKeys.find((candidate) => candidate.serial === serial);
    if (!key) {
      throw new PaySignatureError(api, serial === undefined ? 'MISSING_HEADERS' : 'UNKNOWN_SERIAL');
    }
    verifyResponseSignature({
      api,
      headers: response.headers,
      body: response.body,
      publicKeyPem: key.publicKeyPem,
      expectedSerial: key.serial,
      nowSeconds: Math.floor(this.now() / 1000),
    });
  }

  /**
   * An error reply's code is used even when its signature does not check out: every action
   * classifyTransferError allows keeps the out_bill_no, so a forged error cannot cause a double
   * payment; `verified` tells the log which it was.
   */
  private apiError(api: string, response: PayHttpResponse): PayApiError {
    let verified: boolean;
    try {
      this.verify(api, response);
      verified = true;
    } catch {
      verified = false;
    }
    let code = `HTTP_${response.status}`;
    let message = '';
    try {
      const parsed = JSON.parse(response.body) as { code?: unknown; message?: unknown };
      if (typeof parsed.code === 'string' && parsed.code) code = parsed.code;
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      // A gateway's HTML or an empty body: the status says enough.
    }
    const { retryable } = classifyTransferError(response.status, code);
    return new PayApiError(api, code, message, retryable, response.status, verified);
  }
}

export type TransferErrorAction =
  /** Back off, then resend with the same out_bill_no and identical parameters. */
  | 'retry-same-out-bill-no'
  /** The outcome is unknown: query by out_bill_no, then resend the same one if it is not there. */
  | 'query-then-retry'
  /** Our request is wrong (fields, report infos, amount range): fix it; the bill was not created. */
  | 'fix-request'
  /** Merchant setup (product not opened, IP whitelist, signing keys): an operator must act. */
  | 'fix-configuration'
  /** Query only: WeChat has no bill with this number (in the last 30 days). */
  | 'not-found';

export interface TransferErrorClass {
  action: TransferErrorAction;
  retryable: boolean;
  operatorAction: boolean;
}

/**
 * What a v3 error means (the error table of WeChat Pay's 发起转账 page). No row ever says "use a new
 * out_bill_no": that is allowed only after a query shows the bill FAIL (or absent), because
 * switching early is how transfers get paid twice.
 */
export function classifyTransferError(status: number, code: string): TransferErrorClass {
  switch (code) {
    case 'FREQUENCY_LIMITED':
    case 'FREQUENCY_LIMIT_EXCEED':
      return { action: 'retry-same-out-bill-no', retryable: true, operatorAction: false };
    case 'NOT_ENOUGH':
      // "充值后可以原单号发起重试，请勿更换商户单号": the operating account needs money.
      return { action: 'retry-same-out-bill-no', retryable: true, operatorAction: true };
    case 'SYSTEM_ERROR':
      return { action: 'query-then-retry', retryable: true, operatorAction: false };
    case 'NO_AUTH':
      return { action: 'fix-configuration', retryable: false, operatorAction: true };
    case 'PARAM_ERROR':
    case 'INVALID_REQUEST':
      return { action: 'fix-request', retryable: false, operatorAction: true };
    case 'NOT_FOUND':
      return { action: 'not-found', retryable: false, operatorAction: false };
    default:
      break;
  }
  if (status === 429)
    return { action: 'retry-same-out-bill-no', retryable: true, operatorAction: false };
  if (status === 401)
    return { action: 'fix-configuration', retryable: false, operatorAction: true };
  if (status === 404) return { action: 'not-found', retryable: false, operatorAction: false };
  // 5xx and anything unrecognised: the bill may exist.
  return { action: 'query-then-retry', retryable: true, operatorAction: status < 500 };
}

function assertOutBillNo(outBillNo: string): void {
  if (!OUT_BILL_NO.test(outBillNo)) {
    throw new Error('TransferClient: out_bill_no must be 1–32 characters of 0-9a-zA-Z');
  }
}

function validateCreate(input: CreateTransferBillInput, sceneId: string): void {
  if (!Number.isInteger(input.transferAmount) || input.transferAmount <= 0) {
    throw new Error('TransferClient: transferAmount must be a positive integer of fen');
  }
  const remarkLength = [...input.transferRemark].length;
  if (remarkLength === 0 || remarkLength > 32) {
    throw new Error('TransferClient: transferRemark must be 1–32 characters');
  }
  if (sceneId !== '1000') return;
  // Scene 1000 answers PARAM_ERROR / INVALID_REQUEST otherwise; failing here keeps a bad
  // campaign setting from reaching WeChat at all.
  const types = input.reportInfos.map((info) => info.infoType).sort();
  if (types.length !== 2 || types[0] !== '奖励说明' || types[1] !== '活动名称') {
    throw new Error(
      'TransferClient: scene 1000 needs exactly the report infos 活动名称 and 奖励说明',
    );
  }
  for (const info of input.reportInfos) {
    const length = [...info.infoContent].length;
    if (length === 0 || length > 32) {
      throw new Error('TransferClient: each report info_content must be 1–32 characters');
    }
  }
  if (
    input.userRecvPerception !== undefined &&
    !(CASH_MARKETING_PERCEPTIONS as readonly string[]).includes(input.userRecvPerception)
  ) {
    throw new Error('TransferClient: scene 1000 accepts user_recv_perception 现金奖励 or 活动奖励');
  }
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

function parseJson(api: string, text: string): Record<string, unknown> {
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

function str(reply: Record<string, unknown>, name: string, api: string): string {
  const value = reply[name];
  if (typeof value !== 'string' || value === '')
    throw new PayProtocolError(api, `${name} is missing`);
  return value;
}

function optionalStr(reply: Record<string, unknown>, name: string): string | undefined {
  const value = reply[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
