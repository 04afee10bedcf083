// @vitest-environment jsdom
/**
 * 上传 Logo for the current batch of QR downloads (issue 11 point 6): a picture picked on the
 * phone is uploaded under oa-materials/logos/ with progress, shown as a thumbnail and sent as
 * `logoFileId` with the details page's image and the list's zip; 移除 goes back to the brand's
 * logo; a picture refused on the phone (size, format), by the upload or by the server (its
 * LOGO_* code) is said in Chinese and the brand's logo applies again.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { ChannelQrDetails, DownloadResult, ListChannelQrsResult } from '../../typings/admin';
import { listed, metrics, qrView } from './admin-channel-qr-fixtures';
import { fail, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
import { stubStorage } from './admin-products-fixtures';
import {
  cleanup,
  dispatchIn,
  findByClass,
  renderPage,
  settle,
  stubWx,
  tapVanButton,
  requestsOf,
  textsOf,
} from './harness';

const LIST_PAGE = 'admin/pages/channel-qr/index';
const DETAIL_PAGE = 'admin/pages/channel-qr/detail/index';
const LOGO_PATH = /^oa-materials\/logos\/\d{8}\/\d+-[a-z0-9]+\.png$/;

function download(name: string): DownloadResult {
  return {
    file: {
      name,
      fileID: `cloud://local/exports/dl-1/${name}`,
      url: `http://127.0.0.1/exports/dl-1/${name}?sign=c`,
      bytes: 61_440,
    },
    expiresAt: '2025-03-02T01:30:00.000Z',
  };
}

function stub(handlers: AdminHandlers = {}) {
  const calls = stubAdminAs(
    'operator',
    {
      getChannelQr: () => ok<ChannelQrDetails>({ qr: qrView(), metrics: metrics({ scans: 3 }) }),
      listChannelQrs: () =>
        ok<ListChannelQrsResult>({
          qrs: [
            listed(qrView()),
            listed(qrView({ qrId: 'qr-live', name: '直播间', type: 'permanent' })),
          ],
        }),
      qrImage: () => ok<DownloadResult>(download('qr-store-430px-logo.png')),
      qrImagesZip: () => ok<DownloadResult>(download('qrcodes-430px-logo.zip')),
    },
    handlers,
  );
  const { uploads } = stubStorage();
  return { calls, uploads };
}

/** wx.chooseMedia answering one picture, as WeChat describes it. */
function stubPicker(tempFilePath = 'http://tmp/brand.png', size = 48_000) {
  const chooseMedia = vi.fn(async () => ({
    type: 'image',
    tempFiles: [{ tempFilePath, size, fileType: 'image' }],
    errMsg: 'chooseMedia:ok',
  }));
  const showActionSheet = vi.fn(
    (options: { itemList: string[]; success?: (r: { tapIndex: number }) => void }) =>
      options.success?.({
        tapIndex: options.itemList.findIndex((name) => name.startsWith('中 430px · 带')),
      }),
  );
  const showModal = vi.fn((options: { success?: (r: unknown) => void }) =>
    options.success?.({ confirm: false, cancel: true }),
  );
  stubWx({ chooseMedia, showActionSheet, showModal, setClipboardData: vi.fn() });
  return { chooseMedia, showActionSheet, showModal };
}

/** What the picker's <image> is bound to (simulate renders no src attribute). */
function thumbnailOf(page: Awaited<ReturnType<typeof renderPage>>, id: string): string {
  const picker = page.querySelector(`#${id}`) as unknown as { instance: { data: any } };
  return picker.instance.data.thumbnail;
}

afterEach(cleanup);

