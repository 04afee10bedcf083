/**
 * WeChat Pay's v3 callback (商家转账 MCHTRANSFER.BILL.FINISHED, its 回调通知 page), as the
 * `paynotify` HTTP function receives it. In order:
 *
 *   1. the Wechatpay-* signature over the raw body, with whichever of our WeChat Pay keys
 *      Wechatpay-Serial names (the public key or a platform certificate: a key switch drops
 *      nothing; stale or probe signatures refused) — nothing unsigned is parsed;
 *   2. the envelope's shape, then AEAD_AES_256_GCM decryption of `resource` with the APIv3 key;
 *   3. the bill must be our merchant's;
 *   4. the notification is stored (idempotent by WeChat's id) — only now may WeChat hear 2xx;
 *   5. the bill's amount, openid, merchant (and appid, if sent) are held against the payout: a
 *      difference is flagged for operators, never applied; a payment after the budget was
 *      released is booked as the campaign's overspend; otherwise the payout is moved by the
 *      bill's state (a conditional write: a redelivery, or a query that got there first,
 *      changes nothing).
 *
 * Any failure answers non-2xx with `{ code: 'FAIL', message }`, so WeChat delivers it again.
 */
import { z } from 'zod';
import { markApplied, storeNotification } from '../data/pay-notifications.js';
import { findPayout } from '../data/payouts.js';
import { transition } from '../domain/payout.js';
import { eventFromV3State, type ProviderBooking } from '../domain/payout-provider-events.js';
import { PayDecryptError, PaySignatureError } from '../wechat/pay/errors.js';
import { decryptCallbackResource } from '../wechat/pay/v3/aead.js';
import { keyForSerial } from '../wechat/pay/v3/keys.js';
import { verifyResponseSignature, type HeaderBag } from '../wechat/pay/v3/sign.js';
import { applyProviderWord } from './ledger.js';
import { notifySettings } from './providers.js';

export interface NotifyRequest {
  method: string;
  headers: HeaderBag;
  /** The body exactly as received. */
  body: string;
}

export interface NotifyReply {
  status: number;
  /** Absent for success (WeChat wants 200/204 with no body). */
  body?: { code: 'FAIL'; message: string };
}

const envelopeSchema = z.object({
  id: z.string().min(1).max(64),
  event_type: z.string().min(1),
  resource_type: z.string().optional(),
  resource: z.object({
    algorithm: z.string(),
    ciphertext: z.string().min(1),
    nonce: z.string().min(1),
    associated_data: z.string().optional(),
    original_type: z.string().optional(),
  }),
});

const billSchema = z.object({
  out_bill_no: z.string().regex(/^[0-9A-Za-z]{1,32}$/),
  transfer_bill_no: z.string().optional(),
  state: z.string().min(1),
  // The callback names it `mchid` (the query says `mch_id`): accept either.
  mchid: z.string().min(1).optional(),
  mch_id: z.string().min(1).optional(),
  transfer_amount: z.number().int().optional(),
  fail_reason: z.string().optional(),
  openid: z.string().min(1).optional(),
  appid: z.string().min(1).optional(),
});

const APPLY_ATTEMPTS = 3;

const fail = (status: number, message: string): NotifyReply => ({
  status,
  body: { code: 'FAIL', message },
});

/** A header by name, case-insensitively, from a node/fetch-style bag. */
function headerValue(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const bag = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(bag).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? (value[0] as string) : (value as string | undefined);
}

