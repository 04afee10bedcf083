// @vitest-environment jsdom
/**
 * 新建/编辑渠道码: basics, tags checked against WeChat's limits as typed, and the reply editor
 * (add, reorder, remove, each kind's fields, materials picked from the hub — by keyword, 我的上传,
 * the account's drafts for 图文 — or uploaded from the phone);
 * client checks mirror the server's, server errors read in Chinese and the form keeps its values.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type {
  AddMaterialRequest,
  ChannelQrDetails,
  ChannelQrResult,
  ListMaterialsResult,
  ListOaDraftsResult,
  MaterialResult,
  MemberRole,
} from '../../typings/admin';
import { metrics, qrView } from './admin-channel-qr-fixtures';
import { fail, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
import { stubStorage } from './admin-products-fixtures';
import {
  type CloudCall,
  cleanup,
  dispatchIn,
  findByClass,
  renderPage,
  settle,
  stubWx,
  tapVanButton,
  typeIntoVanField,
  visibleText,
  textsOf,
} from './harness';

const FORM_PAGE = 'admin/pages/channel-qr/edit/index';

function stub(role: MemberRole = 'operator', handlers: AdminHandlers = {}) {
  const calls = stubAdminAs(
    role,
    {
      createChannelQr: (call) =>
        ok<ChannelQrResult>({ qr: qrView({ qrId: 'qr-new', name: String(call.data.name) }) }),
      updateChannelQr: () => ok<ChannelQrResult>({ qr: qrView() }),
      getChannelQr: () => ok<ChannelQrDetails>({ qr: qrView(), metrics: metrics() }),
      listMaterials: () => ok<ListMaterialsResult>({ materials: [] }),
      addMaterial: (call) => {
        const request = call.data as unknown as AddMaterialRequest & { fileId: string };
        return ok<MaterialResult>({
          material: {
            materialId: 'mat-new-000001',
            kind: request.kind,
            name: request.name,
            fileId: request.fileId,
            createdAt: '2025-03-01T01:30:00.000Z',
          },
        });
      },
    },
    handlers,
  );
  const { uploads } = stubStorage();
  return { calls, uploads };
}

function sent(calls: CloudCall[], action: string): Record<string, unknown>[] {
  return calls
    .filter((call) => call.data.action === action)
    .map(({ data: { action: _action, ...request } }) => request);
}

interface JNode {
  dom: Element;
  querySelector(selector: string): JNode | undefined;
  querySelectorAll(selector: string): JNode[];
  dispatchEvent(name: string, options?: { detail?: unknown }): void;
}

/** Types into a textarea `<van-field>` (the harness's helper finds only single-line inputs). */
async function typeIntoTextarea(
  page: Awaited<ReturnType<typeof renderPage>>,
  selector: string,
  value: string,
): Promise<void> {
  const field = (page as unknown as JNode).querySelector(selector);
  const textarea = field
    ?.querySelectorAll('.van-field__control')
    .find((node) => node.dom.tagName === 'WX-TEXTAREA');
  if (!textarea) throw new Error(`${selector} 中没有多行输入框`);
  textarea.dispatchEvent('input', { detail: { value } });
  await settle();
}

afterEach(cleanup);

