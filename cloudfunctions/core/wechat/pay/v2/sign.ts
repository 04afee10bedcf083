import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type V2SignType = 'MD5' | 'HMAC-SHA256';

/** A v2 parameter set: values become their string form; empty ones are not signed. */
export type V2Params = Readonly<Record<string, string | number | undefined | null>>;

/**
 * WeChat Pay v2 signature: the non-empty parameters except `sign`, sorted by key in ASCII order,
 * joined as `k=v&k=v`, then `&key=<API key>`; MD5 (or HMAC-SHA256 keyed with the API key), hex,
 * upper-case. Keys are compared by code unit (`sort()`), not locale, which is ASCII order here.
 */
export function signV2(params: V2Params, apiKey: string, signType: V2SignType = 'MD5'): string {
  if (!apiKey) throw new Error('signV2: the API key is empty');
  const base = `${canonicalV2(params)}&key=${apiKey}`;
  const digest =
    signType === 'MD5'
      ? createHash('md5').update(base, 'utf8')
      : createHmac('sha256', apiKey).update(base, 'utf8');
  return digest.digest('hex').toUpperCase();
}

/**
 * Checks `params.sign`. The algorithm is the one `sign_type` names when present (WeChat echoes the
 * request's), else `signType`. Constant-time comparison; hex case is ignored.
 */
export function verifyV2(params: V2Params, apiKey: string, signType: V2SignType = 'MD5'): boolean {
  const given = params.sign;
  if (typeof given !== 'string' || given === '') return false;
  const type = params.sign_type === 'HMAC-SHA256' ? 'HMAC-SHA256' : signType;
  const expected = Buffer.from(signV2(params, apiKey, type), 'utf8');
  const actual = Buffer.from(given.toUpperCase(), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function canonicalV2(params: V2Params): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign')
    .filter((key) => {
      const value = params[key];
      return value !== undefined && value !== null && String(value) !== '';
    })
    .sort()
    .map((key) => `${key}=${String(params[key])}`)
    .join('&');
}

/** A v2 `nonce_str`: 32 characters (the documented maximum), from a CSPRNG. */
export function v2Nonce(): string {
  return randomBytes(16).toString('hex');
}

/** What the Mini Program passes to `wx.sendBizRedPacket` (WeChat Pay's 领取红包 page). */
export interface BizRedPacketParams {
  /** Unix seconds, as a string: the client rejects a number. */
  timeStamp: string;
  nonceStr: string;
  /** sendminiprogramhb's `package`, URL-encoded; exactly the string that was signed. */
  package: string;
  signType: 'MD5';
  paySign: string;
}

export interface BizRedPacketInput {
  /** The Mini Program's appid (the `wxappid` the envelope was sent under). */
  appId: string;
  /** The `package` from sendminiprogramhb, as WeChat returned it (not yet encoded). */
  package: string;
  apiKey: string;
  /** For tests: fixed seconds and nonce instead of the clock and a CSPRNG. */
  timeStamp?: string;
  nonceStr?: string;
}

/**
 * Builds `wx.sendBizRedPacket`'s arguments. paySign is MD5 over appId, nonceStr, package
 * (URL-encoded) and timeStamp with `&key=`; `signType` is not signed and `appId` is signed but not
 * passed. Upper-case hex, as for every v2 signature (the doc's hex case is UNVERIFIED; §3.3).
 */
export function buildBizRedPacketParams(input: BizRedPacketInput): BizRedPacketParams {
  const timeStamp = input.timeStamp ?? String(Math.floor(Date.now() / 1000));
  const nonceStr = input.nonceStr ?? v2Nonce();
  const encodedPackage = encodeURIComponent(input.package);
  const paySign = signV2(
    { appId: input.appId, nonceStr, package: encodedPackage, timeStamp },
    input.apiKey,
    'MD5',
  );
  return { timeStamp, nonceStr, package: encodedPackage, signType: 'MD5', paySign };
}
