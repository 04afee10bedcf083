/**
 * The Official Account's server URL end to end: the `oa` function behind the stack's HTTP access
 * service (`/http/oa`, cloudbaserc.json `httpService`), fed by the WeChat simulator's consumer
 * side (`/wechat/_sim/oa/scan|follow|unfollow`), which signs and encrypts each event in safe mode
 * with the stack's OA_TOKEN / OA_ENCODING_AES_KEY / OA_APPID as WeChat would. What is recorded is
 * read back from the database through the real SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptMessage, oaSignature } from '../../cloudfunctions/core/wechat/oa/message-crypto';
import { buildOaXml } from '../../cloudfunctions/core/wechat/oa/message-xml';
import { originalId } from '../../local/wechat/oa-push';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';

describe('oa: the Official Account server URL through the local stack', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.destroy());

  const database = () => sdkFor(stack.url).database();
  const events = async (openid: string): Promise<any[]> =>
    (await database().collection('oaEvents').where({ openid }).orderBy('createdAt', 'asc').get())
      .data;
  const follower = async (openid: string): Promise<any> =>
    (await database().collection('oaFollowers').where({ _id: openid }).get()).data[0];
  const sim = async (action: 'scan' | 'follow' | 'unfollow', body: object) => {
    const response = await fetch(`${stack.url}/wechat/_sim/oa/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  /** CreateTime has one-second resolution: events of one user a second apart stay distinct. */
  const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_050));

  it('answers the console URL verification with echostr, and refuses a forged one', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = '20261202';
    const signature = oaSignature(stack.settings.OA_TOKEN!, timestamp, nonce);
    const good = await fetch(
      `${stack.url}/http/oa?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&echostr=7702591184563290`,
    );
    expect(good.status).toBe(200);
    expect(good.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await good.text()).toBe('7702591184563290');

    const forged = await fetch(
      `${stack.url}/http/oa?signature=${oaSignature('guess', timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}&echostr=1`,
    );
    expect(forged.status).toBe(401);
    expect(await forged.text()).not.toBe('1');
  });

  it('a new user scanning a channel QR follows from it; scanning again is a SCAN; unfollow and plain refollow', async () => {
    const openid = 'o-oa-alice';
    const first = await sim('scan', { openid, scene: 'store-042' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.mode).toBe('safe');
    expect(first.body.event).toMatchObject({
      ToUserName: originalId(stack.settings.OA_APPID!),
      FromUserName: openid,
      MsgType: 'event',
      Event: 'subscribe',
      EventKey: 'qrscene_store-042',
    });
    expect(Object.keys(first.body.event)).toEqual([
      'ToUserName',
      'FromUserName',
      'CreateTime',
      'MsgType',
      'Event',
      'EventKey',
      'Ticket',
    ]);
    expect(first.body.deliveries).toEqual([
      { status: 200, body: 'success', ms: expect.any(Number) },
    ]);

    let recorded = await events(openid);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      kind: 'event',
      event: 'subscribe',
      scene: 'store-042',
      ticket: first.body.event.Ticket,
      createdAt: first.body.event.CreateTime * 1000,
      deliveries: 1,
      appliedAt: expect.any(Number),
    });
    expect(await follower(openid)).toMatchObject({
      following: true,
      followCount: 1,
      scene: 'store-042',
      firstFollowedAt: first.body.event.CreateTime * 1000,
      lastFollowedAt: first.body.event.CreateTime * 1000,
    });

    await nextSecond();
    const again = await sim('scan', { openid, scene: 'poster-7' });
    expect(again.body.event).toMatchObject({ Event: 'SCAN', EventKey: 'poster-7' });
    expect(Object.keys(again.body.event)).toEqual([
      'ToUserName',
      'FromUserName',
      'CreateTime',
      'MsgType',
      'Event',
      'EventKey',
      'Ticket',
    ]);
    recorded = await events(openid);
    expect(recorded.map((event) => [event.event, event.scene])).toEqual([
      ['subscribe', 'store-042'],
      ['SCAN', 'poster-7'],
    ]);
    // A scan by a follower does not change the scene they followed from.
    expect(await follower(openid)).toMatchObject({
      following: true,
      scene: 'store-042',
      lastScannedAt: again.body.event.CreateTime * 1000,
    });

    await nextSecond();
    const gone = await sim('unfollow', { openid });
    expect(Object.keys(gone.body.event)).toEqual([
      'ToUserName',
      'FromUserName',
      'CreateTime',
      'MsgType',
      'Event',
    ]);
    expect(await follower(openid)).toMatchObject({
      following: false,
      lastUnfollowedAt: gone.body.event.CreateTime * 1000,
    });
    expect((await sim('unfollow', { openid })).status).toBe(409);

    await nextSecond();
    const back = await sim('follow', { openid });
    expect(back.body.event).toMatchObject({ Event: 'subscribe' });
    expect(back.body.event).not.toHaveProperty('EventKey');
    const now = await follower(openid);
    expect(now).toMatchObject({
      following: true,
      followCount: 2,
      firstFollowedAt: first.body.event.CreateTime * 1000,
      lastFollowedAt: back.body.event.CreateTime * 1000,
    });
    // A plain follow came from no channel QR.
    expect(now).not.toHaveProperty('scene');
    expect((await sim('follow', { openid })).status).toBe(409);
    expect(await events(openid)).toHaveLength(4);
  });

  it('three deliveries of one scan (WeChat retrying) are answered success and recorded once', async () => {
    const openid = 'o-oa-bob';
    const pushed = await sim('scan', { openid, scene: 'livestream-1', deliveries: 3 });
    expect(pushed.body.deliveries.map((delivery: any) => [delivery.status, delivery.body])).toEqual(
      [
        [200, 'success'],
        [200, 'success'],
        [200, 'success'],
      ],
    );
    // Each answer well inside WeChat's 5 s (cold start included for the first).
    for (const delivery of pushed.body.deliveries) expect(delivery.ms).toBeLessThan(5_000);
    const recorded = await events(openid);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ event: 'subscribe', scene: 'livestream-1', deliveries: 3 });
    expect(await follower(openid)).toMatchObject({ following: true, followCount: 1 });
  });

  it('compatible mode is read from its ciphertext; a plain push is refused while safe mode is configured', async () => {
    const compatible = await sim('scan', {
      openid: 'o-oa-carol',
      scene: 'parcel',
      mode: 'compatible',
    });
    expect(compatible.body.deliveries[0]).toMatchObject({ status: 200, body: 'success' });
    expect(await events('o-oa-carol')).toHaveLength(1);

    const plain = await sim('scan', { openid: 'o-oa-dave', scene: 'parcel', mode: 'plain' });
    expect(plain.body.deliveries[0]).toMatchObject({ status: 401 });
    expect(await events('o-oa-dave')).toHaveLength(0);
  });

  it('refuses a forged, a stale and a wrong-appid push, and a Mini Program caller, recording nothing', async () => {
    const openid = 'o-oa-mallory';
    const post = async (options: { token?: string; appid?: string; ageSeconds?: number }) => {
      const createTime = Math.floor(Date.now() / 1000);
      const timestamp = String(createTime - (options.ageSeconds ?? 0));
      const nonce = '99887766';
      const xml = buildOaXml({
        ToUserName: 'gh_x',
        FromUserName: openid,
        CreateTime: createTime,
        MsgType: 'event',
        Event: 'subscribe',
        EventKey: 'qrscene_forged',
        Ticket: 'gQx',
      });
      const encrypt = encryptMessage(
        xml,
        stack.settings.OA_ENCODING_AES_KEY!,
        options.appid ?? stack.settings.OA_APPID!,
      );
      const token = options.token ?? stack.settings.OA_TOKEN!;
      const query = new URLSearchParams({
        signature: oaSignature(token, timestamp, nonce),
        timestamp,
        nonce,
        openid,
        encrypt_type: 'aes',
        msg_signature: oaSignature(token, timestamp, nonce, encrypt),
      });
      const response = await fetch(`${stack.url}/http/oa?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: buildOaXml({ ToUserName: 'gh_x', Encrypt: encrypt }),
      });
      return response.status;
    };
    expect(await post({ token: 'not-the-token' })).toBe(401);
    expect(await post({ ageSeconds: 600 })).toBe(401);
    expect(await post({ appid: 'wx-another-account' })).toBe(403);

    // A Mini Program user shaping an HTTP event by hand through wx.cloud.callFunction.
    const caller = await stack.call(
      'oa',
      { httpMethod: 'GET', queryStringParameters: { echostr: 'x' } },
      { openid },
    );
    expect(caller.body).toMatchObject({ statusCode: 403 });

    expect(await events(openid)).toHaveLength(0);
    expect(await follower(openid)).toBeUndefined();
    // The same push made properly is accepted: the refusals above were about what was wrong.
    expect(await post({})).toBe(200);
    expect(await events(openid)).toHaveLength(1);
  });
});
