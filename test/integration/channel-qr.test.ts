/**
 * Channel QR codes end to end through the local stack: the console creates a code (WeChat's
 * qrcode/create in the simulator), a user scans it in the simulator (a signed safe-mode push to
 * the `oa` function), and what the user gets is read from the simulator's side — their chat and
 * their tags — while the metrics are read back through `getChannelQr`, as the console reads them.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../../local/admin-client';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';

const ADMIN = 'o-cq-admin';

describe('channel QR codes: from creation to the greeting in the user’s chat', () => {
  let stack: TestStack;
  let imageId: string;
  let qr: any;

  const admin = () => adminClient(stack.url, ADMIN);
  const sim = async (path: string, body?: object) => {
    const response = await fetch(`${stack.url}/wechat/_sim/${path}`, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const chat = async (openid: string) =>
    (await sim(`oa/chat?openid=${encodeURIComponent(openid)}`)).body;
  const metrics = async (qrId: string) => (await admin().call('getChannelQr', { qrId })).metrics;
  const scan = (openid: string, code: any, extra: object = {}) =>
    sim('oa/scan', { openid, scene: code.sceneStr, ticket: code.ticket, ...extra });
  /** CreateTime has one-second resolution: a user's next event must be a second later. */
  const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_050));
  const database = () => sdkFor(stack.url).database();

  beforeAll(async () => {
    stack = await startTestStack({ settings: { ADMIN_OPENIDS: ADMIN } });
    const cloud = sdkFor(stack.url);
    const png = await QRCode.toBuffer('welcome-banner', { type: 'png', width: 120 });
    const { fileID } = await cloud.uploadFile({
      cloudPath: 'materials/banner.png',
      fileContent: png,
    });
    const added = await admin().call('addMaterial', {
      kind: 'image',
      fileId: fileID,
      name: '欢迎海报',
    });
    expect(added).toMatchObject({ material: { kind: 'image' } });
    imageId = added.material.materialId;
  });
  afterAll(() => stack?.destroy());

  it('refuses a material that is not what it claims, by its bytes', async () => {
    const { fileID } = await sdkFor(stack.url).uploadFile({
      cloudPath: 'materials/fake.png',
      fileContent: Buffer.from('not an image at all'),
    });
    const refused = await admin().reply('addMaterial', {
      kind: 'image',
      fileId: fileID,
      name: 'x',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'MATERIAL_INVALID' } });
  });

  it('creates a temporary code through WeChat, whose image encodes its url', async () => {
    const created = await admin().call('createChannelQr', {
      name: '门店 A 海报',
      type: 'temporary',
      expireSeconds: 7 * 24 * 3600,
      channel: 'store-a',
      tagNames: ['门店A'],
      replies: {
        enabled: true,
        items: [
          { kind: 'text', text: '欢迎来到码上 🎉\n<a href="https://example.com">看看新品</a>' },
          {
            kind: 'link',
            title: '附近门店',
            url: 'https://example.com/stores',
            description: '找到离你最近的门店',
            thumbMaterialId: imageId,
          },
          { kind: 'image', materialId: imageId },
        ],
      },
    });
    expect(created).toMatchObject({
      qr: {
        name: '门店 A 海报',
        type: 'temporary',
        status: 'active',
        sceneStr: expect.stringMatching(/^qr_/),
        ticket: expect.stringMatching(/^gQ/),
        url: expect.stringMatching(/^http:\/\/weixin\.qq\.com\/q\//),
      },
    });
    qr = created.qr;
    const ttl = Date.parse(qr.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(7 * 24 * 3600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600_000);

    const image = await fetch(
      `${stack.url}/wechat/cgi-bin/showqrcode?ticket=${encodeURIComponent(qr.ticket)}`,
    );
    expect(image.status).toBe(200);
    const png = PNG.sync.read(Buffer.from(await image.arrayBuffer()));
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(qr.url);
    expect((await fetch(`${stack.url}/wechat/cgi-bin/showqrcode?ticket=unknown`)).status).toBe(404);

    const tooLong = await admin().reply('createChannelQr', {
      name: 'x',
      type: 'temporary',
      expireSeconds: 2_592_001,
    });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const fourItems = await admin().reply('createChannelQr', {
      name: 'x',
      type: 'permanent',
      replies: { enabled: true, items: Array(4).fill({ kind: 'text', text: 'hi' }) },
    });
    expect(fourItems).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('a new user scans and follows: tagged, the three replies arrive in order, metrics move', async () => {
    const openid = 'o-cq-new';
    const pushed = await scan(openid, qr);
    expect(pushed.body.event).toMatchObject({
      Event: 'subscribe',
      EventKey: `qrscene_${qr.sceneStr}`,
    });
    expect(pushed.body.deliveries).toEqual([
      { status: 200, body: 'success', ms: expect.any(Number) },
    ]);

    const seen = await chat(openid);
    expect(seen.tags).toEqual(['门店A']);
    expect(seen.messages.map((message: any) => message.msgtype)).toEqual(['text', 'news', 'image']);
    expect(seen.messages[0].text.content).toBe(
      '欢迎来到码上 🎉\n<a href="https://example.com">看看新品</a>',
    );
    expect(seen.messages[1].news.articles).toEqual([
      {
        title: '附近门店',
        description: '找到离你最近的门店',
        url: 'https://example.com/stores',
        picurl: expect.stringMatching(/^https?:\/\//),
      },
    ]);
    expect(seen.messages[2].image.media_id).toEqual(expect.any(String));
    expect(await metrics(qr.qrId)).toEqual({
      scans: 1,
      scanners: 1,
      newFollowers: 1,
      repliesSent: 1,
      repliesReceived: 1,
    });
    // The console's list shows the same figures beside each code (scans, new followers).
    const listed = (await admin().call('listChannelQrs')).qrs.find((code) => code.qrId === qr.qrId);
    expect(listed!.metrics).toEqual(await metrics(qr.qrId));
    // The medium was uploaded once and kept for the next scans (renewed after 2.5 days).
    const material = (await database().collection('oaMaterials').where({ _id: imageId }).get())
      .data[0];
    expect(material.mediaId).toBe(seen.messages[2].image.media_id);
  });

  it('the same scan delivered three times sends one set of replies', async () => {
    const openid = 'o-cq-redelivered';
    const pushed = await scan(openid, qr, { deliveries: 3 });
    expect(pushed.body.deliveries).toHaveLength(3);
    expect((await chat(openid)).messages).toHaveLength(3);
    expect(await metrics(qr.qrId)).toMatchObject({
      scans: 2,
      scanners: 2,
      newFollowers: 2,
      repliesSent: 2,
    });
  });

  it('a follower scanning again gets the replies again: scans 2, scanners 1 for them', async () => {
    const openid = 'o-cq-new';
    await nextSecond();
    const pushed = await scan(openid, qr);
    expect(pushed.body.event).toMatchObject({ Event: 'SCAN', EventKey: qr.sceneStr });
    // Tagging and three sends happen before the answer, inside push.ts's 3 s budget.
    expect(pushed.body.deliveries[0].ms).toBeLessThan(3_000);
    expect((await chat(openid)).messages.map((message: any) => message.msgtype)).toEqual([
      'text',
      'news',
      'image',
      'text',
      'news',
      'image',
    ]);
    const scanner = (
      await database()
        .collection('oaQrScanners')
        .where({ _id: `${qr.qrId}:${openid}` })
        .get()
    ).data[0];
    expect(scanner).toMatchObject({
      scans: 2,
      followedFromQr: true,
      received: true,
      lastReplyStatus: 'sent',
    });
    expect(await metrics(qr.qrId)).toEqual({
      scans: 3,
      scanners: 2,
      newFollowers: 2,
      repliesSent: 3,
      repliesReceived: 2,
    });
  });

  it('a non-follower who scans without following sends nothing and counts nothing', async () => {
    const before = await metrics(qr.qrId);
    const looked = await scan('o-cq-lurker', qr, { follow: false });
    expect(looked.body).toMatchObject({ event: null, deliveries: [], following: false });
    expect((await chat('o-cq-lurker')).messages).toEqual([]);
    expect(await metrics(qr.qrId)).toEqual(before);
  });

  it('the sending window: 3 messages within a minute of a scan, then 45047; after it 45015', async () => {
    const openid = 'o-cq-window';
    await scan(openid, qr); // the three replies use the whole window
    const token = await fetch(`${stack.url}/wechat/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: stack.settings.OA_APPID,
        secret: stack.settings.OA_SECRET,
      }),
    }).then((response) => response.json() as Promise<any>);
    const send = () =>
      fetch(`${stack.url}/wechat/cgi-bin/message/custom/send?access_token=${token.access_token}`, {
        method: 'POST',
        body: JSON.stringify({ touser: openid, msgtype: 'text', text: { content: '再来一条' } }),
      }).then((response) => response.json());
    expect(await send()).toEqual({ errcode: 45047, errmsg: 'out of response count limit' });
    await sim('clock', { advanceMs: 61_000 });
    expect(await send()).toEqual({
      errcode: 45015,
      errmsg: 'response out of time limit or subscription is canceled',
    });
  });

  it('a window error is recorded, ends the sequence, and is not counted as a reply sent', async () => {
    const openid = 'o-cq-closed';
    const before = await metrics(qr.qrId);
    await sim('faults', { api: 'custom_send', errcode: 45015, times: 1 });
    await scan(openid, qr);
    expect((await chat(openid)).messages).toEqual([]);
    const send = (await database().collection('oaReplySends').where({ openid }).get()).data[0];
    expect(send).toMatchObject({
      status: 'failed',
      items: [
        { kind: 'text', ok: false, errcode: 45015 },
        { kind: 'link', ok: false, skipped: true },
        { kind: 'image', ok: false, skipped: true },
      ],
    });
    const after = await metrics(qr.qrId);
    expect(after).toEqual({
      ...before,
      scans: before.scans + 1,
      scanners: before.scanners + 1,
      newFollowers: before.newFollowers + 1,
    });
    expect((await sim('state')).body.calls.custom_send).toBeGreaterThan(0);
  });

  it('copy inherits every setting under a new scene; edit changes what the next scan gets', async () => {
    const copied = await admin().call('copyChannelQr', { qrId: qr.qrId });
    expect(copied).toMatchObject({
      qr: {
        name: '门店 A 海报_copy',
        type: 'temporary',
        status: 'active',
        expireSeconds: 7 * 24 * 3600,
        channel: 'store-a',
        tagNames: ['门店A'],
        replies: qr.replies,
      },
    });
    const copy = copied.qr;
    expect(copy.sceneStr).not.toBe(qr.sceneStr);
    expect(copy.ticket).not.toBe(qr.ticket);

    const edited = await admin().call('updateChannelQr', {
      qrId: copy.qrId,
      name: '门店 B',
      tagNames: ['门店B'],
      replies: { enabled: true, items: [{ kind: 'text', text: '门店 B 欢迎你' }] },
    });
    expect(edited).toMatchObject({ qr: { name: '门店 B', tagNames: ['门店B'] } });
    await scan('o-cq-store-b', copy);
    const seen = await chat('o-cq-store-b');
    expect(seen.tags).toEqual(['门店B']);
    expect(seen.messages.map((message: any) => message.text?.content)).toEqual(['门店 B 欢迎你']);
    expect(await metrics(copy.qrId)).toEqual({
      scans: 1,
      scanners: 1,
      newFollowers: 1,
      repliesSent: 1,
      repliesReceived: 1,
    });

    const listed = await admin().call('listChannelQrs', { keyword: '门店 b' });
    expect(listed.qrs.map((code) => code.qrId)).toEqual([copy.qrId]);

    // Deleted: the code still makes followers (WeChat cannot withdraw it), nothing else applies.
    const deleted = await admin().reply('deleteChannelQrs', { qrIds: [copy.qrId, 'no-such-code'] });
    expect(deleted).toEqual({
      ok: true,
      data: { deleted: [{ qrId: copy.qrId, previousStatus: 'active' }], skipped: ['no-such-code'] },
    });
    const pushed = await scan('o-cq-after-delete', copy);
    expect(pushed.body.event.Event).toBe('subscribe');
    const follower = (
      await database().collection('oaFollowers').where({ _id: 'o-cq-after-delete' }).get()
    ).data[0];
    expect(follower).toMatchObject({ following: true, scene: copy.sceneStr });
    expect(await chat('o-cq-after-delete')).toMatchObject({ tags: [], messages: [] });
    expect(await admin().call('getChannelQr', { qrId: copy.qrId })).toMatchObject({
      qr: { status: 'deleted' },
      metrics: { scans: 1 },
    });
    expect(await admin().reply('updateChannelQr', { qrId: copy.qrId, name: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'QR_DELETED' },
    });
    expect((await admin().call('listChannelQrs')).qrs.map((code) => code.qrId)).not.toContain(
      copy.qrId,
    );
    expect(
      (await admin().call('listChannelQrs', { status: 'deleted' })).qrs.map((code) => code.qrId),
    ).toEqual([copy.qrId]);
  });

  it('the permanent quota: WeChat’s 45029 marks the code creation_failed, which cannot be copied', async () => {
    await sim('config', { permanentQrLimit: 1 });
    const first = await admin().call('createChannelQr', { name: '永久码 1', type: 'permanent' });
    expect(first).toMatchObject({ qr: { status: 'active', type: 'permanent' } });
    expect(first.qr.expiresAt).toBeUndefined();
    const second = await admin().reply('createChannelQr', { name: '永久码 2', type: 'permanent' });
    expect(second).toMatchObject({ ok: false, error: { code: 'QR_QUOTA_EXCEEDED' } });
    const failed = await admin().call('listChannelQrs', { status: 'creation_failed' });
    expect(failed.qrs).toMatchObject([
      {
        name: '永久码 2',
        status: 'creation_failed',
        failureReason: expect.stringContaining('45029'),
      },
    ]);
    const copy = await admin().reply('copyChannelQr', { qrId: failed.qrs[0]!.qrId });
    expect(copy).toMatchObject({ ok: false, error: { code: 'QR_CREATION_FAILED' } });
    // A temporary code is still possible.
    expect(
      (await admin().call('createChannelQr', { name: '临时', type: 'temporary' })).qr.status,
    ).toBe('active');
  });

  it('the simulator’s OA APIs answer as WeChat documents them', async () => {
    const { access_token: token } = (await fetch(`${stack.url}/wechat/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: stack.settings.OA_APPID,
        secret: stack.settings.OA_SECRET,
      }),
    }).then((response) => response.json())) as any;
    const call = (path: string, body?: object) =>
      fetch(
        `${stack.url}/wechat/cgi-bin/${path}${path.includes('?') ? '&' : '?'}access_token=${token}`,
        {
          method: body ? 'POST' : 'GET',
          body: body ? JSON.stringify(body) : undefined,
        },
      ).then((response) => response.json() as Promise<any>);

    const info = await call('user/info?openid=o-cq-new&lang=zh_CN');
    const tags = (await call('tags/get')).tags;
    const storeTag = tags.find((tag: any) => tag.name === '门店A');
    expect(info).toMatchObject({
      subscribe: 1,
      openid: 'o-cq-new',
      subscribe_scene: 'ADD_SCENE_QR_CODE',
      qr_scene_str: qr.sceneStr,
      tagid_list: [storeTag.id],
    });
    expect(await call('user/info?openid=o-nobody')).toEqual({
      errcode: 40003,
      errmsg: 'invalid openid',
    });
    expect(await call('tags/create', { tag: { name: '门店A' } })).toEqual({
      errcode: 45157,
      errmsg: 'invalid tag name',
    });
    expect(await call('tags/create', { tag: { name: 'x'.repeat(31) } })).toMatchObject({
      errcode: 45158,
    });
    expect(await call('tags/delete', { tag: { id: 2 } })).toMatchObject({ errcode: 45058 });

    // A tag made in the OA console first: our create gets 45157 and the scan looks it up instead.
    const made = await call('tags/create', { tag: { name: '老客' } });
    expect(made).toEqual({ tag: { id: expect.any(Number), name: '老客' } });
    const old = await admin().call('createChannelQr', {
      name: '老客回访',
      type: 'temporary',
      tagNames: ['老客'],
    });
    await scan('o-cq-regular', old.qr);
    expect((await chat('o-cq-regular')).tags).toEqual(['老客']);

    const upload = (type: string, content: Buffer, name: string) => {
      const form = new FormData();
      form.append('media', new Blob([new Uint8Array(content)]), name);
      return fetch(`${stack.url}/wechat/cgi-bin/media/upload?access_token=${token}&type=${type}`, {
        method: 'POST',
        body: form,
      }).then((response) => response.json() as Promise<any>);
    };
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(70 * 1024)]);
    expect(await upload('image', jpeg, 'a.jpg')).toEqual({
      type: 'image',
      media_id: expect.any(String),
      created_at: expect.any(Number),
    });
    expect(await upload('thumb', jpeg, 'a.jpg')).toMatchObject({ errcode: 40006 });
    expect(await upload('video', jpeg, 'a.jpg')).toMatchObject({ errcode: 40005 });
    expect(await upload('file', jpeg, 'a.jpg')).toMatchObject({ errcode: 40004 });
  });

  it('records each write in the audit log', async () => {
    const log = await admin().call('listAuditLog', { limit: 100 });
    const actions = new Set(log.entries.map((entry) => entry.action));
    for (const action of [
      'addMaterial',
      'createChannelQr',
      'copyChannelQr',
      'updateChannelQr',
      'deleteChannelQrs',
    ])
      expect(actions).toContain(action);
  });
});
