/**
 * A batch's uploaded logo (domain/qr-logo.ts): which files may serve, what is refused with
 * which code, and how a PNG or JPEG lands in the QR's centre.
 */
import jpeg from 'jpeg-js';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { renderQrPng } from '../../cloudfunctions/core/domain/qr-image';
import { logoBox } from '../../cloudfunctions/core/domain/qr-exports';
import {
  decodeLogo,
  isLogoFileId,
  logoDimensions,
  requireLogoFileId,
} from '../../cloudfunctions/core/domain/qr-logo';

const solid = (width: number, height: number, rgb: [number, number, number]) => {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i += 1) png.data.set([...rgb, 255], i * 4);
  return png;
};
const pngBytes = (width: number, height: number, rgb: [number, number, number]) =>
  PNG.sync.write(solid(width, height, rgb));
const jpegBytes = (width: number, height: number, rgb: [number, number, number]) =>
  jpeg.encode({ width, height, data: solid(width, height, rgb).data }, 95).data;
const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'none';
};

describe('which files may be a logo', () => {
  test('only a file under oa-materials/logos/ of a cloud bucket', () => {
    expect(isLogoFileId('cloud://env-1.bucket/oa-materials/logos/20260301/a.png')).toBe(true);
    expect(isLogoFileId('cloud://env-1.bucket/oa-materials/logos/a.jpg')).toBe(true);
    for (const fileId of [
      'cloud://env-1.bucket/exports/abc/codes.zip',
      'cloud://env-1.bucket/oa-materials/20260301/a.png',
      'cloud://env-1.bucket/oa-materials/logos/../../exports/x.png',
      'cloud://env-1.bucket/oa-materials/logos/%2e%2e/x.png',
      'cloud://env-1.bucket/oa-materials/logos/',
      'cloud://env-1.bucket/oa-materials/logos//x.png',
      'https://example.com/oa-materials/logos/a.png',
      'oa-materials/logos/a.png',
    ]) {
      expect(isLogoFileId(fileId), fileId).toBe(false);
    }
    expect(codeOf(() => requireLogoFileId('cloud://e.b/exports/x.png'))).toBe('LOGO_NOT_ALLOWED');
  });
});

describe('a logo’s bytes', () => {
  test('PNG and JPEG decode to their pixels', () => {
    const fromPng = decodeLogo(pngBytes(40, 20, [10, 120, 200]));
    expect(fromPng).toMatchObject({ width: 40, height: 20 });
    expect([...fromPng.data.subarray(0, 4)]).toEqual([10, 120, 200, 255]);
    const fromJpeg = decodeLogo(jpegBytes(48, 48, [20, 160, 60]));
    expect(fromJpeg).toMatchObject({ width: 48, height: 48 });
    const [r, g, b, a] = fromJpeg.data.subarray(0, 4);
    expect(Math.abs(r! - 20) + Math.abs(g! - 160) + Math.abs(b! - 60)).toBeLessThan(12);
    expect(a).toBe(255);
  });

  test('the largest logo accepted decodes: a 2048 px JPEG, while 2049 px is too large', () => {
    // A smooth picture, as a logo is: 2048² fits well within 2 MB.
    const gradient = (size: number) => {
      const data = Buffer.alloc(size * size * 4);
      for (let at = 0; at < size * size; at += 1)
        data.set([(at % size) >> 3, Math.floor(at / size) >> 3, 128, 255], at * 4);
      return jpeg.encode({ width: size, height: size, data }, 80).data;
    };
    const largest = gradient(2048);
    expect(largest.length).toBeLessThan(2 * 1024 * 1024);
    expect(decodeLogo(largest)).toMatchObject({ width: 2048, height: 2048 });
    expect(codeOf(() => decodeLogo(gradient(2049)))).toBe('LOGO_TOO_LARGE');
  });

  test('the JPEG header gives the size without decoding', () => {
    expect(logoDimensions(jpegBytes(33, 17, [0, 0, 0]), 'jpeg')).toEqual({ width: 33, height: 17 });
    expect(logoDimensions(pngBytes(33, 17, [0, 0, 0]), 'png')).toEqual({ width: 33, height: 17 });
  });

  test('refusals: wrong format, too large in bytes or pixels, too small, broken', () => {
    expect(codeOf(() => decodeLogo(Buffer.from('GIF89a and more bytes')))).toBe(
      'LOGO_WRONG_FORMAT',
    );
    expect(codeOf(() => decodeLogo(Buffer.from('not an image at all')))).toBe('LOGO_WRONG_FORMAT');
    const padded = Buffer.concat([pngBytes(64, 64, [1, 2, 3]), Buffer.alloc(2 * 1024 * 1024)]);
    expect(codeOf(() => decodeLogo(padded))).toBe('LOGO_TOO_LARGE');
    // A header claiming 50000 × 50000 px in a few bytes is refused before any pixel is decoded.
    const huge = Buffer.from(pngBytes(64, 64, [1, 2, 3]));
    huge.writeUInt32BE(50_000, 16);
    huge.writeUInt32BE(50_000, 20);
    expect(codeOf(() => decodeLogo(huge))).toBe('LOGO_TOO_LARGE');
    expect(codeOf(() => decodeLogo(pngBytes(8, 8, [1, 2, 3])))).toBe('LOGO_TOO_SMALL');
    const truncated = pngBytes(64, 64, [1, 2, 3]).subarray(0, 60);
    expect(codeOf(() => decodeLogo(truncated))).toBe('LOGO_UNREADABLE');
    const brokenJpeg = Buffer.from(jpegBytes(64, 64, [1, 2, 3]));
    brokenJpeg.fill(0, 300);
    expect(codeOf(() => decodeLogo(brokenJpeg))).toBe('LOGO_UNREADABLE');
  });
});

describe('an uploaded logo in the QR', () => {
  const url = 'http://weixin.qq.com/q/02LogoUpload0000000000000000000000000000000000000';
  const pixel = (png: PNG, x: number, y: number) => {
    const offset = (y * png.width + x) * 4;
    return [...png.data.subarray(offset, offset + 3)];
  };

  test('a wide logo keeps its proportions: its colour in the middle, white above it', () => {
    const out = PNG.sync.read(renderQrPng(url, 430, decodeLogo(pngBytes(200, 50, [0, 90, 200]))));
    expect(jsQR(new Uint8ClampedArray(out.data), 430, 430)?.data).toBe(url);
    const box = logoBox(430);
    const middle = box.x + Math.floor(box.size / 2);
    expect(pixel(out, middle, middle)).toEqual([0, 90, 200]);
    // A quarter-high band in the box's middle: the box's upper inner part stays white.
    expect(pixel(out, middle, box.y + box.border + 2)).toEqual([255, 255, 255]);
  });
});
