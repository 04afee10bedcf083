/**
 * 上传 Logo (issue 11 point 6) through the local stack, as the console does it: the operator's
 * phone uploads a PNG or JPEG under oa-materials/logos/, then asks for the image or the zip with
 * that `logoFileId`. The downloads are fetched through their links and decoded as a phone's
 * camera would (jsQR), and the centre pixel shows the logo's colour. Refusals answer their
 * code and leave neither a file under exports/ nor an export record behind.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import jpeg from 'jpeg-js';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../../local/admin-client';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';
import { unzip } from '../support/zip';

const ADMIN = 'o-logo-admin';
const BLUE: [number, number, number] = [0, 90, 200];
const GREEN: [number, number, number] = [20, 160, 60];

const solid = (size: number, rgb: [number, number, number]) => {
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < size * size; i += 1) png.data.set([...rgb, 255], i * 4);
  return png;
};

describe('channel QR downloads with an uploaded logo', () => {
  let stack: TestStack;
  let first: any;
  let second: any;

  // `call` for what must succeed (a refusal throws with its code), `reply` for the refusals.
  const admin = () => adminClient(stack.url, ADMIN);
  const upload = async (cloudPath: string, content: Buffer) =>
    (await sdkFor(stack.url).uploadFile({ cloudPath, fileContent: content })).fileID as string;
  const download = async (url: string) => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };
  const decode = (bytes: Buffer) => {
    const png = PNG.sync.read(bytes);
    const centre = ((png.height >> 1) * png.width + (png.width >> 1)) * 4;
    return {
      width: png.width,
      text: jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data,
      centre: [...png.data.subarray(centre, centre + 3)],
    };
  };
  const near = (actual: number[], expected: number[]) =>
    actual.every((value, i) => Math.abs(value - expected[i]!) <= 8);
  /** What a download leaves behind: files under exports/ and qrDownload records. */
  const leftBehind = async () => {
    const files = await readdir(path.join(stack.dataDir, 'storage', 'exports'), {
      recursive: true,
    }).catch(() => []);
    const { total } = await sdkFor(stack.url)
      .database()
      .collection('exports')
      .where({ kind: 'qrDownload' })
      .count();
    return { files: files.filter((name) => String(name).endsWith('.png')).length, total };
  };

  beforeAll(async () => {
    stack = await startTestStack({ settings: { ADMIN_OPENIDS: ADMIN } });
    for (const name of ['门店海报', '直播间']) {
      const created = await admin().call('createChannelQr', { name, type: 'permanent' });
      if (first) second = created.qr;
      else first = created.qr;
    }
  }, 120_000);
  afterAll(() => stack?.destroy());

  it('draws an uploaded PNG logo in the centre, and the image still scans', async () => {
    const logoFileId = await upload(
      'oa-materials/logos/20260301/blue.png',
      PNG.sync.write(solid(96, BLUE)),
    );
    const reply = await admin().call('qrImage', { qrId: first.qrId, size: 'medium', logoFileId });
    expect(reply.file.name).toMatch(/-430px-logo\.png$/);
    const image = decode(await download(reply.file.url));
    expect(image.width).toBe(430);
    expect(image.text).toBe(first.url);
    expect(image.centre).toEqual(BLUE);
  });

  it('draws an uploaded JPEG logo, and it wins over the brand logo', async () => {
    const bytes = jpeg.encode({ width: 80, height: 80, data: solid(80, GREEN).data }, 95).data;
    const logoFileId = await upload('oa-materials/logos/20260301/green.jpg', bytes);
    const reply = await admin().call('qrImage', {
      qrId: first.qrId,
      size: 'large',
      logo: true,
      logoFileId,
    });
    const image = decode(await download(reply.file.url));
    expect(image.text).toBe(first.url);
    expect(near(image.centre, GREEN), String(image.centre)).toBe(true);
    // Without it, `logo: true` is still the brand's default mark (red), as before.
    const brand = await admin().call('qrImage', { qrId: first.qrId, size: 'large', logo: true });
    const branded = decode(await download(brand.file.url));
    expect(branded.text).toBe(first.url);
    expect(near(branded.centre, GREEN)).toBe(false);
  });

  it('puts the logo in every image of a zip', async () => {
    const logoFileId = await upload(
      'oa-materials/logos/20260301/batch.png',
      PNG.sync.write(solid(64, BLUE)),
    );
    const reply = await admin().call('qrImagesZip', {
      qrIds: [first.qrId, second.qrId],
      size: 'small',
      logoFileId,
    });
    const entries = unzip(await download(reply.file.url));
    expect(entries).toHaveLength(2);
    const images = entries.map((entry) => decode(entry.content));
    expect(images.map((image) => image.text).sort()).toEqual([first.url, second.url].sort());
    for (const image of images) expect(image.centre).toEqual(BLUE);
  });

  it('refuses a logo that is outside the folder, missing, not an image or too large', async () => {
    const before = await leftBehind();
    // The earlier downloads are there: the count below sees what a download leaves.
    expect(before.files).toBeGreaterThanOrEqual(3);
    const exported = await admin().call('exportQrLinks', {});
    const cases: [string, string][] = [
      // Another file of the bucket (an export) cannot be drawn into a QR.
      [exported.file.fileID, 'LOGO_NOT_ALLOWED'],
      [
        await upload('oa-materials/20260301/poster.png', PNG.sync.write(solid(64, BLUE))),
        'LOGO_NOT_ALLOWED',
      ],
      ['cloud://elsewhere.bucket/oa-materials/logos/../exports/a.png', 'LOGO_NOT_ALLOWED'],
      [`${first.url}`, 'LOGO_NOT_ALLOWED'],
      [
        exported.file.fileID.replace(/\/exports\/.*$/, '/oa-materials/logos/missing.png'),
        'LOGO_UNREADABLE',
      ],
      [
        await upload('oa-materials/logos/20260301/notes.png', Buffer.from('不是图片，只是文字')),
        'LOGO_WRONG_FORMAT',
      ],
      [
        await upload(
          'oa-materials/logos/20260301/huge.png',
          Buffer.concat([PNG.sync.write(solid(64, BLUE)), Buffer.alloc(2 * 1024 * 1024)]),
        ),
        'LOGO_TOO_LARGE',
      ],
    ];
    const afterLinks = await leftBehind();
    expect(afterLinks.total).toBe(before.total + 1);
    for (const [logoFileId, code] of cases) {
      const image = await admin().reply('qrImage', { qrId: first.qrId, size: 'small', logoFileId });
      expect(image, logoFileId).toMatchObject({
        ok: false,
        error: { code, message: expect.stringMatching(/Logo/) },
      });
      const zip = await admin().reply('qrImagesZip', {
        qrIds: [first.qrId],
        size: 'small',
        logoFileId,
      });
      expect(zip, logoFileId).toMatchObject({ ok: false, error: { code } });
    }
    expect(await leftBehind()).toEqual(afterLinks);
  });
});
