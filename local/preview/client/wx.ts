/**
 * `wx.*` for a page rendered in the preview, on top of miniprogram-simulate's own mocks: the
 * cloud, launch options, scanning, overlays, navigation and storage go to the local stack and to
 * the device (shell.ts) the way they would go to CloudBase and to WeChat on a phone. Its parts:
 * the calling convention (wx-api.ts), storage (storage.ts), authorization scopes (scopes.ts),
 * pictures and files (media.ts).
 */
import { PREVIEW_APPID, SCREEN_HEIGHT, SCREEN_WIDTH, resolveUrl } from '../protocol';
import type { Device } from './device';
import { createMedia } from './media';
import { createScopes } from './scopes';
import { createStorage } from './storage';
import { asyncApi, wxError, type WxError } from './wx-api';

const windowInfo = {
  pixelRatio: 2,
  screenWidth: SCREEN_WIDTH,
  screenHeight: SCREEN_HEIGHT,
  windowWidth: SCREEN_WIDTH,
  // Below the 20 px status bar and the 44 px navigation bar the shell draws.
  windowHeight: SCREEN_HEIGHT - 64,
  statusBarHeight: 20,
  screenTop: 64,
  safeArea: {
    left: 0,
    right: SCREEN_WIDTH,
    top: 20,
    bottom: SCREEN_HEIGHT,
    width: SCREEN_WIDTH,
    height: SCREEN_HEIGHT - 20,
  },
};

const baseInfo = {
  SDKVersion: '3.5.0',
  version: '8.0.50',
  language: 'zh_CN',
  theme: 'light',
  fontSizeSetting: 16,
  enableDebug: false,
  host: { env: 'WeChat' },
};

// WeChat DevTools reports `devtools`; the preview is honest about not being a phone either.
const deviceInfo = {
  brand: 'devtools',
  model: '码上预览 (375×667)',
  system: 'iOS 16.0',
  platform: 'devtools',
  benchmarkLevel: 1,
  abi: 'web',
};

export interface PageContext {
  route: string;
  frame: Window;
}

