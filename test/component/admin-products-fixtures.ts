import type { AdminProductView } from '../../typings/admin';

/** A stored product as getProduct/listProducts answer it. */
export function productView(overrides: Partial<AdminProductView> = {}): AdminProductView {
  return {
    productId: 'prod-1',
    title: '山泉水 550ml',
    brand: '码上山泉',
    ean: '6901234567892',
    images: ['cloud://local.local-local/product-images/demo/bottle.png'],
    attributes: [{ name: '净含量', value: '550ml' }],
    trace: [
      { name: '水源地', time: '2025-03-02', place: '长白山北麓' },
      { name: '灌装', time: '2025-03-03', operator: '3 号灌装线' },
    ],
    follow: { enabled: true, officialAccountName: '码上山泉', hint: '关注看新品' },
    suspicion: { windowMinutes: 1440, maxScans: 20, maxScanners: 5, maxPlaces: 3 },
    createdAt: '2025-03-01T08:00:00.000Z',
    updatedAt: '2025-03-02T09:30:00.000Z',
    ...overrides,
  };
}

/** One upload the page started, to be answered by the test. */
export interface PendingUpload {
  cloudPath: string;
  filePath: string;
  progress(percent: number): void;
  succeed(): void;
  fail(errMsg?: string): void;
}

type UploadOptions = {
  cloudPath: string;
  filePath: string;
  success?: (result: { fileID: string; statusCode: number; errMsg: string }) => void;
  fail?: (error: { errMsg: string }) => void;
};

/**
 * `wx.cloud.uploadFile` (callback form with its UploadTask, as WeChat has it) and
 * `wx.cloud.getTempFileURL` beside the stubbed callFunction. Uploads wait for the test.
 */
export function stubStorage(): { uploads: PendingUpload[]; tempUrlCalls: string[][] } {
  const uploads: PendingUpload[] = [];
  const tempUrlCalls: string[][] = [];
  const wx = (globalThis as unknown as { wx: { cloud: Record<string, unknown> } }).wx;
  Object.assign(wx.cloud, {
    uploadFile(options: UploadOptions) {
      const listeners: ((update: { progress: number }) => void)[] = [];
      uploads.push({
        cloudPath: options.cloudPath,
        filePath: options.filePath,
        progress: (percent) => listeners.forEach((listener) => listener({ progress: percent })),
        succeed: () =>
          options.success?.({
            fileID: `cloud://local.local-local/${options.cloudPath}`,
            statusCode: 200,
            errMsg: 'cloud.uploadFile:ok',
          }),
        fail: (errMsg = 'cloud.uploadFile:fail network error') => options.fail?.({ errMsg }),
      });
      return {
        onProgressUpdate: (listener: (update: { progress: number }) => void) =>
          listeners.push(listener),
      };
    },
    async getTempFileURL(options: { fileList: string[] }) {
      tempUrlCalls.push(options.fileList);
      return {
        errMsg: 'cloud.getTempFileURL:ok',
        fileList: options.fileList.map((fileID) => ({
          fileID,
          tempFileURL: `https://tmp.example/${fileID.split('/').pop()}`,
          maxAge: 7200,
          status: 0,
          errMsg: 'ok',
        })),
      };
    },
  });
  return { uploads, tempUrlCalls };
}
