/**
 * v3 商家转账 transfer bills (WeChat Pay's 商家转账 pages): create (idempotent by out_bill_no),
 * query, cancel, and the bill's life on the simulator's clock: ACCEPTED → WAIT_USER_CONFIRM →
 * SUCCESS when the consumer confirms, FAIL/OVERDUE_CLOSE 24 h after creation, CANCELING →
 * CANCELLED. Every final state is reported to notify_url (callbacks.ts).
 */
import { randomBytes } from 'node:crypto';
import type { PaySettings } from './credentials';
import { shanghai } from './red-packets';
import type { Bill, PayStore } from './store';

/** A bill waits this long for the payee's confirmation before OVERDUE_CLOSE. */
export const CONFIRM_WINDOW_MS = 24 * 3600_000;
/** How long an ACCEPTED bill (an injected ACCEPTED/PROCESSING) takes to WAIT_USER_CONFIRM. */
export const ACCEPTED_MS = 5_000;
/** How long CANCELING lasts. */
export const CANCELING_MS = 1_000;

/** When `settle` next moves an open bill: the transitions it checks, in its order. */
export function billDueAt(bill: Bill): number | null {
  if (bill.state === 'ACCEPTED') return bill.ready_at;
  if (bill.state === 'WAIT_USER_CONFIRM') return bill.created_at + CONFIRM_WINDOW_MS;
  if (bill.state === 'CANCELING') return bill.cancelled_at ?? 0;
  return null;
}

const OUT_BILL_NO = /^[0-9A-Za-z]{1,32}$/;
const PERCEPTIONS = new Set(['现金奖励', '活动奖励']);

export class TransferError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class TransferBills {
  constructor(
    private readonly store: PayStore,
    private readonly now: () => number,
    private readonly settings: () => PaySettings & { mpAppid?: string },
    /** Called with each bill that reached SUCCESS, FAIL or CANCELLED. */
    private readonly finished: (bill: Bill) => void,
  ) {}

  create(raw: string, accepted = false): Record<string, unknown> {
    const body = parseObject(raw);
    const outBillNo = body.out_bill_no;
    if (typeof outBillNo !== 'string' || !OUT_BILL_NO.test(outBillNo))
      throw new TransferError(400, 'PARAM_ERROR', 'out_bill_no为1-32位数字或字母');
    const params = canonical(body);
    return this.store.atomically(() => {
      const existing = this.store.bill(outBillNo);
      if (existing) {
        if (existing.params !== params)
          throw new TransferError(
            400,
            'INVALID_REQUEST',
            '商户单号已存在但信息不一致，请核实后再试',
          );
        existing.creates += 1;
        this.store.saveBill(existing);
        return createReply(existing);
      }
      this.validate(body);
      const now = this.now();
      const seq = this.store.next('bills');
      const bill: Bill = {
        out_bill_no: outBillNo,
        params,
        transfer_bill_no: `1330000071100${shanghai(now, 'compact').slice(0, 8)}${String(seq).padStart(19, '0')}`,
        appid: body.appid as string,
        openid: body.openid as string,
        transfer_amount: body.transfer_amount as number,
        transfer_remark: body.transfer_remark as string,
        notify_url: typeof body.notify_url === 'string' ? body.notify_url : undefined,
        state: accepted ? 'ACCEPTED' : 'WAIT_USER_CONFIRM',
        package_info: accepted ? undefined : packageInfo(),
        created_at: now,
        updated_at: now,
        ready_at: accepted ? now + ACCEPTED_MS : now,
        creates: 1,
      };
      this.store.saveBill(bill);
      return createReply(bill);
    });
  }

