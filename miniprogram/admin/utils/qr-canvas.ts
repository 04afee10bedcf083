import { qrMatrix } from './qr';

/** The part of a 2d canvas context drawn with (the typings give `getContext` no return type). */
export interface FillContext {
  fillStyle: unknown;
  fillRect(x: number, y: number, width: number, height: number): void;
}

/** The part of a canvas node drawn on (`<canvas type="2d">`'s node has it). */
export interface QrCanvas {
  width: number;
  height: number;
  getContext(type: '2d'): FillContext;
}

/**
 * Draws the QR code of `text` into a `<canvas type="2d">` of `sizePx` CSS pixels at the screen's
 * `ratio` (sharp on high-density screens), with the standard 4-module quiet zone. Returns the
 * module count drawn.
 */
export function drawQr(canvas: QrCanvas, text: string, sizePx: number, ratio: number): number {
  const matrix = qrMatrix(text);
  canvas.width = Math.round(sizePx * ratio);
  canvas.height = Math.round(sizePx * ratio);
  const context = canvas.getContext('2d');
  const modules = matrix.length + 8;
  const cell = canvas.width / modules;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#000000';
  matrix.forEach((row, y) =>
    row.forEach((dark, x) => {
      // Rounded outward so neighbouring modules leave no hairline gaps.
      if (dark)
        context.fillRect(
          Math.floor((x + 4) * cell),
          Math.floor((y + 4) * cell),
          Math.ceil(cell),
          Math.ceil(cell),
        );
    }),
  );
  return matrix.length;
}
