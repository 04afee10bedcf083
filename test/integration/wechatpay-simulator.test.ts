/**
 * The WeChat Pay simulator at `<stack>/wechatpay`, driven by the core clients (RedPacketClient,
 * TransferClient) with the stack's generated merchant: signatures, idempotency, life cycles on the
 * simulator's clock, the signed and encrypted callback, and injected faults.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedPacketClient } from '../../cloudfunctions/core/wechat/pay/v2/red-packet';
import { signV2 } from '../../cloudfunctions/core/wechat/pay/v2/sign';
import { buildXml, parseXml } from '../../cloudfunctions/core/wechat/pay/v2/xml';
import { decryptCallbackResource } from '../../cloudfunctions/core/wechat/pay/v3/aead';
import { verifyResponseSignature } from '../../cloudfunctions/core/wechat/pay/v3/sign';
import {
  TransferClient,
  cashMarketingReportInfos,
  type CreateTransferBillInput,
} from '../../cloudfunctions/core/wechat/pay/v3/transfer';
import { paySettingsOf, readLocalWechatPayCredentials } from '../../local/wechat/pay/credentials';
import { startTestStack, type TestStack } from '../support/stack';

const HOUR = 3600_000;
const APPID = 'wx-local-miniprogram';

let stack: TestStack;
let base: string;

beforeAll(async () => {
  stack = await startTestStack({ fixtures: true });
  base = `${stack.url}/wechatpay`;
});
afterAll(async () => {
  await stack?.destroy();
});

function pay() {
  return paySettingsOf(stack.settings);
}

function redPacketClient(options: { apiKey?: string; timeoutMs?: number } = {}): RedPacketClient {
  const settings = pay();
  return new RedPacketClient({
    mchId: settings.mchId,
    apiKey: options.apiKey ?? settings.apiKey,
    certPem: settings.certPem,
    keyPem: settings.keyPem,
    base,
    timeoutMs: options.timeoutMs,
  });
}

function transferClient(options: { privateKeyPem?: string; timeoutMs?: number } = {}) {
  const settings = pay();
  return new TransferClient({
    mchId: settings.mchId,
    serialNo: settings.certSerial,
    privateKeyPem: options.privateKeyPem ?? settings.privateKeyPem,
    wechatpayKeys: [{ serial: settings.publicKeyId, publicKeyPem: settings.publicKeyPem }],
    base,
    timeoutMs: options.timeoutMs,
  });
}

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${base}/_sim/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { http: response.status, ...((await response.json()) as object) };
}

let serial = 0;
function billno(prefix: string): string {
  serial += 1;
  return `${prefix}${Date.now()}${serial}`.slice(0, 28);
}

function envelope(mchBillno: string, totalAmount = 188) {
  return {
    mchBillno,
    wxappid: APPID,
    reOpenid: 'o-user-1',
    totalAmount,
    sendName: '码上',
    wishing: '扫码有礼',
    actName: '春季扫码',
    remark: '感谢参与',
  };
}

function transfer(outBillNo: string, extra: Partial<CreateTransferBillInput> = {}) {
  return {
    appid: APPID,
    outBillNo,
    openid: 'o-user-2',
    transferAmount: 88,
    transferRemark: '扫码奖励',
    reportInfos: cashMarketingReportInfos('扫码有礼', '扫码领取现金奖励'),
    userRecvPerception: '现金奖励',
    ...extra,
  };
}

describe('local merchant', () => {
  it('is generated into the data folder and given to the functions as settings', () => {
    const credentials = readLocalWechatPayCredentials(stack.dataDir);
    expect(stack.settings.WXPAY_MCH_ID).toBe(credentials.mchId);
    expect(stack.settings.WXPAY_API_KEY).toHaveLength(32);
    expect(stack.settings.WXPAY_APIV3_KEY).toHaveLength(32);
    expect(stack.settings.WXPAY_PUBLIC_KEY_ID).toMatch(/^PUB_KEY_ID_/);
    expect(stack.settings.WXPAY_CERT_PEM).toContain('BEGIN CERTIFICATE');
    expect(stack.settings.WECHATPAY_API_BASE).toBe(base);
  });
});

describe('v2 red envelopes', () => {
  it('sends with a valid sign, answers the package, and is idempotent by billno', async () => {
    const client = redPacketClient();
    const no = billno('A');
    const first = await client.send(envelope(no));
    expect(first.outcome.kind).toBe('sent');
    expect(first.package).toMatch(/^sendid=.+&ver=8&sign=[0-9A-F]{32}&mchid=/);
    const again = await client.send(envelope(no));
    expect(again.outcome.kind).toBe('sent');
    expect(again.package).toBe(first.package);
    expect(again.sendListId).toBe(first.sendListId);

    const changed = await client.send(envelope(no, 200));
    expect(changed.outcome.code).toBe('FATAL_ERROR');

    const query = await client.query(no, APPID);
    expect(query).toMatchObject({ found: true, status: 'SENT', totalAmount: 188 });
    const state = await control('GET', 'state');
    expect(state.envelopes.filter((e: any) => e.mch_billno === no)).toEqual([
      expect.objectContaining({ sends: 2, status: 'SENT' }),
    ]);
    client.close();
  });

  it('refuses a wrong sign and validates the amount', async () => {
    const bad = redPacketClient({ apiKey: 'x'.repeat(32) });
    expect((await bad.send(envelope(billno('B')))).outcome.code).toBe('SIGN_ERROR');
    bad.close();
    const client = redPacketClient();
    expect((await client.send(envelope(billno('B'), 50))).outcome.code).toBe('MONEY_LIMIT');
    expect(await client.query(billno('B'), APPID)).toEqual({ found: false });
    client.close();
  });

  it('goes SENT → RECEIVED when opened, and unopened to REFUND after 24 h', async () => {
    const client = redPacketClient();
    const opened = billno('C');
    const sent = await client.send(envelope(opened));
    const open = await control('POST', 'open-redpacket', {
      package: encodeURIComponent(sent.package!),
    });
    expect(open).toMatchObject({ http: 200, mch_billno: opened, status: 'RECEIVED' });
    const received = await client.query(opened, APPID);
    expect(received).toMatchObject({ status: 'RECEIVED' });
    expect(received.found && received.receivers).toEqual([
      expect.objectContaining({ openid: 'o-user-1', amount: 188 }),
    ]);

    const unopened = billno('D');
    await client.send(envelope(unopened));
    await control('POST', 'clock', { advanceMs: 24 * HOUR + 1000 });
    expect(await client.query(unopened, APPID)).toMatchObject({ status: 'RFUND_ING' });
    await control('POST', 'clock', { advanceMs: HOUR });
    expect(await client.query(unopened, APPID)).toMatchObject({
      status: 'REFUND',
      refundAmount: 188,
    });
    expect(await client.query(opened, APPID)).toMatchObject({ status: 'RECEIVED' });
    expect((await control('POST', 'open-redpacket', { billno: unopened })).http).toBe(409);
    client.close();
  });

  it('injects SYSTEMERROR, PROCESSING, 5xx and timeouts', async () => {
    const client = redPacketClient({ timeoutMs: 300 });
    const no = billno('E');
    await control('POST', 'faults', { api: 'sendminiprogramhb', err_code: 'SYSTEMERROR' });
    expect((await client.send(envelope(no))).outcome.kind).toBe('retry-same-billno');
    await control('POST', 'faults', { api: 'sendminiprogramhb', status: 502 });
    expect((await client.send(envelope(no))).outcome.code).toBe('TRANSPORT');
    // A timeout: the envelope is issued, the answer comes too late; the retry finds it.
    await control('POST', 'faults', { api: 'sendminiprogramhb', timeout: true, delayMs: 800 });
    expect((await client.send(envelope(no))).outcome.code).toBe('TRANSPORT');
    expect((await client.send(envelope(no))).outcome.kind).toBe('sent');

    const processing = billno('F');
    await control('POST', 'faults', { api: 'sendminiprogramhb', err_code: 'PROCESSING' });
    expect((await client.send(envelope(processing))).outcome.kind).toBe('reconcile');
    expect(await client.query(processing, APPID)).toMatchObject({ status: 'SENDING' });
    await control('POST', 'clock', { advanceMs: 10_000 });
    expect(await client.query(processing, APPID)).toMatchObject({ status: 'SENT' });
    expect((await control('GET', 'faults')).faults).toEqual([]);
    client.close();
  });

  it('answers XML_ERROR to a body that is not XML', async () => {
    const response = await fetch(`${base}/mmpaymkttransfers/sendminiprogramhb`, {
      method: 'POST',
      body: 'not xml',
    });
    const reply = parseXml('test', await response.text());
    expect(reply).toMatchObject({ return_code: 'FAIL', err_code: 'XML_ERROR' });
    // And a hand-signed request is the same as the client's.
    const fields = {
      nonce_str: 'n1',
      mch_billno: billno('G'),
      mch_id: pay().mchId,
      appid: APPID,
      bill_type: 'MCHT',
    };
    const query = await fetch(`${base}/mmpaymkttransfers/gethbinfo`, {
      method: 'POST',
      body: buildXml({ ...fields, sign: signV2(fields, pay().apiKey) }),
    });
    expect(parseXml('test', await query.text())).toMatchObject({ err_code: 'NOT_FOUND' });
  });
});

describe('v3 transfer bills', () => {
  let receiver: http.Server;
  let notifyUrl: string;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let failNext = 0;

  beforeAll(async () => {
    receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (failNext > 0) {
          failNext -= 1;
          response.writeHead(500).end('{"code":"FAIL"}');
          return;
        }
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/paynotify`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  /** The decrypted resource of the callback for a bill, once it arrived and verified. */
  async function callbackFor(outBillNo: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 100; i += 1) {
      for (const callback of received) {
        verifyResponseSignature({
          headers: callback.headers as Record<string, string>,
          body: callback.body,
          publicKeyPem: pay().publicKeyPem,
          expectedSerial: pay().publicKeyId,
        });
        const body = JSON.parse(callback.body);
        expect(body).toMatchObject({
          event_type: 'MCHTRANSFER.BILL.FINISHED',
          resource_type: 'encrypt-resource',
        });
        const resource = JSON.parse(decryptCallbackResource(body.resource, pay().apiV3Key));
        if (resource.out_bill_no === outBillNo) return resource;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no callback for ${outBillNo}`);
  }

  it('creates with a valid Authorization, verifies the signed reply, is idempotent', async () => {
    const client = transferClient();
    const no = billno('T');
    const bill = await client.createTransferBill(transfer(no, { notifyUrl }));
    expect(bill).toMatchObject({ outBillNo: no, state: 'WAIT_USER_CONFIRM' });
    expect(bill.packageInfo).toBeTruthy();
    const again = await client.createTransferBill(transfer(no, { notifyUrl }));
    expect(again.transferBillNo).toBe(bill.transferBillNo);
    expect(again.packageInfo).toBe(bill.packageInfo);
    await expect(
      client.createTransferBill(transfer(no, { notifyUrl, transferAmount: 99 })),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });

    const confirmed = await control('POST', 'confirm-transfer', { package_info: bill.packageInfo });
    expect(confirmed).toMatchObject({ http: 200, state: 'SUCCESS' });
    expect(await client.queryByOutBillNo(no)).toMatchObject({
      state: 'SUCCESS',
      transferAmount: 88,
    });
    expect(await callbackFor(no)).toMatchObject({ state: 'SUCCESS', transfer_amount: 88 });
    const state = await control('GET', 'state');
    expect(state.bills.filter((b: any) => b.out_bill_no === no)).toEqual([
      expect.objectContaining({ creates: 2, state: 'SUCCESS' }),
    ]);
  });

  it('refuses a request signed with another key (401 SIGN_ERROR)', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    await expect(
      transferClient({ privateKeyPem: other }).createTransferBill(transfer(billno('U'))),
    ).rejects.toMatchObject({ code: 'SIGN_ERROR', status: 401 });
  });

  it('checks scene 1000 and answers NOT_FOUND for an unknown bill', async () => {
    const client = transferClient();
    const response = await fetch(`${base}/v3/fund-app/mch-transfer/transfer-bills`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(401);
    await expect(client.queryByOutBillNo(billno('V'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      client.createTransferBill(transfer(billno('V'), { transferAmount: 5 })),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('closes an unconfirmed bill OVERDUE_CLOSE after 24 h and cancels on request', async () => {
    const client = transferClient();
    const overdue = billno('W');
    await client.createTransferBill(transfer(overdue, { notifyUrl }));
    const cancelled = billno('X');
    await client.createTransferBill(transfer(cancelled, { notifyUrl }));
    expect(await client.cancel(cancelled)).toMatchObject({ state: 'CANCELING' });
    await control('POST', 'clock', { advanceMs: 24 * HOUR + 1000 });
    expect(await client.queryByOutBillNo(overdue)).toMatchObject({
      state: 'FAIL',
      failReason: 'OVERDUE_CLOSE',
    });
    expect(await client.queryByOutBillNo(cancelled)).toMatchObject({ state: 'CANCELLED' });
    expect(await callbackFor(overdue)).toMatchObject({
      state: 'FAIL',
      fail_reason: 'OVERDUE_CLOSE',
    });
    expect(await callbackFor(cancelled)).toMatchObject({ state: 'CANCELLED' });
  });

  it('retries a failing callback', async () => {
    const client = transferClient();
    const no = billno('Y');
    const bill = await client.createTransferBill(transfer(no, { notifyUrl }));
    failNext = 1;
    await control('POST', 'confirm-transfer', { out_bill_no: no });
    expect(await callbackFor(no)).toMatchObject({ state: 'SUCCESS' });
    const state = await control('GET', 'state');
    expect(state.callbacks.find((c: any) => c.out_bill_no === no)).toMatchObject({
      attempts: 2,
      delivered: true,
    });
    expect(bill.state).toBe('WAIT_USER_CONFIRM');
  });

  it('injects NOT_ENOUGH, ACCEPTED and a timeout', async () => {
    const client = transferClient({ timeoutMs: 300 });
    const no = billno('Z');
    await control('POST', 'faults', { api: 'transfer-create', err_code: 'NOTENOUGH' });
    await expect(client.createTransferBill(transfer(no))).rejects.toMatchObject({
      code: 'NOT_ENOUGH',
      status: 403,
      verified: true,
    });
    await control('POST', 'faults', { api: 'transfer-create', err_code: 'ACCEPTED' });
    expect(await client.createTransferBill(transfer(no))).toMatchObject({ state: 'ACCEPTED' });
    await control('POST', 'clock', { advanceMs: 10_000 });
    const ready = await client.queryByOutBillNo(no);
    expect(ready).toMatchObject({ state: 'WAIT_USER_CONFIRM' });
    expect(ready.packageInfo).toBeTruthy();

    const late = billno('Z');
    await control('POST', 'faults', { api: 'transfer-create', timeout: true, delayMs: 800 });
    await expect(client.createTransferBill(transfer(late))).rejects.toMatchObject({
      name: 'PayTransportError',
    });
    expect(await client.queryByOutBillNo(late)).toMatchObject({ state: 'WAIT_USER_CONFIRM' });
  });
});