describe('新建渠道码', () => {
  test('a temporary code with a channel, a tag and a text reply is created and opened', async () => {
    const { calls } = stub();
    const redirectTo = vi.fn();
    stubWx({ redirectTo, showToast: vi.fn() });
    const page = await renderPage(FORM_PAGE);
    await typeIntoVanField(page, '#name-field', '上海门店海报');
    await typeIntoVanField(page, '#expire-field', '7');
    await typeIntoVanField(page, '#channel-field', '门店');
    await typeIntoVanField(page, '#tag-field', '门店用户');
    await tapVanButton(page, '.add-tag');
    expect(textsOf(page, 'tag-chip')).toEqual(['门店用户']);
    await typeIntoTextarea(page, '.reply-0 .reply-text', '欢迎关注！\n点菜单领券');
    expect(textsOf(page, 'text-count')).toEqual(['11/2000']);
    await tapVanButton(page, '.save-qr');
    expect(sent(calls, 'createChannelQr')).toEqual([
      {
        name: '上海门店海报',
        type: 'temporary',
        expireSeconds: 7 * 86_400,
        channel: '门店',
        tagNames: ['门店用户'],
        replies: { enabled: true, items: [{ kind: 'text', text: '欢迎关注！\n点菜单领券' }] },
      },
    ]);
    expect(redirectTo).toHaveBeenCalledWith({
      url: '/admin/pages/channel-qr/detail/index?qrId=qr-new',
    });
  });

  test('a tag over 30 bytes is refused as typed; 10 Chinese characters fit, 11 do not', async () => {
    stub();
    const page = await renderPage(FORM_PAGE);
    await typeIntoVanField(page, '#tag-field', '一二三四五六七八九十');
    expect(visibleText(page)).not.toContain('当前');
    await typeIntoVanField(page, '#tag-field', '一二三四五六七八九十一');
    expect(visibleText(page)).toContain('标签最多 30 字节（约 10 个汉字），当前 33 字节');
    await tapVanButton(page, '.add-tag');
    expect(textsOf(page, 'tag-chip')).toEqual([]);
  });

  test('empty fields, an expiry over 30 days and a bad link are shown before anything is sent', async () => {
    const { calls } = stub();
    const page = await renderPage(FORM_PAGE);
    await typeIntoVanField(page, '#expire-field', '31');
    await dispatchIn(page, '#add-reply', 'change', { value: 6 });
    await typeIntoVanField(page, '.reply-1 .reply-url', 'weixin.qq.com');
    await tapVanButton(page, '.save-qr');
    const text = visibleText(page);
    expect(text).toContain('请填写二维码名称');
    expect(text).toContain('临时二维码有效期为 1–30 天');
    expect(text).toContain('请填写回复文字');
    expect(text).toContain('链接须为 http(s) 地址');
    expect(text).toContain('请选择或上传封面图');
    expect(text).toContain('还有信息需要修改，请查看标红的项目');
    expect(sent(calls, 'createChannelQr')).toEqual([]);
  });

  test('at most 3 replies; they are reordered and removed, and sent in the order shown', async () => {
    const { calls } = stub();
    stubWx({ redirectTo: vi.fn(), showToast: vi.fn() });
    const page = await renderPage(FORM_PAGE);
    await typeIntoVanField(page, '#name-field', '直播间');
    await dispatchIn(page, '.type-permanent', 'tap');
    expect(findByClass(page, 'reply-card')).toHaveLength(1);
    await typeIntoTextarea(page, '.reply-0 .reply-text', '第一条');
    await dispatchIn(page, '#add-reply', 'change', { value: 0 });
    await typeIntoTextarea(page, '.reply-1 .reply-text', '第二条');
    await dispatchIn(page, '#add-reply', 'change', { value: 5 });
    expect(textsOf(page, 'reply-kind')).toEqual([
      '第 1 条 · 文字',
      '第 2 条 · 文字',
      '第 3 条 · 小程序卡片',
    ]);
    expect(findByClass(page, 'add-reply')).toHaveLength(0);
    await dispatchIn(page, '.reply-2 .reply-remove', 'tap');
    await dispatchIn(page, '.reply-1 .reply-up', 'tap');
    expect(textsOf(page, 'reply-kind')).toEqual(['第 1 条 · 文字', '第 2 条 · 文字']);
    await tapVanButton(page, '.save-qr');
    expect(sent(calls, 'createChannelQr')[0]).toMatchObject({
      type: 'permanent',
      replies: {
        enabled: true,
        items: [
          { kind: 'text', text: '第二条' },
          { kind: 'text', text: '第一条' },
        ],
      },
    });
    expect(sent(calls, 'createChannelQr')[0]).not.toHaveProperty('expireSeconds');
  });

  test('an image reply uploads a picture from the phone, adds it as a material and uses it', async () => {
    const { calls, uploads } = stub();
    const chooseMedia = vi.fn(async () => ({
      type: 'image',
      tempFiles: [{ tempFilePath: 'http://tmp/welcome.png', size: 2048, fileType: 'image' }],
      errMsg: 'chooseMedia:ok',
    }));
    stubWx({ chooseMedia, redirectTo: vi.fn(), showToast: vi.fn() });
    const page = await renderPage(FORM_PAGE);
    await typeIntoVanField(page, '#name-field', '海报');
    await dispatchIn(page, '.reply-0 .reply-remove', 'tap');
    await dispatchIn(page, '#add-reply', 'change', { value: 1 });
    await tapVanButton(page, '.reply-0 .choose-material');
    expect(textsOf(page, 'picker-empty')).toEqual(['素材库还没有图片']);
    await tapVanButton(page, '#material-picker >>> .picker-upload');
    expect(findByClass(page, 'picker-sheet')).toHaveLength(0);
    expect(chooseMedia).toHaveBeenCalledWith(expect.objectContaining({ mediaType: ['image'] }));
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.cloudPath).toMatch(/^oa-materials\/\d{8}\/\d+-[a-z0-9]+\.png$/);
    uploads[0]!.succeed();
    await settle();
    expect(sent(calls, 'addMaterial')).toEqual([
      {
        kind: 'image',
        fileId: `cloud://local.local-local/${uploads[0]!.cloudPath}`,
        // Album files have random temporary names: named by kind and China time instead.
        name: expect.stringMatching(/^图片 \d{4}-\d\d-\d\d \d\d:\d\d\.png$/),
      },
    ]);
    expect(textsOf(page, 'material-name')[0]).toMatch(/^图片 \d{4}-\d\d-\d\d \d\d:\d\d\.png$/);
    await tapVanButton(page, '.save-qr');
    expect(sent(calls, 'createChannelQr')[0]?.replies).toEqual({
      enabled: true,
      items: [{ kind: 'image', materialId: 'mat-new-000001' }],
    });
  });

  test('a 图文 reply picks from the hub, or from the account’s drafts (single articles only)', async () => {
    const { calls } = stub('operator', {
      listMaterials: () =>
        ok<ListMaterialsResult>({
          materials: [
            {
              materialId: 'mat-news-old',
              kind: 'news',
              name: '旧图文',
              createdAt: '2025-03-01T01:30:00.000Z',
            },
          ],
        }),
      listOaDrafts: () =>
        ok<ListOaDraftsResult>({
          total: 2,
          drafts: [
            {
              mediaId: 'd-1',
              title: '春季新品上市',
              digest: '',
              author: '',
              articleCount: 1,
              updatedAt: '2025-03-01T00:00:00.000Z',
            },
            {
              mediaId: 'd-2',
              title: '两篇合集',
              digest: '',
              author: '',
              articleCount: 2,
              updatedAt: '2025-03-01T00:00:00.000Z',
            },
          ],
        }),
    });
    stubWx({ redirectTo: vi.fn(), showToast: vi.fn() });
    const page = await renderPage(FORM_PAGE);
    await dispatchIn(page, '.reply-0 .reply-remove', 'tap');
    await dispatchIn(page, '#add-reply', 'change', { value: 3 });
    await tapVanButton(page, '.reply-0 .choose-material');
    expect(sent(calls, 'listMaterials')).toEqual([{ kind: 'news', limit: 20 }]);
    expect(textsOf(page, 'picker-title')).toEqual(['选择图文']);
    expect(textsOf(page, 'picker-item__name')).toEqual(['旧图文']);
    // 图文 are never uploaded from the phone: they come from the hub or the drafts.
    expect(findByClass(page, 'picker-upload')).toHaveLength(0);

    await dispatchIn(page, '#material-picker >>> .picker-tab-drafts', 'tap');
    expect(sent(calls, 'listOaDrafts')).toEqual([{ count: 20 }]);
    expect(textsOf(page, 'picker-item__name')).toEqual(['春季新品上市', '两篇合集']);
    expect(textsOf(page, 'picker-item__meta')[1]).toContain('多篇图文不能作为回复');
    // A draft of two articles cannot be one reply: refused, the sheet stays open.
    await dispatchIn(page, '#material-picker >>> .draft-1', 'tap');
    expect(textsOf(page, 'picker-notice')).toEqual(['多篇图文不能作为一条回复，请选择单篇图文']);
    expect(sent(calls, 'addMaterial')).toEqual([]);
    await dispatchIn(page, '#material-picker >>> .draft-item', 'tap');
    expect(sent(calls, 'addMaterial')).toEqual([
      { kind: 'news', draftMediaId: 'd-1', name: '春季新品上市' },
    ]);
    expect(findByClass(page, 'picker-sheet')).toHaveLength(0);
    expect(textsOf(page, 'material-name')[0]).toBe('春季新品上市');

    // The hub's own: picked as it is, nothing added.
    await tapVanButton(page, '.reply-0 .choose-material');
    await dispatchIn(page, '#material-picker >>> .material-item', 'tap');
    expect(textsOf(page, 'material-name')[0]).toBe('旧图文');
    expect(sent(calls, 'addMaterial')).toHaveLength(1);
  });

  test('the hub for a picture: search by name, only my uploads, more pages, pick one', async () => {
    const hub = Array.from({ length: 25 }, (_, i) => ({
      materialId: `mat-img-${String(i).padStart(2, '0')}`,
      kind: 'image' as const,
      name: i === 3 ? '门店海报' : `图片 ${i}`,
      size: 204_800,
      createdAt: '2025-03-01T01:30:00.000Z',
    }));
    const { calls } = stub('operator', {
      listMaterials: (call) => {
        const {
          keyword,
          mine,
          offset = 0,
        } = call.data as {
          keyword?: string;
          mine?: boolean;
          offset?: number;
        };
        const matching = hub.filter(
          (material) =>
            (!keyword || material.name.includes(keyword)) &&
            (!mine || material.name !== '门店海报'),
        );
        return ok<ListMaterialsResult>({ materials: matching.slice(offset, offset + 20) });
      },
    });
    stubWx({ redirectTo: vi.fn(), showToast: vi.fn() });
    const page = await renderPage(FORM_PAGE);
    await typeIntoVanField(page, '#name-field', '海报');
    await dispatchIn(page, '.reply-0 .reply-remove', 'tap');
    await dispatchIn(page, '#add-reply', 'change', { value: 1 });
    await tapVanButton(page, '.reply-0 .choose-material');
    expect(textsOf(page, 'picker-title')).toEqual(['选择图片']);
    expect(findByClass(page, 'material-item')).toHaveLength(20);
    expect(textsOf(page, 'picker-item__meta')[0]).toBe('200 KB · 添加于 2025-03-01 09:30');

    await tapVanButton(page, '#material-picker >>> .picker-more-button');
    expect(sent(calls, 'listMaterials').at(-1)).toEqual({ kind: 'image', limit: 20, offset: 20 });
    expect(findByClass(page, 'material-item')).toHaveLength(25);

    await typeIntoVanField(page, '#material-picker >>> #material-search', '海报');
    await tapVanButton(page, '#material-picker >>> .material-search-button');
    expect(sent(calls, 'listMaterials').at(-1)).toEqual({
      kind: 'image',
      keyword: '海报',
      limit: 20,
    });
    expect(textsOf(page, 'picker-item__name')).toEqual(['门店海报']);

    await dispatchIn(page, '#material-picker >>> .mine-switch', 'change', true);
    expect(sent(calls, 'listMaterials').at(-1)).toEqual({
      kind: 'image',
      keyword: '海报',
      mine: true,
      limit: 20,
    });
    expect(textsOf(page, 'picker-empty')).toEqual(['没有符合条件的图片']);

    await dispatchIn(page, '#material-picker >>> .mine-switch', 'change', false);
    await dispatchIn(page, '#material-picker >>> .material-item', 'tap');
    expect(findByClass(page, 'picker-sheet')).toHaveLength(0);
    expect(textsOf(page, 'material-name')).toEqual(['门店海报']);
    await tapVanButton(page, '.save-qr');
    expect(sent(calls, 'createChannelQr')[0]?.replies).toEqual({
      enabled: true,
      items: [{ kind: 'image', materialId: 'mat-img-03' }],
    });
  });

  test('a hub that cannot be read says why and retries; closing picks nothing', async () => {
    let refuse = true;
    const { calls } = stub('operator', {
      listMaterials: () =>
        refuse
          ? fail('FORBIDDEN')
          : ok<ListMaterialsResult>({
              materials: [
                {
                  materialId: 'mat-v',
                  kind: 'video',
                  name: '开箱视频',
                  createdAt: '2025-03-01T01:30:00.000Z',
                },
              ],
            }),
    });
    const page = await renderPage(FORM_PAGE);
    await dispatchIn(page, '.reply-0 .reply-remove', 'tap');
    await dispatchIn(page, '#add-reply', 'change', { value: 2 });
    await tapVanButton(page, '.reply-0 .choose-material');
    expect(sent(calls, 'listMaterials')).toEqual([{ kind: 'video', limit: 20 }]);
    expect(textsOf(page, 'picker-error')[0]).toContain('你的角色没有这项权限，请联系管理员');
    refuse = false;
    await dispatchIn(page, '#material-picker >>> .picker-retry', 'tap');
    expect(textsOf(page, 'picker-item__name')).toEqual(['开箱视频']);
    await dispatchIn(page, '#material-picker >>> .picker-close', 'tap');
    expect(findByClass(page, 'picker-sheet')).toHaveLength(0);
    expect(textsOf(page, 'material-name')).toEqual(['未选择素材']);
  });

  test("a picture over WeChat's limit is refused before uploading", async () => {
    const { uploads } = stub();
    stubWx({
      chooseMedia: vi.fn(async () => ({
        type: 'image',
        tempFiles: [
          { tempFilePath: 'http://tmp/huge.png', size: 11 * 1024 * 1024, fileType: 'image' },
        ],
        errMsg: 'chooseMedia:ok',
      })),
    });
    const page = await renderPage(FORM_PAGE);
    await dispatchIn(page, '.reply-0 .reply-remove', 'tap');
    await dispatchIn(page, '#add-reply', 'change', { value: 1 });
    await tapVanButton(page, '.reply-0 .choose-material');
    await tapVanButton(page, '#material-picker >>> .picker-upload');
    expect(uploads).toHaveLength(0);
    expect(visibleText(page)).toContain('图片须为 PNG、JPEG 或 GIF，不超过 10 MB');
  });

  test('an audio reply picks an MP3 from a chat (chooseMessageFile); other audio is refused', async () => {
    const { calls, uploads } = stub();
    const files = [
      { path: 'http://tmp/hello.wav', size: 1024, name: 'hello.wav', type: 'file', time: 1 },
      { path: 'http://tmp/hello.mp3', size: 1024, name: 'hello.mp3', type: 'file', time: 1 },
    ];
    const chooseMessageFile = vi.fn(async () => ({
      tempFiles: [files.shift()],
      errMsg: 'chooseMessageFile:ok',
    }));
    stubWx({ chooseMessageFile });
    const page = await renderPage(FORM_PAGE);
    await dispatchIn(page, '.reply-0 .reply-remove', 'tap');
    await dispatchIn(page, '#add-reply', 'change', { value: 4 });
    await tapVanButton(page, '.reply-0 .choose-material');
    await tapVanButton(page, '#material-picker >>> .picker-upload');
    expect(chooseMessageFile).toHaveBeenCalledWith(
      expect.objectContaining({ type: 'file', extension: ['mp3'] }),
    );
    expect(visibleText(page)).toContain('音频须为 MP3，不超过 2 MB、60 秒');
    expect(uploads).toHaveLength(0);
    await tapVanButton(page, '.reply-0 .choose-material');
    await tapVanButton(page, '#material-picker >>> .picker-upload');
    expect(uploads[0]!.cloudPath).toMatch(/^oa-materials\/.+\.mp3$/);
    uploads[0]!.succeed();
    await settle();
    expect(sent(calls, 'addMaterial')[0]).toMatchObject({ kind: 'voice', name: 'hello.mp3' });
    expect(textsOf(page, 'material-name')).toEqual(['hello.mp3']);
  });

  test('a server refusal reads in Chinese and the form keeps every value', async () => {
    const { calls } = stub('operator', {
      createChannelQr: () =>
        fail('QR_QUOTA_EXCEEDED', '永久二维码数量已达微信上限（10 万个），请改用临时二维码'),
    });
    const page = await renderPage(FORM_PAGE);
    await typeIntoVanField(page, '#name-field', '永久海报');
    await dispatchIn(page, '.type-permanent', 'tap');
    await typeIntoTextarea(page, '.reply-0 .reply-text', '你好');
    await tapVanButton(page, '.save-qr');
    expect(sent(calls, 'createChannelQr')).toHaveLength(1);
    expect(textsOf(page, 'save-notice')).toEqual([
      '永久二维码数量已达微信上限（10 万个），请改用临时二维码',
    ]);
    const name = page.querySelector('#name-field') as unknown as { data: { value: string } };
    expect(name.data.value).toBe('永久海报');
    expect(textsOf(page, 'text-count')).toEqual(['2/2000']);
  });

  test('a viewer cannot open the form', async () => {
    stub('viewer');
    const page = await renderPage(FORM_PAGE);
    expect(visibleText(page)).toContain('你的角色不能新建或修改渠道二维码');
    expect(findByClass(page, 'save-qr')).toHaveLength(0);
  });
});

