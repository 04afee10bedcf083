/** The folder the server accepts cloud images from (core/products/catalog.ts). */
export const PRODUCT_IMAGE_PREFIX = 'product-images/';

/** WeChat's limit of file IDs per getTempFileURL call. */
const TEMP_URL_BATCH = 50;

export type UploadOutcome = { ok: true; fileID: string } | { ok: false; message: string };

/** A path under product-images/ (the only folder the server accepts), unique per picture. */
export function productImagePath(filePath: string, now = new Date()): string {
  const ext = /\.(png|jpe?g|gif|webp)$/i.exec(filePath)?.[1]?.toLowerCase() ?? 'jpg';
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const random = Math.random().toString(36).slice(2, 10);
  return `${PRODUCT_IMAGE_PREFIX}${day}/${now.getTime()}-${random}.${ext}`;
}

/**
 * Uploads a picked picture to cloud storage. The callback form of wx.cloud.uploadFile is used
 * because only it returns the UploadTask that reports progress.
 */
export function uploadProductImage(
  filePath: string,
  onProgress: (percent: number) => void,
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    if (!wx.cloud) {
      resolve({ ok: false, message: '当前微信版本过低，无法上传图片' });
      return;
    }
    const task = wx.cloud.uploadFile({
      cloudPath: productImagePath(filePath),
      filePath,
      success: (result) => resolve({ ok: true, fileID: result.fileID }),
      fail: (error) => resolve({ ok: false, message: `上传失败：${error.errMsg}` }),
    });
    // Some versions hand back no task; progress is then only 0 and done.
    task?.onProgressUpdate?.((update) => onProgress(update.progress));
  });
}

/**
 * Temporary https URLs for cloud file IDs (the console shows stored pictures through them). A
 * file that cannot be read is left out: its slot shows a placeholder, the form still works.
 */
export async function tempFileUrls(fileIDs: readonly string[]): Promise<Record<string, string>> {
  const cloudIds = [...new Set(fileIDs.filter((id) => id.startsWith('cloud://')))];
  const urls: Record<string, string> = {};
  if (!wx.cloud || cloudIds.length === 0) return urls;
  for (let at = 0; at < cloudIds.length; at += TEMP_URL_BATCH) {
    try {
      const { fileList } = await wx.cloud.getTempFileURL({
        fileList: cloudIds.slice(at, at + TEMP_URL_BATCH),
      });
      for (const item of fileList) if (item.tempFileURL) urls[item.fileID] = item.tempFileURL;
    } catch {
      // Pictures are a nicety on these pages: a failure leaves placeholders, not an error.
    }
  }
  return urls;
}

/** Reply materials of channel QR codes (addMaterial reads them back from here). */
export const MATERIAL_FILE_PREFIX = 'oa-materials/';

/** Uploads a picked image, video or audio file for a reply material; its extension is kept. */
export function uploadMaterialFile(filePath: string, now = new Date()): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    if (!wx.cloud) {
      resolve({ ok: false, message: '当前微信版本过低，无法上传文件' });
      return;
    }
    const ext = /\.([a-z0-9]{1,5})$/i.exec(filePath)?.[1]?.toLowerCase() ?? 'bin';
    const day = now.toISOString().slice(0, 10).replace(/-/g, '');
    const random = Math.random().toString(36).slice(2, 10);
    wx.cloud.uploadFile({
      cloudPath: `${MATERIAL_FILE_PREFIX}${day}/${now.getTime()}-${random}.${ext}`,
      filePath,
      success: (result) => resolve({ ok: true, fileID: result.fileID }),
      fail: (error) => resolve({ ok: false, message: `上传失败：${error.errMsg}` }),
    });
  });
}

/** The batch logo of channel QR downloads: the server draws only files from here (qr-logo.ts). */
export const QR_LOGO_PREFIX = 'oa-materials/logos/';

/** Uploads a picked logo image under QR_LOGO_PREFIX, reporting progress as product images do. */
export function uploadQrLogo(
  filePath: string,
  onProgress: (percent: number) => void,
  now = new Date(),
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    if (!wx.cloud) {
      resolve({ ok: false, message: '当前微信版本过低，无法上传图片' });
      return;
    }
    const ext = /\.(png|jpe?g)$/i.exec(filePath)?.[1]?.toLowerCase() ?? 'png';
    const day = now.toISOString().slice(0, 10).replace(/-/g, '');
    const random = Math.random().toString(36).slice(2, 10);
    const task = wx.cloud.uploadFile({
      cloudPath: `${QR_LOGO_PREFIX}${day}/${now.getTime()}-${random}.${ext}`,
      filePath,
      success: (result) => resolve({ ok: true, fileID: result.fileID }),
      fail: (error) => resolve({ ok: false, message: `上传失败：${error.errMsg}` }),
    });
    task?.onProgressUpdate?.((update) => onProgress(update.progress));
  });
}
