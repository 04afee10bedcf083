// Why node:crypto and not wechatpay-axios-plugin: its Rsa/AesGcm/Hash helpers are one-line wrappers
// over node:crypto, while importing it bundles axios and friends (~700 KB, against ~180 KB for all
// of pay/ with fast-xml-parser) and its client is axios-based, outside our typed errors, timeouts
// and mutual-TLS agent. It earns its place as a devDependency instead: the pay-* tests check our
// signatures, v2 signs and AES-GCM against it as an independent implementation.
import {
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { PaySignatureError } from '../errors.js';

export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

/** WeChat Pay's SDKs accept 300 s of clock skew between its signature and our clock. */
export const MAX_SKEW_SECONDS = 300;

/** Each part ends in `\n`, the last one too (WeChat Pay's 签名 page). */
function lines(...parts: string[]): string {
  return parts.map((part) => `${part}\n`).join('');
}

export interface AuthorizationInput {
  mchId: string;
  /** Serial number of the merchant API certificate. */
  serialNo: string;
  /** The merchant API private key (apiclient_key.pem), PKCS#8 or PKCS#1 PEM. */
  privateKeyPem: string | KeyObject;
  method: string;
  /** Path and query exactly as sent, without scheme and host. */
  urlPathWithQuery: string;
  /** The exact JSON text sent; '' for GET and for bodiless POSTs. */
  body?: string;
  /** Unix seconds and nonce: fixed in tests, else the clock and a CSPRNG. */
  timestamp?: number;
  nonce?: string;
}

/** The string a request signature covers: method, URL, timestamp, nonce, body. */
export function requestMessage(
  method: string,
  urlPathWithQuery: string,
  timestamp: number | string,
  nonce: string,
  body = '',
): string {
  return lines(method.toUpperCase(), urlPathWithQuery, String(timestamp), nonce, body);
}

/** A nonce for v3 signatures: 32 hex characters from a CSPRNG. */
export function v3Nonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** The `Authorization` header of a v3 request (SHA256withRSA over requestMessage, base64). */
export function buildAuthorization(input: AuthorizationInput): string {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = input.nonce ?? v3Nonce();
  const message = requestMessage(
    input.method,
    input.urlPathWithQuery,
    timestamp,
    nonce,
    input.body,
  );
  const signature = sign(
    'sha256',
    Buffer.from(message, 'utf8'),
    toPrivateKey(input.privateKeyPem),
  ).toString('base64');
  return (
    `${AUTH_SCHEME} mchid="${input.mchId}",nonce_str="${nonce}",` +
    `signature="${signature}",timestamp="${timestamp}",serial_no="${input.serialNo}"`
  );
}

export interface ParsedAuthorization {
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

/** Reads an Authorization header back (for a simulator); undefined when it is not ours. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  if (!header?.startsWith(`${AUTH_SCHEME} `)) return undefined;
  const fields: Record<string, string> = {};
  for (const match of header.slice(AUTH_SCHEME.length + 1).matchAll(/(\w+)="([^"]*)"/g)) {
    fields[match[1]] = match[2];
  }
  const { mchid, nonce_str, signature, timestamp, serial_no } = fields;
  if (!mchid || !nonce_str || !signature || !timestamp || !serial_no) return undefined;
  return { mchid, nonce_str, signature, timestamp, serial_no };
}

/** Whether an Authorization header signs this request under the merchant's public key. */
export function verifyAuthorization(input: {
  header: string | undefined;
  method: string;
  urlPathWithQuery: string;
  body?: string;
  publicKeyPem: string | KeyObject;
}): ParsedAuthorization | undefined {
  const parsed = parseAuthorization(input.header);
  if (!parsed) return undefined;
  const message = requestMessage(
    input.method,
    input.urlPathWithQuery,
    parsed.timestamp,
    parsed.nonce_str,
    input.body,
  );
  return verifyRsa(message, parsed.signature, input.publicKeyPem) ? parsed : undefined;
}

/** A header bag as node:http or fetch gives it; names are matched case-insensitively. */
export type HeaderBag = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function')
    return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(bag).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

export interface ResponseVerification {
  headers: HeaderBag;
  /** The raw body text exactly as received. */
  body: string;
  /** The WeChat Pay public key, or the platform certificate (PEM either way). */
  publicKeyPem: string | KeyObject;
  /** `PUB_KEY_ID_…` or the platform certificate's serial the key belongs to. */
  expectedSerial: string;
  /** For tests and for the API name in errors. */
  nowSeconds?: number;
  api?: string;
}

/**
 * Verifies a v3 reply or callback: Wechatpay-Serial must name our key, the timestamp must be within
 * 5 minutes of now (both ways, so an old capture cannot be replayed), and Wechatpay-Signature must
 * be SHA256withRSA over `timestamp\nnonce\nbody\n`. Throws PaySignatureError; returns nothing.
 */
export function verifyResponseSignature(input: ResponseVerification): void {
  const api = input.api ?? 'wechatpay';
  const timestamp = header(input.headers, 'Wechatpay-Timestamp');
  const nonce = header(input.headers, 'Wechatpay-Nonce');
  const signature = header(input.headers, 'Wechatpay-Signature');
  const serial = header(input.headers, 'Wechatpay-Serial');
  if (!timestamp || !nonce || !signature || !serial)
    throw new PaySignatureError(api, 'MISSING_HEADERS');
  if (serial !== input.expectedSerial) throw new PaySignatureError(api, 'UNKNOWN_SERIAL');
  // WeChat's deliberately invalid probe signatures must fail, and be seen as probes in the log.
  if (signature.startsWith('WECHATPAY/SIGNTEST/')) throw new PaySignatureError(api, 'PROBE');
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > MAX_SKEW_SECONDS) {
    throw new PaySignatureError(api, 'STALE_TIMESTAMP');
  }
  if (!verifyRsa(lines(timestamp, nonce, input.body), signature, input.publicKeyPem)) {
    throw new PaySignatureError(api, 'BAD_SIGNATURE');
  }
}

/** The inverse of verifyResponseSignature, for a simulator and tests: the Wechatpay-* headers. */
export function signResponse(input: {
  body: string;
  privateKeyPem: string | KeyObject;
  serial: string;
  timestamp?: number;
  nonce?: string;
}): Record<string, string> {
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? v3Nonce();
  const signature = sign(
    'sha256',
    Buffer.from(lines(timestamp, nonce, input.body), 'utf8'),
    toPrivateKey(input.privateKeyPem),
  );
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signature.toString('base64'),
    'Wechatpay-Serial': input.serial,
    'Wechatpay-Signature-Type': AUTH_SCHEME,
  };
}

