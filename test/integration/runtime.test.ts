import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';

describe('function runtime', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({
      fixtures: true,
      settings: { FIXTURE_SETTING: 'from-settings' },
    });
  });
  afterAll(() => stack.destroy());

  it('injects the caller into cloud.getWXContext() and the declared settings into the environment', async () => {
    const { status, body } = await stack.call(
      'echo',
      { hello: '世界' },
      { openid: 'o-alice', appid: 'wx-app', unionid: 'u-alice' },
    );
    expect(status).toBe(200);
    expect(body.event).toEqual({ hello: '世界' });
    expect(body.wxContext).toMatchObject({
      OPENID: 'o-alice',
      APPID: 'wx-app',
      UNIONID: 'u-alice',
      SOURCE: 'wx_client',
      ENV: 'local',
    });
    expect(body.functionName).toBe('echo');
    expect(body.setting).toBe('from-settings');
  });

  it('gives a call without identity no identity, even on an instance that served a user before', async () => {
    await stack.call('echo', {}, { openid: 'o-bob' });
    const { body } = await stack.call('echo', {});
    expect(body.wxContext.OPENID).toBeUndefined();
  });

  it('keeps concurrent callers apart: each call sees its own openid', async () => {
    await sdkFor(stack.url)
      .database()
      .collection('jobs')
      .add({ data: { name: 'identity-check', runs: 0 } });
    const users = Array.from({ length: 12 }, (_, i) => `o-user-${i}`);
    const replies = await Promise.all(
      users.map((openid) =>
        stack.call('counter', { key: 'identity-check', hold: 150 }, { openid }),
      ),
    );
    expect(replies.map((reply) => reply.body.openid)).toEqual(users);
  });

  it('sums _.inc exactly from 50 concurrent instances', async () => {
    await sdkFor(stack.url)
      .database()
      .collection('jobs')
      .add({ data: { name: 'fifty', runs: 0 } });
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => stack.call('counter', { key: 'fifty', hold: 1_000 })),
    );
    expect(replies.every((reply) => reply.status === 200 && reply.body.updated === 1)).toBe(true);
    expect(stack.runtime.stats().counter!.instances).toBeGreaterThanOrEqual(25);
    const cloud = sdkFor(stack.url);
    const { data } = await cloud.database().collection('jobs').where({ name: 'fifty' }).get();
    expect(data[0]!.runs).toBe(50);
  });

  it('reuses a warm instance for sequential calls', async () => {
    const first = await stack.call('slow', { ms: 0 });
    const second = await stack.call('slow', { ms: 0 });
    expect(second.body.calls).toBe(first.body.calls + 1);
  });

  it('answers an unknown function with 404 and CloudBase’s code', async () => {
    const { status, body } = await stack.call('nope');
    expect(status).toBe(404);
    expect(body.errCode).toBe(-501000);
  });

  it('reports a thrown error as an execution failure and keeps serving', async () => {
    const failed = await stack.call('crash', { how: 'throw' });
    expect(failed.status).toBe(502);
    expect(failed.body.errCode).toBe(-504002);
    expect(failed.body.errMsg).toContain('deliberate failure');
    const next = await stack.call('crash', {});
    expect(next.status).toBe(200);
  });

  it.each(['exit', 'uncaught'])(
    'replaces an instance that dies (%s) and tells the caller',
    async (how) => {
      await stack.call('crash', {});
      const failed = await stack.call('crash', { how });
      expect(failed.status).toBe(502);
      expect(failed.body.errCode).toBe(-504002);
      const next = await stack.call('crash', {});
      expect(next.status).toBe(200);
      expect(next.body.calls).toBe(1);
    },
  );

  it('enforces the timeout from cloudbaserc.json and replaces the timed-out instance', async () => {
    const started = Date.now();
    const timedOut = await stack.call('slow', { ms: 8000 });
    expect(timedOut.status).toBe(504);
    expect(timedOut.body.errCode).toBe(-504003);
    expect(timedOut.body.errMsg).toContain('timed out after 1 seconds');
    // Well before the 8 s the function wanted (a loaded machine may add a slow cold start).
    expect(Date.now() - started).toBeLessThan(7000);
    const next = await stack.call('slow', { ms: 0 });
    expect(next.status).toBe(200);
    expect(next.body.calls).toBe(1);
  });

  it('serves functions.invokeFunction to the SDK, through the same runtime', async () => {
    const cloud = sdkFor(stack.url);
    const reply = await cloud.callFunction({ name: 'echo', data: { via: 'sdk' } });
    expect(reply.result).toMatchObject({ event: { via: 'sdk' } });
    await expect(cloud.callFunction({ name: 'crash', data: { how: 'throw' } })).rejects.toThrow(
      /deliberate failure/,
    );
    await expect(cloud.callFunction({ name: 'missing' })).rejects.toThrow(
      /not found|could not be found/i,
    );
  });
});

describe('HTTP access service', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ fixtures: true });
  });
  afterAll(() => stack.destroy());

  it('maps a request to the integration-request event and a string reply to text', async () => {
    const response = await fetch(`${stack.url}/http/web/verify?echostr=12345&signature=abc`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toBe('12345');
  });

  it('passes a text body unchanged and the path, method and query', async () => {
    const xml = '<xml><ToUserName><![CDATA[gh_1]]></ToUserName></xml>';
    const response = await fetch(`${stack.url}/http/web/push?nonce=n1`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      path: '/web/push',
      method: 'POST',
      contentType: 'text/xml',
      query: { nonce: 'n1' },
      body: xml,
      isBase64Encoded: false,
    });
  });

  it('base64-encodes a binary body', async () => {
    const response = await fetch(`${stack.url}/http/web`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0, 255, 16]),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.isBase64Encoded).toBe(true);
    expect(body.body).toBe('00ff10');
  });

  it('uses an integration response as given', async () => {
    const response = await fetch(`${stack.url}/http/web?raw=xml`);
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/xml');
    expect(await response.text()).toBe('<xml><ok>1</ok></xml>');
  });

  it('answers 404 for a path no function serves', async () => {
    const response = await fetch(`${stack.url}/http/elsewhere`);
    expect(response.status).toBe(404);
  });
});

describe('timer triggers', () => {
  it('run on their config.json schedule as wx_trigger calls', async () => {
    const stack = await startTestStack({ fixtures: true, timers: true });
    try {
      const db = sdkFor(stack.url).database();
      const ticksSoFar = async () =>
        (await db.collection('jobs').where({ trigger: 'every-second' }).get()).data;
      // Every second, from the first cold start on; a loaded machine may take a while to get going.
      const deadline = Date.now() + 30_000;
      let ticks = await ticksSoFar();
      while (ticks.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        ticks = await ticksSoFar();
      }
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      // Distinct firings of the every-second schedule, not one firing delivered twice.
      const firings = new Set(ticks.map((tick) => String(tick.firedAt).slice(0, 19)));
      expect(firings.size).toBe(ticks.length);
      expect(ticks[0]).toMatchObject({
        trigger: 'every-second',
        type: 'Timer',
        source: 'wx_trigger',
      });
    } finally {
      await stack.destroy();
    }
  });
});
