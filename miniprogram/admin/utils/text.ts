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