/** `fileType` values wx.openDocument documents. */
const OPEN_DOCUMENT_TYPES = new Set(['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'pdf']);

/** APIs simulate lacks that the preview plays: canIUse says yes to them. */
const PREVIEW_APIS = new Set([
  'sendBizRedPacket',
  'requestMerchantTransfer',
  'saveImageToPhotosAlbum',
  'openSetting',
]);

/**
 * The consumer's side of WeChat Pay, on the stack's simulator: opening the envelope or
 * confirming the transfer, as WeChat's own page would report it to WeChat Pay.
 */
async function payControl(api: string, control: string, body: Record<string, string>) {
  let response: Response;
  try {
    response = await fetch(`/wechatpay/_sim/${control}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw wxError(api, `network error: ${String(error)}`);
  }
  if (!response.ok) {
    const reply = (await response.json().catch(() => ({}))) as { error?: string };
    throw wxError(api, `${response.status} ${reply.error ?? ''}`.trim());
  }
}

/** The `wx` members the preview provides; simulate's mocks stay for everything else. */
export function createWx(device: Device, page: PageContext): Record<string, unknown> {
  const storage = createStorage(device);
  const scopes = createScopes(device);

  const navigate = (kind: 'navigateTo' | 'redirectTo' | 'reLaunch' | 'switchTab') =>
    asyncApi(kind, (options) => {
      const { route, query } = resolveUrl(page.route, String(options.url ?? ''));
      if (!device.pages().includes(route)) throw wxError(kind, `page "${route}" is not found`);
      device.navigate(kind === 'switchTab' ? 'reLaunch' : kind, route, query);
      return {};
    });

  const media = createMedia(page.frame);
  const cloud = {
    init: () => undefined,
    uploadFile: media.uploadFile,
    getTempFileURL: media.getTempFileURL,
    callFunction: asyncApi('cloud.callFunction', async (options) => {
      const name = String(options.name ?? '');
      const data = (options.data ?? {}) as Record<string, unknown>;
      const started = performance.now();
      const log = (status: number | 'network', outcome: string) =>
        device.logCall({
          name,
          action: typeof data.action === 'string' ? data.action : undefined,
          status,
          ms: Math.round(performance.now() - started),
          outcome,
        });
      let response: Response;
      try {
        response = await fetch(`/functions/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-wx-openid': device.openid(),
            'x-wx-appid': PREVIEW_APPID,
            'x-wx-source': 'wx_client',
          },
          body: JSON.stringify(data),
        });
      } catch (error) {
        log('network', String(error));
        throw wxError('cloud.callFunction', `network error: ${String(error)}`, -1);
      }
      const text = await response.text();
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      if (!response.ok) {
        // The stack answers failures exactly as wx.cloud.callFunction rejects: { errCode, errMsg }.
        const failure = body as Partial<WxError> | undefined;
        log(response.status, failure?.errMsg ?? text);
        throw {
          errCode: failure?.errCode ?? -1,
          errMsg: failure?.errMsg ?? `cloud.callFunction:fail HTTP ${response.status}`,
        };
      }
      const envelope = body as { ok?: boolean; error?: { code?: string } } | undefined;
      log(response.status, envelope?.ok === false ? (envelope.error?.code ?? 'error') : 'ok');
      return { result: body, requestID: response.headers.get('x-request-id') ?? 'preview' };
    }),
  };

  const simulatedCanIUse = (wx as { canIUse?: (schema: string) => boolean }).canIUse?.bind(wx);

  return {
    cloud,
    canIUse: (schema: string) => PREVIEW_APIS.has(schema) || (simulatedCanIUse?.(schema) ?? false),
    getLaunchOptionsSync: () => structuredClone(device.launchOptions()),
    getEnterOptionsSync: () => structuredClone(device.enterOptions()),

    chooseMedia: media.chooseMedia,
    chooseMessageFile: media.chooseMessageFile,
    scanCode: asyncApi('scanCode', () => device.scanCode()),
    getLocation: asyncApi('getLocation', () => {
      // A consumer who declines the location prompt: the page must work without it.
      throw wxError('getLocation', 'auth deny');
    }),
    getFuzzyLocation: asyncApi('getFuzzyLocation', () => {
      throw wxError('getFuzzyLocation', 'auth deny');
    }),

    showToast: asyncApi('showToast', (options) => {
      device.showToast({
        title: String(options.title ?? ''),
        icon: (options.icon as 'success' | 'error' | 'loading' | 'none' | undefined) ?? 'success',
        duration: typeof options.duration === 'number' ? options.duration : 1500,
        mask: options.mask === true,
      });
      return {};
    }),
    hideToast: asyncApi('hideToast', () => {
      device.hideToast();
      return {};
    }),
    showLoading: asyncApi('showLoading', (options) => {
      device.showToast({ title: String(options.title ?? ''), icon: 'loading', duration: 0 });
      return {};
    }),
    hideLoading: asyncApi('hideLoading', () => {
      device.hideToast();
      return {};
    }),
    // Red envelopes (v2) and 商家转账 (v3): a stand-in sheet, then the simulator's control.
    sendBizRedPacket: asyncApi('sendBizRedPacket', async (options) => {
      if (!(await device.showPayoutSheet('red-packet')))
        throw wxError('sendBizRedPacket', 'cancel');
      await payControl('sendBizRedPacket', 'open-redpacket', {
        package: String(options.package ?? ''),
      });
      return {};
    }),
    requestMerchantTransfer: asyncApi('requestMerchantTransfer', async (options) => {
      if (!(await device.showPayoutSheet('transfer')))
        throw wxError('requestMerchantTransfer', 'cancel');
      await payControl('requestMerchantTransfer', 'confirm-transfer', {
        package_info: String(options.package ?? ''),
      });
      return {};
    }),

    showModal: asyncApi('showModal', (options) =>
      device.showModal({
        title: options.title as string | undefined,
        content: options.content as string | undefined,
        showCancel: options.showCancel !== false,
        cancelText: options.cancelText as string | undefined,
        confirmText: options.confirmText as string | undefined,
      }),
    ),

    showActionSheet: asyncApi('showActionSheet', async (options) => {
      const tapIndex = await device.showActionSheet({
        alertText: options.alertText as string | undefined,
        itemList: (options.itemList as string[] | undefined) ?? [],
      });
      // WeChat fails a cancelled sheet with "showActionSheet:fail cancel".
      if (tapIndex === null) throw wxError('showActionSheet', 'cancel');
      return { tapIndex };
    }),

    setClipboardData: asyncApi('setClipboardData', (options) => {
      device.setClipboard(String(options.data ?? ''));
      // WeChat confirms a copy with this toast by itself.
      device.showToast({ title: '内容已复制', icon: 'none', duration: 1500 });
      return {};
    }),
    getClipboardData: asyncApi('getClipboardData', () => ({ data: device.clipboard() })),

    // A download is kept by the device under a temp path; any HTTP status answers success with
    // its statusCode (WeChat's rule), only a transport failure fails.
    downloadFile: asyncApi('downloadFile', async (options) => {
      const url = String(options.url ?? '');
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error) {
        throw wxError('downloadFile', `network error: ${String(error)}`);
      }
      const file = await response.blob();
      const name = decodeURIComponent(new URL(url, location.href).pathname.split('/').pop() ?? '');
      return {
        tempFilePath: device.keepTempFile(file, name || 'download'),
        statusCode: response.status,
        dataLength: file.size,
      };
    }),
    // WeChat opens doc(x), xls(x), ppt(x) and pdf in its viewer; the preview lets the browser
    // download the file instead, whatever its kind, so a person can look at it. The fail texts
    // below are UNVERIFIED wordings of WeChat's errMsg.
    openDocument: asyncApi('openDocument', (options) => {
      const fileType = options.fileType as string | undefined;
      if (fileType && !OPEN_DOCUMENT_TYPES.has(fileType))
        throw wxError('openDocument', 'filetype not supported');
      if (!device.openTempFile(String(options.filePath ?? '')))
        throw wxError('openDocument', 'file not found');
      return {};
    }),

    ...scopes,

    navigateTo: navigate('navigateTo'),
    redirectTo: navigate('redirectTo'),
    reLaunch: navigate('reLaunch'),
    switchTab: navigate('switchTab'),
    navigateBack: asyncApi('navigateBack', (options) => {
      device.navigateBack(typeof options.delta === 'number' ? options.delta : 1);
      return {};
    }),
    setNavigationBarTitle: asyncApi('setNavigationBarTitle', (options) => {
      device.setTitle(page.frame, String(options.title ?? ''));
      return {};
    }),

    ...storage,

    getSystemInfoSync: () => ({ ...windowInfo, ...baseInfo, ...deviceInfo }),
    getSystemInfo: asyncApi('getSystemInfo', () => ({ ...windowInfo, ...baseInfo, ...deviceInfo })),
    getWindowInfo: () => ({ ...windowInfo }),
    getDeviceInfo: () => ({ ...deviceInfo, pixelRatio: windowInfo.pixelRatio }),
    getAppBaseInfo: () => ({ ...baseInfo }),
    getSystemSetting: () => ({
      bluetoothEnabled: false,
      locationEnabled: true,
      wifiEnabled: true,
      deviceOrientation: 'portrait',
    }),
    getAccountInfoSync: () => ({
      miniProgram: { appId: PREVIEW_APPID, envVersion: 'develop', version: '' },
    }),
    login: asyncApi('login', () => ({ code: `preview-${device.openid()}` })),

    showShareMenu: asyncApi('showShareMenu', () => ({})),
    hideShareMenu: asyncApi('hideShareMenu', () => ({})),
    updateShareMenu: asyncApi('updateShareMenu', () => ({})),
    previewImage: asyncApi('previewImage', (options) => {
      const current = String(options.current ?? (options.urls as string[] | undefined)?.[0] ?? '');
      if (current) window.open(current, '_blank', 'noopener');
      return {};
    }),
    vibrateShort: asyncApi('vibrateShort', () => ({})),
    getNetworkType: asyncApi('getNetworkType', () => ({ networkType: 'wifi' })),
    requestSubscribeMessage: asyncApi('requestSubscribeMessage', () => ({})),
  };
}
