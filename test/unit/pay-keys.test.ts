/**
 * WeChat Pay keys as a list (issue 9, point 9): the public key and any number of platform
 * certificates, chosen by Wechatpay-Serial, so replies and callbacks signed with either side of a
 * key switch verify (during a switch from platform certificates to the public key, WeChat Pay signs
 * callbacks with either at random, so both stay configured).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { keyForSerial, wechatpayKeys } from '../../cloudfunctions/core/wechat/pay/v3/keys';
import {
  signResponse,
  verifyResponseSignature,
} from '../../cloudfunctions/core/wechat/pay/v3/sign';
import { loadOrCreateCredentials } from '../../local/wechat/pay/credentials';

const dirs = [
  mkdtempSync(path.join(tmpdir(), 'keys-a-')),
  mkdtempSync(path.join(tmpdir(), 'keys-b-')),
];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
// Two self-signed certificates with their private keys stand in for two platform certificates.
const [one, two] = dirs.map((dir) => loadOrCreateCredentials(dir));

describe('WeChat Pay key list', () => {
  const keys = wechatpayKeys({
    publicKeyId: one.wechatpayPublicKeyId,
    publicKeyPem: one.wechatpayPublicKeyPem,
    platformCertsPem: `${one.merchantCertPem}\n${two.merchantCertPem}`,
  });
  const serialOf = (pem: string) => new X509Certificate(pem).serialNumber.toUpperCase();

  it('holds the public key and every platform certificate, by serial', () => {
    expect(keys.map((key) => key.serial)).toEqual([
      one.wechatpayPublicKeyId,
      serialOf(one.merchantCertPem),
      serialOf(two.merchantCertPem),
    ]);
    expect(wechatpayKeys({ platformCertsPem: 'not a pem' })).toEqual([]);
  });

  it('verifies a message signed with any of them, picked by Wechatpay-Serial', () => {
    const body = '{"id":"n1"}';
    for (const [privateKeyPem, serial] of [
      [one.wechatpayPrivateKeyPem, one.wechatpayPublicKeyId],
      [two.merchantPrivateKeyPem, serialOf(two.merchantCertPem).toLowerCase()],
    ]) {
      const headers = signResponse({ body, privateKeyPem, serial });
      const key = keyForSerial(keys, headers['Wechatpay-Serial']);
      expect(key).toBeDefined();
      expect(() =>
        verifyResponseSignature({
          headers,
          body,
          publicKeyPem: key!.publicKeyPem,
          expectedSerial: headers['Wechatpay-Serial'],
        }),
      ).not.toThrow();
    }
    expect(keyForSerial(keys, 'PUB_KEY_ID_UNKNOWN')).toBeUndefined();
    expect(keyForSerial(keys, undefined)).toBeUndefined();
  });
});
