// @vitest-environment jsdom
import { afterEach, describe, expect, test } from 'vitest';
import type { Envelope } from '../../typings/envelope';
import type { LandingView } from '../../typings/scan';
import type { LandingStore } from '../../miniprogram/stores/landing';
import { cleanup, loadMiniprogramModule, settle, stubCloud } from './harness';
import { CODE, fail, landingView, ok, OTHER_TICKET, TICKET } from './landing-fixtures';

/** A fresh store singleton, through the same loader (and miniprogram_npm) as the pages. */
function freshStore(): LandingStore {
  return (loadMiniprogramModule('stores/landing') as { landingStore: LandingStore }).landingStore;
}

/** Cloud replies held until the test releases them, one resolver per call, in call order. */
function heldCloud() {
  const pending: ((reply: Envelope<LandingView>) => void)[] = [];
  const calls = stubCloud(() => new Promise((resolve) => pending.push(resolve)));
  return {
    calls,
    release: (index: number, reply: Envelope<LandingView>) => pending[index]?.(reply),
  };
}

afterEach(cleanup);

describe('landing store', () => {
  test('resolveTicket: loading, then ready with the view; lastTicket remembered', async () => {
    const store = freshStore();
    const cloud = heldCloud();
    const done = store.resolveTicket(TICKET, 1124);
    expect(store.status).toBe('loading');
    expect(store.lastTicket).toBe(TICKET);
    await settle();
    cloud.release(0, ok(landingView('GENUINE_FIRST')));
    await done;
    expect(store.status).toBe('ready');
    expect(store.view?.verdict.kind).toBe('GENUINE_FIRST');
    expect(store.error).toBeNull();
  });

  test('a newer scan wins even when the older reply lands last', async () => {
    const store = freshStore();
    const cloud = heldCloud();
    const first = store.resolveTicket(TICKET);
    const second = store.resolveTicket(OTHER_TICKET);
    await settle();
    cloud.release(1, ok(landingView('GENUINE_REPEAT')));
    await second;
    cloud.release(0, ok(landingView('GENUINE_FIRST')));
    await first;
    expect(store.view?.verdict.kind).toBe('GENUINE_REPEAT');
    expect(store.lastTicket).toBe(OTHER_TICKET);
  });

  test('the same ticket while it is loading is sent once', async () => {
    const store = freshStore();
    const cloud = heldCloud();
    void store.resolveTicket(TICKET);
    void store.resolveTicket(TICKET);
    await settle();
    expect(cloud.calls).toHaveLength(1);
  });

  test('retry repeats the failed request exactly; it does nothing after a success', async () => {
    const store = freshStore();
    const replies = [fail('UPSTREAM_ERROR', '微信繁忙'), ok(landingView('GENUINE_FIRST'))];
    const calls = stubCloud(() => replies.shift());
    await store.verifyCode(CODE, 1011);
    expect(store.status).toBe('error');
    expect(store.error).toEqual({ code: 'UPSTREAM_ERROR', message: '微信繁忙' });

    await store.retry();
    expect(calls.map((call) => call.data)).toEqual([
      { action: 'verify', code: CODE, scene: 1011 },
      { action: 'verify', code: CODE, scene: 1011 },
    ]);
    expect(store.status).toBe('ready');
    await store.retry();
    expect(calls).toHaveLength(2);
  });

  test('reset returns to idle and ignores the reply still in flight', async () => {
    const store = freshStore();
    const cloud = heldCloud();
    const done = store.resolveTicket(TICKET);
    store.reset();
    await settle();
    cloud.release(0, ok(landingView('GENUINE_FIRST')));
    await done;
    expect(store.status).toBe('idle');
    expect(store.view).toBeNull();
    // The ticket was still used: a hot start with it must not resolve it again.
    expect(store.lastTicket).toBe(TICKET);
  });
});