export async function handleTransferNotification(request: NotifyRequest): Promise<NotifyReply> {
  if (request.method.toUpperCase() !== 'POST') return fail(405, '仅接受 POST');
  const settings = notifySettings();
  if (!settings) {
    console.error('[paynotify] WeChat Pay v3 settings are not configured');
    return fail(500, '商户未配置');
  }

  try {
    // Any of our WeChat Pay keys, the one Wechatpay-Serial names: during a key switch WeChat
    // signs callbacks with either (WeChat Pay's 回调通知 page).
    const serial = headerValue(request.headers, 'Wechatpay-Serial');
    const key = keyForSerial(settings.wechatpayKeys, serial);
    if (!key) {
      throw new PaySignatureError('paynotify', serial ? 'UNKNOWN_SERIAL' : 'MISSING_HEADERS');
    }
    verifyResponseSignature({
      headers: request.headers,
      body: request.body,
      publicKeyPem: key.publicKeyPem,
      expectedSerial: serial ?? key.serial,
      api: 'paynotify',
    });
  } catch (error) {
    if (error instanceof PaySignatureError) {
      console.error(`[paynotify] signature rejected: ${error.reason}`);
      return fail(401, '签名验证失败');
    }
    throw error;
  }

  let envelope: z.infer<typeof envelopeSchema>;
  let bill: z.infer<typeof billSchema>;
  try {
    envelope = envelopeSchema.parse(JSON.parse(request.body));
    bill = billSchema.parse(
      JSON.parse(decryptCallbackResource(envelope.resource, settings.apiV3Key)),
    );
  } catch (error) {
    const reason = error instanceof PayDecryptError ? 'decrypt' : 'shape';
    console.error(`[paynotify] unreadable notification (${reason})`);
    return fail(400, reason === 'decrypt' ? '解密失败' : '通知格式错误');
  }
  if ((bill.mchid ?? bill.mch_id) !== settings.mchId) {
    console.error(`[paynotify] notification ${envelope.id} is for another merchant`);
    return fail(400, '商户号不符');
  }

  const now = Date.now();
  await storeNotification({
    _id: envelope.id,
    eventType: envelope.event_type,
    outBillNo: bill.out_bill_no,
    ...(bill.transfer_bill_no ? { transferBillNo: bill.transfer_bill_no } : {}),
    state: bill.state,
    ...(bill.fail_reason ? { failReason: bill.fail_reason } : {}),
    ...(bill.transfer_amount !== undefined ? { transferAmount: bill.transfer_amount } : {}),
    receivedAt: now,
  });

  let payout = await findPayout(bill.out_bill_no);
  if (!payout) {
    // Stored for operators; nothing of ours to move (a bill made outside this system).
    console.error(`[paynotify] no payout for bill ${bill.out_bill_no}`);
    return { status: 204 };
  }
  const event = eventFromV3State(bill.state, {
    ...(bill.fail_reason ? { failReason: bill.fail_reason } : {}),
    ...(bill.transfer_bill_no ? { transferBillNo: bill.transfer_bill_no } : {}),
  });
  // What the callback says was booked, held against the payout: a difference is flagged for
  // operators and never applied; paid after release is booked as overspend (ledger.ts).
  const booking: ProviderBooking = {
    ...(bill.transfer_amount !== undefined ? { amountFen: bill.transfer_amount } : {}),
    ...(bill.openid ? { openid: bill.openid } : {}),
    mchId: (bill.mchid ?? bill.mch_id) as string,
    // appid in the callback is UNVERIFIED (§4): checked when present.
    ...(bill.appid ? { appid: bill.appid } : {}),
  };
  // A query or another delivery may move the payout between our read and our write; the write
  // then changes nothing and we try again on what is stored, so the bill's word is not dropped.
  for (let attempt = 0; event && attempt < APPLY_ATTEMPTS; attempt++) {
    const result = transition(payout, event, Date.now());
    const paidAfterRelease = event.type === 'received' && payout.state === 'budget_released';
    if (!paidAfterRelease && (!result.ok || !result.entry)) break;
    const after = await applyProviderWord(payout, event, { source: 'callback', booking });
    if (after.flagReason !== undefined && after.flagReason !== payout.flagReason) break;
    if (after.stateSince !== payout.stateSince || after.state !== payout.state) break;
    payout = (await findPayout(bill.out_bill_no)) ?? payout;
  }
  await markApplied(envelope.id, Date.now());
  return { status: 204 };
}
