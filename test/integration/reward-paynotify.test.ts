/**
 * The `paynotify` HTTP function: WeChat Pay's 商家转账 callback through the stack's HTTP access
 * service (`/http/paynotify`, the notify_url the reward function sends). The simulator delivers
 * real signed and encrypted callbacks; the refusals are made here with the local merchant's keys
 * (`<data>/wechatpay-local.json`) and with keys WeChat Pay never had.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptCallbackResource } from '../../cloudfunctions/core/wechat/pay/v3/aead';
import { signResponse } from '../../cloudfunctions/core/wechat/pay/v3/sign';
import {
  loadOrCreateCredentials,
  type LocalWechatPayCredentials,
} from '../../local/wechat/pay/credentials';
import { rewardKit, startRewardStack } from '../support/rewards';
import type { TestStack } from '../support/stack';

describe('paynotify: WeChat Pay transfer callbacks', () => {
  let stack: TestStack;
  let kit: ReturnType<typeof rewardKit>;
  let keys: LocalWechatPayCredentials;
  let campaignId: string;

  beforeAll(async () => {
    stack = await startRewardStack();
    kit = rewardKit(stack);
    keys = loadOrCreateCredentials(stack.dataDir);
    campaignId = (await kit.startCampaign({ budgetFen: 1_000 })).campaignId;
  });
  afterAll(() => stack?.destroy());

  const notifications = async (outBillNo: string): Promise<any[]> =>
    (await kit.database().collection('payNotifications').where({ outBillNo }).get()).data;
  const payout = async (outNo: string): Promise<any> =>
    (await kit.database().collection('payouts').where({ _id: outNo }).get()).data[0];
  const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    for (let i = 0; i < 200; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('condition not reached in 20 s');
  };

  /** A claimed, waiting transfer. */
  const claimed = async (openid: string, index: number): Promise<string> => {
    const scan = await kit.resolveScan(openid, index);
    const claim = await kit.reward('claim', scan.scanId, openid);
    expect(claim.ok, JSON.stringify(claim)).toBe(true);
    expect(claim.data.payout.state).toBe('waiting_user');
    const { data } = await kit.database().collection('payouts').where({ code: scan.code }).get();
    return data[0].outNo as string;
  };

  /** A callback as WeChat Pay would send it, signed with `signer` (default: WeChat Pay's key). */
  const callback = (
    bill: Record<string, unknown>,
    options: { signer?: string; timestamp?: number; id?: string } = {},
  ) => {
    const body = JSON.stringify({
      id: options.id ?? randomUUID(),
      create_time: new Date().toISOString(),
      resource_type: 'encrypt-resource',
      event_type: 'MCHTRANSFER.BILL.FINISHED',
      summary: '商家转账单据终态通知',
      resource: encryptCallbackResource(JSON.stringify(bill), keys.apiV3Key),
    });
    const headers = signResponse({
      body,
      privateKeyPem: options.signer ?? keys.wechatpayPrivateKeyPem,
      serial: keys.wechatpayPublicKeyId,
      ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    });
    return { body, headers };
  };
  const post = async (message: { body: string; headers: Record<string, string> }) => {
    const response = await fetch(`${stack.url}/http/paynotify`, {
      method: 'POST',
      headers: { ...message.headers, 'content-type': 'application/json' },
      body: message.body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  it('a confirmed transfer is received through the callback alone, and the books move once', async () => {
    const outNo = await claimed('o-notify-alice', 40);
    await kit.paySim('confirm-transfer', { out_bill_no: outNo });

    const settled = await until(
      () => payout(outNo),
      (value) => value.state === 'received',
    );
    // The callback moved it, not a query: WeChat Pay answered no query for it.
    expect((await kit.payState()).calls['transfer-query']).toBe(0);
    expect(settled.ledger.at(-1)).toMatchObject({ from: 'waiting_user', to: 'received' });
    expect(settled).not.toHaveProperty('dueAt');
    const [stored] = await until(
      () => notifications(outNo),
      (list) => list.length === 1 && list[0].appliedAt !== undefined,
    );
    expect(stored).toMatchObject({
      eventType: 'MCHTRANSFER.BILL.FINISHED',
      state: 'SUCCESS',
      transferAmount: 100,
      deliveries: 1,
    });
    expect(stored).not.toHaveProperty('openid');

    // WeChat delivers it again: acknowledged, counted, nothing moves twice.
    const again = callback(
      {
        out_bill_no: outNo,
        transfer_bill_no: settled.providerRef ?? 'x',
        state: 'SUCCESS',
        mchid: keys.mchId,
        transfer_amount: 100,
      },
      { id: stored._id },
    );
    expect((await post(again)).status).toBe(204);
    expect((await notifications(outNo))[0].deliveries).toBe(2);
    expect((await payout(outNo)).ledger).toHaveLength(settled.ledger.length);
    expect(await kit.books(campaignId)).toMatchObject({ paidFen: 100, reservedFen: 0 });
  });

  it('an overdue close gives the budget back', async () => {
    const outNo = await claimed('o-notify-bob', 41);
    const answer = await post(
      callback({
        out_bill_no: outNo,
        state: 'FAIL',
        fail_reason: 'OVERDUE_CLOSE',
        mchid: keys.mchId,
        transfer_amount: 100,
      }),
    );
    expect(answer.status).toBe(204);
    const after = await payout(outNo);
    expect(after.state).toBe('budget_released');
    expect(after.ledger.map((entry: any) => entry.to)).toEqual([
      'sending',
      'waiting_user',
      'failed',
      'budget_released',
    ]);
    expect(after.ledger[2].detail).toContain('OVERDUE_CLOSE');
    const books = await kit.books(campaignId);
    expect(books.remainingFen + books.reservedFen + books.paidFen).toBe(1_000);
    expect(books.reservedFen).toBe(0);
  });

  it('refuses what WeChat Pay did not sign, stale or tampered callbacks, and other merchants', async () => {
    const outNo = await claimed('o-notify-carol', 42);
    const success = {
      out_bill_no: outNo,
      state: 'SUCCESS',
      mchid: keys.mchId,
      transfer_amount: 100,
    };
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;

    const forged = await post(callback(success, { signer: forger }));
    expect(forged).toEqual({ status: 401, body: { code: 'FAIL', message: '签名验证失败' } });

    const stale = await post(callback(success, { timestamp: Math.floor(Date.now() / 1000) - 600 }));
    expect(stale.status).toBe(401);

    // The body changed after signing: the signature no longer covers it.
    const genuine = callback(success);
    const tampered = await post({
      ...genuine,
      body: genuine.body.replace('MCHTRANSFER', 'MCHTRANSFEX'),
    });
    expect(tampered.status).toBe(401);

    // Signed, but the ciphertext is not ours to read (another APIv3 key).
    const unreadable = JSON.parse(callback(success).body);
    unreadable.resource = encryptCallbackResource(JSON.stringify(success), 'x'.repeat(32));
    const unreadableBody = JSON.stringify(unreadable);
    const undecryptable = await post({
      body: unreadableBody,
      headers: signResponse({
        body: unreadableBody,
        privateKeyPem: keys.wechatpayPrivateKeyPem,
        serial: keys.wechatpayPublicKeyId,
      }),
    });
    expect(undecryptable).toEqual({ status: 400, body: { code: 'FAIL', message: '解密失败' } });

    const otherMerchant = await post(callback({ ...success, mchid: '1999999999' }));
    expect(otherMerchant.status).toBe(400);

    const get = await fetch(`${stack.url}/http/paynotify`);
    expect(get.status).toBe(405);

    // None of it was stored or moved the payout.
    expect(await notifications(outNo)).toEqual([]);
    expect((await payout(outNo)).state).toBe('waiting_user');
  });
});
