/**
 * Shows only the ends of an identifier (openid, code_ticket): enough for a person to tell two apart
 * or read one to support, without putting the whole value on screen or in screenshots.
 */
export function maskMiddle(value: string, head = 4, tail = 4): string {
  if (value.length <= head + tail) return '*'.repeat(value.length);
  return `${value.slice(0, head)}****${value.slice(-tail)}`;
}
