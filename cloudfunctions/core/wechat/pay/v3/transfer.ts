import type http from 'node:http';
import { wechatPayApiBase } from '../config.js';
import { PayApiError, PaySignatureError } from '../errors.js';
import { payHttpRequest, type PayHttpResponse } from '../http.js';
import { buildAuthorization, verifyResponseSignature } from './sign.js';
import { classifyTransferError } from './transfer-errors.js';
import {
  parseJson,
  readTransferBill,
  readTransferBillDetail,
  str,
  type CancelResult,
  type TransferBill,
  type TransferBillDetail,
} from './transfer-replies.js';

const TRANSFER_BILLS = '/v3/fund-app/mch-transfer/transfer-bills';

/** Digits and letters, at most 32: the rule for `out_bill_no`, which is also the idempotency key. */
const OUT_BILL_NO = /^[0-9A-Za-z]{1,32}$/;

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

/**
 * 商家转账 transfer-bills: create, query by out_bill_no, cancel (WeChat Pay's 商家转账 pages).
 * Every request is signed (WECHATPAY2-SHA256-RSA2048); every 2xx reply must carry a valid
 * WeChat Pay signature or it throws PaySignatureError and is never parsed. Non-2xx replies throw
 * PayApiError; see transfer-errors.ts for what each means. Nothing logged, nothing secret thrown.
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
