/**
 * The applycodedownload reply, streamed: `{"errcode":0,"errmsg":"ok","buffer":"<base64>"}` where
 * the buffer is the AES-CBC package of the range (cipher and key handling from the package module
 * the clients decrypt with). Lines are generated, encrypted and base64-encoded chunk by chunk, so
 * memory stays flat and time linear whatever the range size.
 */
import { createCipheriv } from 'node:crypto';
import { Readable } from 'node:stream';
import { packageCipher } from '../../cloudfunctions/core/wechat/marketcode/package';
import type { DownloadPlan } from './applications';
import { packageText } from './codes';

/** Throws (before anything is sent) when the package key is unusable. */
export function downloadReply(plan: DownloadPlan, packageKey: string): Readable {
  const { algorithm, key, iv } = packageCipher(packageKey);
  const cipher = createCipheriv(algorithm, key, iv);
  function* chunks(): Generator<string> {
    yield '{"errcode":0,"errmsg":"ok","buffer":"';
    const base64 = new Base64Stream();
    for (const text of packageText(plan.globalStart, plan.indexStart, plan.count))
      yield base64.push(cipher.update(text, 'utf8'));
    yield base64.push(cipher.final()) + base64.end();
    yield '"}';
  }
  return Readable.from(chunks());
}

/** Base64 of a byte stream in pieces: carries the bytes that do not fill a 3-byte group. */
class Base64Stream {
  private carry = Buffer.alloc(0);

  push(bytes: Buffer): string {
    const all = this.carry.length > 0 ? Buffer.concat([this.carry, bytes]) : bytes;
    const whole = all.length - (all.length % 3);
    this.carry = Buffer.from(all.subarray(whole));
    return all.subarray(0, whole).toString('base64');
  }

  end(): string {
    const rest = this.carry.toString('base64');
    this.carry = Buffer.alloc(0);
    return rest;
  }
}
