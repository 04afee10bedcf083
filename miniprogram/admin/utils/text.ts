/**
 * UTF-8 length as WeChat and the server count names and remarks, without Buffer or TextEncoder
 * (neither is in every Mini Program runtime).
 */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * `oMAS…fXYZ`: enough to tell two users apart or read one to support, without putting the whole
 * openid on screen or in screenshots. The same form as the server's (core/domain/permissions.ts
 * maskOpenid, for members and the operations log), so one user reads the same on every page.
 */
export function maskOpenid(openid: string): string {
  return openid.length <= 10
    ? `${openid.slice(0, 2)}…${openid.slice(-2)}`
    : `${openid.slice(0, 4)}…${openid.slice(-4)}`;
}
