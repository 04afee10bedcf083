/**
 * The local merchant's credentials: generated once per data folder into
 * `<data>/wechatpay-local.json` (never in the repo) and handed to the functions as settings unless
 * the developer set them. Plain HTTP locally, so no client certificate is ever checked; the
 * certificate is still a real self-signed X.509 one, so code that loads it behaves as in production.
 */
import {
  X509Certificate,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pemFromEnv } from '../../../cloudfunctions/core/wechat/pay/config';

export const CREDENTIALS_FILE = 'wechatpay-local.json';

export interface LocalWechatPayCredentials {
  mchId: string;
  /** v2 API key (32 characters): MD5 signs of sendminiprogramhb / gethbinfo. */
  apiKey: string;
  /** APIv3 key (32 characters): AES-256-GCM of callbacks. */
  apiV3Key: string;
  /** The merchant key: the v3 request signer and the client certificate's key. */
  merchantPrivateKeyPem: string;
  merchantCertPem: string;
  merchantCertSerial: string;
  /** The simulator's own WeChat Pay key, which signs replies and callbacks. */
  wechatpayPrivateKeyPem: string;
  wechatpayPublicKeyPem: string;
  wechatpayPublicKeyId: string;
}

/** The functions' settings these credentials stand for. */
export function credentialSettings(credentials: LocalWechatPayCredentials): Record<string, string> {
  return {
    WXPAY_MCH_ID: credentials.mchId,
    WXPAY_API_KEY: credentials.apiKey,
    WXPAY_CERT_PEM: credentials.merchantCertPem,
    WXPAY_KEY_PEM: credentials.merchantPrivateKeyPem,
    WXPAY_APIV3_KEY: credentials.apiV3Key,
    WXPAY_PRIVATE_KEY_PEM: credentials.merchantPrivateKeyPem,
    WXPAY_CERT_SERIAL: credentials.merchantCertSerial,
    WXPAY_PUBLIC_KEY_PEM: credentials.wechatpayPublicKeyPem,
    WXPAY_PUBLIC_KEY_ID: credentials.wechatpayPublicKeyId,
  };
}

/** Reads the data folder's credentials, generating them on first use. */
export function loadOrCreateCredentials(dataDir: string): LocalWechatPayCredentials {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  if (existsSync(file)) return readLocalWechatPayCredentials(dataDir);
  const credentials = generateCredentials();
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

/** For tests and scripts: the credentials a stack generated in its data folder. */
export function readLocalWechatPayCredentials(dataDir: string): LocalWechatPayCredentials {
  return JSON.parse(
    readFileSync(path.join(dataDir, CREDENTIALS_FILE), 'utf8'),
  ) as LocalWechatPayCredentials;
}

/** What a WeChat Pay client needs, as the functions see it in the stack's settings. */
export interface PaySettings {
  mchId: string;
  apiKey: string;
  certPem: string;
  keyPem: string;
  apiV3Key: string;
  privateKeyPem: string;
  certSerial: string;
  publicKeyPem: string;
  publicKeyId: string;
}

export function paySettingsOf(settings: Readonly<Record<string, string | undefined>>): PaySettings {
  const get = (name: string): string => pemFromEnv(settings[name]) ?? '';
  return {
    mchId: get('WXPAY_MCH_ID'),
    apiKey: get('WXPAY_API_KEY'),
    certPem: get('WXPAY_CERT_PEM'),
    keyPem: get('WXPAY_KEY_PEM'),
    apiV3Key: get('WXPAY_APIV3_KEY'),
    privateKeyPem: get('WXPAY_PRIVATE_KEY_PEM'),
    certSerial: get('WXPAY_CERT_SERIAL'),
    publicKeyPem: get('WXPAY_PUBLIC_KEY_PEM'),
    publicKeyId: get('WXPAY_PUBLIC_KEY_ID'),
  };
}

function generateCredentials(): LocalWechatPayCredentials {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const wechatpay = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serial = randomBytes(20);
  serial[0] &= 0x7f; // a positive INTEGER
  serial[0] |= 0x10; // no leading zero byte, so the hex serial is always 40 characters
  const merchantCertPem = selfSignedCertificate(merchant.privateKey, merchant.publicKey, serial);
  return {
    // The example merchant id of WeChat Pay's documentation.
    mchId: '1900000109',
    apiKey: randomKey(),
    apiV3Key: randomKey(),
    merchantPrivateKeyPem: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    merchantCertPem,
    merchantCertSerial: new X509Certificate(merchantCertPem).serialNumber.toUpperCase(),
    wechatpayPrivateKeyPem: wechatpay.privateKey
      .export({ type: 'pkcs8', format: 'pem' })
      .toString(),
    wechatpayPublicKeyPem: wechatpay.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    wechatpayPublicKeyId: `PUB_KEY_ID_0119000001092025${randomBytes(6).toString('hex').toUpperCase()}`,
  };
}

/** 32 characters of [0-9A-Za-z], as the merchant platform's keys are. */
function randomKey(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return [...randomBytes(32)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

// A minimal DER writer for one self-signed certificate (node:crypto can sign and parse X.509 but
// not build one).

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  let length: Buffer;
  if (body.length < 0x80) length = Buffer.from([body.length]);
  else {
    const bytes: number[] = [];
    for (let n = body.length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const SHA256_WITH_RSA = der(
  0x30,
  der(0x06, Buffer.from('2a864886f70d01010b', 'hex')),
  Buffer.from([0x05, 0x00]),
);

function name(commonName: string): Buffer {
  const cn = der(0x30, der(0x06, Buffer.from('550403', 'hex')), der(0x0c, Buffer.from(commonName)));
  return der(0x30, der(0x31, cn));
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return der(0x17, Buffer.from(text, 'ascii'));
}

function selfSignedCertificate(
  privateKey: KeyObject,
  publicKey: KeyObject,
  serial: Buffer,
): string {
  const now = new Date();
  const until = new Date(now.getTime() + 10 * 365 * 24 * 3600_000);
  const subject = name('Mashang local merchant 1900000109');
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    SHA256_WITH_RSA,
    subject,
    der(0x30, utcTime(now), utcTime(until)),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = der(
    0x30,
    tbs,
    SHA256_WITH_RSA,
    der(0x03, Buffer.concat([Buffer.from([0]), signature])),
  );
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** The merchant's public key, from whichever merchant private key the settings hold. */
export function merchantPublicKey(privateKeyPem: string): KeyObject | undefined {
  const known = merchantPublicKeys.get(privateKeyPem);
  if (known) return known;
  try {
    const key = createPublicKey(createPrivateKey(privateKeyPem));
    // Asked on every v3 call with the same settings: parsed once per key.
    if (merchantPublicKeys.size >= 16) merchantPublicKeys.clear();
    merchantPublicKeys.set(privateKeyPem, key);
    return key;
  } catch {
    return undefined;
  }
}
const merchantPublicKeys = new Map<string, KeyObject>();
