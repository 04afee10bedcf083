/**
 * The OA server URL's request handling (core/oa/push.ts) with the database replaced by an
 * in-memory stand-in that keeps the unique `dedupeKey` as oaEvents does: GET verification, POST in
 * plain, compatible and safe mode, forged, stale and wrong-appid requests refused, entity payloads
 * refused or inert, redeliveries applied once, and `success` whatever happens after verification.
 * test/integration/oa-push.test.ts runs the same through the stack and the real database.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FollowChange } from '../../cloudfunctions/core/data/oa-followers';
import type { RecordOutcome } from '../../cloudfunctions/core/data/oa-events';
import { readPush, sceneOf, type OaPush } from '../../cloudfunctions/core/domain/oa-push';
import { encryptMessage, oaSignature } from '../../cloudfunctions/core/wechat/oa/message-crypto';
import { buildOaXml, parseOaXml } from '../../cloudfunctions/core/wechat/oa/message-xml';

const store = vi.hoisted(() => ({
  events: new Map<string, { push: unknown; deliveries: number; applied: boolean }>(),
  changes: [] as unknown[],
  failApply: false,
  hang: false,
  channelScans: [] as { dedupeKey: string; scene: string }[],
}));

vi.mock('../../cloudfunctions/core/data/oa-events', () => ({
  recordPush: async (push: OaPush, _at: number, applied: boolean): Promise<RecordOutcome> => {
    if (store.hang) await new Promise(() => {});
    const known = store.events.get(push.dedupeKey);
    if (!known) {
      store.events.set(push.dedupeKey, { push, deliveries: 1, applied });
      return 'new';
    }
    known.deliveries += 1;
    return known.applied ? 'duplicate' : 'unapplied';
  },
  markApplied: async (dedupeKey: string) => {
    store.events.get(dedupeKey)!.applied = true;
  },
}));
vi.mock('../../cloudfunctions/core/data/oa-followers', () => ({
  applyFollowChange: async (change: FollowChange) => {
    if (store.failApply) throw new Error('database unavailable');
    store.changes.push(change);
    return true;
  },
}));

// What a channel QR scan does is channel-scan.ts's (integration/channel-qr.test.ts); here only
// that each applied scan reaches it once, with its scene.
vi.mock('../../cloudfunctions/core/oa/channel-scan', () => ({
  applyChannelScan: async (scan: { dedupeKey: string }, scene: string) => {
    store.channelScans.push({ dedupeKey: scan.dedupeKey, scene });
    return { applied: false, reason: 'unknown_scene' };
  },
}));

const { handleOaRequest } = await import('../../cloudfunctions/core/oa/push');

const TOKEN = 'unit-oa-token';
const KEY = 'UnitTestOfficialAccountSafeModeKey012345678';
const APPID = 'wx-unit-oa';
const NOW = 1_760_000_000_000;
const nowSeconds = String(NOW / 1000);

let nonceCounter = 0;
function signed(timestamp = nowSeconds, token = TOKEN) {
  const nonce = String(100000 + ++nonceCounter);
  return { signature: oaSignature(token, timestamp, nonce), timestamp, nonce };
}

/** A follow or scan event as WeChat writes it. */
function eventXml(fields: Record<string, string | number>): string {
  return buildOaXml({
    ToUserName: 'gh_unit',
    FromUserName: 'o-user-1',
    CreateTime: NOW / 1000 - 1,
    MsgType: 'event',
    ...fields,
  });
}

/** A safe-mode POST of `xml`: encrypted for `appid`, msg_signature over its Encrypt. */
function safePost(
  xml: string,
  options: { appid?: string; timestamp?: string; compatiblePlain?: string } = {},
) {
  const query = signed(options.timestamp);
  const encrypt = encryptMessage(xml, KEY, options.appid ?? APPID);
  const body = options.compatiblePlain
    ? options.compatiblePlain.replace('</xml>', `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`)
    : buildOaXml({ ToUserName: 'gh_unit', Encrypt: encrypt });
  return {
    method: 'POST',
    query: {
      ...query,
      openid: 'o-user-1',
      encrypt_type: 'aes',
      msg_signature: oaSignature(TOKEN, query.timestamp, query.nonce, encrypt),
    },
    body,
  };
}

const plainPost = (xml: string) => ({ method: 'POST', query: signed(), body: xml });

const recorded = () => [...store.events.values()];

