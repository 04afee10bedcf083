/**
 * The OA client's token and retry rules against a fake WeChat (a local HTTP server that counts
 * requests): single flight within an instance and across instances sharing a store, one forced
 * refresh on a rejected token, bounded backoff when busy, no retry on the daily quota.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryTokenStore } from '../../cloudfunctions/core/data/tokens';
import { MAX_ATTEMPTS, MAX_DELAY_MS } from '../../cloudfunctions/core/domain/wechat-retry';
import {
  WeChatApiError,
  WeChatTransportError,
  toAppError,
} from '../../cloudfunctions/core/wechat/errors';
import { AccessTokens } from '../../cloudfunctions/core/wechat/oa/access-token';
import { OfficialAccountClient } from '../../cloudfunctions/core/wechat/oa/client';
import { wechatTokenIssuer } from '../../cloudfunctions/core/wechat/oa/token-endpoint';
import type { TokenEndpoint } from '../../cloudfunctions/core/config';

const APPID = 'wx-test-oa';
const SECRET = 'test-secret-never-logged';

interface Answer {
  status?: number;
  body?: unknown;
  delayMs?: number;
}

/** A fake WeChat: token endpoints with stable_token's semantics, and one API that replays answers. */
class FakeWeChat {
  server!: Server;
  base = '';
  requests = { stable_token: 0, token: 0, forced: 0, api: 0 };
  tokensSeenByApi: string[] = [];
  tokenAnswers: Answer[] = [];
  apiAnswers: Answer[] = [];
  private current = '';
  private issued = 0;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(({ status = 200, body = {}, delayMs = 0 }) => {
        setTimeout(() => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(typeof body === 'string' ? body : JSON.stringify(body));
        }, delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Forgets everything, the token WeChat holds included. */
  reset(): void {
    this.current = '';
    this.issued = 0;
    this.clearCounts();
  }

  /** Forgets the counts and queued answers, keeping the token WeChat holds. */
  clearCounts(): void {
    this.requests = { stable_token: 0, token: 0, forced: 0, api: 0 };
    this.tokensSeenByApi = [];
    this.tokenAnswers = [];
    this.apiAnswers = [];
  }

  private async handle(request: IncomingMessage): Promise<Answer> {
    let text = '';
    for await (const chunk of request) text += chunk;
    const url = new URL(request.url ?? '/', this.base);
    if (url.pathname === '/cgi-bin/stable_token') {
      this.requests.stable_token += 1;
      const body = JSON.parse(text) as { force_refresh?: boolean; secret?: string };
      if (body.force_refresh) this.requests.forced += 1;
      const queued = this.tokenAnswers.shift();
      if (queued) return queued;
      if (body.force_refresh || this.current === '') this.current = `stable-${++this.issued}`;
      return { body: { access_token: this.current, expires_in: 7200 } };
    }
    if (url.pathname === '/cgi-bin/token') {
      this.requests.token += 1;
      const queued = this.tokenAnswers.shift();
      if (queued) return queued;
      this.current = `classic-${++this.issued}`;
      return { body: { access_token: this.current, expires_in: 7200 } };
    }
    this.requests.api += 1;
    this.tokensSeenByApi.push(url.searchParams.get('access_token') ?? '');
    return this.apiAnswers.shift() ?? { body: { errcode: 0, errmsg: 'ok', echo: url.pathname } };
  }
}

const fake = new FakeWeChat();
beforeAll(() => fake.start());
afterAll(() => new Promise<void>((resolve) => fake.server.close(() => resolve())));
afterEach(() => {
  fake.reset();
  vi.restoreAllMocks();
});

function setup(
  options: { store?: MemoryTokenStore; endpoint?: TokenEndpoint; sleeps?: number[] } = {},
) {
  const store = options.store ?? new MemoryTokenStore();
  const sleeps = options.sleeps ?? [];
  const tokens = new AccessTokens({
    appid: APPID,
    store,
    issuer: wechatTokenIssuer(fake.base, options.endpoint ?? 'stable_token', {
      appid: APPID,
      secret: SECRET,
    }),
  });
  const client = new OfficialAccountClient({
    base: fake.base,
    tokens,
    // Backoff waits are recorded, not slept: the rules are what is under test.
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });
  return { store, tokens, client, sleeps };
}

const call = (client: OfficialAccountClient) => client.call({ api: '/intp/test/echo', body: {} });

describe('access token single flight', () => {
  it('50 simultaneous callers with no token cause one token request', async () => {
    const { client, store } = setup();
    const replies = await Promise.all(Array.from({ length: 50 }, () => call(client)));
    expect(replies.every((reply) => reply.errcode === 0)).toBe(true);
    expect(fake.requests.stable_token).toBe(1);
    expect(fake.requests.api).toBe(50);
    expect(new Set(fake.tokensSeenByApi)).toEqual(new Set(['stable-1']));
    expect(await store.read(APPID)).toMatchObject({ token: 'stable-1', version: 1, leaseUntil: 0 });
  });

  it('50 simultaneous callers holding an expired token cause one token request', async () => {
    const store = new MemoryTokenStore();
    store.put({
      appid: APPID,
      token: 'lapsed',
      expiresAt: Date.now() - 1,
      refreshedAt: Date.now() - 7_200_000,
      version: 4,
      leaseUntil: 0,
    });
    const { client } = setup({ store });
    await Promise.all(Array.from({ length: 50 }, () => call(client)));
    expect(fake.requests.stable_token).toBe(1);
    expect(fake.tokensSeenByApi).not.toContain('lapsed');
    expect(await store.read(APPID)).toMatchObject({ version: 5 });
  });

  it('instances sharing a store refresh once between them (the lease)', async () => {
    const store = new MemoryTokenStore();
    const instances = [setup({ store }), setup({ store }), setup({ store })];
    await Promise.all(
      instances.flatMap(({ client }) => Array.from({ length: 10 }, () => call(client))),
    );
    expect(fake.requests.stable_token).toBe(1);
    expect(fake.requests.api).toBe(30);
  });

  it('a token still fresh in the store is used without asking WeChat', async () => {
    const store = new MemoryTokenStore();
    store.put({ appid: APPID, token: 'stored', expiresAt: Date.now() + 3_600_000, version: 1 });
    const { client } = setup({ store });
    await call(client);
    expect(fake.requests.stable_token).toBe(0);
    expect(fake.tokensSeenByApi).toEqual(['stored']);
  });

  it('takes over a lease whose holder died, once it lapses', async () => {
    const store = new MemoryTokenStore();
    store.put({ appid: APPID, version: 2, leaseHolder: 'dead', leaseUntil: Date.now() - 1 });
    const { client } = setup({ store });
    await call(client);
    expect(fake.requests.stable_token).toBe(1);
  });

  it('uses /cgi-bin/token when told to', async () => {
    const { client } = setup({ endpoint: 'token' });
    await Promise.all(Array.from({ length: 5 }, () => call(client)));
    expect(fake.requests).toMatchObject({ token: 1, stable_token: 0 });
    expect(fake.tokensSeenByApi[0]).toBe('classic-1');
  });

  it('the scheduler renews within ten minutes of expiry, not before', async () => {
    const store = new MemoryTokenStore();
    store.put({ appid: APPID, token: 'old', expiresAt: Date.now() + 30 * 60_000, version: 1 });
    const { tokens } = setup({ store });
    expect((await tokens.renewAhead()).refreshed).toBe(false);
    expect(fake.requests.stable_token).toBe(0);
    store.put({ appid: APPID, token: 'old', expiresAt: Date.now() + 9 * 60_000, version: 1 });
    const renewed = await tokens.renewAhead();
    expect(renewed.refreshed).toBe(true);
    expect(renewed.expiresAt).toBeGreaterThan(Date.now() + 3_600_000);
    expect(fake.requests.stable_token).toBe(1);
  });
});

describe('retry rules', () => {
  it('40001: replaces the token once (forcing when WeChat hands back the same) and retries', async () => {
    const { client } = setup();
    await call(client); // holds stable-1
    fake.clearCounts();
    fake.apiAnswers.push({ body: { errcode: 40001, errmsg: 'invalid credential' } });
    const reply = await call(client);
    expect(reply.errcode).toBe(0);
    expect(fake.requests.api).toBe(2);
    // stable_token normally returns the token it holds; that one was rejected, so one forced call.
    expect(fake.requests.stable_token).toBe(2);
    expect(fake.requests.forced).toBe(1);
    expect(fake.tokensSeenByApi).toEqual(['stable-1', 'stable-2']);
  });

  it.each([42001, 40014])('%i: one refresh and one retry', async (errcode) => {
    const { client } = setup();
    fake.apiAnswers.push({ body: { errcode, errmsg: 'stale' } });
    await call(client);
    expect(fake.requests.api).toBe(2);
  });

  it('a token rejected twice is an error after one refresh', async () => {
    const { client } = setup();
    fake.apiAnswers.push(
      { body: { errcode: 40001, errmsg: 'invalid credential' } },
      { body: { errcode: 40001, errmsg: 'invalid credential' } },
    );
    const error = await call(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatApiError);
    expect(error).toMatchObject({ errcode: 40001, errmsg: 'invalid credential' });
    expect(fake.requests.api).toBe(2);
  });

  it('-1: bounded backoff, then the error', async () => {
    const { client, sleeps } = setup();
    for (let i = 0; i < 5; i += 1) fake.apiAnswers.push({ body: { errcode: -1, errmsg: 'busy' } });
    const error = await call(client).catch((e: unknown) => e);
    expect(error).toMatchObject({ errcode: -1 });
    expect(fake.requests.api).toBe(MAX_ATTEMPTS);
    expect(sleeps).toHaveLength(MAX_ATTEMPTS - 1);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!);
    for (const ms of sleeps) expect(ms).toBeLessThanOrEqual(MAX_DELAY_MS);
  });

  it('-1 and 45011 pass after a wait', async () => {
    const { client, sleeps } = setup();
    fake.apiAnswers.push(
      { body: { errcode: -1, errmsg: 'busy' } },
      { body: { errcode: 45011, errmsg: 'api minute-quota reach limit' } },
    );
    expect((await call(client)).errcode).toBe(0);
    expect(sleeps).toHaveLength(2);
  });

  it('45009: no retry (it would only burn more quota), UPSTREAM_QUOTA_EXCEEDED at once', async () => {
    const { client, sleeps } = setup();
    for (let i = 0; i < 5; i += 1) {
      fake.apiAnswers.push({ body: { errcode: 45009, errmsg: 'reach max api daily quota limit' } });
    }
    const error = await call(client).catch((e: unknown) => e);
    expect(error).toMatchObject({ errcode: 45009 });
    expect(fake.requests.api).toBe(1);
    expect(sleeps).toHaveLength(0);
    expect(toAppError(error)?.code).toBe('UPSTREAM_QUOTA_EXCEEDED');
  });

  it('a reply past the size cap is an upstream error, read no further and not retried', async () => {
    const { client } = setup();
    // 2 MiB of valid JSON: only its size is wrong.
    const huge = JSON.stringify({ errcode: 0, errmsg: 'ok', pad: 'x'.repeat(2 * 1024 * 1024) });
    for (let i = 0; i < 3; i += 1) fake.apiAnswers.push({ body: huge });
    const error = await call(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatTransportError);
    expect((error as Error).message).toMatch(/exceeds/);
    expect(fake.requests.api).toBe(1);
    expect(toAppError(error)?.code).toBe('UPSTREAM_ERROR');
  });

  it('a caller expecting a large reply (a code package) may raise the cap', async () => {
    const { client } = setup();
    const big = JSON.stringify({ errcode: 0, errmsg: 'ok', buffer: 'A'.repeat(2 * 1024 * 1024) });
    fake.apiAnswers.push({ body: big });
    const reply = await client.call({ api: '/intp/test', body: {}, maxBytes: 8 * 1024 * 1024 });
    expect((reply.buffer as string).length).toBe(2 * 1024 * 1024);
  });

  it('other errcodes are not retried', async () => {
    const { client } = setup();
    fake.apiAnswers.push({ body: { errcode: 40097, errmsg: 'invalid args' } });
    await expect(call(client)).rejects.toMatchObject({ errcode: 40097 });
    expect(fake.requests.api).toBe(1);
  });

  it('HTTP 5xx is retried, HTTP 4xx is not', async () => {
    const { client } = setup();
    fake.apiAnswers.push({ status: 502, body: 'bad gateway' });
    expect((await call(client)).errcode).toBe(0);
    expect(fake.requests.api).toBe(2);
    fake.clearCounts();
    fake.apiAnswers.push({ status: 404, body: 'not found' });
    await expect(call(client)).rejects.toBeInstanceOf(WeChatTransportError);
    expect(fake.requests.api).toBe(1);
  });

  it('times out a request that hangs, and retries it a bounded number of times', async () => {
    const { client } = setup();
    for (let i = 0; i < 5; i += 1) fake.apiAnswers.push({ delayMs: 300, body: { errcode: 0 } });
    const error = await client
      .call({ api: '/intp/test/slow', body: {}, timeoutMs: 50 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatTransportError);
    expect((error as Error).message).toContain('timed out');
    expect(fake.requests.api).toBe(MAX_ATTEMPTS);
    expect(toAppError(error)?.code).toBe('UPSTREAM_ERROR');
  });

  it('the token endpoint is retried when busy, and a bad secret is a configuration error', async () => {
    const { client } = setup();
    fake.tokenAnswers.push({ body: { errcode: -1, errmsg: 'system error' } });
    expect((await call(client)).errcode).toBe(0);
    expect(fake.requests.stable_token).toBe(2);

    const other = setup();
    fake.tokenAnswers.push({ body: { errcode: 40125, errmsg: 'invalid appsecret' } });
    const error = await call(other.client).catch((e: unknown) => e);
    expect(error).toMatchObject({ errcode: 40125 });
    expect(toAppError(error)).toMatchObject({ code: 'UPSTREAM_CONFIG' });
    // The lease is free again for the next caller.
    expect((await other.store.read(APPID))?.leaseUntil).toBe(0);
  });

  it('never puts the token or the secret in an error or a log line', async () => {
    const logged: string[] = [];
    for (const method of ['log', 'warn', 'error', 'info'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      });
    }
    const { client } = setup();
    await call(client);
    fake.apiAnswers.push(
      { body: { errcode: 40001, errmsg: 'x' } },
      { body: { errcode: 40001, errmsg: 'x' } },
    );
    const error = (await call(client).catch((e: unknown) => e)) as Error;
    const texts = [error.message, String(error.stack), ...logged].join('\n');
    expect(texts).not.toMatch(/stable-\d/);
    expect(texts).not.toContain(SECRET);
  });
});