describe('上传 Logo on the details page', () => {
  async function openWithLogoOn() {
    const page = await renderPage(DETAIL_PAGE, { qrId: 'qr-store' });
    expect(findByClass(page, 'logo-picker')).toHaveLength(0);
    await dispatchIn(page, '.logo-switch', 'change', true);
    return page;
  }

  test('uploading shows progress; uploaded shows the thumbnail and the image uses it', async () => {
    const { calls, uploads } = stub();
    const phone = stubPicker();
    const page = await openWithLogoOn();
    expect(textsOf(page, 'logo-title')).toEqual(['本批下载使用品牌 Logo']);
    expect(textsOf(page, 'logo-thumb')).toEqual(['默认']);

    await tapVanButton(page, '#detail-logo >>> .upload-logo');
    expect(phone.chooseMedia).toHaveBeenCalledWith(
      expect.objectContaining({ count: 1, mediaType: ['image'] }),
    );
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.cloudPath).toMatch(LOGO_PATH);
    expect(uploads[0]!.filePath).toBe('http://tmp/brand.png');
    expect(textsOf(page, 'logo-title')).toEqual(['正在上传 Logo…']);
    uploads[0]!.progress(40);
    await settle();
    expect(textsOf(page, 'logo-progress-text')).toEqual(['40%']);
    expect(findByClass(page, 'logo-progress')).toHaveLength(1);

    uploads[0]!.succeed();
    await settle();
    expect(textsOf(page, 'logo-title')).toEqual(['本批下载使用上传的 Logo']);
    expect(findByClass(page, 'logo-progress')).toHaveLength(0);
    expect(findByClass(page, 'logo-thumb--default')).toHaveLength(0);
    expect(thumbnailOf(page, 'detail-logo')).toBe('http://tmp/brand.png');
    expect(findByClass(page, 'remove-logo')).toHaveLength(1);

    await tapVanButton(page, '.make-image');
    const fileId = `cloud://local.local-local/${uploads[0]!.cloudPath}`;
    expect(requestsOf(calls, 'qrImage')).toEqual([
      { qrId: 'qr-store', size: 'medium', logo: true, logoFileId: fileId },
    ]);
    expect(findByClass(page, 'qr-image')).toHaveLength(1);
  });

  test('移除 goes back to the brand logo and drops the image made with the old one', async () => {
    const { calls, uploads } = stub();
    stubPicker('http://tmp/brand.jpg');
    const page = await openWithLogoOn();
    await tapVanButton(page, '#detail-logo >>> .upload-logo');
    expect(uploads[0]!.cloudPath).toMatch(/\.jpg$/);
    uploads[0]!.succeed();
    await settle();
    await tapVanButton(page, '.make-image');
    expect(findByClass(page, 'qr-image')).toHaveLength(1);

    await tapVanButton(page, '#detail-logo >>> .remove-logo');
    expect(textsOf(page, 'logo-title')).toEqual(['本批下载使用品牌 Logo']);
    expect(textsOf(page, 'logo-thumb')).toEqual(['默认']);
    expect(findByClass(page, 'qr-image')).toHaveLength(0);
    await tapVanButton(page, '.make-image');
    expect(requestsOf(calls, 'qrImage').at(-1)).toEqual({
      qrId: 'qr-store',
      size: 'medium',
      logo: true,
    });
  });

  test('a picture over 2 MB or not PNG/JPEG is refused on the phone, nothing uploaded', async () => {
    const { calls, uploads } = stub();
    const phone = stubPicker('http://tmp/huge.png', 3 * 1024 * 1024);
    const page = await openWithLogoOn();
    await tapVanButton(page, '#detail-logo >>> .upload-logo');
    expect(uploads).toHaveLength(0);
    expect(textsOf(page, 'logo-refusal')).toEqual([
      'Logo 太大（不超过 2 MB，每边不超过 2048 像素）：图片 3.0 MB，不能超过 2 MB',
    ]);
    expect(textsOf(page, 'logo-title')).toEqual(['Logo 未能使用，本批下载使用品牌 Logo']);

    phone.chooseMedia.mockResolvedValueOnce({
      type: 'image',
      tempFiles: [{ tempFilePath: 'http://tmp/moving.gif', size: 1000, fileType: 'image' }],
      errMsg: 'chooseMedia:ok',
    });
    await tapVanButton(page, '#detail-logo >>> .upload-logo');
    expect(uploads).toHaveLength(0);
    expect(textsOf(page, 'logo-refusal')).toEqual(['Logo 须是 PNG 或 JPEG 图片']);
    await tapVanButton(page, '.make-image');
    expect(requestsOf(calls, 'qrImage')).toEqual([
      { qrId: 'qr-store', size: 'medium', logo: true },
    ]);
  });

  test('a failed upload says so; a logo the server refuses is dropped with its reason', async () => {
    const { calls, uploads } = stub({
      qrImage: (call) =>
        call.data.logoFileId
          ? fail('LOGO_UNREADABLE', 'Logo 图片已损坏或无法读取，请换一张图片重新上传')
          : ok<DownloadResult>(download('qr-store-430px-logo.png')),
    });
    stubPicker();
    const page = await openWithLogoOn();
    await tapVanButton(page, '#detail-logo >>> .upload-logo');
    uploads[0]!.fail('cloud.uploadFile:fail network error');
    await settle();
    expect(textsOf(page, 'logo-refusal')).toEqual(['网络异常，请检查网络后重试']);
    expect(textsOf(page, 'logo-thumb')).toEqual(['默认']);

    await tapVanButton(page, '#detail-logo >>> .upload-logo');
    uploads[1]!.succeed();
    await settle();
    await tapVanButton(page, '.make-image');
    expect(requestsOf(calls, 'qrImage')[0]).toHaveProperty('logoFileId');
    expect(textsOf(page, 'image-error')).toEqual(['Logo 图片无法读取，请换一张图片重新上传']);
    expect(textsOf(page, 'logo-refusal')).toEqual(['Logo 图片无法读取，请换一张图片重新上传']);
    expect(textsOf(page, 'logo-title')).toEqual(['Logo 未能使用，本批下载使用品牌 Logo']);
    // The next image goes out with the brand's logo.
    await tapVanButton(page, '.make-image');
    expect(requestsOf(calls, 'qrImage').at(-1)).not.toHaveProperty('logoFileId');
    expect(findByClass(page, 'qr-image')).toHaveLength(1);
  });
});

