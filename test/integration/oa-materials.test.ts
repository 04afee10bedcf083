/**
 * The material hub through the local stack: uploads checked on their bytes (a voice over 60 s
 * refused by its MP3 frames), search by name, 我的上传, kinds, and the Official Account's drafts
 * (the simulator's draft/batchget) added as rich media.
 */
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../../local/admin-client';
import type { ListMaterialsRequest } from '../../typings/admin';
import { mp3Of } from '../support/mp3';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';

const ADMIN = 'o-mat-admin';
const OTHER = 'o-mat-admin-2';

describe('material hub', () => {
  let stack: TestStack;
  const admin = (openid = ADMIN) => adminClient(stack.url, openid);
  const upload = async (name: string, content: Buffer) =>
    (await sdkFor(stack.url).uploadFile({ cloudPath: `materials/${name}`, fileContent: content }))
      .fileID;
  const names = async (request: ListMaterialsRequest, openid = ADMIN) =>
    (await admin(openid).call('listMaterials', request)).materials.map((m) => m.name);

  beforeAll(async () => {
    stack = await startTestStack({ settings: { ADMIN_OPENIDS: `${ADMIN},${OTHER}` } });
    const png = await QRCode.toBuffer('poster', { type: 'png', width: 80 });
    for (const [name, by] of [
      ['春季海报', ADMIN],
      ['门店海报', OTHER],
      ['夏季横幅', ADMIN],
    ] as const) {
      await admin(by).call('addMaterial', {
        kind: 'image',
        fileId: await upload(`${name}.png`, png),
        name,
      });
    }
  });
  afterAll(() => stack?.destroy());

  it('takes a 59-second MP3 and refuses a 61-second one, in Chinese', async () => {
    const short = await admin().reply('addMaterial', {
      kind: 'voice',
      fileId: await upload('short.mp3', mp3Of(59, { id3: true })),
      name: '欢迎语音',
    });
    expect(short, JSON.stringify(short)).toMatchObject({
      ok: true,
      data: { material: { kind: 'voice' } },
    });
    const long = await admin().reply('addMaterial', {
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
    expect(await names({ kind: 'image' })).toEqual(['夏季横幅', '门店海报', '春季海报']);
    expect(await names({ kind: 'voice' })).toEqual(['欢迎语音']);
    expect(await names({ keyword: '海报' })).toEqual(['门店海报', '春季海报']);
    expect(await names({ keyword: '.*' })).toEqual([]);
    expect(await names({ mine: true, kind: 'image' })).toEqual(['夏季横幅', '春季海报']);
    expect(await names({ mine: true }, OTHER)).toEqual(['门店海报']);
    expect(await names({ kind: 'image', limit: 1, offset: 1 })).toEqual(['门店海报']);
  });

  it('lists the account’s drafts and adds one as rich media that a reply can use', async () => {
    const listed = await admin().call('listOaDrafts', { count: 2 });
    expect(listed).toMatchObject({
      total: 3,
      drafts: [{ title: '春季新品上市', articleCount: 1 }, { articleCount: 1 }],
    });
    const draft = listed.drafts[0]!;
    const added = await admin().call('addMaterial', {
      kind: 'news',
      draftMediaId: draft.mediaId,
      name: draft.title,
    });
    expect(added).toMatchObject({ material: { kind: 'news', name: '春季新品上市' } });
    expect(await names({ kind: 'news' })).toEqual(['春季新品上市']);
    const qr = await admin().call('createChannelQr', {
      name: '图文回复',
      type: 'permanent',
      replies: {
        enabled: true,
        items: [{ kind: 'news', materialId: added.material.materialId }],
      },
    });
    expect(qr).toMatchObject({ qr: { status: 'active' } });

    const refused = await admin().reply('listOaDrafts', { count: 21 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    await fetch(`${stack.url}/wechat/_sim/oa/drafts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ drafts: [] }),
    });
    expect(await admin().call('listOaDrafts')).toMatchObject({ total: 0, drafts: [] });
  });
});
