/**
 * The Official Account access token across function instances, counted at the WeChat simulator:
 * many simultaneous admin calls with no usable token cause one token request; a rejected token
 * is replaced once; the scheduler renews ahead of expiry; quota and busy errors follow the rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../../local/admin-client';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';

const ADMIN = { openid: 'o-operator' };
const CALLERS = 50;
/** Fifty cold starts of the admin bundle take a while on two cores, more beside another file. */
const MANY_CALLERS_TIMEOUT_MS = 180_000;

async function simulator(stack: TestStack, path: string, body?: unknown, method = 'POST') {
  const response = await fetch(`${stack.url}/wechat/_sim/${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as any;
}

async function tokenRequests(stack: TestStack): Promise<number> {
  const state = await simulator(stack, 'state', undefined, 'GET');
  return state.tokens.stable_token.requests + state.tokens.token.requests;
}

/** An admin action that needs the OA token: codeactivequery for a code nobody activated. */
const queryUnknownCode = (stack: TestStack) =>
  adminClient(stack.url, ADMIN).reply('queryActivation', { code: 'ZZZZZZZZZ' });

async function callManyAtOnce(stack: TestStack): Promise<any[]> {
  return Promise.all(Array.from({ length: CALLERS }, () => queryUnknownCode(stack)));
}

describe('OA access token across instances', () => {
  describe('with no token stored yet', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({ settings: { ADMIN_OPENIDS: ADMIN.openid } });
    });
    afterAll(() => stack?.destroy());

    it(
      `${CALLERS} simultaneous calls cause one token request, then the token is stored`,
      async () => {
        const bodies = await callManyAtOnce(stack);
        // Every call reached WeChat with a valid token (the code is simply unknown there).
        for (const body of bodies) {
          expect(body.ok).toBe(false);
          expect(['UPSTREAM_INVALID_ARGUMENT', 'UPSTREAM_ERROR']).toContain(body.error.code);
        }
        expect(await tokenRequests(stack)).toBe(1);
        const state = await simulator(stack, 'state', undefined, 'GET');
        expect(state.calls.codeactivequery).toBe(CALLERS);

        const db = sdkFor(stack.url).database();
        const { data } = await db.collection('tokens').where({ _id: 'wx-local-oa' }).get();
        expect(data).toHaveLength(1);
        expect(data[0]).toMatchObject({ endpoint: 'stable_token', leaseUntil: 0, version: 1 });
        expect((data[0] as any).expiresAt).toBeGreaterThan(Date.now() + 3_600_000);
      },
      MANY_CALLERS_TIMEOUT_MS,
    );

    it('replaces a token WeChat rejects (40001) once, and retries the call', async () => {
      const before = await tokenRequests(stack);
      await simulator(stack, 'faults', { api: 'codeactivequery', errcode: 40001, times: 1 });
      const reply = await queryUnknownCode(stack);
      expect(reply.ok).toBe(false);
      expect(!reply.ok && reply.error.code).not.toBe('UPSTREAM_CONFIG');
      const state = await simulator(stack, 'state', undefined, 'GET');
      // One normal stable_token call returns the same (rejected) token, so one forced refresh.
      expect((await tokenRequests(stack)) - before).toBeLessThanOrEqual(2);
      expect((await tokenRequests(stack)) - before).toBeGreaterThanOrEqual(1);
      expect(state.faults).toEqual([]);
    });

    it('does not retry a daily quota error (45009): one call, and it says so in Chinese', async () => {
      const before = (await simulator(stack, 'state', undefined, 'GET')).calls.codeactivequery;
      await simulator(stack, 'faults', { api: 'codeactivequery', errcode: 45009, times: 5 });
      const reply = await queryUnknownCode(stack);
      expect(reply).toEqual({
        ok: false,
        error: { code: 'UPSTREAM_QUOTA_EXCEEDED', message: expect.stringContaining('次数') },
      });
      const after = (await simulator(stack, 'state', undefined, 'GET')).calls.codeactivequery;
      expect(after - before).toBe(1);
      await simulator(stack, 'faults', undefined, 'DELETE');
    });

    it('backs off and retries when WeChat is busy (-1)', async () => {
      await simulator(stack, 'faults', { api: 'codeactivequery', errcode: -1, times: 2 });
      const started = Date.now();
      const reply = await queryUnknownCode(stack);
      // Two busy answers, then WeChat's real answer about the unknown code.
      expect(reply.ok).toBe(false);
      expect(!reply.ok && reply.error.code).not.toBe('UPSTREAM_ERROR');
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
      await simulator(stack, 'faults', undefined, 'DELETE');
    });

    it('the scheduler renews a token about to expire, and leaves a fresh one alone', async () => {
      const db = sdkFor(stack.url).database();
      const tokens = db.collection('tokens');
      const before = await tokenRequests(stack);
      const run = () =>
        stack.runtime.invoke(
          'scheduler',
          { Type: 'Timer', TriggerName: 'every-minute' },
          {
            SOURCE: 'wx_trigger',
          },
        );
      expect(await run()).toMatchObject({
        ok: true,
        result: { jobs: expect.arrayContaining([{ name: 'oaToken', ok: true }]) },
      });
      expect(await tokenRequests(stack)).toBe(before);

      await tokens
        .where({ _id: 'wx-local-oa' })
        .update({ data: { expiresAt: Date.now() + 4 * 60_000 } });
      expect((await run()).ok).toBe(true);
      expect(await tokenRequests(stack)).toBe(before + 1);
      const { data } = await tokens.where({ _id: 'wx-local-oa' }).get();
      expect((data[0] as any).expiresAt).toBeGreaterThan(Date.now() + 3_600_000);
    });
  });

  describe('with an expired token stored', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({ settings: { ADMIN_OPENIDS: ADMIN.openid } });
      // As if the scheduler had stopped two hours ago: the stored token has lapsed.
      await sdkFor(stack.url)
        .database()
        .collection('tokens')
        .add({
          data: {
            _id: 'wx-local-oa',
            appid: 'wx-local-oa',
            token: 'lapsed-token',
            expiresAt: Date.now() - 60_000,
            refreshedAt: Date.now() - 7_260_000,
            endpoint: 'stable_token',
            version: 7,
            leaseHolder: '',
            leaseUntil: 0,
          },
        });
    });
    afterAll(() => stack?.destroy());

    it(
      `${CALLERS} simultaneous calls cause one token request`,
      async () => {
        const bodies = await callManyAtOnce(stack);
        for (const body of bodies) expect(body.error.code).not.toBe('UPSTREAM_CONFIG');
        expect(await tokenRequests(stack)).toBe(1);
        const { data } = await sdkFor(stack.url)
          .database()
          .collection('tokens')
          .where({ _id: 'wx-local-oa' })
          .get();
        expect(data[0]).toMatchObject({ version: 8, leaseUntil: 0 });
        expect((data[0] as any).token).not.toBe('lapsed-token');
      },
      MANY_CALLERS_TIMEOUT_MS,
    );
  });
});
