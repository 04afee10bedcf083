// @vitest-environment jsdom
/**
 * Downloads of channel QR codes (issue 11 point 6): on the details page the image in WeChat's
 * three sizes or a custom width, with the logo or not, previewed and saved to the album (download
 * first: the album takes only a local file; a refused permission leads to the settings); on the
 * list, the chosen codes' images as a zip and their links as CSV, offered as a link to copy.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type {
  ChannelQrDetails,
  DownloadResult,
  ListChannelQrsResult,
  MemberRole,
} from '../../typings/admin';
import { listed, metrics, qrView } from './admin-channel-qr-fixtures';
import { fail, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
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
  requestsOf,
  textsOf,
} from './harness';

const LIST_PAGE = 'admin/pages/channel-qr/index';
const DETAIL_PAGE = 'admin/pages/channel-qr/detail/index';

function download(name: string, bytes = 48_000): DownloadResult {
  return {
    file: {
      name,
      fileID: `cloud://local/exports/dl-1/${name}`,
      url: `http://127.0.0.1/exports/dl-1/${name}?sign=c`,
      bytes,
    },
    expiresAt: '2025-03-02T01:30:00.000Z',
  };
}

function stub(role: MemberRole, handlers: AdminHandlers = {}): CloudCall[] {
  return stubAdminAs(
    role,
    {
      getChannelQr: () => ok<ChannelQrDetails>({ qr: qrView(), metrics: metrics({ scans: 3 }) }),
      listChannelQrs: () =>
        ok<ListChannelQrsResult>({
          qrs: [
            listed(qrView()),
            listed(qrView({ qrId: 'qr-live', name: '直播间', type: 'permanent' })),
          ],
        }),
      qrImage: (call) =>
        ok<DownloadResult>(download(`qr-store-${String(call.data.size)}.png`, 61_440)),
      qrImagesZip: () => ok<DownloadResult>(download('channel-qrs.zip', 2_300_000)),
      exportQrLinks: () => ok<DownloadResult>(download('channel-qr-links.csv', 900)),
    },
    handlers,
  );
}

type Callbacks = { success?: (result: unknown) => void; fail?: (error: unknown) => void };

/** wx.downloadFile as WeChat answers a 200: a temp path; wx.saveImageToPhotosAlbum per `save`. */
function stubPhone(save: 'ok' | 'auth deny' | 'cancel') {
  const downloadFile = vi.fn((options: Callbacks & { url: string }) =>
    options.success?.({
      tempFilePath: 'http://tmp/qr-store.png',
      statusCode: 200,
      errMsg: 'downloadFile:ok',
    }),
  );
  const saveImageToPhotosAlbum = vi.fn((options: Callbacks & { filePath: string }) =>
    save === 'ok'
      ? options.success?.({ errMsg: 'saveImageToPhotosAlbum:ok' })
      : options.fail?.({ errMsg: `saveImageToPhotosAlbum:fail ${save}` }),
  );
  const showModal = vi.fn((options: Callbacks & { content?: string }) =>
    options.success?.({ confirm: true, cancel: false }),
  );
  const wxMembers = {
    downloadFile,
    saveImageToPhotosAlbum,
    showModal,
    showToast: vi.fn(),
    openSetting: vi.fn(),
    previewImage: vi.fn(),
    setClipboardData: vi.fn(),
  };
  stubWx(wxMembers);
  return wxMembers;
}

afterEach(cleanup);

