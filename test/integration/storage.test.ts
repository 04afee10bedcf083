import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';

describe('cloud storage through wx-server-sdk', () => {
  let stack: TestStack;
  let cloud: ReturnType<typeof sdkFor>;

  beforeAll(async () => {
    stack = await startTestStack();
    cloud = sdkFor(stack.url);
  });
  afterAll(() => stack.destroy());

  it('uploads, hands out a temporary URL that serves the bytes, and deletes', async () => {
    const content = Buffer.from('index,code,url\n1,123456789,https://example/x\n码上');
    const { fileID } = await cloud.uploadFile({
      cloudPath: 'exports/第一批.csv',
      fileContent: content,
    });
    expect(fileID).toMatch(/^cloud:\/\/local\.[^/]+\/exports\/第一批\.csv$/);

    const { fileList } = (await cloud.getTempFileURL({ fileList: [fileID] })) as {
      fileList: { tempFileURL: string; status?: number; code?: string }[];
    };
    const download = await fetch(fileList[0]!.tempFileURL);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(content);

    const downloaded = await cloud.downloadFile({ fileID });
    expect(downloaded.fileContent).toEqual(content);

    const deleted = (await cloud.deleteFile({ fileList: [fileID] })) as {
      fileList: { fileID: string; code?: string; status?: number }[];
    };
    expect(deleted.fileList[0]!.fileID).toBe(fileID);
    expect((await fetch(fileList[0]!.tempFileURL)).status).toBe(404);
  });

  it('reports a missing file per item instead of failing the batch', async () => {
    const { fileList } = (await cloud.getTempFileURL({
      fileList: ['cloud://local.local-local/nothing/here.png'],
    })) as { fileList: { tempFileURL: string; code?: string; status?: number }[] };
    expect(fileList[0]!.tempFileURL).toBe('');
  });

  it('refuses a download URL whose signature or path was altered', async () => {
    const { fileID } = await cloud.uploadFile({
      cloudPath: 'a/secret.txt',
      fileContent: Buffer.from('secret'),
    });
    await cloud.uploadFile({ cloudPath: 'a/other.txt', fileContent: Buffer.from('other') });
    const { fileList } = (await cloud.getTempFileURL({ fileList: [fileID] })) as {
      fileList: { tempFileURL: string }[];
    };
    const url = fileList[0]!.tempFileURL;
    expect((await fetch(url.replace('secret.txt', 'other.txt'))).status).toBe(403);
    expect((await fetch(url.replace(/sign=[0-9a-f]{4}/, 'sign=0000'))).status).toBe(403);
  });

  it('refuses an upload without the authorisation getUploadMetadata issued', async () => {
    const response = await fetch(`${stack.url}/storage/objects/a/forged.txt`, {
      method: 'PUT',
      body: 'x',
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('SignatureDoesNotMatch');
  });

  it('never lets a cloud path climb out of the bucket', async () => {
    await expect(
      cloud.uploadFile({ cloudPath: '../outside.txt', fileContent: Buffer.from('x') }),
    ).rejects.toThrow(/invalid cloudPath/);
  });
});
