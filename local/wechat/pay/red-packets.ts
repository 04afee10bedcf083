/**
 * v2 Mini Program red envelopes (WeChat Pay's 小程序红包 pages): sendminiprogramhb and gethbinfo over
 * XML with MD5 signs, one envelope per mch_billno, and the envelope's life on the simulator's
 * clock: SENDING → SENT at send, RECEIVED when the consumer opens it, RFUND_ING 24 h after SENT if
 * unopened, then REFUND.
 */
import { randomBytes } from 'node:crypto';
import { signV2, verifyV2 } from '../../../cloudfunctions/core/wechat/pay/v2/sign';
import { buildXml } from '../../../cloudfunctions/core/wechat/pay/v2/xml';
import type { PaySettings } from './credentials';
import type { Envelope, PayStore } from './store';

export type V2Reply = Record<string, string | number | undefined>;

const HOUR = 3600_000;
/** Unopened envelopes go back to the merchant after 24 h (§3.3). */
export const ENVELOPE_LIFETIME_MS = 24 * HOUR;
/** How long RFUND_ING lasts before REFUND. */
export const REFUND_LAG_MS = 10 * 60_000;
/** How long an envelope answered PROCESSING stays SENDING. */
export const PROCESSING_MS = 5_000;

/** When `settle` next moves an open envelope: SENDING's send, SENT's expiry, RFUND_ING's refund. */
export function envelopeDueAt(envelope: Envelope): number | null {
  if (envelope.status === 'SENDING') return envelope.sent_at;
  if (envelope.status === 'SENT') return envelope.sent_at + ENVELOPE_LIFETIME_MS;
  if (envelope.status === 'RFUND_ING')
    return envelope.sent_at + ENVELOPE_LIFETIME_MS + REFUND_LAG_MS;
  return null;
}

const MCH_BILLNO = /^[0-9A-Za-z]{1,28}$/;
const SCENES = new Set(Array.from({ length: 8 }, (_, i) => `PRODUCT_${i + 1}`));

/** The fields a repeated send must repeat exactly (everything but the nonce and the sign). */
const SEND_FIELDS = [
  'mch_billno',
  'mch_id',
  'wxappid',
  'send_name',
  're_openid',
  'total_amount',
  'total_num',
  'wishing',
  'act_name',
  'remark',
  'notify_way',
  'scene_id',
] as const;

export class RedPacketError extends Error {
  constructor(
    readonly errCode: string,
    readonly errCodeDes: string,
    /** return_code FAIL (the request itself was refused) rather than result_code FAIL. */
    readonly returnFail = false,
  ) {
    super(`${errCode} ${errCodeDes}`);
  }
}

export function v2ErrorReply(error: RedPacketError): V2Reply {
  return {
    return_code: error.returnFail ? 'FAIL' : 'SUCCESS',
    return_msg: error.errCodeDes,
    result_code: 'FAIL',
    err_code: error.errCode,
    err_code_des: error.errCodeDes,
  };
}

/** Reads a flat v2 request and checks its mch_id and MD5 sign against the merchant's settings. */
export function authenticateV2(fields: Record<string, string>, pay: PaySettings): void {
  if (!fields.mch_id || fields.mch_id !== pay.mchId)
    throw new RedPacketError('PARAM_ERROR', '商户号mch_id与appid不匹配或不存在', true);
  if (!pay.apiKey || !verifyV2(fields, pay.apiKey, 'MD5'))
    throw new RedPacketError('SIGN_ERROR', '签名错误', true);
}

export class RedPackets {
  constructor(
    private readonly store: PayStore,
    private readonly now: () => number,
    private readonly settings: () => PaySettings & { mpAppid?: string },
  ) {}

