import https from 'node:https';
import { wechatPayApiBase } from '../config.js';
import { PayApiError, PayProtocolError, PaySignatureError, PayTransportError } from '../errors.js';
import { payHttpRequest } from '../http.js';
import {
  classifySendReply,
  isRedPacketStatus,
  SUCCESS_CODES,
  transportOutcome,
  type RedPacketOutcome,
  type RedPacketStatus,
} from './outcomes.js';
import { signV2, v2Nonce, verifyV2 } from './sign.js';
import { buildXml, parseXml, textField, type V2Xml } from './xml.js';

const SEND_API = '/mmpaymkttransfers/sendminiprogramhb';
const QUERY_API = '/mmpaymkttransfers/gethbinfo';

/** 0-9a-zA-Z, at most 28: sendminiprogramhb's rule for `mch_billno`. */
const MCH_BILLNO = /^[0-9A-Za-z]{1,28}$/;

export interface RedPacketClientOptions {
  mchId: string;
  /** The v2 API key (32 characters) that signs requests. */
  apiKey: string;
  /** Merchant API client certificate and key (apiclient_cert.pem / apiclient_key.pem). */
  certPem: string;
  keyPem: string;
  /** Defaults to WECHATPAY_API_BASE (or api.mch.weixin.qq.com). */
  base?: string;
  /** Extra CA to trust for the server: only for a local simulator with its own certificate. */
  serverCaPem?: string;
  timeoutMs?: number;
  /** For tests: a fixed nonce. */
  nonce?: () => string;
}

export interface SendRedPacketRequest {
  mchBillno: string;
  /** The Mini Program appid that owns `reOpenid`. */
  wxappid: string;
  reOpenid: string;
  /** In fen. */
  totalAmount: number;
  sendName: string;
  wishing: string;
  actName: string;
  remark: string;
  /** Required when the amount is under 1 or over 200 yuan (PRODUCT_1 … PRODUCT_8). */
  sceneId?: string;
}

export interface SendRedPacketResult {
  outcome: RedPacketOutcome;
  /** WeChat's order number, when sent. */
  sendListId?: string;
  /** Input for wx.sendBizRedPacket (see buildBizRedPacketParams), when sent. */
  package?: string;
  /** WeChat's own description of an error, for the log only. */
  errCodeDes?: string;
  /** What WeChat says it booked, to hold against the payout (absent when it did not say). */
  mchId?: string;
  reOpenid?: string;
  totalAmount?: number;
}

export interface RedPacketReceiver {
  openid: string;
  amount: number;
  /** Absent in some replies even when RECEIVED (community note, §3.5). */
  rcvTime?: string;
}

export type RedPacketQueryResult =
  | { found: false }
  | {
      found: true;
      mchBillno: string;
      /** The merchant and appid WeChat names, when the reply carries them. */
      mchId?: string;
      appid?: string;
      detailId?: string;
      status: RedPacketStatus;
      totalAmount?: number;
      reason?: string;
      sendTime?: string;
      refundTime?: string;
      refundAmount?: number;
      receivers: RedPacketReceiver[];
    };

/**
 * sendminiprogramhb and gethbinfo over mutual TLS (WeChat Pay's 小程序红包 pages). `send` never throws
 * for WeChat's or the network's trouble: it returns an outcome (see outcomes.ts) the payout state
 * machine can record. `query` throws PayApiError / PayTransportError, because a failed query
 * changes nothing. Neither logs; nothing thrown holds the key, the sign or the body.
 */
export class RedPacketClient {
  private readonly agent: https.Agent;
  private readonly base: string;
  private readonly nonce: () => string;

  constructor(private readonly options: RedPacketClientOptions) {
    if (!options.mchId || !options.apiKey || !options.certPem || !options.keyPem) {
      throw new Error('RedPacketClient: mchId, apiKey, certPem and keyPem are required');
    }
    this.agent = new https.Agent({
      cert: options.certPem,
      key: options.keyPem,
      ...(options.serverCaPem ? { ca: options.serverCaPem } : {}),
      keepAlive: true,
    });
    this.base = (options.base ?? wechatPayApiBase()).replace(/\/+$/, '');
    this.nonce = options.nonce ?? v2Nonce;
  }

  async send(request: SendRedPacketRequest): Promise<SendRedPacketResult> {
    assertBillno(request.mchBillno);
    if (!Number.isInteger(request.totalAmount) || request.totalAmount <= 0) {
      throw new Error('RedPacketClient.send: totalAmount must be a positive integer of fen');
    }
    const fields = {
      nonce_str: this.nonce(),
      mch_billno: request.mchBillno,
      mch_id: this.options.mchId,
      wxappid: request.wxappid,
      send_name: request.sendName,
      re_openid: request.reOpenid,
      total_amount: request.totalAmount,
      total_num: 1,
      wishing: request.wishing,
      act_name: request.actName,
      remark: request.remark,
      notify_way: 'MINI_PROGRAM_JSAPI',
      scene_id: request.sceneId,
    };
    let reply: V2Xml;
    try {
      reply = await this.post(SEND_API, fields);
    } catch (error) {
      if (error instanceof PayTransportError) return { outcome: transportOutcome('TRANSPORT') };
      if (error instanceof PayProtocolError || error instanceof PaySignatureError) {
        return { outcome: transportOutcome('MALFORMED_REPLY') };
      }
      throw error;
    }
    return readSendReply(reply);
  }