  query(outBillNo: string): Record<string, unknown> {
    const bill = this.find(outBillNo);
    return {
      mch_id: this.settings().mchId,
      out_bill_no: bill.out_bill_no,
      transfer_bill_no: bill.transfer_bill_no,
      appid: bill.appid,
      state: bill.state,
      transfer_amount: bill.transfer_amount,
      transfer_remark: bill.transfer_remark,
      ...(bill.fail_reason ? { fail_reason: bill.fail_reason } : {}),
      openid: bill.openid,
      create_time: shanghai(bill.created_at, 'rfc3339'),
      update_time: shanghai(bill.updated_at, 'rfc3339'),
      ...(bill.state === 'WAIT_USER_CONFIRM' ? { package_info: bill.package_info } : {}),
    };
  }

  cancel(outBillNo: string): Record<string, unknown> {
    return this.store.atomically(() => {
      const bill = this.find(outBillNo);
      if (bill.state === 'ACCEPTED' || bill.state === 'WAIT_USER_CONFIRM') {
        const now = this.now();
        bill.state = 'CANCELING';
        bill.updated_at = now;
        bill.cancelled_at = now + CANCELING_MS;
        bill.package_info = undefined;
        this.store.saveBill(bill);
      } else if (bill.state !== 'CANCELING' && bill.state !== 'CANCELLED') {
        throw new TransferError(400, 'INVALID_REQUEST', `转账单状态为${bill.state}，不可撤销`);
      }
      return {
        out_bill_no: bill.out_bill_no,
        transfer_bill_no: bill.transfer_bill_no,
        state: bill.state,
        update_time: shanghai(bill.updated_at, 'rfc3339'),
      };
    });
  }

  /** The payee taps 确认收款 (by out_bill_no or by the package_info the client got). */
  confirm(ref: { out_bill_no?: unknown; package_info?: unknown }): Bill | string {
    let changed = false;
    const bill = this.store.atomically(() => {
      const found =
        typeof ref.out_bill_no === 'string'
          ? this.store.bill(ref.out_bill_no)
          : typeof ref.package_info === 'string'
            ? this.store.billByPackage(ref.package_info)
            : undefined;
      if (!found) return 'no bill with that out_bill_no or package_info';
      if (found.state === 'SUCCESS') return found;
      if (found.state !== 'WAIT_USER_CONFIRM')
        return `the bill is ${found.state}, it cannot be confirmed`;
      this.finish(found, 'SUCCESS');
      changed = true;
      return found;
    });
    if (changed && typeof bill !== 'string') this.finished(bill);
    return bill;
  }

  /** Moves bills along the clock; returns nothing, reports final states through `finished`. */
  settle(now: number): void {
    const done: Bill[] = [];
    this.store.atomically(() => {
      for (const bill of this.store.dueBills(now)) {
        if (bill.state === 'ACCEPTED' && now >= bill.ready_at) {
          bill.state = 'WAIT_USER_CONFIRM';
          bill.package_info = packageInfo();
          bill.updated_at = bill.ready_at;
          this.store.saveBill(bill);
        }
        if (bill.state === 'WAIT_USER_CONFIRM' && now >= bill.created_at + CONFIRM_WINDOW_MS) {
          this.finish(bill, 'FAIL', 'OVERDUE_CLOSE');
          done.push(bill);
        } else if (bill.state === 'CANCELING' && now >= (bill.cancelled_at ?? 0)) {
          this.finish(bill, 'CANCELLED');
          done.push(bill);
        }
      }
    });
    for (const bill of done) this.finished(bill);
  }

  private finish(bill: Bill, state: Bill['state'], failReason?: string): void {
    bill.state = state;
    bill.fail_reason = failReason;
    bill.package_info = undefined;
    bill.updated_at = this.now();
    this.store.saveBill(bill);
  }

  private find(outBillNo: string): Bill {
    const bill = OUT_BILL_NO.test(outBillNo) ? this.store.bill(outBillNo) : undefined;
    if (!bill) throw new TransferError(404, 'NOT_FOUND', '记录不存在');
    return bill;
  }

