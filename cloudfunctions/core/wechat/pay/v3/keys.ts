/**
 * The WeChat Pay keys a v3 reply or callback may be signed with. During a switch from platform
 * certificates to the WeChat Pay public key (and at each certificate renewal) WeChat signs with
 * either, picked per message, and names it in `Wechatpay-Serial` (WeChat Pay's 回调通知 and 签名 pages):
 * keep them all, choose by serial, so a rotation never drops a callback.
 */
import { X509Certificate } from 'node:crypto';
import type { WechatPayKey } from './transfer.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export interface WechatPayKeySources {
  /** WXPAY_PUBLIC_KEY_ID (`PUB_KEY_ID_…`) and WXPAY_PUBLIC_KEY_PEM. */
  publicKeyId?: string;
  publicKeyPem?: string;
  /** WXPAY_PLATFORM_CERTS_PEM: any number of platform certificates, PEMs one after another. */
  platformCertsPem?: string;
}

/**
 * Every key we trust, the public key first. A platform certificate's serial is its X.509 serial
 * in upper-case hex, as WeChat Pay writes it in Wechatpay-Serial. A certificate that does not
 * parse is skipped (and reported by name only), so one bad paste does not disable the others.
 */
export function wechatpayKeys(sources: WechatPayKeySources): WechatPayKey[] {
  const keys: WechatPayKey[] = [];
  if (sources.publicKeyId && sources.publicKeyPem) {
    keys.push({ serial: sources.publicKeyId, publicKeyPem: sources.publicKeyPem });
  }
  for (const pem of sources.platformCertsPem?.match(PEM_CERTIFICATE) ?? []) {
    try {
      const certificate = new X509Certificate(pem);
      const serial = certificate.serialNumber.toUpperCase();
      if (!keys.some((key) => key.serial === serial)) keys.push({ serial, publicKeyPem: pem });
    } catch {
      console.error(
        '[wechatpay] a platform certificate in WXPAY_PLATFORM_CERTS_PEM does not parse',
      );
    }
  }
  return keys;
}

/** The key named by a Wechatpay-Serial header, if we hold it (serials compare case-insensitively). */
export function keyForSerial(
  keys: readonly WechatPayKey[],
  serial: string | undefined,
): WechatPayKey | undefined {
  if (!serial) return undefined;
  const wanted = serial.trim().toUpperCase();
  return keys.find((key) => key.serial.toUpperCase() === wanted);
}
