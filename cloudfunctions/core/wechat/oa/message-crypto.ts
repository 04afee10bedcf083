/**
 * The Official Account server URL's signatures and safe-mode (安全模式) message encryption
 * (WeChat's 接入指南 and 消息加解密 pages), the protocol of Tencent's WXBizMsgCrypt samples, on node:crypto:
 *
 * - `signature` = SHA-1 hex of the sorted concatenation of token, timestamp, nonce (URL
 *   verification and every push); `msg_signature` adds the `Encrypt` value to the sort.
 * - AESKey = base64(EncodingAESKey + "=") (32 bytes); AES-256-CBC, IV = AESKey[0:16], PKCS#7 padded
 *   to a multiple of 32 bytes; plaintext = 16 random bytes ‖ 4-byte big-endian length ‖ XML ‖ appid.
 *
 * Pure functions, no I/O and no settings: the caller passes the token, key and appid.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** Why a safe-mode message could not be opened; never carries the key or the plaintext. */
export class OaCryptoError extends Error {
  constructor(
    readonly reason: 'BAD_KEY' | 'BAD_CIPHERTEXT' | 'BAD_PADDING' | 'BAD_LENGTH',
    message: string,
  ) {
    super(message);
    this.name = 'OaCryptoError';
  }
}

const BLOCK = 32;

/** SHA-1 hex of the parts sorted as strings and joined: WeChat's `signature` / `msg_signature`. */
export function oaSignature(...parts: readonly string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** Constant-time comparison of a received signature with the expected one. */
export function signatureMatches(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const a = Buffer.from(received.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The 32-byte AESKey of a 43-character EncodingAESKey. */
export function decodeAesKey(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) {
    throw new OaCryptoError('BAD_KEY', 'EncodingAESKey must be 43 characters of [A-Za-z0-9]');
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32)
    throw new OaCryptoError('BAD_KEY', 'EncodingAESKey does not decode to 32 bytes');
  return key;
}

export interface OpenedMessage {
  /** The message XML WeChat encrypted. */
  xml: string;
  /** The appid that trails it: the caller must check it is its own. */
  appid: string;
}

/** Decrypts a base64 `Encrypt` value. Does not check the signature or the appid. */
export function decryptMessage(encrypt: string, encodingAesKey: string): OpenedMessage {
  const key = decodeAesKey(encodingAesKey);
  const ciphertext = Buffer.from(encrypt, 'base64');
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw new OaCryptoError('BAD_CIPHERTEXT', 'Encrypt is not a whole number of AES blocks');
  }
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  // WeChat pads to 32-byte blocks, which node's PKCS#7 (16-byte blocks) would refuse: unpad here.
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  const pad = padded[padded.length - 1]!;
  if (pad < 1 || pad > BLOCK || pad > padded.length) {
    throw new OaCryptoError('BAD_PADDING', 'bad PKCS#7 padding');
  }
  for (let i = padded.length - pad; i < padded.length; i++) {
    if (padded[i] !== pad) throw new OaCryptoError('BAD_PADDING', 'bad PKCS#7 padding');
  }
  const plain = padded.subarray(0, padded.length - pad);
  if (plain.length < 20) throw new OaCryptoError('BAD_LENGTH', 'plaintext shorter than its header');
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) {
    throw new OaCryptoError('BAD_LENGTH', 'message length runs past the plaintext');
  }
  return {
    xml: plain.subarray(20, 20 + length).toString('utf8'),
    appid: plain.subarray(20 + length).toString('utf8'),
  };
}

/**
 * Encrypts message XML for `appid` into a base64 `Encrypt` value. `random` (16 bytes) is for
 * known-answer tests only; by default it is fresh CSPRNG output, as the protocol requires.
 */
export function encryptMessage(
  xml: string,
  encodingAesKey: string,
  appid: string,
  random: Buffer = randomBytes(16),
): string {
  if (random.length !== 16) throw new Error('encryptMessage: random must be 16 bytes');
  const key = decodeAesKey(encodingAesKey);
  const message = Buffer.from(xml, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(message.length);
  const plain = Buffer.concat([random, length, message, Buffer.from(appid, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64');
}