beforeEach(() => {
  vi.stubEnv('OA_TOKEN', TOKEN);
  vi.stubEnv('OA_ENCODING_AES_KEY', KEY);
  vi.stubEnv('OA_APPID', APPID);
  store.events.clear();
  store.changes = [];
  store.channelScans = [];
  store.failApply = false;
  store.hang = false;
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('OA server URL: verification (GET)', () => {
  it('answers echostr as plain text for a good signature', async () => {
    const reply = await handleOaRequest(
      { method: 'GET', query: { ...signed(), echostr: '5837397520665436492' }, body: '' },
      NOW,
    );
    expect(reply).toEqual({ status: 200, body: '5837397520665436492' });
  });

  it('refuses a forged signature, a stale or future timestamp, and a missing nonce', async () => {
    const echostr = 'e123';
    const cases = [
      { ...signed(nowSeconds, 'not-our-token'), echostr },
      { ...signed(String(NOW / 1000 - 301)), echostr },
      { ...signed(String(NOW / 1000 + 301)), echostr },
      { ...signed(), nonce: '', echostr },
      { ...signed(), timestamp: `${nowSeconds}0`, echostr },
    ];
    for (const query of cases) {
      const reply = await handleOaRequest({ method: 'GET', query, body: '' }, NOW);
      expect(reply.status, JSON.stringify(query)).toBe(401);
      expect(reply.body).not.toContain(echostr);
    }
    // Just inside the window either way is still WeChat.
    for (const skew of [-299, 299]) {
      const query = { ...signed(String(NOW / 1000 + skew)), echostr };
      expect((await handleOaRequest({ method: 'GET', query, body: '' }, NOW)).status).toBe(200);
    }
  });

  it('refuses everything while OA_TOKEN is not configured', async () => {
    vi.stubEnv('OA_TOKEN', '');
    const reply = await handleOaRequest(
      { method: 'GET', query: { ...signed(), echostr: 'x' }, body: '' },
      NOW,
    );
    expect(reply.status).toBe(503);
  });
});

describe('OA server URL: pushes (POST)', () => {
  it('safe mode: a channel-QR follow is decrypted, recorded with its scene and ticket, answered success', async () => {
    const xml = eventXml({ Event: 'subscribe', EventKey: 'qrscene_store-042', Ticket: 'gQT1' });
    const reply = await handleOaRequest(safePost(xml), NOW);
    expect(reply).toEqual({ status: 200, body: 'success' });
    expect(recorded()).toHaveLength(1);
    expect(recorded()[0]!.push).toMatchObject({
      kind: 'event',
      event: 'subscribe',
      openid: 'o-user-1',
      scene: 'store-042',
      ticket: 'gQT1',
    });
    expect(store.changes).toEqual([
      { openid: 'o-user-1', event: 'subscribe', at: NOW - 1000, scene: 'store-042' },
    ]);
    expect(recorded()[0]!.applied).toBe(true);
  });

  it('compatible mode: the decrypted message counts, not the plaintext beside it', async () => {
    const real = eventXml({ Event: 'SCAN', EventKey: 'poster-7', Ticket: 'gQT2' });
    const tampered = eventXml({ Event: 'SCAN', EventKey: 'forged-scene', FromUserName: 'o-evil' });
    const reply = await handleOaRequest(safePost(real, { compatiblePlain: tampered }), NOW);
    expect(reply.status).toBe(200);
    expect(recorded()[0]!.push).toMatchObject({ openid: 'o-user-1', scene: 'poster-7' });
  });

  it('plain mode: read as sent while no EncodingAESKey is set, refused once one is', async () => {
    const xml = eventXml({ Event: 'SCAN', EventKey: 'livestream', Ticket: 'gQT3' });
    expect((await handleOaRequest(plainPost(xml), NOW)).status).toBe(401);
    expect(recorded()).toHaveLength(0);

    vi.stubEnv('OA_ENCODING_AES_KEY', '');
    expect(await handleOaRequest(plainPost(xml), NOW)).toEqual({ status: 200, body: 'success' });
    expect(recorded()[0]!.push).toMatchObject({ event: 'SCAN', scene: 'livestream' });
    expect(store.changes).toHaveLength(1);
  });

  it('refuses a forged msg_signature, a swapped Encrypt, a stale push and another appid, recording nothing', async () => {
    const xml = eventXml({ Event: 'subscribe' });
    const forged = safePost(xml);
    forged.query.msg_signature = oaSignature('guess', forged.query.timestamp, forged.query.nonce);
    const swapped = safePost(xml);
    swapped.body = buildOaXml({
      ToUserName: 'gh_unit',
      Encrypt: encryptMessage(eventXml({ Event: 'unsubscribe' }), KEY, APPID),
    });
    const outerSignatureForged = safePost(xml);
    outerSignatureForged.query.signature = oaSignature('guess', nowSeconds, '1');

    expect((await handleOaRequest(forged, NOW)).status).toBe(401);
    expect((await handleOaRequest(swapped, NOW)).status).toBe(401);
    expect((await handleOaRequest(outerSignatureForged, NOW)).status).toBe(401);
    expect(
      (await handleOaRequest(safePost(xml, { timestamp: String(NOW / 1000 - 600) }), NOW)).status,
    ).toBe(401);
    expect((await handleOaRequest(safePost(xml, { appid: 'wx-someone-else' }), NOW)).status).toBe(
      403,
    );
    expect(recorded()).toHaveLength(0);
    expect(store.changes).toHaveLength(0);
  });

  it('three deliveries of one event (WeChat retrying) record it once and apply it once', async () => {
    const xml = eventXml({ Event: 'subscribe', EventKey: 'qrscene_parcel', Ticket: 'gQT4' });
    for (let i = 0; i < 3; i++) {
      // Each retry is signed afresh and encrypted with a new random prefix.
      expect(await handleOaRequest(safePost(xml), NOW)).toEqual({ status: 200, body: 'success' });
    }
    expect(recorded()).toHaveLength(1);
    expect(recorded()[0]!.deliveries).toBe(3);
    expect(store.changes).toHaveLength(1);
    // The channel QR code's effects (tags, counts, welcome) are asked for once.
    expect(store.channelScans).toEqual([
      { dedupeKey: (recorded()[0]!.push as OaPush).dedupeKey, scene: 'parcel' },
    ]);
  });

  it('applies a redelivery whose first attempt failed before applying, and still answers success', async () => {
    const xml = eventXml({ Event: 'unsubscribe' });
    store.failApply = true;
    expect(await handleOaRequest(safePost(xml), NOW)).toEqual({ status: 200, body: 'success' });
    expect(store.changes).toHaveLength(0);
    store.failApply = false;
    await handleOaRequest(safePost(xml), NOW);
    await handleOaRequest(safePost(xml), NOW);
    expect(store.changes).toEqual([{ openid: 'o-user-1', event: 'unsubscribe', at: NOW - 1000 }]);
  });

  it('answers success within the budget when the database hangs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    store.hang = true;
    const pending = handleOaRequest(safePost(eventXml({ Event: 'subscribe' })), NOW);
    await vi.advanceTimersByTimeAsync(3_000);
    await expect(pending).resolves.toEqual({ status: 200, body: 'success' });
  });

  it('refuses DOCTYPE and entity declarations, plain or encrypted, and leaves entity references inert', async () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;">]>' +
      '<xml><ToUserName>gh</ToUserName><FromUserName>&b;</FromUserName>' +
      '<CreateTime>1</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>';
    const xxe =
      '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><FromUserName>&x;</FromUserName></xml>';
    vi.stubEnv('OA_ENCODING_AES_KEY', '');
    expect((await handleOaRequest(plainPost(laughs), NOW)).status).toBe(400);
    expect((await handleOaRequest(plainPost(xxe), NOW)).status).toBe(400);
    vi.stubEnv('OA_ENCODING_AES_KEY', KEY);
    expect((await handleOaRequest(safePost(laughs), NOW)).status).toBe(400);
    expect(recorded()).toHaveLength(0);

    // Without a declaration a reference is only text: nothing is expanded or fetched.
    const fields = parseOaXml(
      '<xml><FromUserName>&x;</FromUserName><Content>&lt;b&gt;&amp;</Content></xml>',
    );
    expect(fields).toEqual({ FromUserName: '&x;', Content: '&lt;b&gt;&amp;' });
  });

  it('answers success to a verified push it does not know, recording nothing', async () => {
    const unknown = buildOaXml({ ToUserName: 'gh_unit', MsgType: 'event', CreateTime: 1 });
    expect(await handleOaRequest(safePost(unknown), NOW)).toEqual({
      status: 200,
      body: 'success',
    });
    expect(recorded()).toHaveLength(0);
  });
});

