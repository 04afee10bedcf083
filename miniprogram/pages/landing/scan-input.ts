/**
 * How the landing page reads what the consumer brings: a `code_ticket` from the launch query or an
 * in-app scan, or a 9-character raw code typed by hand. Pure functions, so they test without wx.
 */

/** Length of the raw code WeChat prints on each item (codeactivequery / tickettocode `code`). */
export const RAW_CODE_LENGTH = 9;

// The docs fix the length but not the alphabet, and real codes carry symbols (the package example
// in WeChat's FAQ is `0436Z31$0`): accept any printable ASCII; the server has the final word.
const RAW_CODE_PATTERN = /^[\x21-\x7E]{9}$/;

/** Launch scenes of a marketcode (一物一码) entry: camera scan, long-press, album. */
const SCENE_LABELS: Record<number, string> = {
  1124: '微信扫一扫（一物一码）',
  1125: '长按识别（一物一码）',
  1126: '相册识别（一物一码）',
};

/** A consumer-facing label for marketcode scenes; other scenes say nothing useful to them. */
export function describeScene(scene: number | undefined): string {
  return scene === undefined ? '' : (SCENE_LABELS[scene] ?? '');
}

/** Trims the whitespace people paste around codes; the code itself stays as typed. */
export function normalizeRawCode(input: string): string {
  return input.replace(/\s+/g, '');
}

/** The Chinese message to show under the field, or null when the code is well-formed. */
export function validateRawCode(code: string): string | null {
  if (code.length === 0) return '请输入防伪码';
  if (!RAW_CODE_PATTERN.test(code)) return `请输入 ${RAW_CODE_LENGTH} 位防伪码（字母、数字或符号）`;
  return null;
}

/** Reads one query parameter from a Mini Program path (`pages/x/index?a=1&b=2`). */
export function queryParam(path: string, name: string): string | undefined {
  const query = path.split('?')[1];
  if (!query) return undefined;
  for (const pair of query.split('&')) {
    const [key, value = ''] = pair.split('=');
    if (key === name) return decodeURIComponent(value);
  }
  return undefined;
}

export type ScanOutcome =
  { kind: 'ticket'; ticket: string } | { kind: 'code'; code: string } | { kind: 'unknown' };

/**
 * Classifies a `wx.scanCode` result: the code-URL form of a marketcode yields a Mini Program path
 * carrying `code_ticket`; the raw-code form yields the 9-character code itself.
 */
export function classifyScan(result: { result?: string; path?: string }): ScanOutcome {
  const ticket = result.path ? queryParam(result.path, 'code_ticket') : undefined;
  if (ticket) return { kind: 'ticket', ticket };
  const code = normalizeRawCode(result.result ?? '');
  if (validateRawCode(code) === null) return { kind: 'code', code };
  return { kind: 'unknown' };
}
