import { describe, expect, test } from 'vitest';
import {
  canShowOfficialAccount,
  classifyScan,
  describeScene,
  normalizeRawCode,
  queryParam,
  validateRawCode,
} from '../../miniprogram/pages/landing/scan-input';
import { maskOpenid } from '../../miniprogram/admin/utils/text';
import { maskOpenid as serverMask } from '../../cloudfunctions/core/domain/permissions';
import { formatDateTime } from '../../miniprogram/utils/time';

describe('raw code input', () => {
  test('accepts exactly 9 digits or Latin letters, keeping leading zeros and case', () => {
    expect(validateRawCode('012345678')).toBeNull();
    expect(validateRawCode('aB3dE6gH9')).toBeNull();
    // The code in WeChat's own package example carries a symbol.
    expect(validateRawCode('0436Z31$0')).toBeNull();
    expect(normalizeRawCode(' 012 345 678 ')).toBe('012345678');
  });

  test.each([
    ['', '请输入防伪码'],
    ['12345', '请输入 9 位防伪码（字母、数字或符号）'],
    ['1234567890', '请输入 9 位防伪码（字母、数字或符号）'],
    ['一二三四五六七八九', '请输入 9 位防伪码（字母、数字或符号）'],
  ])('rejects %j with %s', (code, message) => {
    expect(validateRawCode(code)).toBe(message);
  });
});

describe('scan results', () => {
  test('a path with code_ticket is a ticket, decoded', () => {
    expect(
      classifyScan({ result: 'x', path: 'pages/landing/index?from=a&code_ticket=ab%2Bcd' }),
    ).toEqual({
      kind: 'ticket',
      ticket: 'ab+cd',
    });
  });

  test('a bare 9-character result is a raw code; anything else is unknown', () => {
    expect(classifyScan({ result: '012345678' })).toEqual({ kind: 'code', code: '012345678' });
    expect(classifyScan({ result: 'https://example.com/', path: 'pages/other/index' })).toEqual({
      kind: 'unknown',
    });
    expect(classifyScan({})).toEqual({ kind: 'unknown' });
  });

  test('queryParam reads only the named parameter', () => {
    expect(queryParam('p?a=1&b=2', 'b')).toBe('2');
    expect(queryParam('p?a=1', 'b')).toBeUndefined();
    expect(queryParam('p', 'a')).toBeUndefined();
  });

  test('only scan scenes get a label', () => {
    expect(describeScene(1124)).toBe('微信扫一扫（一物一码）');
    expect(describeScene(1125)).toBe('长按识别（一物一码）');
    expect(describeScene(1126)).toBe('相册识别（一物一码）');
    expect(describeScene(1011)).toBe('微信扫一扫（二维码）');
    expect(describeScene(1047)).toBe('微信扫一扫（小程序码）');
    expect(describeScene(1001)).toBe('');
    expect(describeScene(undefined)).toBe('');
  });

  test('<official-account> renders for camera scans, and on a hot start after one', () => {
    for (const scene of [1011, 1017, 1025, 1047, 1124]) {
      expect(canShowOfficialAccount(scene, scene)).toBe(true);
    }
    // Long-press and album scans: WeChat answers binderror status 5.
    for (const scene of [1012, 1013, 1048, 1049, 1125, 1126]) {
      expect(canShowOfficialAccount(scene, scene)).toBe(false);
    }
    expect(canShowOfficialAccount(1001, 1124)).toBe(true);
    expect(canShowOfficialAccount(1089, 1047)).toBe(true);
    expect(canShowOfficialAccount(1001, 1125)).toBe(false);
    expect(canShowOfficialAccount(1001, 1001)).toBe(false);
    expect(canShowOfficialAccount(1007, 1124)).toBe(false);
    expect(canShowOfficialAccount(undefined, 1124)).toBe(false);
  });
});

describe('display helpers', () => {
  test('maskOpenid keeps the ends as the server masks them, so a user reads the same everywhere', () => {
    expect(maskOpenid('oMASH1234567890abcdefXYZ')).toBe('oMAS…fXYZ');
    expect(maskOpenid('o-demo-admin')).toBe('o-de…dmin');
    expect(maskOpenid('o-short')).toBe('o-…rt');
    expect(serverMask('oMASH1234567890abcdefXYZ')).toBe(maskOpenid('oMASH1234567890abcdefXYZ'));
    expect(serverMask('o-short')).toBe(maskOpenid('o-short'));
  });

  test('formatDateTime prints local minutes and a dash for bad input', () => {
    const local = new Date(2025, 2, 2, 17, 5);
    expect(formatDateTime(local.toISOString())).toBe('2025-03-02 17:05');
    expect(formatDateTime('not a date')).toBe('—');
    expect(formatDateTime(undefined)).toBe('—');
  });
});
