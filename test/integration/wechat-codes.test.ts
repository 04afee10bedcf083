/**
 * The simulator's code space (local/wechat/codes.ts): every printed form of a code inverts to its
 * global index, distinct indexes never share a code or URL, and package lines parse.
 */
import { describe, expect, it } from 'vitest';
import { parsePackageLine } from '../../cloudfunctions/core/wechat/marketcode/package';
import {
  CODE_ALPHABET,
  CODE_SPACE,
  codeOf,
  codeRecords,
  globalIndexOfCode,
  globalIndexOfUrl,
  matrixOf,
  packageText,
} from '../../local/wechat/codes';

describe('code space', () => {
  it('uses QR alphanumeric characters without the space, nine of them', () => {
    expect(CODE_ALPHABET).toHaveLength(44);
    expect(CODE_ALPHABET).not.toContain(' ');
    expect(CODE_SPACE).toBe(44 ** 9);
    expect(CODE_SPACE).toBeLessThan(Number.MAX_SAFE_INTEGER / 2);
  });

  it('inverts code and URL to the global index, at the edges and inside', () => {
    const samples = [0, 1, 2, 9_999, 10_000, 123_456_789, CODE_SPACE - 2, CODE_SPACE - 1];
    for (let i = 0; i < 200; i += 1) samples.push(Math.floor(Math.random() * CODE_SPACE));
    for (const x of samples) {
      const [record] = [...codeRecords(x, 7, 1)];
      expect(record!.code).toBe(codeOf(x));
      expect(globalIndexOfCode(record!.code)).toBe(x);
      expect(globalIndexOfUrl(record!.url)).toBe(x);
    }
  });

  it('steps across the end of the space exactly like a direct computation', () => {
    const start = CODE_SPACE - 5;
    const records = [...codeRecords(start, 0, 5)];
    records.forEach((record, i) => expect(record.code).toBe(codeOf(start + i)));
  });

  it('gives distinct codes and URLs to consecutive indexes, in lines the package parser reads', () => {
    const text = [...packageText(1_000_000, 0, 20_000, 3_000)].join('');
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(20_000);
    const records = lines.map((line, i) => parsePackageLine(line, i + 1));
    expect(records.map((record) => record.index)).toEqual(records.map((_, i) => i));
    expect(new Set(records.map((record) => record.code)).size).toBe(20_000);
    expect(new Set(records.map((record) => record.url)).size).toBe(20_000);
  });

  it('refuses strings that are not codes of this space', () => {
    expect(globalIndexOfCode('abcdefghi')).toBeUndefined();
    expect(globalIndexOfCode('12345678')).toBeUndefined();
    const url = codeRecords(42, 0, 1).next().value!.url;
    const altered = url.slice(0, -1) + (url.endsWith('0') ? '1' : '0');
    expect(globalIndexOfUrl(altered)).toBeUndefined();
    expect(globalIndexOfUrl('https://example.com/abcdefghi')).toBeUndefined();
  });

  it('draws a deterministic matrix with three finder squares', () => {
    const matrix = matrixOf(987_654_321);
    expect(matrix).toMatch(/^[01]{361}$/);
    expect(matrixOf(987_654_321)).toBe(matrix);
    expect(matrixOf(987_654_322)).not.toBe(matrix);
    const row = (r: number) => matrix.slice(r * 19, r * 19 + 19);
    expect(row(0).slice(0, 7)).toBe('1111111');
    expect(row(0).slice(12)).toBe('1111111');
    expect(row(3).slice(0, 7)).toBe('1011101');
    expect(row(18).slice(0, 7)).toBe('1111111');
  });
});
