/**
 * The pure rules of channel QR exports and downloads (core/domain/qr-exports.ts, qr-image.ts):
 * what an operator finds in the CSV, how an export splits, the image sizes, and that the logo
 * stays inside what error correction H restores.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import {
  FILE_ROWS,
  MAX_EXPORT_ROWS,
  chinaTime,
  csvField,
  csvLine,
  fileCount,
  logoBox,
  qrImagePixels,
  replyStatusOf,
  scannerCsvLine,
  scannerFileName,
  ttlText,
} from '../../cloudfunctions/core/domain/qr-exports';
import { decodePng, defaultLogo, renderQrPng } from '../../cloudfunctions/core/domain/qr-image';

describe('scanners CSV', () => {
  test('quotes what needs quoting and keeps spreadsheets from running formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1')).toBe("'-1");
    expect(csvLine(['a', 'b'])).toBe('a,b\r\n');
  });

  test('writes the scan time in China time and the reply status in words', () => {
    expect(chinaTime(Date.parse('2026-03-01T16:30:05Z'))).toBe('2026-03-02 00:30:05');
    expect(
      scannerCsvLine(
        {
          openid: 'oABC',
          firstScanAt: Date.parse('2026-03-01T00:00:00Z'),
          lastReplyStatus: 'sent',
        },
        ['门店A', '新客'],
      ),
    ).toBe('oABC,门店A|新客,2026-03-01 08:00:00,已回复\r\n');
    expect(replyStatusOf({})).toBe('none');
    expect(replyStatusOf({ lastReplyStatus: 'claimed' })).toBe('none');
    expect(replyStatusOf({ lastReplyStatus: 'partial' })).toBe('partial');
  });

  test('splits into files of 100,000 rows, up to 2,000,000 rows', () => {
    expect(FILE_ROWS).toBe(100_000);
    expect(fileCount(0)).toBe(1);
    expect(fileCount(100_000)).toBe(1);
    expect(fileCount(100_001)).toBe(2);
    expect(fileCount(250_000)).toBe(3);
    expect(fileCount(MAX_EXPORT_ROWS)).toBe(20);
    expect(fileCount(MAX_EXPORT_ROWS + 5)).toBe(20);
    expect(scannerFileName('qr1', 0)).toBe('scanners-qr1-01.csv');
    expect(scannerFileName('qr1', 19)).toBe('scanners-qr1-20.csv');
  });
});

describe('QR images', () => {
  test('sizes: WeChat’s three and a custom edge kept within 100–3000 px', () => {
    expect(qrImagePixels('small')).toBe(258);
    expect(qrImagePixels('medium')).toBe(430);
    expect(qrImagePixels('large')).toBe(1280);
    expect(qrImagePixels(640)).toBe(640);
    expect(qrImagePixels(5)).toBe(100);
    expect(qrImagePixels(9999)).toBe(3000);
  });

  test('the logo covers at most a fifth of the width, centred', () => {
    for (const width of [100, 258, 430, 1280, 3000]) {
      const box = logoBox(width);
      expect(box.size / width).toBeLessThanOrEqual(0.2);
      expect(box.x + box.size / 2).toBeCloseTo(width / 2, -0.5);
      expect(box.border).toBeGreaterThanOrEqual(1);
    }
  });

  test('a long URL with the logo still decodes, and the logo is really there', () => {
    const url = 'http://weixin.qq.com/q/02AbCdEfGhIjKlMnOpQrStUvWx0000000000000000000000';
    const plain = PNG.sync.read(renderQrPng(url, 300));
    const withLogo = PNG.sync.read(renderQrPng(url, 300, defaultLogo()));
    for (const png of [plain, withLogo]) {
      expect(png.width).toBe(300);
      expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(url);
    }
    // Left of the logo's middle, on its red field (the mark is 64 px drawn into 50).
    const centre = (png: PNG) => {
      const box = logoBox(300);
      const offset = ((box.y + box.border + 25) * 300 + box.x + box.border + 8) * 4;
      return [...png.data.subarray(offset, offset + 3)];
    };
    expect(centre(withLogo)).toEqual([0xe4, 0x39, 0x3c]);
    expect(Buffer.compare(plain.data, withLogo.data)).not.toBe(0);
  });

  test('a configured logo is read from its PNG bytes', () => {
    const png = new PNG({ width: 2, height: 2 });
    png.data.fill(200);
    const logo = decodePng(PNG.sync.write(png));
    expect(logo).toMatchObject({ width: 2, height: 2 });
    expect(logo.data[0]).toBe(200);
  });
});

describe('links CSV', () => {
  test('time to live: 永久, what is left, or 已过期', () => {
    const now = Date.parse('2026-03-01T00:00:00Z');
    expect(ttlText({ type: 'permanent' }, now)).toBe('永久');
    expect(ttlText({ type: 'temporary', expiresAt: now + 3 * 86_400_000 }, now)).toBe('3天');
    expect(ttlText({ type: 'temporary', expiresAt: now + 26 * 3_600_000 }, now)).toBe('1天2小时');
    expect(ttlText({ type: 'temporary', expiresAt: now + 5 * 3_600_000 }, now)).toBe('5小时');
    expect(ttlText({ type: 'temporary', expiresAt: now + 90_000 }, now)).toBe('1分钟');
    expect(ttlText({ type: 'temporary', expiresAt: now - 1 }, now)).toBe('已过期');
  });
});
