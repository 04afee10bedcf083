/**
 * Settings of the functions, read from environment variables (declared by name in
 * cloudbaserc.json, given values in the CloudBase console or by the local stack). Read on use, not
 * at load, so a changed console setting reaches warm instances after their next start only where
 * CloudBase itself restarts them, and tests can set them per case.
 */
export function adminOpenids(): ReadonlySet<string> {
  return new Set(
    (process.env.ADMIN_OPENIDS ?? '')
      .split(',')
      .map((openid) => openid.trim())
      .filter(Boolean),
  );
}

const DEFAULT_WECHAT_API_BASE = 'https://api.weixin.qq.com';

/** Where WeChat's server APIs live; a simulator stands in locally. No trailing slash. */
export function wechatApiBase(): string {
  const base = process.env.WECHAT_API_BASE?.trim() || DEFAULT_WECHAT_API_BASE;
  return base.replace(/\/+$/, '');
}

export interface OfficialAccountCredentials {
  appid: string;
  secret: string;
}

/** The Official Account that owns the codes, or undefined when it is not configured. */
export function officialAccount(): OfficialAccountCredentials | undefined {
  const appid = process.env.OA_APPID?.trim();
  const secret = process.env.OA_SECRET?.trim();
  return appid && secret ? { appid, secret } : undefined;
}

export type TokenEndpoint = 'stable_token' | 'token';

/**
 * Which WeChat endpoint issues the OA access token. `stable_token` (default) hands every caller the
 * same token while it is valid, so a stray second refresher cannot invalidate ours; `token` is the
 * classic endpoint, for accounts whose other systems already use it (the two are isolated).
 */
export function oaTokenEndpoint(): TokenEndpoint {
  return process.env.OA_TOKEN_ENDPOINT?.trim() === 'token' ? 'token' : 'stable_token';
}

/** The key that decrypts marketcode packages, or undefined when it is not configured. */
export function marketcodeKey(): string | undefined {
  return process.env.MARKETCODE_KEY || undefined;
}

/** The Mini Program's appid: the default jump target of activated codes. */
export function miniProgramAppid(): string | undefined {
  return process.env.MP_APPID?.trim() || undefined;
}

export interface OaServerSettings {
  /** The Token set beside the server URL in the Official Account's console. */
  token: string;
  /** The EncodingAESKey (43 characters) of safe and compatible mode; undefined in plain mode. */
  encodingAesKey?: string;
  /** The Official Account's appid: a decrypted message must name it. */
  appid?: string;
}

/**
 * What the `oa` function (the Official Account's server URL) needs, or undefined when OA_TOKEN is
 * not set: then nothing can be verified and every request is refused.
 */
export function oaServerSettings(): OaServerSettings | undefined {
  const token = process.env.OA_TOKEN?.trim();
  if (!token) return undefined;
  const encodingAesKey = process.env.OA_ENCODING_AES_KEY?.trim() || undefined;
  const appid = process.env.OA_APPID?.trim() || undefined;
  return { token, ...(encodingAesKey ? { encodingAesKey } : {}), ...(appid ? { appid } : {}) };
}
