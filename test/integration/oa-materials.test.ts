/**
 * The material hub through the local stack: uploads checked on their bytes (a voice over 60 s
 * refused by its MP3 frames), search by name, 我的上传, kinds, and the Official Account's drafts
 * (the simulator's draft/batchget) added as rich media.
 */
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mp3Of } from '../support/mp3';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';

const ADMIN = 'o-mat-admin';
const OTHER = 'o-mat-admin-2';

describe('material hub', () => {
  let stack: TestStack;
  const admin = async (action: string, params: object = {}, openid = ADMIN) =>
    (await stack.call('admin', { action, ...params }, { openid })).body;
  const upload = async (name: string, content: Buffer) =>
    (await sdkFor(stack.url).uploadFile({ cloudPath: `materials/${name}`, fileContent: content }))
      .fileID;
  const names = (reply: any) => reply.data.materials.map((m: any) => m.name);

  beforeAll(async () => {
    stack = await startTestStack({ settings: { ADMIN_OPENIDS: `${ADMIN},${OTHER}` } });
    const png = await QRCode.toBuffer('poster', { type: 'png', width: 80 });
    for (const [name, by] of [
      ['春季海报', ADMIN],
      ['门店海报', OTHER],
      ['夏季横幅', ADMIN],
    ] as const) {
      const added = await admin(
        'addMaterial',
        { kind: 'image', fileId: await upload(`${name}.png`, png), name },
        by,
      );
      expect(added, JSON.stringify(added)).toMatchObject({ ok: true });
    }
  });
  afterAll(() => stack?.destroy());

  it('takes a 59-second MP3 and refuses a 61-second one, in Chinese', async () => {
    const short = await admin('addMaterial', {
      kind: 'voice',
      fileId: await upload('short.mp3', mp3Of(59, { id3: true })),
      name: '欢迎语音',
    });
    expect(short, JSON.stringify(short)).toMatchObject({
      ok: true,
      data: { material: { kind: 'voice' } },
    });
    const long = await admin('addMaterial', {
      kind: 'voice',
      fileId: await upload('long.mp3', mp3Of(61)),
      name: '太长的语音',
    });
    expect(long).toMatchObject({
      ok: false,
      error: { code: 'MATERIAL_INVALID', message: expect.stringContaining('不能超过 60 秒') },
    });
  });

  it('lists newest first, by kind, by keyword and by who uploaded', async () => {
    expect(names(await admin('listMaterials', { kind: 'image' }))).toEqual([
      '夏季横幅',
      '门店海报',
      '春季海报',
    ]);
    expect(names(await admin('listMaterials', { kind: 'voice' }))).toEqual(['欢迎语音']);
    expect(names(await admin('listMaterials', { keyword: '海报' }))).toEqual([
      '门店海报',
      '春季海报',
    ]);
    expect(names(await admin('listMaterials', { keyword: '.*' }))).toEqual([]);
    expect(names(await admin('listMaterials', { mine: true, kind: 'image' }))).toEqual([
      '夏季横幅',
      '春季海报',
    ]);
    expect(names(await admin('listMaterials', { mine: true }, OTHER))).toEqual(['门店海报']);
    expect(names(await admin('listMaterials', { kind: 'image', limit: 1, offset: 1 }))).toEqual([
      '门店海报',
    ]);
  });

  it('lists the account’s drafts and adds one as rich media that a reply can use', async () => {
    const listed = await admin('listOaDrafts', { count: 2 });
    expect(listed, JSON.stringify(listed)).toMatchObject({
      ok: true,
      data: { total: 3, drafts: [{ title: '春季新品上市', articleCount: 1 }, { articleCount: 1 }] },
    });
    const draft = listed.data.drafts[0];
    const added = await admin('addMaterial', {
      kind: 'news',
      draftMediaId: draft.mediaId,
      name: draft.title,
    });
    expect(added).toMatchObject({
      ok: true,
      data: { material: { kind: 'news', name: '春季新品上市' } },
    });
    expect(names(await admin('listMaterials', { kind: 'news' }))).toEqual(['春季新品上市']);
    const qr = await admin('createChannelQr', {
      name: '图文回复',
      type: 'permanent',
      replies: {
        enabled: true,
        items: [{ kind: 'news', materialId: added.data.material.materialId }],
      },
    });
    expect(qr).toMatchObject({ ok: true, data: { qr: { status: 'active' } } });

    const refused = await admin('listOaDrafts', { count: 21 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    await fetch(`${stack.url}/wechat/_sim/oa/drafts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ drafts: [] }),
    });
    expect(await admin('listOaDrafts')).toMatchObject({ ok: true, data: { total: 0, drafts: [] } });
  });
});
