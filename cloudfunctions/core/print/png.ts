/**
 * A minimal PNG encoder for black-and-white images: 1 bit per pixel, grayscale. Printers and
 * RIPs take a true bilevel image as is (no grey edges to threshold), and the files are a fraction
 * of an RGBA PNG's size, which matters at a million codes. Node's zlib does the compression.
 */
import { deflateSync } from 'node:zlib';

/**
 * The packed pixels of row y (MSB first, 1 = white, `ceil(width / 8)` bytes), or undefined for an
 * all-white row. Callers return the same buffer for rows that repeat (a module is many rows tall).
 */
export type PackedRow = (y: number) => Buffer | undefined;

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const INCHES_PER_METRE = 39.3701;

export function encodeBilevelPng(
  width: number,
  height: number,
  dpi: number,
  row: PackedRow,
): Buffer {
  const rowBytes = Math.ceil(width / 8);
  const stride = rowBytes + 1;
  // Each row: filter byte 0 (none), then the pixels; starting all white leaves blank rows done.
  const raw = Buffer.alloc(stride * height, 0xff);
  for (let y = 0; y < height; y += 1) {
    raw[y * stride] = 0;
    row(y)?.copy(raw, y * stride + 1, 0, rowBytes);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // colour type: grayscale
  const physical = Buffer.alloc(9);
  const perMetre = Math.round(dpi * INCHES_PER_METRE);
  physical.writeUInt32BE(perMetre, 0);
  physical.writeUInt32BE(perMetre, 4);
  physical[8] = 1; // unit: metre
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('pHYs', physical),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length);
  return out;
}

/** zlib.crc32 arrived in Node 22; the cloud runtime is Node 16. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer, start: number, end: number): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i += 1) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
