/**
 * How the landing page reads what the consumer brings: a `code_ticket` from the launch query or an
 * in-app scan, or a 9-character raw code typed by hand. Pure functions, so they test without wx.
 */

/** Length of the raw code WeChat prints on each item (codeactivequery / tickettocode `code`). */
export const RAW_CODE_LENGTH = 9;

// The docs fix the length but not the alphabet, and real codes carry symbols (the package example
// in WeChat's FAQ is `0436Z31$0`): accept any printable ASCII; the server has the final word.
const RAW_CODE_PATTERN = /^[\x21-\x7E]{9}$/;

/**
 * Scenes that bring a consumer to the landing page: the three marketcode (一物一码) entries, and an
 * ordinary QR code or Mini Program code pointing at the page (e.g. on a shelf card).
 */
const SCENE_LABELS: Record<number, string> = {
  1011: '微信扫一扫（二维码）',
  1047: '微信扫一扫（小程序码）',
  1124: '微信扫一扫（一物一码）',
  1125: '长按识别（一物一码）',
  1126: '相册识别（一物一码）',
};

/** A consumer-facing label for the scan scenes above; other scenes say nothing useful to them. */
export function describeScene(scene: number | undefined): string {
  return scene === undefined ? '' : (SCENE_LABELS[scene] ?? '');
}

/**
 * Cold-start scenes where WeChat renders `<official-account>` (a camera scan of a QR, 1-D,
 * Mini Program or 一物一码 code, or the trial build); long-press and album scans (1125/1126…) get
 * error status 5 instead.
 */
const OFFICIAL_ACCOUNT_SCENES = new Set([1011, 1017, 1025, 1047, 1124]);

/** Hot-start scenes that keep the card when the cold start was one of the scenes above. */
const OFFICIAL_ACCOUNT_HOT_SCENES = new Set([1001, 1038, 1041, 1089, 1090, 1104, 1131, 1187]);

/**
 * Whether `<official-account>` can render for this entry, so the page shows the fallback card
 * straight away instead of an empty 84-px gap waiting for `binderror`.
 */
export function canShowOfficialAccount(
  enterScene: number | undefined,
  launchScene: number | undefined,
): boolean {
  if (enterScene === undefined) return false;
  if (OFFICIAL_ACCOUNT_SCENES.has(enterScene)) return true;
  return (
    OFFICIAL_ACCOUNT_HOT_SCENES.has(enterScene) &&
    launchScene !== undefined &&
    OFFICIAL_ACCOUNT_SCENES.has(launchScene)
  );
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