function verifyRsa(message: string, signatureBase64: string, key: string | KeyObject): boolean {
  try {
    return verify(
      'sha256',
      Buffer.from(message, 'utf8'),
      toPublicKey(key),
      Buffer.from(signatureBase64, 'base64'),
    );
  } catch {
    // A malformed key or signature is a failed verification, not a crash.
    return false;
  }
}

/**
 * Parsed keys by PEM: parsing an RSA key costs more than the signature made with it, and a warm
 * instance (or the simulator) signs with the same few keys call after call. A bad PEM still
 * throws on every call; only parsed keys are kept.
 */
const parsedKeys = new Map<string, KeyObject>();
const MAX_PARSED_KEYS = 16;

function parsedKey(kind: 'private' | 'public', pem: string, parse: () => KeyObject): KeyObject {
  const id = `${kind}\n${pem}`;
  let key = parsedKeys.get(id);
  if (!key) {
    key = parse();
    if (parsedKeys.size >= MAX_PARSED_KEYS) parsedKeys.clear();
    parsedKeys.set(id, key);
  }
  return key;
}

function toPrivateKey(key: string | KeyObject): KeyObject {
  return typeof key === 'string' ? parsedKey('private', key, () => createPrivateKey(key)) : key;
}

/** Accepts a public key PEM or an X.509 certificate PEM (the platform certificate). */
function toPublicKey(key: string | KeyObject): KeyObject {
  return typeof key === 'string' ? parsedKey('public', key, () => createPublicKey(key)) : key;
}
