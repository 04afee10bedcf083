/**
 * Cloud storage (the SDK's file calls), typed once: uploads of exports and downloads, temporary
 * links for the console, and the retention sweep's deletes.
 */
import { cloud } from '../cloud.js';

/** Stores `content` at `cloudPath`; its fileID. */
export async function uploadFile(cloudPath: string, content: Buffer): Promise<string> {
  const { fileID } = (await cloud.uploadFile({ cloudPath, fileContent: content })) as {
    fileID: string;
  };
  return fileID;
}

export async function downloadFile(fileID: string): Promise<Buffer> {
  const { fileContent } = (await cloud.downloadFile({ fileID })) as { fileContent: Buffer };
  return fileContent;
}

/** A temporary URL per file (for `maxAge` seconds), by fileID; none where storage gave none. */
export async function temporaryUrls(
  fileIDs: readonly string[],
  maxAge: number,
): Promise<Map<string, string>> {
  const { fileList } = (await cloud.getTempFileURL({
    fileList: fileIDs.map((fileID) => ({ fileID, maxAge })),
  })) as { fileList: { fileID: string; tempFileURL?: string }[] };
  return new Map(
    fileList.flatMap((item) => (item.tempFileURL ? [[item.fileID, item.tempFileURL]] : [])),
  );
}

/** Deletes files (at most 50 per call); each file's answer as storage gave it. */
export async function deleteFiles(
  fileIDs: readonly string[],
): Promise<{ fileID: string; code?: string; status?: number }[]> {
  const { fileList } = (await cloud.deleteFile({ fileList: [...fileIDs] })) as {
    fileList: { fileID: string; code?: string; status?: number }[];
  };
  return fileList;
}
