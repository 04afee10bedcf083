/**
 * The two payout clients against tiny local fakes: an HTTPS server that insists on the merchant
 * client certificate (v2 red envelopes) and an HTTP server that checks Authorization and signs
 * its replies (v3 transfer-bills). Each fake counts requests and keeps what it received.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PayApiError, PaySignatureError } from '../../cloudfunctions/core/wechat/pay/errors';
import { RedPacketClient } from '../../cloudfunctions/core/wechat/pay/v2/red-packet';
import { signV2, verifyV2 } from '../../cloudfunctions/core/wechat/pay/v2/sign';
import { buildXml, parseXml } from '../../cloudfunctions/core/wechat/pay/v2/xml';
import { signResponse, verifyAuthorization } from '../../cloudfunctions/core/wechat/pay/v3/sign';
import {
  cashMarketingReportInfos,
  TransferClient,
} from '../../cloudfunctions/core/wechat/pay/v3/transfer';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Reply = { status?: number; body: string; headers?: Record<string, string>; delayMs?: number };

/** Starts a server answering each request with the next queued reply (or the default). */
async function fake<S extends http.Server>(server: S, protocol: 'http' | 'https') {
  const received: Received[] = [];
  const queue: Array<(request: Received) => Reply> = [];
  let fallback: (request: Received) => Reply = () => ({ status: 500, body: 'no reply queued' });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const reply = (queue.shift() ?? fallback)(request);
      const send = () => {
        res.writeHead(reply.status ?? 200, reply.headers);
        res.end(reply.body);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `${protocol}://127.0.0.1:${port}`,
    received,
    reply: (next: (request: Received) => Reply) => queue.push(next),
    setDefault: (next: (request: Received) => Reply) => {
      fallback = next;
    },
    reset: () => {
      received.length = 0;
      queue.length = 0;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A self-signed certificate for 127.0.0.1: the fake's server cert, the client cert, and a "platform certificate". */
function selfSigned(dir: string): { certPem: string; keyPem: string } {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') };
}

const API_KEY = '192006250b4c09247ec02edce69f6a2d';
const dir = mkdtempSync(path.join(tmpdir(), 'pay-clients-'));
const tls = selfSigned(dir);
const otherTls = selfSigned(mkdtempSync(path.join(tmpdir(), 'pay-clients-other-')));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('RedPacketClient (mutual TLS fake)', () => {
  let server: Awaited<ReturnType<typeof fake>>;
  let client: RedPacketClient;
  const xmlReply = (fields: Record<string, string>) => () => ({
    body: buildXml(fields),
    headers: { 'content-type': 'text/xml' },
  });

  beforeAll(async () => {
    server = await fake(
      https.createServer({
        key: tls.keyPem,
        cert: tls.certPem,
        ca: tls.certPem,
        requestCert: true,
        rejectUnauthorized: true,
      }),
      'https',
    );
    client = new RedPacketClient({
      mchId: '10000100',
      apiKey: API_KEY,
      certPem: tls.certPem,
      keyPem: tls.keyPem,
      serverCaPem: tls.certPem,
      base: server.base,
      timeoutMs: 2_000,
    });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });
  beforeEach(() => server.reset());

  const request = {
    mchBillno: '10000100202601010000000001',
    wxappid: 'wxd27ebc41b85ce36d',
    reOpenid: 'oMP_user',
    totalAmount: 100,
    sendName: '码上',
    wishing: '恭喜发财',
    actName: '扫码有礼',
    remark: '扫码领红包',
  };

  it('sends a signed XML request with the client certificate and returns the package', async () => {
    server.reply(
      xmlReply({
        return_code: 'SUCCESS',
        result_code: 'SUCCESS',
        mch_billno: request.mchBillno,
        send_listid: '1000041701201601013000000001',
        package: 'sendid=abc&ver=8&sign=def&mchid=10000100&appid=wxd27ebc41b85ce36d',
      }),
    );
    const result = await client.send(request);
    expect(result.outcome.kind).toBe('sent');
    expect(result.package).toContain('sendid=abc');
    expect(result.sendListId).toBe('1000041701201601013000000001');
    expect(server.received).toHaveLength(1);
    const [sent] = server.received;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/mmpaymkttransfers/sendminiprogramhb');
    expect(sent.headers['content-type']).toContain('text/xml');
    const fields = parseXml('/t', sent.body) as Record<string, string>;
    expect(fields).toMatchObject({
      mch_billno: request.mchBillno,
      mch_id: '10000100',
      wxappid: request.wxappid,
      re_openid: 'oMP_user',
      total_amount: '100',
      total_num: '1',
      notify_way: 'MINI_PROGRAM_JSAPI',
      wishing: '恭喜发财',
    });
    expect(fields.scene_id).toBeUndefined();
    expect(fields.nonce_str).toMatch(/^[0-9a-f]{32}$/);
    expect(verifyV2(fields, API_KEY)).toBe(true);
  });

  it('maps error replies to outcomes, and repeats keep the same billno', async () => {
    server.reply(
      xmlReply({
        return_code: 'SUCCESS',
        result_code: 'FAIL',
        err_code: 'SYSTEMERROR',
        err_code_des: '系统繁忙',
      }),
    );
    server.reply(
      xmlReply({
        return_code: 'FAIL',
        return_msg: '帐号余额不足',
        result_code: 'FAIL',
        err_code: 'NOTENOUGH',
      }),
    );
    server.reply(xmlReply({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'PROCESSING' }));
    const first = await client.send(request);
    const second = await client.send(request);
    const third = await client.send(request);
    expect([first.outcome.kind, second.outcome.kind, third.outcome.kind]).toEqual([
      'retry-same-billno',
      'not-sent',
      'reconcile',
    ]);
    expect(second.outcome).toMatchObject({ code: 'NOTENOUGH', operatorAction: true });
    expect(second.errCodeDes).toBe('帐号余额不足');
    expect(second.package).toBeUndefined();
    const billnos = server.received.map(
      (r) => (parseXml('/t', r.body) as Record<string, string>).mch_billno,
    );
    expect(billnos).toEqual([request.mchBillno, request.mchBillno, request.mchBillno]);
  });

  it('treats HTTP errors and timeouts as "retry the same billno", garbage and bad signs as "reconcile"', async () => {
    server.reply(() => ({ status: 502, body: '<html>bad gateway</html>' }));
    expect((await client.send(request)).outcome).toMatchObject({
      kind: 'retry-same-billno',
      code: 'TRANSPORT',
    });
    server.reply(() => ({ body: 'not xml' }));
    expect((await client.send(request)).outcome).toMatchObject({
      kind: 'reconcile',
      code: 'MALFORMED_REPLY',
    });
    server.reply(
      xmlReply({ return_code: 'SUCCESS', result_code: 'SUCCESS', package: 'x=1', sign: 'ABCDEF' }),
    );
    expect((await client.send(request)).outcome.kind).toBe('reconcile');
    const slow = new RedPacketClient({
      mchId: '10000100',
      apiKey: API_KEY,
      certPem: tls.certPem,
      keyPem: tls.keyPem,
      serverCaPem: tls.certPem,
      base: server.base,
      timeoutMs: 100,
    });
    server.reply(() => ({ body: buildXml({ return_code: 'SUCCESS' }), delayMs: 500 }));
    expect((await slow.send(request)).outcome).toMatchObject({
      kind: 'retry-same-billno',
      code: 'TRANSPORT',
    });
    slow.close();
  });

  it('is refused by the server without the merchant certificate', async () => {
    const stranger = new RedPacketClient({
      mchId: '10000100',
      apiKey: API_KEY,
      certPem: otherTls.certPem,
      keyPem: otherTls.keyPem,
      serverCaPem: tls.certPem,
      base: server.base,
      timeoutMs: 2_000,
    });
    const result = await stranger.send(request);
    expect(result.outcome).toMatchObject({ kind: 'retry-same-billno', code: 'TRANSPORT' });
    expect(server.received).toHaveLength(0);
    stranger.close();
  });

  it('rejects bad input before any request', async () => {
    await expect(client.send({ ...request, mchBillno: 'bad-billno!' })).rejects.toThrow(
      /mch_billno/,
    );
    await expect(client.send({ ...request, totalAmount: 1.5 })).rejects.toThrow(/totalAmount/);
    expect(server.received).toHaveLength(0);
  });

  it('queries gethbinfo: status and receivers, NOT_FOUND, other errors', async () => {
    server.reply(() => ({
      body:
        '<xml><return_code><![CDATA[SUCCESS]]></return_code><result_code><![CDATA[SUCCESS]]></result_code>' +
        `<mch_billno><![CDATA[${request.mchBillno}]]></mch_billno><detail_id><![CDATA[1000041701201601013000000001]]></detail_id>` +
        '<status><![CDATA[RECEIVED]]></status><total_amount>100</total_amount><send_time><![CDATA[2026-01-01 10:00:00]]></send_time>' +
        '<hblist><hbinfo><openid><![CDATA[oMP_user]]></openid><amount>100</amount><rcv_time><![CDATA[2026-01-01 10:01:00]]></rcv_time></hbinfo></hblist></xml>',
    }));
    server.reply(
      xmlReply({
        return_code: 'SUCCESS',
        result_code: 'FAIL',
        err_code: 'NOT_FOUND',
        err_code_des: '指定单号数据不存在',
      }),
    );
    server.reply(
      xmlReply({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'SYSTEMERROR' }),
    );
    expect(await client.query(request.mchBillno, request.wxappid)).toEqual({
      found: true,
      mchBillno: request.mchBillno,
      detailId: '1000041701201601013000000001',
      status: 'RECEIVED',
      totalAmount: 100,
      reason: undefined,
      sendTime: '2026-01-01 10:00:00',
      refundTime: undefined,
      refundAmount: undefined,
      receivers: [{ openid: 'oMP_user', amount: 100, rcvTime: '2026-01-01 10:01:00' }],
    });
    expect(await client.query(request.mchBillno, request.wxappid)).toEqual({ found: false });
    const error = await client.query(request.mchBillno, request.wxappid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayApiError);
    expect(error).toMatchObject({ code: 'SYSTEMERROR', retryable: true });
    const fields = parseXml('/t', server.received[0].body) as Record<string, string>;
    expect(server.received[0].url).toBe('/mmpaymkttransfers/gethbinfo');
    expect(fields).toMatchObject({
      bill_type: 'MCHT',
      appid: request.wxappid,
      mch_billno: request.mchBillno,
    });
    expect(fields.sign).toBe(signV2(fields, API_KEY));
    // Nothing secret in what was thrown.
    expect(String((error as Error).message)).not.toContain(API_KEY);
  });
});

describe('TransferClient (signed HTTP fake)', () => {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const merchantPrivate = merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const merchantPublic = merchant.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const wechatpay = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const wechatpayPrivate = wechatpay.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const wechatpayPublic = wechatpay.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const PUB_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000';
  const PLATFORM_SERIAL = '7132D72A03E93CDDF8C03BBD1F37EEDF';
  let server: Awaited<ReturnType<typeof fake>>;
  let client: TransferClient;

  /** A reply signed like WeChat Pay's; `sign: false` leaves the headers off. */
  const signed =
    (
      payload: unknown,
      options: {
        status?: number;
        key?: string;
        serial?: string;
        sign?: boolean;
        timestamp?: number;
      } = {},
    ) =>
    (): Reply => {
      const body = JSON.stringify(payload);
      const headers =
        options.sign === false
          ? {}
          : signResponse({
              body,
              privateKeyPem: options.key ?? wechatpayPrivate,
              serial: options.serial ?? PUB_KEY_ID,
              timestamp: options.timestamp,
            });
      return {
        status: options.status ?? 200,
        body,
        headers: { 'content-type': 'application/json', ...headers },
      };
    };

  beforeAll(async () => {
    server = await fake(http.createServer(), 'http');
    client = new TransferClient({
      mchId: '1900000001',
      serialNo: '5157F09EFDC096DE15EBE81A47057A72',
      privateKeyPem: merchantPrivate,
      wechatpayKeys: [
        { serial: PLATFORM_SERIAL, publicKeyPem: tls.certPem },
        { serial: PUB_KEY_ID, publicKeyPem: wechatpayPublic },
      ],
      base: server.base,
      timeoutMs: 2_000,
    });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const createInput = {
    appid: 'wxd27ebc41b85ce36d',
    outBillNo: 'R20260101000001',
    openid: 'oMP_user',
    transferAmount: 30,
    transferRemark: '扫码有礼现金奖励',
    reportInfos: cashMarketingReportInfos('扫码有礼', '扫码领取现金奖励'),
    userRecvPerception: '现金奖励',
    notifyUrl: 'https://example.com/paynotify',
  };

  const authorizedBy = (request: Received) =>
    verifyAuthorization({
      header: request.headers.authorization,
      method: request.method,
      urlPathWithQuery: request.url,
      body: request.body,
      publicKeyPem: merchantPublic,
    });

  it('creates a bill with a verifiable Authorization and scene-1000 fields, and returns package_info', async () => {
    server.reply(
      signed({
        out_bill_no: createInput.outBillNo,
        transfer_bill_no: '1330000071100999991182020050700019480001',
        create_time: '2026-01-01T10:00:00+08:00',
        state: 'WAIT_USER_CONFIRM',
        package_info: 'affffddafdfafddffda==',
      }),
    );
    const bill = await client.createTransferBill(createInput);
    expect(bill).toEqual({
      outBillNo: createInput.outBillNo,
      transferBillNo: '1330000071100999991182020050700019480001',
      createTime: '2026-01-01T10:00:00+08:00',
      state: 'WAIT_USER_CONFIRM',
      packageInfo: 'affffddafdfafddffda==',
      failReason: undefined,
    });
    expect(server.received).toHaveLength(1);
    const [sent] = server.received;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v3/fund-app/mch-transfer/transfer-bills');
    expect(authorizedBy(sent)).toMatchObject({
      mchid: '1900000001',
      serial_no: '5157F09EFDC096DE15EBE81A47057A72',
    });
    // The public key is named, so a merchant mid-switch gets replies signed with it.
    expect(sent.headers['wechatpay-serial']).toBe(PUB_KEY_ID);
    expect(sent.headers.accept).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual({
      appid: createInput.appid,
      out_bill_no: createInput.outBillNo,
      transfer_scene_id: '1000',
      openid: 'oMP_user',
      transfer_amount: 30,
      transfer_remark: '扫码有礼现金奖励',
      notify_url: 'https://example.com/paynotify',
      user_recv_perception: '现金奖励',
      transfer_scene_report_infos: [
        { info_type: '活动名称', info_content: '扫码有礼' },
        { info_type: '奖励说明', info_content: '扫码领取现金奖励' },
      ],
    });
  });

  it('queries by out_bill_no (GET, empty body signed) and cancels (POST, no body)', async () => {
    server.reply(
      signed({
        mch_id: '1900000001',
        out_bill_no: 'R1',
        transfer_bill_no: 'T1',
        appid: 'wx1',
        state: 'SUCCESS',
        transfer_amount: 30,
        transfer_remark: 'r',
        openid: 'o1',
        create_time: 'c',
        update_time: 'u',
      }),
    );
    server.reply(
      signed({ out_bill_no: 'R1', transfer_bill_no: 'T1', state: 'CANCELING', update_time: 'u2' }),
    );
    expect(await client.queryByOutBillNo('R1')).toMatchObject({
      mchId: '1900000001',
      state: 'SUCCESS',
      transferAmount: 30,
      updateTime: 'u',
    });
    expect(await client.cancel('R1')).toEqual({
      outBillNo: 'R1',
      transferBillNo: 'T1',
      state: 'CANCELING',
      updateTime: 'u2',
    });
    const [query, cancel] = server.received;
    expect([query.method, query.url, query.body]).toEqual([
      'GET',
      '/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/R1',
      '',
    ]);
    expect([cancel.method, cancel.url, cancel.body]).toEqual([
      'POST',
      '/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/R1/cancel',
      '',
    ]);
    expect(authorizedBy(query)).toBeDefined();
    expect(authorizedBy(cancel)).toBeDefined();
  });

  it('accepts a reply signed with the platform certificate during a key switch', async () => {
    server.reply(
      signed(
        { out_bill_no: 'R1', transfer_bill_no: 'T1', state: 'CANCELLED', update_time: 'u' },
        { key: tls.keyPem, serial: PLATFORM_SERIAL },
      ),
    );
    expect((await client.cancel('R1')).state).toBe('CANCELLED');
  });

  it('never trusts an unsigned, badly signed, unknown-key or stale reply', async () => {
    const good = { out_bill_no: 'R1', transfer_bill_no: 'T1', create_time: 'c', state: 'SUCCESS' };
    const cases: Array<[() => Reply, string]> = [
      [signed(good, { sign: false }), 'MISSING_HEADERS'],
      [signed(good, { key: merchantPrivate }), 'BAD_SIGNATURE'],
      [signed(good, { serial: 'PUB_KEY_ID_SOMEONE_ELSE' }), 'UNKNOWN_SERIAL'],
      [signed(good, { timestamp: Math.floor(Date.now() / 1000) - 3600 }), 'STALE_TIMESTAMP'],
      [
        () => {
          const reply = signed(good)();
          return { ...reply, body: reply.body.replace('SUCCESS', 'FAIL') };
        },
        'BAD_SIGNATURE',
      ],
    ];
    for (const [reply, reason] of cases) {
      server.reply(reply);
      const error = await client
        .createTransferBill({ ...createInput, outBillNo: 'R1' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PaySignatureError);
      expect((error as PaySignatureError).reason).toBe(reason);
    }
    expect(server.received).toHaveLength(cases.length);
  });

  it('turns error replies into PayApiError with WeChat code, status and whether it was signed', async () => {
    server.reply(signed({ code: 'NOT_ENOUGH', message: '商户运营账户资金不足' }, { status: 403 }));
    server.reply(() => ({ status: 502, body: '<html>bad gateway</html>' }));
    const notEnough = await client.createTransferBill(createInput).catch((e: unknown) => e);
    expect(notEnough).toBeInstanceOf(PayApiError);
    expect(notEnough).toMatchObject({
      code: 'NOT_ENOUGH',
      status: 403,
      retryable: true,
      verified: true,
    });
    const gateway = await client.createTransferBill(createInput).catch((e: unknown) => e);
    expect(gateway).toMatchObject({
      code: 'HTTP_502',
      status: 502,
      retryable: true,
      verified: false,
    });
  });

  it('rejects scene-1000 mistakes before any request', async () => {
    await expect(
      client.createTransferBill({
        ...createInput,
        reportInfos: [{ infoType: '活动名称', infoContent: 'x' }],
      }),
    ).rejects.toThrow(/活动名称 and 奖励说明/);
    await expect(
      client.createTransferBill({ ...createInput, userRecvPerception: '红包' }),
    ).rejects.toThrow(/user_recv_perception/);
    await expect(
      client.createTransferBill({ ...createInput, transferRemark: '长'.repeat(33) }),
    ).rejects.toThrow(/transferRemark/);
    await expect(client.createTransferBill({ ...createInput, outBillNo: 'R-1' })).rejects.toThrow(
      /out_bill_no/,
    );
    expect(server.received).toHaveLength(0);
  });
});