  /**
   * Where the envelope under `mchBillno` stands. `{ found: false }` only for WeChat's NOT_FOUND;
   * right after an unknown send that may be lag, so the caller retries the send, not a new billno.
   */
  async query(
    mchBillno: string,
    appid: string,
    /** The merchant the envelope was sent from (the payout's own); defaults to ours. */
    mchId = this.options.mchId,
  ): Promise<RedPacketQueryResult> {
    assertBillno(mchBillno);
    const reply = await this.post(QUERY_API, {
      nonce_str: this.nonce(),
      mch_billno: mchBillno,
      mch_id: mchId,
      appid,
      bill_type: 'MCHT',
    });
    return readQueryReply(reply, mchBillno);
  }

  /** Closes kept-alive connections (tests, or a function instance shutting down). */
  close(): void {
    this.agent.destroy();
  }

  private async post(
    api: string,
    fields: Record<string, string | number | undefined>,
  ): Promise<V2Xml> {
    const sign = signV2(fields, this.options.apiKey, 'MD5');
    const response = await payHttpRequest({
      api,
      url: `${this.base}${api}`,
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body: buildXml({ ...fields, sign }),
      agent: this.agent,
      timeoutMs: this.options.timeoutMs,
    });
    if (response.status !== 200) {
      // A gateway or WeChat in trouble: the request may or may not have been processed.
      throw new PayTransportError(api, `HTTP ${response.status}`, true);
    }
    const reply = parseXml(api, response.body);
    // These replies carry no top-level sign (§3.1; the package holds its own), so TLS to WeChat's
    // server is the trust anchor. A sign that is present must be right, though.
    const sign2 = reply.sign;
    if (typeof sign2 === 'string' && sign2 !== '') {
      const flat = Object.fromEntries(
        Object.entries(reply).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      );
      if (!verifyV2(flat, this.options.apiKey)) throw new PaySignatureError(api, 'BAD_V2_SIGN');
    }
    return reply;
  }
}

/** A parsed sendminiprogramhb reply → its outcome and what WeChat says it issued. */
export function readSendReply(reply: V2Xml): SendRedPacketResult {
  const outcome = classifySendReply({
    return_code: textField(reply, 'return_code'),
    return_msg: textField(reply, 'return_msg'),
    result_code: textField(reply, 'result_code'),
    err_code: textField(reply, 'err_code'),
    err_code_des: textField(reply, 'err_code_des'),
    package: textField(reply, 'package'),
  });
  const mchId = textField(reply, 'mch_id');
  const reOpenid = textField(reply, 're_openid');
  const totalAmount = optionalInteger(textField(reply, 'total_amount'));
  return {
    outcome,
    sendListId: textField(reply, 'send_listid'),
    package: outcome.kind === 'sent' ? textField(reply, 'package') : undefined,
    errCodeDes: textField(reply, 'err_code_des') ?? textField(reply, 'return_msg'),
    ...(mchId ? { mchId } : {}),
    ...(reOpenid ? { reOpenid } : {}),
    ...(totalAmount !== undefined ? { totalAmount } : {}),
  };
}

/**
 * A parsed gethbinfo reply. Found when return_code and result_code are SUCCESS and err_code is
 * absent or says success (WeChat's example has none; production replies carry SUCCESS / OK).
 * `{ found: false }` only for NOT_FOUND; any other error throws PayApiError (a query has no side
 * effect, so the caller may simply ask again later).
 */
export function readQueryReply(reply: V2Xml, mchBillno: string): RedPacketQueryResult {
  const rawCode = textField(reply, 'err_code')?.trim().toUpperCase();
  const errCode = rawCode && !SUCCESS_CODES.has(rawCode) ? rawCode : undefined;
  const ok =
    textField(reply, 'return_code') === 'SUCCESS' && textField(reply, 'result_code') === 'SUCCESS';
  if (!ok || errCode) {
    const code = errCode ?? 'RETURN_FAIL';
    if (code === 'NOT_FOUND') return { found: false };
    const message = textField(reply, 'err_code_des') ?? textField(reply, 'return_msg') ?? '';
    throw new PayApiError(QUERY_API, code, message, true);
  }
  const status = textField(reply, 'status');
  if (!status || !isRedPacketStatus(status)) {
    throw new PayProtocolError(QUERY_API, `unknown status ${JSON.stringify(status ?? null)}`);
  }
  const mchId = textField(reply, 'mch_id');
  const appid = textField(reply, 'appid');
  return {
    found: true,
    mchBillno: textField(reply, 'mch_billno') ?? mchBillno,
    ...(mchId ? { mchId } : {}),
    ...(appid ? { appid } : {}),
    detailId: textField(reply, 'detail_id'),
    status,
    totalAmount: optionalInteger(textField(reply, 'total_amount')),
    reason: textField(reply, 'reason'),
    sendTime: textField(reply, 'send_time'),
    refundTime: textField(reply, 'refund_time'),
    refundAmount: optionalInteger(textField(reply, 'refund_amount')),
    receivers: receiversOf(reply),
  };
}

function assertBillno(mchBillno: string): void {
  if (!MCH_BILLNO.test(mchBillno)) {
    throw new Error('RedPacketClient: mch_billno must be 1–28 characters of 0-9a-zA-Z');
  }
}

function optionalInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  return Number(text);
}

function receiversOf(reply: V2Xml): RedPacketReceiver[] {
  const list = reply.hblist as { hbinfo?: unknown } | undefined;
  const items = Array.isArray(list?.hbinfo) ? (list.hbinfo as unknown[]) : [];
  return items.flatMap((item) => {
    if (typeof item !== 'object' || item === null) return [];
    const info = item as V2Xml;
    const openid = textField(info, 'openid');
    const amount = optionalInteger(textField(info, 'amount'));
    if (!openid || amount === undefined) return [];
    return [{ openid, amount, rcvTime: textField(info, 'rcv_time') }];
  });
}
