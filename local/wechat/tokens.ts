/**
 * Official Account access tokens, as `/cgi-bin/token` and `/cgi-bin/stable_token` hand them out
 * (WeChat's 获取 Access token and 获取稳定版接口调用凭据 pages):
 *
 * - `/cgi-bin/token`: every call issues a new token; the previous ones stay valid for a 5-minute
 *   grace, then answer 40001 ("not latest").
 * - `/cgi-bin/stable_token`: the same token while more than 5 minutes remain (with `expires_in`
 *   counting down); in the last 5 minutes a new one is issued and the old one lives out its time;
 *   `force_refresh: true` issues a new one and invalidates the old one at once. Its daily and
 *   30-second limits on forced refreshes are not simulated (inject 45009/45011 to test them).
 * - The two endpoints' tokens are independent: neither invalidates the other's.
 * - Any API: no token 41001, unknown or superseded 40001, past its 7200 s 42001.
 */
import { randomBytes } from 'node:crypto';
import { Errcode, WechatApiError, invalidArgs, wechatError } from './errors';
import type { SimulatorStore, TokenEndpoint, TokenRow } from './store';

export const TOKEN_TTL_MS = 7200_000;
export const TOKEN_GRACE_MS = 5 * 60_000;
const GRANT_TYPE = 'client_credential';

/** The Official Account the simulator plays: the stack's effective OA_APPID / OA_SECRET. */
export interface OaCredentials {
  appid?: string;
  secret?: string;
}

export interface TokenAnswer {
  access_token: string;
  expires_in: number;
}

export class TokenIssuer {
  constructor(
    private readonly store: SimulatorStore,
    private readonly now: () => number,
    private readonly credentials: () => OaCredentials,
  ) {}

  /** `GET /cgi-bin/token?grant_type=client_credential&appid=&secret=` */
  token(query: Record<string, unknown>): TokenAnswer {
    const appid = this.checkCredentials(query.grant_type, query.appid, query.secret);
    const now = this.now();
    this.store.revokeTokens('token', appid, now + TOKEN_GRACE_MS);
    return answer(this.issue('token', appid, now), now);
  }

  /** `POST /cgi-bin/stable_token` with `{ grant_type, appid, secret, force_refresh }` */
  stableToken(body: Record<string, unknown>): TokenAnswer {
    const appid = this.checkCredentials(body.grant_type, body.appid, body.secret);
    if (body.force_refresh !== undefined && typeof body.force_refresh !== 'boolean')
      throw invalidArgs('force_refresh must be a boolean');
    const now = this.now();
    const current = this.store.latestToken('stable_token', appid);
    const live = current !== undefined && current.expires_at > now ? current : undefined;
    if (body.force_refresh === true) {
      this.store.revokeTokens('stable_token', appid, now);
      return answer(this.issue('stable_token', appid, now), now);
    }
    if (live && live.expires_at - now > TOKEN_GRACE_MS) return answer(live, now);
    // In the last 5 minutes (or with none alive): a new token; the old one keeps its own expiry.
    return answer(this.issue('stable_token', appid, now), now);
  }

  /** The appid a token belongs to, or the error WeChat answers an API call with. */
  authenticate(accessToken: unknown): string {
    if (typeof accessToken !== 'string' || accessToken === '')
      throw wechatError(Errcode.AccessTokenMissing);
    const row = this.store.findToken(accessToken);
    const now = this.now();
    if (!row || (row.revoked_at !== null && now >= row.revoked_at))
      throw wechatError(Errcode.InvalidCredential);
    if (now >= row.expires_at) throw wechatError(Errcode.AccessTokenExpired);
    return row.appid;
  }

  private checkCredentials(grantType: unknown, appid: unknown, secret: unknown): string {
    if (grantType !== GRANT_TYPE) throw wechatError(Errcode.InvalidGrantType);
    if (typeof appid !== 'string' || appid === '') throw wechatError(Errcode.AppidMissing);
    const expected = this.credentials();
    if (!expected.appid || appid !== expected.appid) throw wechatError(Errcode.InvalidAppid);
    if (typeof secret !== 'string' || secret === '') throw wechatError(Errcode.AppsecretMissing);
    if (!expected.secret || secret !== expected.secret)
      throw new WechatApiError(Errcode.InvalidAppsecret, 'invalid appsecret');
    return appid;
  }

  private issue(endpoint: TokenEndpoint, appid: string, now: number): TokenRow {
    this.store.prune(now);
    const row: TokenRow = {
      // WeChat's tokens are long opaque strings of [A-Za-z0-9_-] (clients must store ≥ 512 chars).
      token: randomBytes(102).toString('base64url'),
      endpoint,
      appid,
      issued_at: now,
      expires_at: now + TOKEN_TTL_MS,
      revoked_at: null,
    };
    this.store.insertToken(row);
    this.store.increment(`issued:${endpoint}`);
    return row;
  }
}

function answer(row: TokenRow, now: number): TokenAnswer {
  return { access_token: row.token, expires_in: Math.floor((row.expires_at - now) / 1000) };
}
