import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Aes, Rsa } from 'wechatpay-axios-plugin';
import { PayDecryptError, PaySignatureError } from '../../cloudfunctions/core/wechat/pay/errors';
import {
  decryptCallbackResource,
  encryptCallbackResource,
} from '../../cloudfunctions/core/wechat/pay/v3/aead';
import {
  buildAuthorization,
  parseAuthorization,
  requestMessage,
  signResponse,
  verifyAuthorization,
  verifyResponseSignature,
} from '../../cloudfunctions/core/wechat/pay/v3/sign';
import { classifyTransferError } from '../../cloudfunctions/core/wechat/pay/v3/transfer-errors';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const merchant = keyPair();
const wechatpay = keyPair();
const PUB_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000';
const API_V3_KEY = 'abcdefghijklmnopqrstuvwxyz012345';

describe('v3 Authorization', () => {
  const body = JSON.stringify({ appid: 'wx1', out_bill_no: 'R1', transfer_amount: 100 });
  const header = buildAuthorization({
    mchId: '1900000001',
    serialNo: '5157F09EFDC096DE15EBE81A47057A72',
    privateKeyPem: merchant.privateKeyPem,
    method: 'POST',
    urlPathWithQuery: '/v3/fund-app/mch-transfer/transfer-bills',
    body,
    timestamp: 1554208460,
    nonce: '593BEC0C930BF1AFEB40B4A08C8FB242',
  });

  it('has the documented scheme and fields', () => {
    expect(header).toMatch(
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="[A-Za-z0-9+/=]+",timestamp="1554208460",serial_no="5157F09EFDC096DE15EBE81A47057A72"$/,
    );
  });

  it('signs method\\nurl\\ntimestamp\\nnonce\\nbody\\n, verifiable with the merchant public key', () => {
    const parsed = parseAuthorization(header)!;
    const message =
      'POST\n/v3/fund-app/mch-transfer/transfer-bills\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n' +
      body +
      '\n';
    expect(
      requestMessage(
        'post',
        '/v3/fund-app/mch-transfer/transfer-bills',
        1554208460,
        parsed.nonce_str,
        body,
      ),
    ).toBe(message);
    expect(
      verify(
        'sha256',
        Buffer.from(message),
        merchant.publicKeyPem,
        Buffer.from(parsed.signature, 'base64'),
      ),
    ).toBe(true);
    // An independent implementation agrees.
    expect(
      Rsa.verify(message, parsed.signature, Rsa.from(merchant.publicKeyPem, Rsa.KEY_TYPE_PUBLIC)),
    ).toBe(true);
  });

  it('verifyAuthorization accepts the request and rejects another body, path or key', () => {
    const base = {
      header,
      method: 'POST',
      urlPathWithQuery: '/v3/fund-app/mch-transfer/transfer-bills',
      body,
      publicKeyPem: merchant.publicKeyPem,
    };
    expect(verifyAuthorization(base)?.mchid).toBe('1900000001');
    expect(verifyAuthorization({ ...base, body: body.replace('100', '10000') })).toBeUndefined();
    expect(verifyAuthorization({ ...base, urlPathWithQuery: '/v3/other' })).toBeUndefined();
    expect(verifyAuthorization({ ...base, publicKeyPem: wechatpay.publicKeyPem })).toBeUndefined();
    expect(verifyAuthorization({ ...base, header: 'Bearer x' })).toBeUndefined();
  });

  it('signs GET with an empty body line and uses a fresh nonce each time', () => {
    const a = buildAuthorization({
      mchId: '1',
      serialNo: 'S',
      privateKeyPem: merchant.privateKeyPem,
      method: 'GET',
      urlPathWithQuery: '/v3/x?a=1',
    });
    const b = buildAuthorization({
      mchId: '1',
      serialNo: 'S',
      privateKeyPem: merchant.privateKeyPem,
      method: 'GET',
      urlPathWithQuery: '/v3/x?a=1',
    });
    expect(parseAuthorization(a)!.nonce_str).not.toBe(parseAuthorization(b)!.nonce_str);
    expect(
      verifyAuthorization({
        header: a,
        method: 'GET',
        urlPathWithQuery: '/v3/x?a=1',
        publicKeyPem: merchant.publicKeyPem,
      }),
    ).toBeDefined();
  });
});

