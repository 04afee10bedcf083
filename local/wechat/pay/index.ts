/**
 * The WeChat Pay simulator of the local stack, served under `/wechatpay` (WECHATPAY_API_BASE):
 * v2 Mini Program red envelopes and v3 商家转账 transfer bills with their signatures, idempotency
 * keys, life cycles on the WeChat simulator's clock, callbacks and injected faults. Module map:
 * - server.ts: the HTTP routes (WeChat Pay's paths and the `/_sim/` control endpoints)
 * - red-packets.ts: sendminiprogramhb, gethbinfo, envelopes; transfers.ts: transfer bills
 * - callbacks.ts: signed, encrypted MCHTRANSFER.BILL.FINISHED deliveries with retries
 * - credentials.ts: the generated local merchant; faults.ts; store.ts: SQLite state
 */
import type { LocalWechatPayCredentials } from './credentials';
import { paySettingsOf, type PaySettings } from './credentials';
import { CallbackSender } from './callbacks';
import { PAY_APIS, PayFaultInjector, type PayApi } from './faults';
import { envelopeDueAt, RedPackets } from './red-packets';
import { PayStore } from './store';
import { billDueAt, TransferBills } from './transfers';

export interface WechatPaySimulatorOptions {
  /** SQLite file; its directory must exist. */
  file: string;
  /** The stack's effective settings (WXPAY_*, MP_APPID), read on every call. */
  settings: () => Readonly<Record<string, string | undefined>>;
  /** The local credentials: the simulator signs with their WeChat Pay private key. */
  credentials: LocalWechatPayCredentials;
  /** The clock shared with the WeChat simulator (`/wechat/_sim/clock`). */
  now: () => number;
  log?: (line: string) => void;
}

/** How often the clock-driven transitions (refunds, overdue closes, cancels) are applied. */
const SETTLE_INTERVAL_MS = 500;

export class WechatPaySimulator {
  readonly redPackets: RedPackets;
  readonly transfers: TransferBills;
  readonly faults = new PayFaultInjector();
  readonly log: (line: string) => void;
  private readonly store: PayStore;
  private readonly callbacks: CallbackSender;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: WechatPaySimulatorOptions) {
    this.store = new PayStore(options.file, { envelope: envelopeDueAt, bill: billDueAt });
    this.log = options.log ?? (() => {});
    const settings = () => this.paySettings();
    this.callbacks = new CallbackSender(
      this.store,
      options.now,
      settings,
      () => options.credentials.wechatpayPrivateKeyPem,
      this.log,
    );
    this.redPackets = new RedPackets(this.store, options.now, settings);
    this.transfers = new TransferBills(this.store, options.now, settings, (bill) =>
      this.callbacks.finished(bill),
    );
    this.timer = setInterval(() => this.settle(), SETTLE_INTERVAL_MS);
    this.timer.unref();
  }

  now(): number {
    return this.options.now();
  }

  paySettings(): PaySettings & { mpAppid?: string } {
    const settings = this.options.settings();
    return { ...paySettingsOf(settings), mpAppid: settings.MP_APPID };
  }

  signingKeyPem(): string {
    return this.options.credentials.wechatpayPrivateKeyPem;
  }

  /** Applies every transition the clock has made due. */
  settle(): void {
    const now = this.now();
    this.redPackets.settle(now);
    this.transfers.settle(now);
  }

  countCall(api: PayApi): void {
    this.store.next(`requests:${api}`);
  }

  state(): Record<string, unknown> {
    this.settle();
    const counters = this.store.counters();
    const envelopes = this.store.envelopes();
    const bills = this.store.bills();
    return {
      now: this.now(),
      calls: Object.fromEntries(PAY_APIS.map((api) => [api, counters[`requests:${api}`] ?? 0])),
      envelopes: envelopes.map((envelope) => ({
        mch_billno: envelope.mch_billno,
        status: envelope.status,
        total_amount: envelope.total_amount,
        re_openid: envelope.re_openid,
        send_listid: envelope.send_listid,
        sends: envelope.sends,
        created_at: envelope.created_at,
      })),
      bills: bills.map((bill) => ({
        out_bill_no: bill.out_bill_no,
        transfer_bill_no: bill.transfer_bill_no,
        state: bill.state,
        fail_reason: bill.fail_reason,
        transfer_amount: bill.transfer_amount,
        openid: bill.openid,
        creates: bill.creates,
        created_at: bill.created_at,
      })),
      totals: {
        envelopes: envelopes.length,
        envelopeFen: sum(envelopes.filter((e) => e.status !== 'REFUND').map((e) => e.total_amount)),
        bills: bills.length,
        paidFen: sum(bills.filter((b) => b.state === 'SUCCESS').map((b) => b.transfer_amount)),
      },
      callbacks: this.store.callbacks().map(({ body: _body, ...callback }) => callback),
      faults: this.faults.pending(),
    };
  }

  close(): void {
    clearInterval(this.timer);
    this.callbacks.close();
    this.store.close();
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
