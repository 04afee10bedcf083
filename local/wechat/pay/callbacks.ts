/**
 * MCHTRANSFER.BILL.FINISHED callbacks (WeChat Pay's 回调通知 page): the resource encrypted once with
 * the APIv3 key (AEAD_AES_256_GCM), each attempt signed afresh with the simulator's WeChat Pay key
 * on the wall clock (the receiver checks freshness against its own clock, not the simulator's).
 * A non-2xx answer or a network error is retried on a short schedule; pending callbacks resume
 * after a restart.
 */
import { randomUUID } from 'node:crypto';
import { encryptCallbackResource } from '../../../cloudfunctions/core/wechat/pay/v3/aead';
import { signResponse } from '../../../cloudfunctions/core/wechat/pay/v3/sign';
import type { PaySettings } from './credentials';
import { shanghai } from './red-packets';
import type { Bill, Callback, PayStore } from './store';
import { callbackResource } from './transfers';

/** Waits before the 2nd, 3rd, … attempt: five attempts in about 15 s. */
export const CALLBACK_RETRY_MS = [1_000, 2_000, 4_000, 8_000] as const;
const ATTEMPT_TIMEOUT_MS = 5_000;

export class CallbackSender {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly store: PayStore,
    private readonly now: () => number,
    private readonly settings: () => PaySettings,
    private readonly signingKeyPem: () => string,
    private readonly log: (line: string) => void,
  ) {
    for (const callback of store.callbacks(true))
      if (callback.attempts <= CALLBACK_RETRY_MS.length) this.schedule(callback, 0);
  }

  /** Queues the callback of a bill that reached a final state (when it named a notify_url). */
  finished(bill: Bill): void {
    if (!bill.notify_url) return;
    const pay = this.settings();
    const resource = encryptCallbackResource(
      JSON.stringify(callbackResource(bill, pay.mchId)),
      pay.apiV3Key,
    );
    const id = randomUUID();
    const callback: Callback = {
      id,
      out_bill_no: bill.out_bill_no,
      state: bill.state,
      notify_url: bill.notify_url,
      body: JSON.stringify({
        id,
        create_time: shanghai(this.now(), 'rfc3339'),
        resource_type: 'encrypt-resource',
        event_type: 'MCHTRANSFER.BILL.FINISHED',
        summary: '商家转账单据终态通知',
        resource,
      }),
      attempts: 0,
      delivered: false,
    };
    this.store.saveCallback(callback);
    this.schedule(callback, 0);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(callback: Callback, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(callback);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(callback: Callback): Promise<void> {
    const pay = this.settings();
    const headers = signResponse({
      body: callback.body,
      privateKeyPem: this.signingKeyPem(),
      serial: pay.publicKeyId,
    });
    callback.attempts += 1;
    try {
      const response = await fetch(callback.notify_url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'request-id': randomUUID() },
        body: callback.body,
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      callback.delivered = response.status >= 200 && response.status < 300;
      callback.last_result = `HTTP ${response.status}`;
    } catch (error) {
      callback.last_result = error instanceof Error ? error.message : String(error);
    }
    if (this.closed) return;
    this.store.saveCallback(callback);
    this.log(
      `[wechatpay] callback ${callback.out_bill_no} ${callback.state} → ${callback.last_result}`,
    );
    const wait = CALLBACK_RETRY_MS[callback.attempts - 1];
    if (!callback.delivered && wait !== undefined) this.schedule(callback, wait);
  }
}
