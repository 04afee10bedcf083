import jsQR from 'jsqr';
import { describe, expect, test } from 'vitest';
import { qrMatrix, QrTooLongError } from '../../miniprogram/admin/utils/qr';

/** Paints the matrix as an RGBA image (4 px a module, 4-module quiet zone) for jsQR to read. */
function decode(matrix: boolean[][]): string | null {
  const scale = 4;
  const quiet = 4;
  const modules = matrix.length + quiet * 2;
  const width = modules * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  matrix.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const offset = (((y + quiet) * scale + dy) * width + (x + quiet) * scale + dx) * 4;
          pixels.fill(0, offset, offset + 3);
        }
      }
    }),
  );
  return jsQR(pixels, width, width)?.data ?? null;
}

describe('the console QR encoder', () => {
  test('an invite link reads back exactly with an independent QR reader', () => {
    const link = '/admin/pages/join/index?invite=3q2-7_wAbCdEfGhIjKlMnOp&role=operator';
    const matrix = qrMatrix(link);
    expect(matrix.length).toBe(37); // version 5: 80 bytes fit level M's 84
    expect(decode(matrix)).toBe(link);
  });

  test.each([
    ['one character', 'a', 21],
    ['Chinese text (UTF-8)', '码上邀请你加入', 25],
    ['a version 7 text (version information blocks)', 'x'.repeat(120), 45],
    ['the largest version', 'y'.repeat(213), 57],
  ])('%s reads back', (_name, text, size) => {
    const matrix = qrMatrix(text);
    expect(matrix.length).toBe(size);
    expect(decode(matrix)).toBe(text);
  });

  test('text past version 10 is refused, not cut', () => {
    expect(() => qrMatrix('z'.repeat(214))).toThrow(QrTooLongError);
  });
});