describe('上传 Logo on the list’s batch download', () => {
  test('the zip of the chosen codes carries the uploaded logo', async () => {
    const { calls, uploads } = stub();
    const phone = stubPicker();
    const page = await renderPage(LIST_PAGE);
    expect(findByClass(page, 'logo-picker')).toHaveLength(0);
    await dispatchIn(page, '.qr-0 .qr-check', 'tap');
    await dispatchIn(page, '.qr-1 .qr-check', 'tap');
    expect(textsOf(page, 'logo-title')).toEqual(['本批下载使用品牌 Logo']);

    await tapVanButton(page, '#batch-logo >>> .upload-logo');
    expect(uploads[0]!.cloudPath).toMatch(LOGO_PATH);
    uploads[0]!.succeed();
    await settle();
    expect(thumbnailOf(page, 'batch-logo')).toBe('http://tmp/brand.png');

    await tapVanButton(page, '.batch-zip');
    expect(phone.showActionSheet.mock.calls[0]![0].itemList).toContain('中 430px · 带上传的 Logo');
    expect(requestsOf(calls, 'qrImagesZip')).toEqual([
      {
        qrIds: ['qr-store', 'qr-live'],
        size: 'medium',
        logo: true,
        logoFileId: `cloud://local.local-local/${uploads[0]!.cloudPath}`,
      },
    ]);
  });

  test('a zip refused for its logo explains why and the logo is dropped', async () => {
    const { calls, uploads } = stub({
      qrImagesZip: () => fail('LOGO_TOO_LARGE', 'Logo 为 5000×5000 像素，每边不能超过 2048 像素'),
    });
    const phone = stubPicker();
    const page = await renderPage(LIST_PAGE);
    await dispatchIn(page, '.qr-0 .qr-check', 'tap');
    await tapVanButton(page, '#batch-logo >>> .upload-logo');
    uploads[0]!.succeed();
    await settle();
    await tapVanButton(page, '.batch-zip');
    expect(requestsOf(calls, 'qrImagesZip')).toHaveLength(1);
    const said =
      'Logo 太大（不超过 2 MB，每边不超过 2048 像素）：Logo 为 5000×5000 像素，每边不能超过 2048 像素';
    expect(phone.showModal.mock.calls[0]![0]).toMatchObject({ title: '下载失败', content: said });
    expect(textsOf(page, 'logo-refusal')).toEqual([said]);
    expect(textsOf(page, 'logo-thumb')).toEqual(['默认']);
  });
});
