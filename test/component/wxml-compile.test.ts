import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { MINIPROGRAM_ROOT } from './harness';
import { checkTemplates, TemplateCompileError } from './wxml-check';

describe('WXML/WXS compile check', () => {
  test('every template under miniprogram/ compiles with the official wcc', () => {
    const files = checkTemplates(MINIPROGRAM_ROOT);
    // Guards the walk itself: a checker that finds nothing passes everything.
    expect(files.wxml).toEqual(
      expect.arrayContaining(['pages/landing/index.wxml', 'admin/pages/home/index.wxml']),
    );
    expect(files.wxml.some((file) => file.startsWith('miniprogram_npm/'))).toBe(false);
  });

  describe('on broken input', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mashang-wxml-'));
    afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

    function project(name: string, files: Record<string, string>): string {
      const root = path.join(scratch, name);
      for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), content);
      }
      return root;
    }

    test('passes a well-formed page and its wxs module', () => {
      const root = project('ok', {
        'pages/ok/index.wxml':
          '<wxs module="fmt" src="./fmt.wxs" />\n<view>{{fmt.upper(name)}}</view>\n',
        'pages/ok/fmt.wxs':
          'module.exports = { upper: function (s) { return s.toUpperCase(); } };\n',
      });
      expect(checkTemplates(root).wxs).toEqual(['pages/ok/fmt.wxs']);
    });

    test('reports an unclosed tag with file:line:col', () => {
      const root = project('unclosed', {
        'pages/ok/index.wxml': '<view>fine</view>\n',
        'pages/broken/index.wxml':
          '<view>\n  <text>{{title}}</text>\n  <view class="row">\n</view>\n',
      });
      expect(() => checkTemplates(root)).toThrow(TemplateCompileError);
      expect(() => checkTemplates(root)).toThrow(/pages\/broken\/index\.wxml:\d+:\d+/);
    });

    test('reports a syntax error in a .wxs file', () => {
      const root = project('wxs', {
        'pages/ok/index.wxml': '<view>fine</view>\n',
        'utils/broken.wxs': 'var total = ;\nmodule.exports = { total: total };\n',
      });
      expect(() => checkTemplates(root)).toThrow(/utils\/broken\.wxs:1:\d+/);
    });
  });
});