describe('下载二维码 on the details page', () => {
  test('a large image with the logo, previewed and saved to the album', async () => {
    const calls = stub('operator');
    const phone = stubPhone('ok');
    const page = await renderPage(DETAIL_PAGE, { qrId: 'qr-store' });
    expect(textsOf(page, 'size-choice')).toEqual(['小 258px', '中 430px', '大 1280px', '自定义']);
    await dispatchIn(page, '.size-large', 'tap');
    await dispatchIn(page, '.logo-switch', 'change', true);
    await tapVanButton(page, '.make-image');
    expect(requestsOf(calls, 'qrImage')).toEqual([{ qrId: 'qr-store', size: 'large', logo: true }]);
    // simulate renders no src attribute: read what the <image> is bound to.
    expect(findByClass(page, 'qr-image')).toHaveLength(1);
    expect((page.data as { image: { url: string } }).image.url).toBe(
      'http://127.0.0.1/exports/dl-1/qr-store-large.png?sign=c',
    );
    expect(textsOf(page, 'image-meta')).toEqual(['qr-store-large.png · 60 KB']);

    await tapVanButton(page, '.preview-image');
    expect(phone.previewImage).toHaveBeenCalledWith({
      urls: ['http://127.0.0.1/exports/dl-1/qr-store-large.png?sign=c'],
      current: 'http://127.0.0.1/exports/dl-1/qr-store-large.png?sign=c',
    });

    await tapVanButton(page, '.save-image');
    await settle();
    expect(phone.downloadFile.mock.calls[0]![0].url).toBe(
      'http://127.0.0.1/exports/dl-1/qr-store-large.png?sign=c',
    );
    expect(phone.saveImageToPhotosAlbum.mock.calls[0]![0].filePath).toBe('http://tmp/qr-store.png');
    expect(phone.showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '已保存到相册' }),
    );
  });

  test('a custom width outside 100–3000 px is refused before asking; 800 px is asked for', async () => {
    const calls = stub('operator');
    stubPhone('ok');
    const page = await renderPage(DETAIL_PAGE, { qrId: 'qr-store' });
    await dispatchIn(page, '.size-custom', 'tap');
    await typeIntoVanField(page, '#custom-px', '5000');
    await tapVanButton(page, '.make-image');
    expect(textsOf(page, 'image-problem')).toEqual(['自定义尺寸需在 100–3000 像素之间']);
    expect(requestsOf(calls, 'qrImage')).toEqual([]);
    await typeIntoVanField(page, '#custom-px', '800');
    await tapVanButton(page, '.make-image');
    expect(requestsOf(calls, 'qrImage')).toEqual([{ qrId: 'qr-store', size: 800, logo: false }]);
    expect(findByClass(page, 'image-problem')).toHaveLength(0);
    expect(textsOf(page, 'image-meta')).toEqual(['qr-store-800.png · 60 KB']);
  });

  test('changing the size drops the image made for the old one', async () => {
    stub('operator');
    stubPhone('ok');
    const page = await renderPage(DETAIL_PAGE, { qrId: 'qr-store' });
    await tapVanButton(page, '.make-image');
    expect(findByClass(page, 'image-meta')).toHaveLength(1);
    await dispatchIn(page, '.size-small', 'tap');
    expect(findByClass(page, 'image-meta')).toHaveLength(0);
  });

  test('a refused album permission leads to the settings', async () => {
    stub('operator');
    const phone = stubPhone('auth deny');
    const page = await renderPage(DETAIL_PAGE, { qrId: 'qr-store' });
    await tapVanButton(page, '.make-image');
    await tapVanButton(page, '.save-image');
    await settle();
    expect(phone.showModal.mock.calls[0]![0].content).toContain('保存到相册');
    expect(phone.openSetting).toHaveBeenCalled();
    expect(phone.showToast).not.toHaveBeenCalled();
  });

  test('a code WeChat never created has no image to download: said in Chinese', async () => {
    stub('operator', {
      qrImage: () => fail('QR_NOT_CREATED', '二维码未创建成功'),
    });
    stubPhone('ok');
    const page = await renderPage(DETAIL_PAGE, { qrId: 'qr-store' });
    await tapVanButton(page, '.make-image');
    expect(textsOf(page, 'image-error')).toEqual(['二维码未创建成功，没有可下载的图片']);
    expect(findByClass(page, 'qr-image')).toHaveLength(0);
  });

  test('the scanned users open from the figures', async () => {
    stub('viewer');
    const navigateTo = vi.fn();
    stubWx({ navigateTo });
    const page = await renderPage(DETAIL_PAGE, { qrId: 'qr-store' });
    await tapVanButton(page, '.open-scanners');
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/admin/pages/channel-qr/scanners/index?qrId=qr-store',
    });
  });
});