  /** sendminiprogramhb; `processing` (an injected PROCESSING) issues it but answers PROCESSING. */
  send(fields: Record<string, string>, processing = false): V2Reply {
    const pay = this.settings();
    authenticateV2(fields, pay);
    const params = Object.fromEntries(
      SEND_FIELDS.filter((name) => fields[name]).map((name) => [name, fields[name]]),
    );
    return this.store.atomically(() => {
      const existing = this.store.envelope(fields.mch_billno ?? '');
      if (existing) {
        if (JSON.stringify(existing.params) !== JSON.stringify(params))
          throw new RedPacketError('FATAL_ERROR', '该商户订单号已使用，且与原订单参数不一致');
        existing.sends += 1;
        this.store.saveEnvelope(existing);
        return this.sendReply(existing, pay);
      }
      this.validate(fields, pay);
      const now = this.now();
      const seq = this.store.next('envelopes');
      const sendListid = `1000041701${shanghai(now, 'compact').slice(0, 8)}3${String(seq).padStart(13, '0')}`;
      const envelope: Envelope = {
        mch_billno: fields.mch_billno,
        params,
        send_listid: sendListid,
        detail_id: sendListid,
        package: '',
        status: processing ? 'SENDING' : 'SENT',
        total_amount: Number(fields.total_amount),
        re_openid: fields.re_openid,
        created_at: now,
        sent_at: processing ? now + PROCESSING_MS : now,
        sends: 1,
      };
      const packageFields = {
        sendid: randomBytes(16).toString('hex'),
        ver: '8',
        mchid: pay.mchId,
        appid: fields.wxappid,
      };
      envelope.package = `sendid=${packageFields.sendid}&ver=8&sign=${signV2(packageFields, pay.apiKey)}&mchid=${pay.mchId}&appid=${fields.wxappid}`;
      this.store.saveEnvelope(envelope);
      return this.sendReply(envelope, pay);
    });
  }

  /** gethbinfo. */
  query(fields: Record<string, string>): { reply: V2Reply; receivers: V2Reply[] } {
    const pay = this.settings();
    authenticateV2(fields, pay);
    if (fields.bill_type !== 'MCHT') throw new RedPacketError('PARAM_ERROR', 'bill_type必须为MCHT');
    if (!MCH_BILLNO.test(fields.mch_billno ?? ''))
      throw new RedPacketError('PARAM_ERROR', 'mch_billno格式错误');
    const envelope = this.store.envelope(fields.mch_billno);
    if (!envelope || (fields.appid && envelope.params.wxappid !== fields.appid))
      throw new RedPacketError('NOT_FOUND', '指定单号数据不存在');
    // The documented 成功示例 (of the gethbinfo page): 获取成功, no err_code, the appid queried.
    const reply: V2Reply = {
      return_code: 'SUCCESS',
      return_msg: '获取成功',
      result_code: 'SUCCESS',
      mch_id: pay.mchId,
      appid: envelope.params.wxappid,
      detail_id: envelope.detail_id,
      mch_billno: envelope.mch_billno,
      status: envelope.status,
      send_type: 'API',
      hb_type: 'NORMAL',
      total_num: 1,
      total_amount: envelope.total_amount,
      send_time: shanghai(envelope.sent_at, 'text'),
      refund_time:
        envelope.refund_at && envelope.status === 'REFUND'
          ? shanghai(envelope.refund_at, 'text')
          : undefined,
      refund_amount: envelope.status === 'REFUND' ? envelope.total_amount : undefined,
      wishing: envelope.params.wishing,
      remark: envelope.params.remark,
      act_name: envelope.params.act_name,
    };
    const receivers =
      envelope.status === 'RECEIVED'
        ? [
            {
              openid: envelope.re_openid,
              status: 'RECEIVED',
              amount: envelope.total_amount,
              rcv_time: shanghai(envelope.received_at ?? envelope.sent_at, 'text'),
            },
          ]
        : [];
    return { reply, receivers };
  }

  /** The consumer opens the envelope in WeChat (by billno or by the package the client got). */
  open(ref: { billno?: unknown; package?: unknown }): Envelope | string {
    return this.store.atomically(() => {
      const envelope =
        typeof ref.billno === 'string'
          ? this.store.envelope(ref.billno)
          : typeof ref.package === 'string'
            ? this.store.envelopeByPackage(decodePackage(ref.package))
            : undefined;
      if (!envelope) return 'no envelope with that billno or package';
      if (envelope.status === 'RECEIVED') return envelope;
      if (envelope.status !== 'SENT')
        return `the envelope is ${envelope.status}, it cannot be opened`;
      envelope.status = 'RECEIVED';
      envelope.received_at = this.now();
      this.store.saveEnvelope(envelope);
      return envelope;
    });
  }

  /** Moves envelopes along the clock: SENDING → SENT, unopened SENT → RFUND_ING → REFUND. */
  settle(now: number): void {
    for (const envelope of this.store.dueEnvelopes(now)) {
      let changed = false;
      if (envelope.status === 'SENDING' && now >= envelope.sent_at) {
        envelope.status = 'SENT';
        changed = true;
      }
      const expiry = envelope.sent_at + ENVELOPE_LIFETIME_MS;
      if ((envelope.status === 'SENT' || envelope.status === 'RFUND_ING') && now >= expiry) {
        const refunded = now >= expiry + REFUND_LAG_MS;
        const status = refunded ? 'REFUND' : 'RFUND_ING';
        if (envelope.status !== status) {
          envelope.status = status;
          if (refunded) envelope.refund_at = expiry + REFUND_LAG_MS;
          changed = true;
        }
      }
      if (changed) this.store.saveEnvelope(envelope);
    }
  }

