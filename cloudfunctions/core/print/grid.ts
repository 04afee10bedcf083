/**
 * A square grid of modules (the microcode's 19×19 dots, a QR code's 25×25) and its two print
 * forms: SVG (vector, for print shops) and a 1-bit PNG (bitmap printing, as the seed's FAQ puts
 * it). Both draw whole modules on an integer grid so edges stay sharp at any scale.
 */
import { MATRIX_BITS, MATRIX_SIDE } from '../wechat/marketcode/package.js';
import { PrintError } from './errors.js';
import { encodeBilevelPng } from './png.js';

export interface ModuleGrid {
  /** Modules per side. */
  size: number;
  /** Row-major, 1 = dark. */
  dark: Uint8Array;
}

export function gridFromMatrix(matrix: string): ModuleGrid {
  if (matrix.length !== MATRIX_BITS || /[^01]/.test(matrix)) {
    throw new PrintError('PRINT_BAD_RECORD', `微码点阵应为 ${MATRIX_BITS} 个 0/1`);
  }
  const dark = new Uint8Array(MATRIX_BITS);
  for (let i = 0; i < MATRIX_BITS; i += 1) dark[i] = matrix.charCodeAt(i) === 0x31 ? 1 : 0;
  return { size: MATRIX_SIDE, dark };
}

export interface SvgOptions {
  /** Side of one module in `unit`s. */
  moduleSize?: number;
  unit?: 'mm' | 'px';
  /** Light modules around the code. */
  quietZone?: number;
}

export const SVG_DEFAULTS: Required<SvgOptions> = { moduleSize: 0.5, unit: 'mm', quietZone: 4 };

/**
 * The viewBox is in modules and the size in `unit`s, so paths are small integers and the printed
 * size is exact. One path, one subpath per horizontal run of dark modules: a few hundred bytes.
 */
export function gridToSvg(grid: ModuleGrid, options: SvgOptions = {}): string {
  const { moduleSize, unit, quietZone } = { ...SVG_DEFAULTS, ...options };
  checkLayout(moduleSize, quietZone);
  const side = grid.size + 2 * quietZone;
  const length = `${trimNumber(side * moduleSize)}${unit}`;
  let d = '';
  for (let row = 0; row < grid.size; row += 1) {
    let col = 0;
    while (col < grid.size) {
      if (grid.dark[row * grid.size + col] === 0) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < grid.size && grid.dark[row * grid.size + col] === 1) col += 1;
      const run = col - start;
      d += `M${start + quietZone} ${row + quietZone}h${run}v1h-${run}z`;
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${length}" height="${length}" ` +
    `viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">` +
    `<rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${d}"/></svg>\n`
  );
}

export interface PngOptions {
  /** Pixels per module side. */
  moduleSize?: number;
  /** Light modules around the code. */
  quietZone?: number;
  /** Resolution written into the file, so layout software places it at its physical size. */
  dpi?: number;
}

export const PNG_DEFAULTS: Required<PngOptions> = { moduleSize: 8, quietZone: 4, dpi: 300 };

export function gridToPng(grid: ModuleGrid, options: PngOptions = {}): Buffer {
  const { moduleSize, quietZone, dpi } = { ...PNG_DEFAULTS, ...options };
  checkLayout(moduleSize, quietZone);
  if (!Number.isInteger(moduleSize)) {
    throw new PrintError('PRINT_BAD_FORMAT', 'PNG 的模块尺寸必须是整数像素');
  }
  const side = (grid.size + 2 * quietZone) * moduleSize;
  const margin = quietZone * moduleSize;
  const rowBytes = Math.ceil(side / 8);
  // One packed pixel row per module row, shared by the moduleSize pixel rows it spans.
  const packed: Buffer[] = [];
  for (let r = 0; r < grid.size; r += 1) {
    const pixels = Buffer.alloc(rowBytes, 0xff);
    for (let c = 0; c < grid.size; c += 1) {
      if (grid.dark[r * grid.size + c] !== 1) continue;
      for (let x = margin + c * moduleSize, end = x + moduleSize; x < end; x += 1) {
        pixels[x >> 3]! &= ~(0x80 >> (x & 7));
      }
    }
    packed.push(pixels);
  }
  return encodeBilevelPng(side, side, dpi, (y) =>
    y < margin || y >= margin + grid.size * moduleSize
      ? undefined
      : packed[Math.floor((y - margin) / moduleSize)],
  );
}

function checkLayout(moduleSize: number, quietZone: number): void {
  if (!(moduleSize > 0) || !Number.isFinite(moduleSize)) {
    throw new PrintError('PRINT_BAD_FORMAT', '模块尺寸必须是正数');
  }
  if (!Number.isInteger(quietZone) || quietZone < 0 || quietZone > 64) {
    throw new PrintError('PRINT_BAD_FORMAT', '静区宽度必须是 0–64 之间的整数（单位：模块）');
  }
}

function trimNumber(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
