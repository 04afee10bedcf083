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