describe('v3 response signature', () => {
  const now = 1_700_000_000;
  const body =
    '{"out_bill_no":"R1","state":"WAIT_USER_CONFIRM","package_info":"affffddafdfafddffda=="}';
  const headers = signResponse({
    body,
    privateKeyPem: wechatpay.privateKeyPem,
    serial: PUB_KEY_ID,
    timestamp: now,
  });
  const check =
    (overrides: Partial<Parameters<typeof verifyResponseSignature>[0]> = {}) =>
    () =>
      verifyResponseSignature({
        headers,
        body,
        publicKeyPem: wechatpay.publicKeyPem,
        expectedSerial: PUB_KEY_ID,
        nowSeconds: now + 10,
        ...overrides,
      });
  const reason = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(PaySignatureError);
      return (error as PaySignatureError).reason;
    }
    return 'accepted';
  };

  it('accepts a good signature, with headers in any case or as a Headers object', () => {
    expect(reason(check())).toBe('accepted');
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(reason(check({ headers: lower }))).toBe('accepted');
    expect(reason(check({ headers: new Headers(headers) }))).toBe('accepted');
    // The independent implementation agrees on the message format.
    expect(
      Rsa.verify(
        `${now}\n${headers['Wechatpay-Nonce']}\n${body}\n`,
        headers['Wechatpay-Signature'],
        Rsa.from(wechatpay.publicKeyPem, Rsa.KEY_TYPE_PUBLIC),
      ),
    ).toBe(true);
  });

  it('rejects a tampered body, a wrong serial, a wrong key, missing headers and a probe', () => {
    expect(reason(check({ body: body.replace('R1', 'R2') }))).toBe('BAD_SIGNATURE');
    expect(reason(check({ body: `${body} ` }))).toBe('BAD_SIGNATURE');
    expect(reason(check({ expectedSerial: 'PUB_KEY_ID_OTHER' }))).toBe('UNKNOWN_SERIAL');
    expect(reason(check({ publicKeyPem: merchant.publicKeyPem }))).toBe('BAD_SIGNATURE');
    const { ['Wechatpay-Signature']: _dropped, ...unsigned } = headers;
    expect(reason(check({ headers: unsigned }))).toBe('MISSING_HEADERS');
    expect(
      reason(check({ headers: { ...headers, 'Wechatpay-Signature': 'WECHATPAY/SIGNTEST/abc' } })),
    ).toBe('PROBE');
    expect(
      reason(check({ headers: { ...headers, 'Wechatpay-Signature': 'not base64 at all!' } })),
    ).toBe('BAD_SIGNATURE');
  });

  it('rejects timestamps more than 5 minutes away in either direction', () => {
    expect(reason(check({ nowSeconds: now + 300 }))).toBe('accepted');
    expect(reason(check({ nowSeconds: now + 301 }))).toBe('STALE_TIMESTAMP');
    expect(reason(check({ nowSeconds: now - 301 }))).toBe('STALE_TIMESTAMP');
    expect(reason(check({ headers: { ...headers, 'Wechatpay-Timestamp': 'soon' } }))).toBe(
      'STALE_TIMESTAMP',
    );
  });
});