  private validate(body: Record<string, unknown>): void {
    const param = (message: string) => new TransferError(400, 'PARAM_ERROR', message);
    const pay = this.settings();
    if (typeof body.appid !== 'string' || !body.appid) throw param('appid必填');
    if (pay.mpAppid && body.appid !== pay.mpAppid)
      throw new TransferError(400, 'INVALID_REQUEST', 'appid与商户号不匹配');
    if (typeof body.openid !== 'string' || !body.openid || body.openid.length > 64)
      throw param('openid无效');
    if (body.transfer_scene_id !== '1000')
      throw new TransferError(403, 'NO_AUTH', '转账场景未开通，请在商户平台申请');
    const amount = body.transfer_amount;
    if (typeof amount !== 'number' || !Number.isInteger(amount))
      throw param('transfer_amount必须为整数（分）');
    if (amount < 10 || amount > 20_000)
      throw new TransferError(400, 'INVALID_REQUEST', '超过单笔转账上下限,核实产品设置是否准确');
    const remark = body.transfer_remark;
    if (typeof remark !== 'string' || [...remark].length < 1 || [...remark].length > 32)
      throw param('transfer_remark为1-32个字符');
    if (body.notify_url !== undefined) {
      const notifyUrl = typeof body.notify_url === 'string' ? body.notify_url : '';
      const url = safeUrl(notifyUrl);
      // Locally http:// is allowed: the stack has no TLS.
      if (!url || !/^https?:$/.test(url.protocol) || url.search || notifyUrl.length > 256)
        throw param('notify_url须为不带参数的http(s)地址');
    }
    if (
      body.user_recv_perception !== undefined &&
      !PERCEPTIONS.has(body.user_recv_perception as string)
    )
      throw new TransferError(400, 'INVALID_REQUEST', '暂不支持展示当前传入的用户收款感知');
    const infos = body.transfer_scene_report_infos;
    const types = Array.isArray(infos)
      ? infos.map((info) => (info as { info_type?: unknown })?.info_type).sort()
      : [];
    const contentsOk =
      Array.isArray(infos) &&
      infos.every((info) => {
        const content = (info as { info_content?: unknown })?.info_content;
        return typeof content === 'string' && [...content].length >= 1 && [...content].length <= 32;
      });
    if (types.length !== 2 || types[0] !== '奖励说明' || types[1] !== '活动名称' || !contentsOk)
      throw param('未传入完整且对应的转账场景报备信息，请检查');
    if (body.user_recv_style !== undefined) {
      const type = (body.user_recv_style as { type?: unknown } | null)?.type;
      if (type !== 'CONFIRM_PAGE' && type !== 'RED_PACKET') throw param('user_recv_style无效');
    }
  }
}

function createReply(bill: Bill): Record<string, unknown> {
  return {
    out_bill_no: bill.out_bill_no,
    transfer_bill_no: bill.transfer_bill_no,
    create_time: shanghai(bill.created_at, 'rfc3339'),
    state: bill.state,
    ...(bill.fail_reason ? { fail_reason: bill.fail_reason } : {}),
    ...(bill.state === 'WAIT_USER_CONFIRM' ? { package_info: bill.package_info } : {}),
  };
}

/** The decrypted resource of a MCHTRANSFER.BILL.FINISHED callback. */
export function callbackResource(bill: Bill, mchId: string): Record<string, unknown> {
  return {
    out_bill_no: bill.out_bill_no,
    transfer_bill_no: bill.transfer_bill_no,
    state: bill.state,
    // The callback spells it `mchid` (the query `mch_id`), as WeChat Pay's 回调通知 page has it.
    mchid: mchId,
    transfer_amount: bill.transfer_amount,
    openid: bill.openid,
    ...(bill.fail_reason ? { fail_reason: bill.fail_reason } : {}),
    create_time: shanghai(bill.created_at, 'rfc3339'),
    update_time: shanghai(bill.updated_at, 'rfc3339'),
  };
}

function packageInfo(): string {
  return `ABBQO+oYAAABAAAAAAA${randomBytes(24).toString('base64')}`;
}

function parseObject(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new TransferError(400, 'PARAM_ERROR', '请求体不是JSON对象');
}

/** Same fields, same values, any key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
