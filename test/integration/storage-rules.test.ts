/**
 * What may live where in cloud storage: product images only under product-images/ (an operator
 * cannot show an exported code file to every consumer who scans), and exported code files are
 * deleted by the scheduler once their retention has passed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_RETENTION_MS } from '../../cloudfunctions/core/codes/export-retention';
import { adminClient } from '../../local/admin-client';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';

const ADMIN = { openid: 'o-local-admin' };

describe('storage rules', () => {
  let stack: TestStack;
  const admin = () => adminClient(stack.url, ADMIN);

  beforeAll(async () => {
    stack = await startTestStack({ seed: true });
  });
  afterAll(() => stack?.destroy());

  /** The imported range of the demo application (what exportRange needs). */
  const importedRange = async (): Promise<{ codeStart: number; codeEnd: number }> => {
    const { data } = await sdkFor(stack.url)
      .database()
      .collection('packageImports')
      .where({ applicationId: stack.demo!.applicationId, state: 'imported' })
      .get();
    const record = data[0] as { codeStart: number; codeEnd: number };
    return { codeStart: record.codeStart, codeEnd: record.codeEnd };
  };

  const exportSome = async () => {
    const range = await importedRange();
    return admin().call('exportRange', {
      applicationId: stack.demo!.applicationId,
      ...range,
      from: range.codeStart,
      to: range.codeStart + 4,
      formats: ['csv'],
    });
  };

  describe('product images', () => {
    const base = { title: '山泉水', brand: '码上', attributes: [] };

    it('refuses a cloud file outside product-images/, such as an exported code file', async () => {
      const exported = await exportSome();
      const exportFile = exported.files[0]!.fileID;
      const env = /^cloud:\/\/[^/]+\//.exec(exportFile)![0];
      for (const image of [
        exportFile,
        `${env}codes/package.txt`,
        `${env}product-images/../exports/${exported.exportId}/x.csv`,
        `${env}product-images/%2e%2e/exports/x.csv`,
        `${env}product-images/`,
        `${env}product-imagesX/a.png`,
      ]) {
        const created = await admin().reply('createProduct', {
          ...base,
          images: [image],
          trace: [],
        });
        expect(created, image).toEqual({
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('product-images/') },
        });
        const inTrace = await admin().reply('createProduct', {
          ...base,
          images: [],
          trace: [{ name: '灌装', images: [image] }],
        });
        expect(inTrace, image).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      }
      const product = stack.demo!.productId;
      const updated = await admin().reply('updateProduct', {
        productId: product,
        images: [exportFile],
      });
      expect(updated).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      const bound = await admin().reply('bindProduct', {
        applicationId: stack.demo!.applicationId,
        codeStart: stack.demo!.codeStart,
        productId: product,
        traceSteps: [{ name: '出厂', images: [exportFile] }],
      });
      expect(bound).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      // The product still shows only its own pictures.
      const got = await admin().call('getProduct', { productId: product });
      expect(got.product.images).toEqual(expect.not.arrayContaining([exportFile]));
    });

    it('accepts files under product-images/ and https images', async () => {
      const [picture] = stack.demo!.images;
      expect(picture).toMatch(/^cloud:\/\/[^/]+\/product-images\//);
      const created = await admin().call('createProduct', {
        ...base,
        images: [picture!, 'https://example.com/a.png'],
        trace: [{ name: '灌装', images: [picture!] }],
      });
      expect(created.product.images).toEqual([picture, 'https://example.com/a.png']);
    });
  });

  describe('exported code files', () => {
    const tick = async (): Promise<any> => {
      const outcome: any = await stack.runtime.invoke(
        'scheduler',
        { Type: 'Timer', TriggerName: 'every-minute' },
        { SOURCE: 'wx_trigger' },
      );
      expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
      return outcome.result.jobs.find((job: any) => job.name === 'exports');
    };
    const exportRecord = async (exportId: string): Promise<any> => {
      const { data } = await sdkFor(stack.url)
        .database()
        .collection('exports')
        .where({ _id: exportId })
        .get();
      return data[0];
    };
    const stored = async (fileID: string): Promise<boolean> => {
      const { fileList } = (await sdkFor(stack.url).getTempFileURL({ fileList: [fileID] })) as {
        fileList: { tempFileURL: string }[];
      };
      return fileList[0]!.tempFileURL !== '';
    };

    it('are deleted from storage once older than the retention, and the export says so', async () => {
      const old = await exportSome();
      const recent = await exportSome();
      const oldFile: string = old.files[0].fileID;
      const recentFile: string = recent.files[0].fileID;
      expect(await stored(oldFile)).toBe(true);

      // Not yet due: nothing is deleted.
      const early = await tick();
      expect(early).toMatchObject({ ok: true });
      expect(await stored(oldFile)).toBe(true);

      // The first export ages past the retention.
      const db = sdkFor(stack.url).database();
      await db
        .collection('exports')
        .where({ _id: old.exportId })
        .update({ data: { createdAt: db.command.inc(-(EXPORT_RETENTION_MS + 60_000)) } });
      const job = await tick();
      expect(job).toMatchObject({ ok: true, result: { expired: 1, filesDeleted: 1, failed: 0 } });
      expect(await stored(oldFile)).toBe(false);
      expect((await fetch(old.files[0].url)).status).toBe(404);
      expect(await exportRecord(old.exportId)).toMatchObject({
        status: 'done',
        filesDeletedAt: expect.any(Number),
      });
      // The recent export keeps its file; the expired one is not swept again.
      expect(await stored(recentFile)).toBe(true);
      expect(await exportRecord(recent.exportId)).not.toHaveProperty('filesDeletedAt');
      expect(await tick()).toMatchObject({ ok: true, result: { expired: 0, filesDeleted: 0 } });
    });
  });
});