describe('v3 callback resource', () => {
  const plaintext = JSON.stringify({
    out_bill_no: 'R1',
    state: 'SUCCESS',
    mchid: '1900000001',
    transfer_amount: 100,
  });

  it('round-trips and matches an independent AES-256-GCM implementation', () => {
    const resource = encryptCallbackResource(plaintext, API_V3_KEY);
    expect(resource).toMatchObject({
      algorithm: 'AEAD_AES_256_GCM',
      associated_data: 'mch_payment',
      original_type: 'mch_payment',
    });
    expect(resource.nonce).toHaveLength(12);
    expect(decryptCallbackResource(resource, API_V3_KEY)).toBe(plaintext);
    expect(
      Aes.AesGcm.decrypt(resource.ciphertext, API_V3_KEY, resource.nonce, resource.associated_data),
    ).toBe(plaintext);
    const theirs = Aes.AesGcm.encrypt(plaintext, API_V3_KEY, 'abcdefghijkl', '');
    expect(
      decryptCallbackResource(
        {
          algorithm: 'AEAD_AES_256_GCM',
          ciphertext: theirs,
          nonce: 'abcdefghijkl',
          associated_data: '',
        },
        API_V3_KEY,
      ),
    ).toBe(plaintext);
  });

  it('detects tampering with ciphertext, nonce or associated data, and a wrong key', () => {
    const resource = encryptCallbackResource(plaintext, API_V3_KEY, { nonce: 'fdasflkja484' });
    const bytes = Buffer.from(resource.ciphertext, 'base64');
    bytes[3] ^= 1;
    const cases = [
      { ...resource, ciphertext: bytes.toString('base64') },
      { ...resource, nonce: 'fdasflkja485' },
      { ...resource, associated_data: 'transfer' },
      {
        ...resource,
        ciphertext: Buffer.from(resource.ciphertext, 'base64').subarray(0, 16).toString('base64'),
      },
      { ...resource, algorithm: 'AEAD_AES_128_GCM' },
    ];
    for (const tampered of cases) {
      expect(() => decryptCallbackResource(tampered, API_V3_KEY)).toThrow(PayDecryptError);
    }
    expect(() => decryptCallbackResource(resource, API_V3_KEY.replace('a', 'b'))).toThrow(
      PayDecryptError,
    );
    expect(() => decryptCallbackResource(resource, 'short')).toThrow(/32 bytes/);
  });
});

describe('transfer error classes', () => {
  it('never allows a new out_bill_no and keeps unknowns on query-then-retry', () => {
    expect(classifyTransferError(429, 'FREQUENCY_LIMITED').action).toBe('retry-same-out-bill-no');
    expect(classifyTransferError(403, 'NOT_ENOUGH')).toEqual({
      action: 'retry-same-out-bill-no',
      retryable: true,
      operatorAction: true,
    });
    expect(classifyTransferError(500, 'SYSTEM_ERROR').action).toBe('query-then-retry');
    expect(classifyTransferError(502, 'HTTP_502').action).toBe('query-then-retry');
    expect(classifyTransferError(403, 'NO_AUTH').action).toBe('fix-configuration');
    expect(classifyTransferError(401, 'SIGN_ERROR').action).toBe('fix-configuration');
    expect(classifyTransferError(400, 'PARAM_ERROR').action).toBe('fix-request');
    expect(classifyTransferError(400, 'INVALID_REQUEST').action).toBe('fix-request');
    expect(classifyTransferError(404, 'NOT_FOUND').action).toBe('not-found');
    expect(classifyTransferError(400, 'BRAND_NEW_CODE')).toEqual({
      action: 'query-then-retry',
      retryable: true,
      operatorAction: true,
    });
  });
});

describe('pay settings', () => {
  it('reads WECHATPAY_API_BASE without a trailing slash, defaulting to WeChat Pay', async () => {
    const { wechatPayApiBase, pemFromEnv } =
      await import('../../cloudfunctions/core/wechat/pay/config');
    const saved = process.env.WECHATPAY_API_BASE;
    try {
      delete process.env.WECHATPAY_API_BASE;
      expect(wechatPayApiBase()).toBe('https://api.mch.weixin.qq.com');
      process.env.WECHATPAY_API_BASE = 'http://127.0.0.1:9000/pay/';
      expect(wechatPayApiBase()).toBe('http://127.0.0.1:9000/pay');
    } finally {
      if (saved === undefined) delete process.env.WECHATPAY_API_BASE;
      else process.env.WECHATPAY_API_BASE = saved;
    }
    expect(pemFromEnv('-----BEGIN X-----\\nAAA\\n-----END X-----')).toBe(
      '-----BEGIN X-----\nAAA\n-----END X-----',
    );
    expect(pemFromEnv('  ')).toBeUndefined();
  });
});