  private sendReply(envelope: Envelope, pay: PaySettings): V2Reply {
    // Answered, not thrown: a throw would roll back the envelope this request just issued.
    if (envelope.status === 'SENDING')
      return v2ErrorReply(
        new RedPacketError('PROCESSING', '请求已受理，请稍后使用原单号查询发放结果'),
      );
    // Exactly the documented 返回示例 (of the sendminiprogramhb page): err_code SUCCESS / 发放成功
    // included.
    return {
      return_code: 'SUCCESS',
      return_msg: '发放成功',
      result_code: 'SUCCESS',
      err_code: 'SUCCESS',
      err_code_des: '发放成功',
      mch_billno: envelope.mch_billno,
      mch_id: pay.mchId,
      wxappid: envelope.params.wxappid,
      re_openid: envelope.re_openid,
      total_amount: envelope.total_amount,
      send_listid: envelope.send_listid,
      package: envelope.package,
    };
  }

  private validate(fields: Record<string, string>, pay: PaySettings & { mpAppid?: string }): void {
    const param = (detail: string) => new RedPacketError('PARAM_ERROR', detail);
    if (!MCH_BILLNO.test(fields.mch_billno ?? '')) throw param('mch_billno为1-28位数字或字母');
    if (!fields.nonce_str || fields.nonce_str.length > 32) throw param('nonce_str为1-32位');
    if (!fields.wxappid || (pay.mpAppid && fields.wxappid !== pay.mpAppid))
      throw new RedPacketError('ILLEGAL_APPID', 'wxappid与商户号未绑定');
    if (!fields.re_openid || fields.re_openid.length > 32)
      throw new RedPacketError('OPENID_ERROR', 're_openid无效');
    for (const [name, max] of [
      ['send_name', 32],
      ['wishing', 128],
      ['act_name', 32],
      ['remark', 256],
    ] as const) {
      const value = fields[name];
      if (!value || [...value].length > max) throw param(`${name}必填，且不超过${max}个字符`);
    }
    if (fields.total_num !== '1') throw param('total_num必须为1');
    if (fields.notify_way !== 'MINI_PROGRAM_JSAPI')
      throw param('notify_way必须为MINI_PROGRAM_JSAPI');
    if (!/^\d{1,9}$/.test(fields.total_amount ?? '')) throw param('total_amount必须为整数（分）');
    if (fields.scene_id !== undefined && !SCENES.has(fields.scene_id)) throw param('scene_id无效');
    const amount = Number(fields.total_amount);
    // 1–200 yuan by default; outside that only with a scene_id, within the cash-envelope bounds.
    const [min, max] = fields.scene_id ? [30, 499_900] : [100, 20_000];
    if (amount < min || amount > max)
      throw new RedPacketError(
        'MONEY_LIMIT',
        `金额须在${min}-${max}分之间${fields.scene_id ? '' : '（超出需传scene_id）'}`,
      );
  }
}

/** A v2 reply (or gethbinfo's, with its receivers as hblist.hbinfo). */
export function v2Xml(reply: V2Reply, receivers: V2Reply[] = []): string {
  const xml = buildXml(reply);
  if (receivers.length === 0) return xml;
  const list = receivers.map((receiver) =>
    buildXml(receiver)
      .replace(/^<xml>/, '<hbinfo>')
      .replace(/<\/xml>$/, '</hbinfo>'),
  );
  return xml.replace(/<\/xml>$/, `<hblist>${list.join('')}</hblist></xml>`);
}

/** The client passes the package URL-encoded; the envelope holds it as WeChat returned it. */
function decodePackage(pkg: string): string {
  try {
    return pkg.includes('%') ? decodeURIComponent(pkg) : pkg;
  } catch {
    return pkg;
  }
}

/** WeChat Pay's times are Beijing time: `yyyy-MM-dd HH:mm:ss`, or compact `yyyyMMddHHmmss`. */
export function shanghai(ms: number, form: 'text' | 'compact' | 'rfc3339'): string {
  const iso = new Date(ms + 8 * HOUR).toISOString();
  // As the v3 examples write it: 2015-05-20T13:29:35.120+08:00 (milliseconds included).
  if (form === 'rfc3339') return `${iso.slice(0, 23)}+08:00`;
  const text = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  return form === 'text' ? text : text.replace(/[- :]/g, '');
}