describe('编辑渠道码', () => {
  test('loads the code; type, expiry and channel are fixed; name, tags and replies are sent', async () => {
    const { calls } = stub();
    const navigateBack = vi.fn();
    stubWx({ navigateBack, showToast: vi.fn() });
    const page = await renderPage(FORM_PAGE, { qrId: 'qr-store' });
    expect(sent(calls, 'getChannelQr')).toEqual([{ qrId: 'qr-store' }]);
    expect(findByClass(page, 'type-choice')).toHaveLength(0);
    expect(textsOf(page, 'fixed-note')[0]).toContain('类型、有效期和渠道创建后不能修改');
    expect(textsOf(page, 'tag-chip')).toEqual(['门店用户']);
    expect(textsOf(page, 'reply-kind')).toEqual(['第 1 条 · 文字', '第 2 条 · 图片']);
    await dispatchIn(page, '.tag-chip-0', 'close');
    await dispatchIn(page, '.reply-1 .reply-up', 'tap');
    await tapVanButton(page, '.save-qr');
    expect(sent(calls, 'updateChannelQr')).toEqual([
      {
        qrId: 'qr-store',
        name: '上海门店海报',
        tagNames: [],
        replies: {
          enabled: true,
          items: [
            { kind: 'image', materialId: 'mat-poster-0001' },
            { kind: 'text', text: '欢迎关注码上！' },
          ],
        },
      },
    ]);
    expect(navigateBack).toHaveBeenCalled();
  });
});
