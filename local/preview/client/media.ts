/**
 * Pictures in the preview: `wx.chooseMedia` (and `wx.chooseMessageFile`) as a file picker, and `wx.cloud.uploadFile` /
 * `wx.cloud.getTempFileURL` on the local stack's storage through the same CloudBase storage
 * protocol the seed uses (storage.getUploadMetadata, then a PUT; storage.batchGetDownloadUrl).
 * Shapes and errMsg forms are WeChat's (chooseMedia, UploadTask, GetTempFileURLResult).
 */
import { settle, wxError, type Options } from './wx-api';

interface ProgressUpdate {
  progress: number;
  totalBytesSent: number;
  totalBytesExpectedToSend: number;
}

/** `POST /admin` with a storage action, as the CloudBase SDK sends it. */
async function storage(
  action: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await fetch('/admin', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action, ...body }),
  });
  const reply = (await response.json()) as { data?: Record<string, unknown>; message?: string };
  if (!response.ok || !reply.data) throw new Error(reply.message ?? `HTTP ${response.status}`);
  return reply.data;
}

/** The picked files of this page: what a tempFilePath stands for. */
const picked = new Map<string, File>();

export function createMedia(frame: Window) {
  /**
   * An <input type=file> stands in for WeChat's album and camera; closing the browser's picker
   * fails with `chooseMedia:fail cancel` as WeChat does. A tempFilePath is an object URL ending
   * in the file's extension (WeChat's own end in it too: `http://tmp/….png`).
   */
  const chooseMedia = (options: Options & { count?: number; mediaType?: string[] } = {}) => {
    const api = 'chooseMedia';
    const types = options.mediaType ?? ['image', 'video'];
    const outcome = new Promise<{ type: string; tempFiles: unknown[] }>((resolve, reject) => {
      const input = frame.document.createElement('input');
      input.type = 'file';
      input.multiple = (options.count ?? 9) > 1;
      input.accept = types.map((type) => `${type}/*`).join(',');
      input.style.display = 'none';
      const finish = () => input.remove();
      input.addEventListener('cancel', () => {
        finish();
        reject(wxError(api, 'cancel'));
      });
      input.addEventListener('change', () => {
        finish();
        const files = Array.from(input.files ?? []).slice(0, options.count ?? 9);
        if (files.length === 0) {
          reject(wxError(api, 'cancel'));
          return;
        }
        const tempFiles = files.map((file) => {
          const ext = /\.[a-z0-9]+$/i.exec(file.name)?.[0]?.toLowerCase() ?? '';
          const tempFilePath = `${URL.createObjectURL(file)}#tmp${ext}`;
          picked.set(tempFilePath, file);
          return {
            tempFilePath,
            size: file.size,
            fileType: file.type.startsWith('video/') ? 'video' : 'image',
          };
        });
        const kinds = new Set(tempFiles.map((file) => file.fileType));
        resolve({ type: kinds.size > 1 ? 'mix' : [...kinds][0]!, tempFiles });
      });
      frame.document.body.appendChild(input);
      input.click();
    });
    return settle(api, options, outcome, undefined);
  };

  /**
   * WeChat's "choose a file from a chat" (chooseMessageFile): the same browser picker, limited to
   * `extension` when given. tempFiles carry `path`, `size`, `name`, `type` and `time` (seconds),
   * as WeChat documents; closing the picker fails with `chooseMessageFile:fail cancel`.
   */
  const chooseMessageFile = (
    options: Options & { count?: number; type?: string; extension?: string[] } = {},
  ) => {
    const api = 'chooseMessageFile';
    const outcome = new Promise<{ tempFiles: unknown[] }>((resolve, reject) => {
      const input = frame.document.createElement('input');
      input.type = 'file';
      input.multiple = (options.count ?? 1) > 1;
      if (options.extension?.length)
        input.accept = options.extension.map((ext) => `.${ext.replace(/^\./, '')}`).join(',');
      else if (options.type === 'image' || options.type === 'video')
        input.accept = `${options.type}/*`;
      input.style.display = 'none';
      const finish = () => input.remove();
      input.addEventListener('cancel', () => {
        finish();
        reject(wxError(api, 'cancel'));
      });
      input.addEventListener('change', () => {
        finish();
        const files = Array.from(input.files ?? []).slice(0, options.count ?? 1);
        if (files.length === 0) {
          reject(wxError(api, 'cancel'));
          return;
        }
        resolve({
          tempFiles: files.map((file) => {
            const ext = /\.[a-z0-9]+$/i.exec(file.name)?.[0]?.toLowerCase() ?? '';
            const path = `${URL.createObjectURL(file)}#tmp${ext}`;
            picked.set(path, file);
            const type = file.type.startsWith('image/')
              ? 'image'
              : file.type.startsWith('video/')
                ? 'video'
                : 'file';
            return {
              path,
              size: file.size,
              name: file.name,
              type,
              time: Math.floor(file.lastModified / 1000),
            };
          }),
        });
      });
      frame.document.body.appendChild(input);
      input.click();
    });
    return settle(api, options, outcome, undefined);
  };

  /** Returns an UploadTask in callback form, as WeChat does, so pages can show progress. */
  const uploadFile = (options: Options & { cloudPath?: string; filePath?: string } = {}) => {
    const api = 'cloud.uploadFile';
    const listeners = new Set<(update: ProgressUpdate) => void>();
    let request: XMLHttpRequest | null = null;
    const outcome = (async () => {
      const filePath = String(options.filePath ?? '');
      const file =
        picked.get(filePath) ??
        (await fetch(filePath).then(
          (response) => (response.ok ? response.blob() : null),
          () => null,
        ));
      if (!file) throw wxError(api, `file not found: ${filePath}`);
      let target: Record<string, unknown>;
      try {
        target = await storage('storage.getUploadMetadata', { path: options.cloudPath });
      } catch (error) {
        throw wxError(api, String((error as Error).message));
      }
      const status = await new Promise<number>((resolve, reject) => {
        request = new XMLHttpRequest();
        request.open('PUT', String(target.url));
        request.setRequestHeader('authorization', String(target.authorization));
        request.upload.onprogress = (event) => {
          const update = {
            progress: event.total ? Math.round((event.loaded / event.total) * 100) : 0,
            totalBytesSent: event.loaded,
            totalBytesExpectedToSend: event.total,
          };
          listeners.forEach((listener) => listener(update));
        };
        request.onload = () => resolve(request!.status);
        request.onerror = () => reject(wxError(api, 'network error'));
        request.onabort = () => reject(wxError(api, 'abort'));
        request.send(file);
      });
      if (status !== 200) throw wxError(api, `HTTP ${status}`);
      return { fileID: String(target.fileId), statusCode: status };
    })();
    const task = {
      onProgressUpdate: (listener: (update: ProgressUpdate) => void) => listeners.add(listener),
      offProgressUpdate: (listener: (update: ProgressUpdate) => void) => listeners.delete(listener),
      onHeadersReceived: () => undefined,
      offHeadersReceived: () => undefined,
      abort: () => (request as XMLHttpRequest | null)?.abort(),
    };
    return settle(api, options, outcome, task);
  };

  const getTempFileURL = (
    options: Options & { fileList?: (string | { fileID: string; maxAge?: number })[] } = {},
  ) => {
    const api = 'cloud.getTempFileURL';
    const outcome = (async () => {
      const items = (options.fileList ?? []).map((item) =>
        typeof item === 'string' ? { fileid: item } : { fileid: item.fileID, max_age: item.maxAge },
      );
      let data: Record<string, unknown>;
      try {
        data = await storage('storage.batchGetDownloadUrl', { file_list: items });
      } catch (error) {
        throw wxError(api, String((error as Error).message));
      }
      const list = (data.download_list ?? []) as {
        fileID: string;
        tempFileURL: string;
        code: string;
        message?: string;
        maxAge?: number;
      }[];
      return {
        fileList: list.map((item) => ({
          fileID: item.fileID,
          tempFileURL: item.tempFileURL,
          maxAge: item.maxAge ?? 0,
          status: item.code === 'SUCCESS' ? 0 : -1,
          errMsg: item.code === 'SUCCESS' ? 'ok' : (item.message ?? item.code),
        })),
      };
    })();
    return settle(api, options, outcome, undefined);
  };

  return { chooseMedia, chooseMessageFile, uploadFile, getTempFileURL };
}
