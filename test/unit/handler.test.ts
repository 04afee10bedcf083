import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../cloudfunctions/core/errors';
import { action, createHandler } from '../../cloudfunctions/core/handler';

const IDENTITY_ENV = ['WX_CONTEXT_KEYS', 'WX_OPENID', 'WX_APPID', 'TCB_SOURCE'] as const;

function callAs(openid: string | undefined): void {
  process.env.WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID';
  if (openid) process.env.WX_OPENID = openid;
  else delete process.env.WX_OPENID;
  process.env.WX_APPID = 'wx-app';
  process.env.TCB_SOURCE = 'wx_client';
}

describe('createHandler', () => {
  afterEach(() => {
    for (const key of IDENTITY_ENV) delete process.env[key];
    vi.restoreAllMocks();
  });

  const main = createHandler('demo', {
    greet: action(
      z.object({ name: z.string().min(1).max(20), times: z.number().int().min(1).default(1) }),
      async (input, { caller }) => ({
        text: `${input.name}×${input.times}`,
        openid: caller.openid,
        source: caller.source,
      }),
    ),
    refuse: action(z.object({}), async () => {
      throw new AppError('CODE_NOT_ACTIVATED', '该码尚未激活');
    }),
    explode: action(z.object({}), async () => {
      throw new Error('connection string postgres://secret@db');
    }),
  });

  it('dispatches on action, applies schema defaults and passes the caller from getWXContext', async () => {
    callAs('o-alice');
    expect(await main({ action: 'greet', name: '小明' })).toEqual({
      ok: true,
      data: { text: '小明×1', openid: 'o-alice', source: 'wx_client' },
    });
  });

  it('never takes identity from the event', async () => {
    callAs(undefined);
    const reply = await main({
      action: 'greet',
      name: 'x',
      userInfo: { openId: 'o-forged' },
      openid: 'o-forged',
    });
    expect(reply).toEqual({
      ok: true,
      data: { text: 'x×1', openid: undefined, source: 'wx_client' },
    });
  });

  it('rejects invalid input with INVALID_ARGUMENT naming the field, in Chinese', async () => {
    callAs('o-alice');
    const reply = await main({ action: 'greet', name: '', times: 'many' });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('INVALID_ARGUMENT');
    expect(reply.error.message).toMatch(/^参数 name：/);
    expect(reply.error.message).toContain('另有 1 处错误');
    expect(reply.error.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('answers a missing, unknown or inherited action with UNKNOWN_ACTION', async () => {
    for (const event of [{}, { action: 'nope' }, { action: 'constructor' }, null, 'greet']) {
      const reply = await main(event);
      expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ACTION' } });
    }
  });

  it('turns an AppError into its envelope', async () => {
    callAs('o-alice');
    expect(await main({ action: 'refuse' })).toEqual({
      ok: false,
      error: { code: 'CODE_NOT_ACTIVATED', message: '该码尚未激活' },
    });
  });

  it('hides an unexpected error behind INTERNAL and logs it without the event', async () => {
    callAs('o-alice');
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const reply = await main({ action: 'explode', ticket: 'secret-ticket' });
    expect(reply).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' },
    });
    expect(logged).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logged.mock.calls)).not.toContain('secret-ticket');
  });
});
