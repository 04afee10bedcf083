import jsQR from 'jsqr';
import { describe, expect, test } from 'vitest';
import { drawQr, qrMatrix, type QrCanvas } from '../../miniprogram/admin/utils/qr-canvas';

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

describe('the console QR encoder (qrcode-generator)', () => {
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
    ['a version 10 text', 'y'.repeat(213), 57],
    [
      'a long invite with Chinese (version 11 and up)',
      `/admin/pages/join/index?note=${'码'.repeat(80)}`,
      65,
    ],
  ])('%s reads back', (_name, text, size) => {
    const matrix = qrMatrix(text);
    expect(matrix.length).toBe(size);
    expect(decode(matrix)).toBe(text);
  });

  test('text past the largest QR code is refused, not cut', () => {
    // Version 40 at level M holds 2,331 bytes.
    expect(decode(qrMatrix('z'.repeat(2331)))).toBe('z'.repeat(2331));
    expect(() => qrMatrix('z'.repeat(2332))).toThrow();
  });
});

/** A canvas that paints fillRect into RGBA pixels, as a phone's 2d canvas would. */
function pixelCanvas(): QrCanvas & { pixels(): Uint8ClampedArray } {
  let buffer = new Uint8ClampedArray(0);
  let fill = [0, 0, 0];
  const canvas = {
    width: 0,
    height: 0,
    pixels: () => buffer,
    getContext: () => ({
      set fillStyle(value: unknown) {
        fill = value === '#ffffff' ? [255, 255, 255] : [0, 0, 0];
      },
      get fillStyle() {
        return fill;
      },
      fillRect(x: number, y: number, w: number, h: number) {
        if (buffer.length !== canvas.width * canvas.height * 4) {
          buffer = new Uint8ClampedArray(canvas.width * canvas.height * 4);
        }
        for (let row = Math.max(0, y); row < Math.min(canvas.height, y + h); row++) {
          for (let col = Math.max(0, x); col < Math.min(canvas.width, x + w); col++) {
            buffer.set([...fill, 255], (row * canvas.width + col) * 4);
          }
        }
      },
    }),
  };
  return canvas;
}

test('the invite canvas holds a QR code a phone camera reads, at the screen density', () => {
  const link = '/admin/pages/join/index?invite=3q2-7_wAbCdEfGhIjKlMnOp&role=viewer';
  const canvas = pixelCanvas();
  expect(drawQr(canvas, link, 200, 3)).toBe(37);
  expect([canvas.width, canvas.height]).toEqual([600, 600]);
  expect(jsQR(canvas.pixels(), canvas.width, canvas.height)?.data).toBe(link);
});
