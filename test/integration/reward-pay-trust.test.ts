/**
 * What WeChat Pay says, read as it is said and checked against our books (issue 9: points 1a, 7,
 * 8 and 9's paynotify bits), end to end through the stack: the simulator answers as WeChat's
 * documented examples do, faults play the replies that once released budget for a billno that
 * may have paid, and callbacks that disagree with the payout are flagged, not applied.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encryptCallbackResource } from '../../cloudfunctions/core/wechat/pay/v3/aead';
import { signResponse } from '../../cloudfunctions/core/wechat/pay/v3/sign';
import {
  loadOrCreateCredentials,
  type LocalWechatPayCredentials,
} from '../../local/wechat/pay/credentials';
import { rewardKit, startRewardStack, V2_PAYOUT } from '../support/rewards';
import type { TestStack } from '../support/stack';

describe('reward: WeChat Pay replies as documented, and checked against our books', () => {
  let stack: TestStack;
  let kit: ReturnType<typeof rewardKit>;
  let keys: LocalWechatPayCredentials;

  beforeAll(async () => {
    stack = await startRewardStack();
    kit = rewardKit(stack);
    keys = loadOrCreateCredentials(stack.dataDir);
  });
  afterAll(() => stack?.destroy());
  afterEach(() => kit.endRunningCampaigns());

  const stored = async (outNo: string): Promise<any> =>
    (await kit.database().collection('payouts').where({ _id: outNo }).get()).data[0];
  const fault = (spec: Record<string, unknown>) => kit.paySim('faults', spec);
  const claim = async (openid: string, index: number) => {
    const scan = await kit.resolveScan(openid, index);
    const answer = await kit.reward('claim', scan.scanId, openid);
    expect(answer.ok, JSON.stringify(answer)).toBe(true);
    return {
      answer,
      outNo: (await kit.database().collection('payouts').where({ code: scan.code }).get()).data[0]
        .outNo as string,
    };
  };
  const runScheduler = async (): Promise<void> => {
    const outcome: any = await stack.runtime.invoke(
      'scheduler',
      { Type: 'Timer', TriggerName: 'every-minute' },
      { SOURCE: 'wx_trigger' },
    );
    expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
  };
  /** Makes the payout due now, as if half an hour had passed since it last moved. */
  const dueNow = async (outNo: string) => {
    const db = kit.database();
    const _ = db.command;
    await db
      .collection('payouts')
      .where({ _id: outNo })
      .update({ data: { dueAt: 0, stateSince: _.inc(-30 * 60_000), lastCheckedAt: _.remove() } });
  };

  const callback = (bill: Record<string, unknown>) => {
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: new Date().toISOString(),
      resource_type: 'encrypt-resource',
      event_type: 'MCHTRANSFER.BILL.FINISHED',
      summary: '商家转账单据终态通知',
      resource: encryptCallbackResource(JSON.stringify(bill), keys.apiV3Key),
    });
    const headers = signResponse({
      body,
      privateKeyPem: keys.wechatpayPrivateKeyPem,
      serial: keys.wechatpayPublicKeyId,
    });
    return { body, headers };
  };
  const post = async (message: { body: string; headers: Record<string, string> }) => {
    const response = await fetch(`${stack.url}/http/paynotify`, {
      method: 'POST',
      headers: { ...message.headers, 'content-type': 'application/json' },
      body: message.body,
    });
    await response.text();
    return response.status;
  };
  const flagged = async (campaignId: string) =>
    (await kit.admin.call('listPayouts', { campaignId, flagged: true })).payouts;

  it('point 1a: the documented v2 success reply hands the page its red envelope', async () => {
    await kit.startCampaign({ payout: V2_PAYOUT, budgetFen: 1_000 });
    const { answer } = await claim('o-trust-ann', 60);
    expect(answer.data.payout.state).toBe('sent');
    expect(answer.data.client).toMatchObject({
      provider: 'v2-redpacket',
      params: {
        package: expect.stringContaining('sendid%3D'),
        signType: 'MD5',
        paySign: expect.any(String),
      },
    });
  });

  it('point 7: "该订单已经过期，请更换商户单号" keeps the budget held and the billno queried', async () => {
    const campaign = await kit.startCampaign({ payout: V2_PAYOUT, budgetFen: 1_000 });
    await fault({
      api: 'sendminiprogramhb',
      err_code: 'PARAM_ERROR',
      err_code_des: '该订单已经过期,请更换商户单号',
    });
    const { outNo } = await claim('o-trust-ben', 61);
    const payout = await stored(outNo);
    expect(payout.state).toBe('unknown');
    expect(payout.everUnknown).toBe(true);
    expect(await kit.books(campaign.campaignId)).toMatchObject({
      remainingFen: 900,
      reservedFen: 100,
    });
  });

  it('point 7: a v3 error reply without a valid signature releases nothing', async () => {
    const campaign = await kit.startCampaign({ budgetFen: 1_000 });
    await fault({ api: 'transfer-create', err_code: 'PARAM_ERROR', unsigned: true });
    const { outNo } = await claim('o-trust-cat', 62);
    expect((await stored(outNo)).state).toBe('unknown');
    expect(await kit.books(campaign.campaignId)).toMatchObject({ reservedFen: 100 });
  });

  it('point 7: after an unknown outcome, a failure is confirmed by query before release', async () => {
    const campaign = await kit.startCampaign({ payout: V2_PAYOUT, budgetFen: 1_000 });
    // WeChat takes the envelope but answers PROCESSING: unknown.
    await fault({ api: 'sendminiprogramhb', err_code: 'PROCESSING' });
    const { outNo } = await claim('o-trust-dan', 63);
    expect((await stored(outNo)).state).toBe('unknown');
    // A lagging query says "not found": the same billno goes again and is refused outright.
    await fault({ api: 'gethbinfo', err_code: 'NOT_FOUND' });
    await dueNow(outNo);
    await runScheduler();
    expect((await stored(outNo)).state).toBe('reserved');
    await fault({ api: 'sendminiprogramhb', err_code: 'SEND_FAILED' });
    await dueNow(outNo);
    await runScheduler();
    // The first request did issue the envelope: the failure is not believed, nothing released.
    expect((await stored(outNo)).state).toBe('failed');
    expect(await kit.books(campaign.campaignId)).toMatchObject({ reservedFen: 100 });
    await kit.paySim('clock', { advanceMs: 10_000 });
    await runScheduler();
    const after = await stored(outNo);
    expect(after.state).toBe('sent');
    expect(await kit.books(campaign.campaignId)).toMatchObject({
      remainingFen: 900,
      reservedFen: 100,
    });
  });

  it('point 8: a callback naming another amount is flagged, never applied', async () => {
    const campaign = await kit.startCampaign({ budgetFen: 1_000 });
    const { outNo } = await claim('o-trust-eve', 64);
    const status = await post(
      callback({
        out_bill_no: outNo,
        transfer_bill_no: '1330000071100999991182020050700019480001',
        state: 'SUCCESS',
        mchid: keys.mchId,
        transfer_amount: 9_900,
        openid: 'o-trust-eve',
      }),
    );
    expect(status).toBe(204);
    const payout = await stored(outNo);
    expect(payout.state).toBe('waiting_user');
    expect(payout.flagReason).toMatch(/^MISMATCH callback: amount 9900≠100/);
    expect(await kit.books(campaign.campaignId)).toMatchObject({ paidFen: 0, reservedFen: 100 });
    expect((await flagged(campaign.campaignId)).map((p) => p.outNo)).toContain(outNo);
  });

  it('point 8: money paid after release is the campaign’s overspend, an anomaly and a flag', async () => {
    const campaign = await kit.startCampaign({ budgetFen: 1_000 });
    const { outNo } = await claim('o-trust-fay', 65);
    const bill = { out_bill_no: outNo, mchid: keys.mchId, transfer_amount: 100 };
    expect(await post(callback({ ...bill, state: 'FAIL', fail_reason: 'OVERDUE_CLOSE' }))).toBe(
      204,
    );
    expect((await stored(outNo)).state).toBe('budget_released');
    expect(await post(callback({ ...bill, state: 'SUCCESS' }))).toBe(204);
    // Redelivered: counted once.
    expect(await post(callback({ ...bill, state: 'SUCCESS' }))).toBe(204);

    const payout = await stored(outNo);
    expect(payout.flagReason).toBe('PAID_AFTER_RELEASE');
    expect(await kit.books(campaign.campaignId)).toMatchObject({
      remainingFen: 1_000,
      overspentFen: 100,
    });
    const anomalies = (await kit.database().collection('payoutAnomalies').where({ outNo }).get())
      .data;
    expect(anomalies).toEqual([
      expect.objectContaining({ kind: 'PAID_AFTER_RELEASE', amountFen: 100, source: 'callback' }),
    ]);
    const listed = await flagged(campaign.campaignId);
    expect(listed.find((p) => p.outNo === outNo)).toMatchObject({
      state: 'budget_released',
      flagReason: 'PAID_AFTER_RELEASE',
    });
  });

  it('point 9: paynotify refuses a Mini Program caller and stores nothing', async () => {
    await kit.startCampaign({ budgetFen: 1_000 });
    const { outNo } = await claim('o-trust-gus', 66);
    const message = callback({
      out_bill_no: outNo,
      state: 'SUCCESS',
      mchid: keys.mchId,
      transfer_amount: 100,
    });
    const answer = await stack.call(
      'paynotify',
      { httpMethod: 'POST', headers: message.headers, body: message.body },
      { openid: 'o-trust-gus' },
    );
    expect(answer.body).toMatchObject({ statusCode: 403 });
    expect(
      (await kit.database().collection('payNotifications').where({ outBillNo: outNo }).get()).data,
    ).toEqual([]);
    expect((await stored(outNo)).state).toBe('waiting_user');
  });
});
