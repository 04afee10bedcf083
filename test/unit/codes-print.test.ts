import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createZipStream,
  csvField,
  csvHeader,
  csvRows,
  DECRYPT_CSV_COLUMNS,
  decryptCsvBytes,
  gridFromMatrix,
  gridToPng,
  gridToSvg,
  parsePrintFormats,
  PRINT_CSV_COLUMNS,
  qrGridForUrl,
  QR_MODULE_PIXELS,
  readCsvRecords,
  renderRecordFiles,
} from '../../cloudfunctions/core/print';
import {
  encryptPackage,
  formatPackageLine,
  type CodeRecord,
} from '../../cloudfunctions/core/wechat/marketcode/package';
import { readPackageLines } from '../../cloudfunctions/core/wechat/marketcode/package-reader';

const MATRIX = Array.from({ length: 361 }, (_, i) => ((i * 7919) % 3 === 0 ? '1' : '0')).join('');
const URLS = [
  'P.URL.CN/0V/IXO*FWWYLZLXUXGR',
  'P.URL.CN/0C12345678901234ABC',
  'P.URL.CN/0U.JYJX:$%+-/ *ZZ99',
  'P.URL.CN/ZZZZZZZZZZZZZZZZZZZ',
];

function decodePng(content: Buffer | string): PNG {
  return PNG.sync.read(content as Buffer);
}

/** Whether the pixel at the centre of module (row, col) is black. */
function moduleIsBlack(png: PNG, row: number, col: number, size: number, quiet: number): boolean {
  const x = (quiet + col) * size + Math.floor(size / 2);
  const y = (quiet + row) * size + Math.floor(size / 2);
  const offset = (y * png.width + x) * 4;
  return png.data[offset] === 0 && png.data[offset + 1] === 0 && png.data[offset + 2] === 0;
}

describe('microcode images', () => {
  it('PNG: every module has the matrix colour, the quiet zone is white, pixels are pure', () => {
    const png = decodePng(gridToPng(gridFromMatrix(MATRIX), { moduleSize: 6, quietZone: 3 }));
    expect(png.width).toBe((19 + 6) * 6);
    expect(png.height).toBe(png.width);
    for (let row = 0; row < 19; row += 1) {
      for (let col = 0; col < 19; col += 1) {
        expect(moduleIsBlack(png, row, col, 6, 3)).toBe(MATRIX[row * 19 + col] === '1');
      }
    }
    for (let i = 0; i < png.width - 3; i += 1) {
      expect(moduleIsBlack(png, -3, i / 6 - 3, 6, 3)).toBe(false);
    }
    const values = new Set(png.data.filter((_, i) => i % 4 !== 3));
    expect([...values].sort()).toEqual([0, 255]);
  });

  it('SVG: crisp, sized in mm, one unit square per dark module', () => {
    const svg = gridToSvg(gridFromMatrix(MATRIX), { moduleSize: 0.5, unit: 'mm', quietZone: 4 });
    expect(svg).toContain('shape-rendering="crispEdges"');
    expect(svg).toContain('width="13.5mm"');
    expect(svg).toContain('viewBox="0 0 27 27"');
    const dark = new Set<string>();
    for (const [, x, y, run] of svg.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
      for (let i = 0; i < Number(run); i += 1) dark.add(`${Number(y) - 4},${Number(x) - 4 + i}`);
    }
    for (let row = 0; row < 19; row += 1) {
      for (let col = 0; col < 19; col += 1) {
        expect(dark.has(`${row},${col}`)).toBe(MATRIX[row * 19 + col] === '1');
      }
    }
  });

  it('rejects a bad matrix', () => {
    expect(() => gridFromMatrix(MATRIX.slice(1))).toThrow(/361/);
    expect(() => gridFromMatrix(`2${MATRIX.slice(1)}`)).toThrow(/361/);
  });
});

