import { decideRetry } from '../../domain/wechat-retry.js';
import { officialAccount, oaTokenEndpoint, wechatApiBase } from '../../config.js';
import { DatabaseTokenStore } from '../../data/tokens.js';
import { WeChatApiError, WeChatConfigError, WeChatTransportError } from '../errors.js';
import { parseWeChatJson, requestText } from '../http.js';
import { AccessTokens } from './access-token.js';
import { wechatTokenIssuer } from './token-endpoint.js';

export interface OaCall {
  /** Path of the API, e.g. `/intp/marketcode/applycode`. */
  api: string;
  method?: 'GET' | 'POST';
  body?: unknown;
  /** uint64 reply fields to keep as digit strings (see parseWeChatJson). */
  bigIntegerFields?: readonly string[];
  timeoutMs?: number;
  /** The largest reply read; the default suits JSON replies (see requestText). */
  maxBytes?: number;
  /** Extra query parameters (e.g. media/upload's `type`). */
  query?: Record<string, string>;
}

export interface OaClientOptions {
  base: string;
  tokens: AccessTokens;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Calls Official Account APIs with the central access token, applying the retry rules of
 * domain/wechat-retry.ts: one forced token refresh on 40001/42001/40014, bounded backoff on -1,
 * 45011 and transport trouble, and no retry on the daily quota (45009): another try only burns
 * more of it. Throws WeChatApiError or
 * WeChatTransportError when it gives up; never logs the token.
 */
export class OfficialAccountClient {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: OaClientOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  get tokens(): AccessTokens {
    return this.options.tokens;
  }

  async call(request: OaCall): Promise<Record<string, unknown>> {
    let token = await this.options.tokens.get();
    let refreshedToken = false;
    for (let attempts = 1; ; attempts += 1) {
      try {
        return await this.once(request, token);
      } catch (error) {
        const errcode = error instanceof WeChatApiError ? error.errcode : undefined;
        if (errcode === undefined && !(error instanceof WeChatTransportError)) throw error;
        const decision = decideRetry({
          errcode,
          retryable: error instanceof WeChatTransportError ? error.retryable : undefined,
          attempts,
          refreshedToken,
          random: this.random(),
        });
        if (decision.kind === 'give-up') throw error;
        if (decision.kind === 'refresh-token') {
          token = await this.options.tokens.replace(token);
          refreshedToken = true;
        } else {
          await this.sleep(decision.delayMs);
        }
      }
    }
  }

  private async once(request: OaCall, token: string): Promise<Record<string, unknown>> {
    const method = request.method ?? 'POST';
    const extra = request.query ? `&${new URLSearchParams(request.query)}` : '';
    const url = `${this.options.base}${request.api}?access_token=${encodeURIComponent(token)}${extra}`;
    const text = await requestText({
      api: request.api,
      url,
      method,
      body: method === 'POST' ? (request.body ?? {}) : undefined,
      timeoutMs: request.timeoutMs,
      maxBytes: request.maxBytes,
    });
    const reply = parseWeChatJson(request.api, text, request.bigIntegerFields);
    const errcode = reply.errcode === undefined ? 0 : Number(reply.errcode);
    if (errcode !== 0) throw new WeChatApiError(request.api, errcode, String(reply.errmsg ?? ''));
    return reply;
  }
}

let shared: { key: string; client: OfficialAccountClient } | undefined;

/**
 * The instance's client for the configured Official Account (one per settings, so the in-instance
 * single flight spans every action the instance serves).
 */
export function officialAccountClient(): OfficialAccountClient {
  const credentials = officialAccount();
  if (!credentials) throw new WeChatConfigError('OA_APPID and OA_SECRET are not set');
  const base = wechatApiBase();
  const endpoint = oaTokenEndpoint();
  const key = `${base}|${endpoint}|${credentials.appid}`;
  if (shared?.key !== key) {
    const tokens = new AccessTokens({
      appid: credentials.appid,
      store: new DatabaseTokenStore(),
      issuer: wechatTokenIssuer(base, endpoint, credentials),
    });
    shared = { key, client: new OfficialAccountClient({ base, tokens }) };
  }
  return shared.client;
}
