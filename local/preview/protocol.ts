/**
 * What the preview's server-side build and its browser runtime agree on. No Node or DOM types here:
 * both sides import it.
 */

/** Where the preview is mounted on the local stack. */
export const PREVIEW_PREFIX = '/preview';

/** The phone the preview draws: an iPhone-sized 375 px window, so 1 rpx = 0.5 px (750 rpx wide). */
export const SCREEN_WIDTH = 375;
export const SCREEN_HEIGHT = 667;
export const RPX_SCALE = SCREEN_WIDTH / 750;

/** rpx → px for the preview's screen. WeChat never draws a non-zero rpx thinner than 1 px. */
export function scaleRpx(value: string): string {
  return value.replace(/(-?\d*\.?\d+)rpx\b/gi, (_match, number: string) => {
    const px = Number(number) * RPX_SCALE;
    const visible = px !== 0 && Math.abs(px) < 1 ? Math.sign(px) : Math.round(px * 100) / 100;
    return `${visible}px`;
  });
}

/**
 * Placeholders the build leaves in component styles. miniprogram-simulate decides each component's
 * class prefix (its tag in the parent) only when it loads it, so the browser fills them in then.
 */
export const CLASS_PREFIX_TOKEN = '__mpClassPrefix__';
export const HOST_TOKEN = '__mpHost__';

/** The appid the preview calls functions with (the local stack's MP_APPID default). */
export const PREVIEW_APPID = 'wx-local-miniprogram';

/** One component (or page) of the Mini Program as the browser receives it. */
export interface PreviewComponent {
  /** Root-absolute Mini Program path without extension, e.g. `/pages/landing/index`. */
  path: string;
  /** Its JSON with every `usingComponents` value rewritten to a root-absolute path. */
  json: string;
  /** Its WXSS, imports inlined, rpx scaled, selectors carrying the placeholders above. */
  wxss: string;
}

/** `window.__mashangApp`: the app's shape, from app.json. */
export interface PreviewAppInfo {
  /** Every page route, main package first (`pages/landing/index`, `admin/pages/home/index`). */
  pages: string[];
  /** app.json `window`, merged under each page's own JSON for the navigation bar. */
  window: Record<string, unknown>;
  /** Per page route: the page JSON's window fields (navigationBarTitleText, …). */
  pageWindows: Record<string, Record<string, unknown>>;
  /** app.wxss, transformed like component styles, applied to every page. */
  appWxss: string;
  components: PreviewComponent[];
  /** Fingerprint of the sources this build came from. */
  version: string;
}

/** `GET /preview/api/demo`: what the control bar needs to scan demo codes. */
export interface PreviewDemoInfo {
  /** Openids to choose from, demo users first. */
  users: string[];
  /** An administrator openid of the stack (first of ADMIN_OPENIDS). */
  adminOpenid: string;
  /**
   * The console's demo members (the administrator first), each with its role's Chinese name, so
   * the user list can say who is who and one can switch to each role.
   */
  roles: { openid: string; roleName: string }[];
  /** The latest activated range, when there is one. */
  application: {
    applicationId: string;
    codeStart: number;
    codeEnd: number;
    productTitle?: string;
  } | null;
  officialAccountName: string;
}

/** Launch or enter options as `wx.getEnterOptionsSync()` returns them. */
export interface EnterOptions {
  path: string;
  query: Record<string, string>;
  scene: number;
  referrerInfo: Record<string, unknown>;
}

/** Resolves `url` of navigateTo & co. against the current route: `../x/index?a=1` or `/x/index`. */
export function resolveUrl(
  from: string,
  url: string,
): { route: string; query: Record<string, string> } {
  const [pathPart, search = ''] = url.split('?');
  const base = from.split('/').slice(0, -1);
  const segments = pathPart.startsWith('/') ? [] : base;
  for (const segment of pathPart.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(search)) query[key] = value;
  return { route: segments.join('/'), query };
}