describe('batch downloads on the list', () => {
  test('the chosen codes as a zip in the size chosen, the link offered to copy', async () => {
    const calls = stub('operator');
    const phone = stubPhone('ok');
    const showActionSheet = vi.fn(
      (options: { itemList: string[]; success?: (r: { tapIndex: number }) => void }) =>
        options.success?.({ tapIndex: options.itemList.indexOf('中 430px · 带品牌 Logo') }),
    );
    stubWx({ showActionSheet });
    const page = await renderPage(LIST_PAGE);
    await dispatchIn(page, '.qr-0 .qr-check', 'tap');
    await dispatchIn(page, '.qr-1 .qr-check', 'tap');
    await tapVanButton(page, '.batch-zip');
    expect(showActionSheet.mock.calls[0]![0].itemList).toHaveLength(6);
    expect(requestsOf(calls, 'qrImagesZip')).toEqual([
      { qrIds: ['qr-store', 'qr-live'], size: 'medium', logo: true },
    ]);
    expect(phone.showModal.mock.calls[0]![0].content).toBe(
      'channel-qrs.zip（2.2 MB）已生成，链接有效期至 2025-03-02 09:30。请复制链接到电脑浏览器中下载。',
    );
    expect(phone.setClipboardData).toHaveBeenCalledWith({
      data: 'http://127.0.0.1/exports/dl-1/channel-qrs.zip?sign=c',
    });
  });

  test('links of the chosen codes, or of every code, as CSV', async () => {
    const calls = stub('viewer');
    const phone = stubPhone('ok');
    const page = await renderPage(LIST_PAGE);
    await dispatchIn(page, '.export-all-links', 'tap');
    expect(requestsOf(calls, 'exportQrLinks')).toEqual([{}]);
    await dispatchIn(page, '.qr-1 .qr-check', 'tap');
    await tapVanButton(page, '.batch-links');
    expect(requestsOf(calls, 'exportQrLinks').at(-1)).toEqual({ qrIds: ['qr-live'] });
    expect(phone.setClipboardData).toHaveBeenLastCalledWith({
      data: 'http://127.0.0.1/exports/dl-1/channel-qr-links.csv?sign=c',
    });
  });

  test('codes WeChat never created are left out of the zip, and said so', async () => {
    const calls = stub('operator', {
      listChannelQrs: () =>
        ok<ListChannelQrsResult>({
          qrs: [
            listed(qrView()),
            listed(qrView({ qrId: 'qr-failed', status: 'creation_failed', ticket: '', url: '' })),
          ],
        }),
    });
    const phone = stubPhone('ok');
    stubWx({
      showActionSheet: (options: { success?: (r: { tapIndex: number }) => void }) =>
        options.success?.({ tapIndex: 0 }),
    });
    const page = await renderPage(LIST_PAGE);
    await dispatchIn(page, '.qr-1 .qr-check', 'tap');
    await tapVanButton(page, '.batch-zip');
    expect(phone.showModal.mock.calls[0]![0]).toMatchObject({
      title: '无法下载',
      content: '所选二维码都未创建成功，没有可下载的图片',
    });
    expect(requestsOf(calls, 'qrImagesZip')).toEqual([]);
    await dispatchIn(page, '.qr-0 .qr-check', 'tap');
    await tapVanButton(page, '.batch-zip');
    expect(requestsOf(calls, 'qrImagesZip')).toEqual([
      { qrIds: ['qr-store'], size: 'small', logo: false },
    ]);
    expect(phone.showModal.mock.calls[1]![0].content).toMatch(/^已跳过 1 个未创建成功的二维码。/);
  });

  test('a refused zip is explained and nothing is offered', async () => {
    stub('operator', { qrImagesZip: () => fail('QR_NOT_CREATED', '二维码未创建成功') });
    const phone = stubPhone('ok');
    stubWx({
      showActionSheet: (options: { success?: (r: { tapIndex: number }) => void }) =>
        options.success?.({ tapIndex: 0 }),
    });
    const page = await renderPage(LIST_PAGE);
    await dispatchIn(page, '.qr-0 .qr-check', 'tap');
    await tapVanButton(page, '.batch-zip');
    expect(phone.showModal.mock.calls[0]![0]).toMatchObject({
      title: '下载失败',
      content: '二维码未创建成功，没有可下载的图片',
    });
    expect(phone.setClipboardData).not.toHaveBeenCalled();
  });
});
