import type { OfficialAccountCredentials, TokenEndpoint } from '../../config.js';
import { WeChatApiError, WeChatTransportError } from '../errors.js';
import { parseWeChatJson, requestText } from '../http.js';

export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
}

/** Asks WeChat for an access token. Separated from the store so tests can count the calls. */
export interface TokenIssuer {
  readonly endpoint: string;
  /** `force`: the token WeChat holds was rejected; get a different one if the endpoint can. */
  issue(force: boolean): Promise<IssuedToken>;
}

/**
 * The issuer for `/cgi-bin/stable_token` (POST, JSON) or `/cgi-bin/token` (GET, query). The
 * secret travels in the body or query only and is never part of an error or log line.
 */
export function wechatTokenIssuer(
  base: string,
  endpoint: TokenEndpoint,
  credentials: OfficialAccountCredentials,
): TokenIssuer {
  const { appid, secret } = credentials;
  return {
    endpoint,
    async issue(force: boolean): Promise<IssuedToken> {
      if (endpoint === 'token') {
        // Every call to /cgi-bin/token issues a new token: there is nothing to force.
        const api = '/cgi-bin/token';
        const query = new URLSearchParams({ grant_type: 'client_credential', appid, secret });
        return readToken(
          api,
          await requestText({ api, url: `${base}${api}?${query}`, method: 'GET' }),
        );
      }
      const api = '/cgi-bin/stable_token';
      const ask = async (forceRefresh: boolean): Promise<IssuedToken> =>
        readToken(
          api,
          await requestText({
            api,
            url: `${base}${api}`,
            method: 'POST',
            body: { grant_type: 'client_credential', appid, secret, force_refresh: forceRefresh },
          }),
        );
      // A normal call already returns the current stable token, which is what a caller holding a
      // stale one needs; force_refresh (≤ 20 a day, ≥ 30 s apart) is kept for the token WeChat
      // itself still hands out being the rejected one, which the caller signals with `force`.
      return ask(force);
    },
  };
}

function readToken(api: string, text: string): IssuedToken {
  const reply = parseWeChatJson(api, text);
  const errcode = typeof reply.errcode === 'number' ? reply.errcode : 0;
  if (errcode !== 0) throw new WeChatApiError(api, errcode, String(reply.errmsg ?? ''));
  const token = reply.access_token;
  const expiresIn = Number(reply.expires_in);
  if (typeof token !== 'string' || token === '' || !Number.isFinite(expiresIn)) {
    throw new WeChatTransportError(api, 'the reply has no access_token', true);
  }
  return { token, expiresInSeconds: expiresIn };
}