describe('QR code of the URL', () => {
  it.each(URLS)('%s decodes to exactly the URL, version 2 (25×25), in all three sizes', (url) => {
    expect(qrGridForUrl(url).size).toBe(25);
    const files = renderRecordFiles({ index: 7, code: '0436Z31$0', url }, parsePrintFormats('qr'));
    expect(files.map((f) => f.path)).toEqual([
      'qr-small/7.png',
      'qr-medium/7.png',
      'qr-large/7.png',
    ]);
    for (const [i, file] of files.entries()) {
      const png = decodePng(file.content);
      const pixels = Object.values(QR_MODULE_PIXELS)[i]!;
      expect(png.width).toBe((25 + 8) * pixels);
      const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
      expect(qr?.data).toBe(url);
      expect(qr?.version).toBe(2);
    }
  });

  it('refuses a URL outside the alphanumeric set instead of growing the symbol', () => {
    expect(() => qrGridForUrl('p.url.cn/0v/ixo*fwwylzlxuxgr')).toThrow(/2 版 Q 级/);
    expect(() => qrGridForUrl(`${URLS[0]}XX`)).toThrow(/2 版 Q 级/);
  });
});

describe('print files', () => {
  it('names one file per format and needs the matrix only for microcodes', () => {
    const record = { index: 42, code: '0436Z31$0', url: URLS[0]!, matrix: MATRIX };
    expect(
      renderRecordFiles(record, parsePrintFormats('svg,png,qr-large')).map((f) => f.path),
    ).toEqual(['microcode-svg/42.svg', 'microcode-png/42.png', 'qr-large/42.png']);
    expect(() => renderRecordFiles({ ...record, matrix: undefined }, ['svg'])).toThrow(/点阵/);
    expect(() => parsePrintFormats('svg,jpeg')).toThrow(/jpeg/);
  });

  it('zips files as a stream', async () => {
    const zip = createZipStream();
    const chunks: Buffer[] = [];
    zip.stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    for (let i = 0; i < 200; i += 1) {
      for (const file of renderRecordFiles({ index: i, code: '0436Z31$0', url: URLS[0]! }, [
        'qr-small',
      ])) {
        await zip.add(file);
      }
    }
    await zip.finalize();
    const bytes = Buffer.concat(chunks);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('504b0304');
    expect(bytes.includes(Buffer.from('qr-small/199.png'))).toBe(true);
  });
});

describe('CSV', () => {
  const records: CodeRecord[] = [
    { matrix: MATRIX, code: '0436Z31$0', index: 0, url: URLS[0]! },
    { matrix: MATRIX, code: 'A,B"C$0DE', index: 1, url: URLS[1]! },
  ];

  it('quotes only what needs it, CRLF rows, both column sets', () => {
    expect(csvField('A,B"C')).toBe('"A,B""C"');
    expect(csvHeader(DECRYPT_CSV_COLUMNS)).toBe('index,code,url,matrix\r\n');
    expect(csvRows(records, PRINT_CSV_COLUMNS)).toBe(
      `0,0436Z31$0,${URLS[0]}\r\n1,"A,B""C$0DE",${URLS[1]}\r\n`,
    );
  });

  it('the byte path writes what the string path writes', async () => {
    const text = encryptPackage(records.map(formatPackageLine).join('\n'), 'k'.repeat(16));
    const out: Buffer[] = [];
    for await (const batch of readPackageLines(text, 'k'.repeat(16)))
      out.push(decryptCsvBytes(batch));
    expect(Buffer.concat(out).toString('latin1')).toBe(csvRows(records, DECRYPT_CSV_COLUMNS));
  });

  it('reads back either column set and rejects damaged rows', async () => {
    const full = csvHeader(DECRYPT_CSV_COLUMNS) + csvRows(records, DECRYPT_CSV_COLUMNS);
    const read = [];
    for await (const r of readCsvRecords(Readable.from([full]))) read.push(r);
    expect(read).toEqual(records);
    const short =
      csvHeader(PRINT_CSV_COLUMNS) + csvRows(records, PRINT_CSV_COLUMNS).replace(/\r/g, '');
    const readShort = [];
    for await (const r of readCsvRecords(Readable.from([short]))) readShort.push(r);
    expect(readShort).toEqual(records.map(({ matrix: _, ...rest }) => rest));
    const bad = `index,code,url\n1,0436Z31$0,${URLS[0]!.slice(1)}\n`;
    await expect(async () => {
      for await (const _ of readCsvRecords(Readable.from([bad]))) void _;
    }).rejects.toThrow(/第 2 行.*网址/);
  });
});
