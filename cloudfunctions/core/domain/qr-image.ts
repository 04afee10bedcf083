/**
 * A channel QR code's image (issue 11 point 6), pure: the QR of the code's url at error
 * correction H (30% of the symbol may be lost, room for a logo), a 4-module quiet zone, scaled to
 * any edge from 100 to 3000 px by nearest module, and the logo composited in the centre on a
 * white pad, covering at most a fifth of the width (domain/qr-exports.ts logoBox).
 */
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { logoBox } from './qr-exports.js';

const QUIET_ZONE = 4;

/** An RGBA image (straight alpha). */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

export function renderQrPng(url: string, width: number, logo?: Rgba): Buffer {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'H' });
  const modules = qr.modules.size;
  const span = modules + 2 * QUIET_ZONE;
  const png = new PNG({ width, height: width, colorType: 6 });
  const data = png.data;
  // The module under each pixel column, worked out once: rows reuse it.
  const moduleAt = new Int32Array(width);
  for (let x = 0; x < width; x += 1) moduleAt[x] = Math.floor((x * span) / width) - QUIET_ZONE;
  for (let y = 0; y < width; y += 1) {
    const my = moduleAt[y]!;
    for (let x = 0; x < width; x += 1) {
      const mx = moduleAt[x]!;
      const dark =
        my >= 0 && my < modules && mx >= 0 && mx < modules && qr.modules.get(my, mx) === 1;
      const offset = (y * width + x) * 4;
      const value = dark ? 0 : 255;
      data[offset] = value;
      data[offset + 1] = value;
      data[offset + 2] = value;
      data[offset + 3] = 255;
    }
  }
  if (logo) drawLogo(data, width, logo);
  return PNG.sync.write(png, { colorType: 6 });
}

/** The logo scaled (nearest pixel) into the centre box, on white, blended by its alpha. */
function drawLogo(data: Uint8Array | Buffer, width: number, logo: Rgba): void {
  const box = logoBox(width);
  for (let y = box.y; y < box.y + box.size; y += 1) {
    for (let x = box.x; x < box.x + box.size; x += 1) {
      const offset = (y * width + x) * 4;
      data[offset] = 255;
      data[offset + 1] = 255;
      data[offset + 2] = 255;
    }
  }
  const inner = box.size - 2 * box.border;
  if (inner <= 0) return;
  // A logo that is not square keeps its proportions: fitted in the box, centred, white around.
  const scale = inner / Math.max(logo.width, logo.height);
  const drawWidth = Math.max(1, Math.round(logo.width * scale));
  const drawHeight = Math.max(1, Math.round(logo.height * scale));
  const left = box.x + box.border + Math.floor((inner - drawWidth) / 2);
  const top = box.y + box.border + Math.floor((inner - drawHeight) / 2);
  for (let y = 0; y < drawHeight; y += 1) {
    const sy = Math.min(logo.height - 1, Math.floor((y * logo.height) / drawHeight));
    for (let x = 0; x < drawWidth; x += 1) {
      const sx = Math.min(logo.width - 1, Math.floor((x * logo.width) / drawWidth));
      const source = (sy * logo.width + sx) * 4;
      const alpha = logo.data[source + 3]! / 255;
      const target = ((top + y) * width + left + x) * 4;
      for (let channel = 0; channel < 3; channel += 1) {
        data[target + channel] = Math.round(
          logo.data[source + channel]! * alpha + 255 * (1 - alpha),
        );
      }
    }
  }
}

/**
 * The brand's default mark, drawn rather than shipped as a file: a red rounded square with a
 * white frame and dot (a QR finder's shape), 64 px. A brand sets its own with QR_LOGO_FILE_ID.
 */
export function defaultLogo(): Rgba {
  const size = 64;
  const data = new Uint8Array(size * size * 4);
  const radius = 12;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const dx = Math.max(radius - x, 0, x - (size - 1 - radius));
      const dy = Math.max(radius - y, 0, y - (size - 1 - radius));
      const inside = dx * dx + dy * dy <= radius * radius;
      const ring = Math.max(Math.abs(x - 31.5), Math.abs(y - 31.5));
      const white = (ring >= 14 && ring < 20) || ring < 7;
      const offset = (y * size + x) * 4;
      data[offset] = white ? 255 : 0xe4;
      data[offset + 1] = white ? 255 : 0x39;
      data[offset + 2] = white ? 255 : 0x3c;
      data[offset + 3] = inside ? 255 : 0;
    }
  }
  return { width: size, height: size, data };
}

export function decodePng(bytes: Buffer): Rgba {
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height, data: png.data };
}
