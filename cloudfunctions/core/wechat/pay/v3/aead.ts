import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PayDecryptError } from '../errors.js';

/** The `resource` of a v3 callback (WeChat Pay's 回调通知 page). */
export interface CallbackResource {
  algorithm: 'AEAD_AES_256_GCM' | (string & {});
  ciphertext: string;
  nonce: string;
  associated_data?: string;
  original_type?: string;
}

const TAG_BYTES = 16;

function keyOf(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new PayDecryptError('the APIv3 key must be 32 bytes');
  return key;
}

/**
 * Decrypts a callback resource: AES-256-GCM with the APIv3 key, the nonce's UTF-8 bytes as IV and
 * associated_data as AAD; the ciphertext is base64 with the 16-byte tag at its end. Returns the
 * plaintext (JSON text). Any tampering fails the tag check and throws PayDecryptError.
 */
export function decryptCallbackResource(resource: CallbackResource, apiV3Key: string): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') {
    throw new PayDecryptError(`unsupported algorithm ${JSON.stringify(resource.algorithm)}`);
  }
  const key = keyOf(apiV3Key);
  const data = Buffer.from(resource.ciphertext ?? '', 'base64');
  if (data.length <= TAG_BYTES || !resource.nonce)
    throw new PayDecryptError('the resource is incomplete');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(data.subarray(0, data.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch (error) {
    throw new PayDecryptError('the resource does not decrypt (wrong key or tampered)', {
      cause: error,
    });
  }
}

/** The inverse, for a simulator and tests. The nonce is 12 characters, as WeChat's are. */
export function encryptCallbackResource(
  plaintext: string,
  apiV3Key: string,
  options: { nonce?: string; associatedData?: string; originalType?: string } = {},
): CallbackResource & { algorithm: 'AEAD_AES_256_GCM' } {
  const nonce = options.nonce ?? randomBytes(9).toString('base64url').slice(0, 12);
  const associatedData = options.associatedData ?? 'mch_payment';
  const cipher = createCipheriv('aes-256-gcm', keyOf(apiV3Key), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([
    cipher.update(plaintext, 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return {
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: ciphertext.toString('base64'),
    nonce,
    associated_data: associatedData,
    original_type: options.originalType ?? 'mch_payment',
  };
}
