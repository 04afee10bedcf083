// From the admin subpackage's own miniprogram_npm (miniprogram/admin/package.json), never the main
// package's: the landing page does not download the encoder. WeChat documents this layout
// (packNpmRelationList with a subpackage as miniprogramNpmDistDir) and, for usingComponents, a
// lookup in the nearest miniprogram_npm going up from the page; that a bare `require` looks there
// the same way is UNVERIFIED (inferred from the docs' nested miniprogram_npm layout), so the
// package's file is also required by its relative path when the bare name is not found. `require`, not `import`, because the
// package is CommonJS whose export is the factory function itself (`export =`): a default import
// needs an interop flag this project keeps off, and a namespace import is not callable once
// bundled; `require` returns exactly `module.exports` on a phone, in the preview and in tests.
// Its typings declare the global interface QRCodeFactory, the same with or without interop flags.
/// <reference types="qrcode-generator" />
function loadQrcode(): QRCodeFactory {
  /* eslint-disable @typescript-eslint/no-require-imports */
  try {
    return require('qrcode-generator') as QRCodeFactory;
  } catch {
    return require('../miniprogram_npm/qrcode-generator/index') as QRCodeFactory;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

const qrcode = loadQrcode();

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

// Chinese (and any non-Latin-1) text is encoded as UTF-8 bytes, as every phone's scanner reads it;
// the library's default keeps only each character's low byte.
qrcode.stringToBytes = qrcode.stringToBytesFuncs['UTF-8']!;

/**
 * The QR code of `text` as rows of modules (true: dark), without the quiet zone: byte mode, error
 * correction level M, the smallest version that holds it. Throws past version 40's capacity.
 */
export function qrMatrix(text: string): boolean[][] {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const size = code.getModuleCount();
  return Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, col) => code.isDark(row, col)),
  );
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
  const cell = canvas.width / (matrix.length + 8);
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
