import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminCallError, FUNCTION_FAILED, adminClient } from '../../local/admin-client';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';

describe('admin function', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ settings: { ADMIN_OPENIDS: 'o-boss, o-deputy' } });
  });
  afterAll(() => stack.destroy());

  it('tells an administrator from ADMIN_OPENIDS who they are and counts the visit', async () => {
    const first = await stack.call(
      'admin',
      { action: 'me' },
      { openid: 'o-deputy', appid: 'wx-mp' },
    );
    expect(first.body).toMatchObject({
      ok: true,
      data: { openid: 'o-deputy', appid: 'wx-mp', isAdmin: true, visits: 1 },
    });
    const second = await stack.call(
      'admin',
      { action: 'me' },
      { openid: 'o-deputy', appid: 'wx-mp' },
    );
    expect(second.body.data.visits).toBe(2);
    expect(second.body.data.firstSeenAt).toBe(first.body.data.firstSeenAt);
    expect(Date.parse(second.body.data.lastSeenAt)).toBeGreaterThanOrEqual(
      Date.parse(first.body.data.lastSeenAt),
    );
  });

  it('tells anyone else they are not an administrator', async () => {
    const { body } = await stack.call('admin', { action: 'me' }, { openid: 'o-stranger' });
    expect(body).toMatchObject({ ok: true, data: { openid: 'o-stranger', isAdmin: false } });
  });

  it('ignores an identity claimed in the event', async () => {
    const { body } = await stack.call(
      'admin',
      { action: 'me', userInfo: { openId: 'o-boss' }, openid: 'o-boss' },
      { openid: 'o-mallory' },
    );
    expect(body.data).toMatchObject({ openid: 'o-mallory', isAdmin: false });
  });

  it('counts simultaneous first visits exactly, in one record', async () => {
    const replies = await Promise.all(
      Array.from({ length: 12 }, () =>
        stack.call('admin', { action: 'me' }, { openid: 'o-newcomer' }),
      ),
    );
    expect(replies.every((reply) => reply.body.ok)).toBe(true);
    const db = sdkFor(stack.url).database();
    const { data } = await db.collection('operators').where({ openid: 'o-newcomer' }).get();
    expect(data).toHaveLength(1);
    expect(data[0]!.visits).toBe(12);
  });

  it('answers a call without a WeChat identity with UNAUTHENTICATED', async () => {
    const { body } = await stack.call('admin', { action: 'me' });
    expect(body).toEqual({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('微信') },
    });
  });

  it('answers an unknown or missing action with UNKNOWN_ACTION and unexpected fields are harmless', async () => {
    expect(
      (await stack.call('admin', { action: 'dropEverything' }, { openid: 'o-boss' })).body.error
        .code,
    ).toBe('UNKNOWN_ACTION');
    expect((await stack.call('admin', {}, { openid: 'o-boss' })).body.error.code).toBe(
      'UNKNOWN_ACTION',
    );
    expect(
      (await stack.call('admin', { action: 'toString' }, { openid: 'o-boss' })).body.error.code,
    ).toBe('UNKNOWN_ACTION');
  });
});

describe('the admin client of the seed, the tests and the benchmarks (local/admin-client.ts)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ settings: { ADMIN_OPENIDS: 'o-boss' } });
  });
  afterAll(() => stack.destroy());

  it('resolves to the data of a success, as the user it was made for', async () => {
    const boss = adminClient(stack.url, { openid: 'o-boss', appid: 'wx-mp' });
    expect(await boss.call('me')).toMatchObject({
      openid: 'o-boss',
      appid: 'wx-mp',
      isAdmin: true,
    });
    expect(await boss.as('o-someone').call('me')).toMatchObject({
      openid: 'o-someone',
      isAdmin: false,
    });
  });

  it('throws a refusal as one error shape, and hands the envelope over when asked', async () => {
    const stranger = adminClient(stack.url, 'o-stranger');
    const refused = await stranger.call('listMembers').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AdminCallError);
    expect(refused).toMatchObject({ action: 'listMembers', code: 'FORBIDDEN' });
    expect(await stranger.reply('listMembers')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.any(String) },
    });
    expect(await adminClient(stack.url).reply('me')).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('throws FUNCTION_FAILED when the runtime answers without an envelope', async () => {
    const fixtures = await startTestStack({ fixtures: true });
    try {
      const failed = await adminClient(fixtures.url, 'o-boss')
        .reply('me')
        .catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(AdminCallError);
      expect(failed).toMatchObject({ action: 'me', code: FUNCTION_FAILED });
      expect((failed as Error).message).toContain('HTTP 404');
    } finally {
      await fixtures.destroy();
    }
  });
});

describe('scheduler function', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.destroy());

  it('records each run of its jobs', async () => {
    const event = { Type: 'Timer', TriggerName: 'every-minute' };
    const first = await stack.runtime.invoke('scheduler', event, { SOURCE: 'wx_trigger' });
    const second = await stack.runtime.invoke('scheduler', event, { SOURCE: 'wx_trigger' });
    expect(first).toMatchObject({
      ok: true,
      result: {
        trigger: 'every-minute',
        jobs: expect.arrayContaining([{ name: 'heartbeat', ok: true }]),
      },
    });
    expect(second.ok).toBe(true);
    const db = sdkFor(stack.url).database();
    const { data } = (await db.collection('jobs').where({ name: 'heartbeat' }).get()) as {
      data: unknown[];
    };
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ runs: 2, lastOutcome: { name: 'heartbeat', ok: true } });
  });

  it('refuses to be driven from the Mini Program', async () => {
    const { status, body } = await stack.call('scheduler', {}, { openid: 'o-someone' });
    expect(status).toBe(502);
    expect(body.errMsg).toContain('not callable from the Mini Program');
  });
});