describe('OA push rules', () => {
  it('reads the scene of a channel QR from subscribe (qrscene_) and SCAN, and none otherwise', () => {
    expect(sceneOf('subscribe', 'qrscene_123')).toBe('123');
    expect(sceneOf('subscribe', 'qrscene_')).toBeUndefined();
    expect(sceneOf('subscribe', '')).toBeUndefined();
    expect(sceneOf('subscribe', undefined)).toBeUndefined();
    expect(sceneOf('SCAN', 'store-042')).toBe('store-042');
    expect(sceneOf('unsubscribe', 'qrscene_123')).toBeUndefined();
    expect(sceneOf('CLICK', 'MENU_1')).toBeUndefined();
  });

  it('keys events by FromUserName + CreateTime + Event and messages by MsgId', () => {
    const base = { ToUserName: 'gh', FromUserName: 'o-1', CreateTime: '1700000000' };
    expect(readPush({ ...base, MsgType: 'event', Event: 'subscribe' })).toMatchObject({
      dedupeKey: 'event:o-1:1700000000:subscribe',
    });
    expect(readPush({ ...base, MsgType: 'event', Event: 'unsubscribe' })).toMatchObject({
      dedupeKey: 'event:o-1:1700000000:unsubscribe',
    });
    expect(
      readPush({ ...base, MsgType: 'text', Content: 'hi', MsgId: '6054768590064713728' }),
    ).toMatchObject({ kind: 'message', dedupeKey: 'msg:6054768590064713728' });
    expect(readPush({ ...base, MsgType: 'text' })).toEqual({ invalid: 'a message without MsgId' });
    expect(readPush({ ToUserName: 'gh', MsgType: 'event', CreateTime: '1' })).toEqual({
      invalid: 'no FromUserName',
    });
  });
});
