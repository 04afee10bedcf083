/**
 * Exported files on the phone: WeChat's documented download-then-open path. `wx.openDocument`
 * opens only office documents and PDF; a CSV or zip fails there, and the caller falls back to
 * the link (copied, to open in a browser or send to the print shop).
 */

/** Downloads `url` to a temporary file; rejects with WeChat's errMsg or the HTTP status. */
export function downloadToTemp(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url,
      success: (result) => {
        if (result.statusCode === 200) resolve(result.tempFilePath);
        else reject(new Error(`downloadFile:fail HTTP ${result.statusCode}`));
      },
      fail: (error) => reject(new Error(error.errMsg)),
    });
  });
}

/** Opens a downloaded file with WeChat's viewer (share and save from its menu). */
export function openDownloaded(filePath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    wx.openDocument({
      filePath,
      showMenu: true,
      success: () => resolve(),
      fail: (error) => reject(new Error(error.errMsg)),
    });
  });
}

export type SaveImageOutcome = 'saved' | 'cancelled' | 'denied' | { failed: string };

/**
 * Saves a downloaded picture to the phone's album (wx.saveImageToPhotosAlbum takes a local file,
 * never a link). The first save asks for scope.writePhotosAlbum; once refused, WeChat fails at once
 * with "auth deny"/"auth denied" until the person allows it in the settings (wx.openSetting).
 */
export function saveImageToAlbum(filePath: string): Promise<SaveImageOutcome> {
  return new Promise((resolve) => {
    wx.saveImageToPhotosAlbum({
      filePath,
      success: () => resolve('saved'),
      fail: (error) => {
        const message = error.errMsg ?? '';
        if (/auth den/i.test(message)) resolve('denied');
        else if (/cancel/i.test(message)) resolve('cancelled');
        else resolve({ failed: message });
      },
    });
  });
}
