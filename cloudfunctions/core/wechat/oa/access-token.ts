import { randomUUID } from 'node:crypto';
import {
  MEMORY_TTL_MS,
  REFRESH_LEASE_MS,
  REFRESH_POLL_MS,
  REFRESH_WAIT_MS,
  SCHEDULED_REFRESH_AHEAD_MS,
  USE_MARGIN_MS,
  expiryOf,
  isFresh,
} from '../../domain/access-token.js';
import type { TokenRecord, TokenStore } from '../../data/tokens.js';
import { decideRetry } from '../../domain/wechat-retry.js';
import { WeChatApiError, WeChatTransportError } from '../errors.js';
import type { IssuedToken, TokenIssuer } from './token-endpoint.js';

export interface AccessTokensOptions {
  appid: string;
  store: TokenStore;
  issuer: TokenIssuer;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The Official Account's access token as every function sees it: read from the central store,
 * fetched from WeChat only when the store has none that is fresh, and then by one caller at a time.
 *
 * Single flight, twice over: within an instance, simultaneous callers share one promise; across
 * instances, the store's lease (a conditional update, see data/tokens.ts) lets one refresher
 * through while the others poll the store until its token appears.
 */
export class AccessTokens {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private memory: { token: string; expiresAt: number; readAt: number } | undefined;
  /** In-flight work keyed by what it is for: '' a plain read, otherwise the rejected token. */
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly options: AccessTokensOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** A token good for at least a minute more. */
  async get(): Promise<string> {
    const now = this.now();
    const memory = this.memory;
    if (memory && now - memory.readAt < MEMORY_TTL_MS && isFresh(memory, now)) return memory.token;
    return this.once('', () => this.obtain({ marginMs: USE_MARGIN_MS }));
  }

  /**
   * WeChat rejected `rejected` (40001/42001/40014): returns a different token, refreshing unless
   * another caller already replaced it.
   */
  async replace(rejected: string): Promise<string> {
    if (this.memory?.token === rejected) this.memory = undefined;
    return this.once(rejected, () => this.obtain({ marginMs: USE_MARGIN_MS, rejected }));
  }

  /** The scheduler's renewal: refreshes when the stored token lapses within the refresh window. */
  async renewAhead(): Promise<{ refreshed: boolean; expiresAt: number }> {
    const before = await this.options.store.read(this.options.appid);
    await this.obtain({ marginMs: SCHEDULED_REFRESH_AHEAD_MS });
    const after = await this.options.store.read(this.options.appid);
    return {
      refreshed: (after?.version ?? 0) !== (before?.version ?? -1),
      expiresAt: after?.expiresAt ?? 0,
    };
  }

  private once(key: string, work: () => Promise<string>): Promise<string> {
    let running = this.inflight.get(key);
    if (!running) {
      running = work().finally(() => this.inflight.delete(key));
      this.inflight.set(key, running);
    }
    return running;
  }

  private async obtain(want: { marginMs: number; rejected?: string }): Promise<string> {
    const { appid, store } = this.options;
    const deadline = this.now() + REFRESH_WAIT_MS;
    for (;;) {
      const record = await store.read(appid);
      const now = this.now();
      if (isFresh(record, now, want.marginMs) && record.token !== want.rejected) {
        return this.remember(record.token, record.expiresAt, now);
      }
      const holder = randomUUID();
      if (await store.claim(appid, record?.version, holder, now, REFRESH_LEASE_MS)) {
        return this.refresh(holder, record, want.rejected);
      }
      if (this.now() > deadline) {
        throw new WeChatTransportError(
          '/cgi-bin/stable_token',
          'another instance held the token refresh for too long',
          true,
        );
      }
      await this.sleep(REFRESH_POLL_MS);
    }
  }

  private async refresh(
    holder: string,
    record: TokenRecord | undefined,
    rejected: string | undefined,
  ): Promise<string> {
    const { appid, store, issuer } = this.options;
    try {
      let issued = await this.issueWithBackoff(false);
      // stable_token returns the token it holds while that is valid; if that very token was
      // rejected (another system forced a refresh elsewhere, or WeChat revoked it), force one.
      const stale = rejected ?? record?.token;
      if (rejected !== undefined && issued.token === stale)
        issued = await this.issueWithBackoff(true);
      const now = this.now();
      const expiresAt = expiryOf(now, issued.expiresInSeconds);
      await store.save(appid, holder, {
        token: issued.token,
        expiresAt,
        refreshedAt: now,
        endpoint: issuer.endpoint,
      });
      return this.remember(issued.token, expiresAt, now);
    } catch (error) {
      await store.release(appid, holder).catch(() => {});
      throw error;
    }
  }

  /** The token endpoints fail with -1 and 45011 too; they get the same bounded backoff. */
  private async issueWithBackoff(force: boolean): Promise<IssuedToken> {
    for (let attempts = 1; ; attempts += 1) {
      try {
        return await this.options.issuer.issue(force);
      } catch (error) {
        const decision = decideRetry({
          errcode: error instanceof WeChatApiError ? error.errcode : undefined,
          retryable: error instanceof WeChatTransportError ? error.retryable : false,
          attempts,
          // A token endpoint error is never cured by another token.
          refreshedToken: true,
          random: Math.random(),
        });
        if (decision.kind !== 'back-off') throw error;
        await this.sleep(decision.delayMs);
      }
    }
  }

  private remember(token: string, expiresAt: number, now: number): string {
    this.memory = { token, expiresAt, readAt: now };
    return token;
  }
}
