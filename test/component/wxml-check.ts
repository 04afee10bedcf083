/**
 * Offline WXML/WXS syntax check with the official compiler (wcc, shipped inside the
 * miniprogram-compiler npm package). DevTools and miniprogram-ci only report a broken template when
 * a page is opened, so this is what catches one in CI. wcc stops at the first error and reports it
 * as `file:line:col: message`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

interface WxmlCompiler {
  wxmlToJs(
    rootPath: string,
    options: { wxmlList: string[]; wxsList: string[]; maxBuffer?: number },
  ): string;
}

const { wxmlToJs } = createRequire(import.meta.url)('miniprogram-compiler') as WxmlCompiler;

/** Build output that is not ours to check (vant is checked by its own release). */
const SKIPPED_DIRS = new Set(['miniprogram_npm', 'node_modules']);

/** Every `.wxml` and `.wxs` under `root`, as root-relative POSIX paths (what wcc expects). */
export function listTemplates(root: string): { wxml: string[]; wxs: string[] } {
  const wxml: string[] = [];
  const wxs: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path.join(dir, entry.name));
        continue;
      }
      const relative = path.relative(root, path.join(dir, entry.name)).split(path.sep).join('/');
      if (entry.name.endsWith('.wxml')) wxml.push(relative);
      else if (entry.name.endsWith('.wxs')) wxs.push(relative);
    }
  };
  walk(root);
  return { wxml: wxml.sort(), wxs: wxs.sort() };
}

export class TemplateCompileError extends Error {
  constructor(readonly location: string) {
    super(`WXML/WXS 编译失败：${location}`);
    this.name = 'TemplateCompileError';
  }
}

/** Compiles every template under `root` in one wcc run; throws TemplateCompileError on the first error. */
export function checkTemplates(root: string): { wxml: string[]; wxs: string[] } {
  const files = listTemplates(root);
  if (files.wxml.length === 0 && files.wxs.length === 0) return files;
  try {
    wxmlToJs(root, { wxmlList: files.wxml, wxsList: files.wxs, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    // miniprogram-compiler wraps wcc's stderr after a fixed Chinese prefix; keep only wcc's words.
    const message = String((err as Error).message ?? err)
      .replace(/^编译 \.wxml 文件错误：/, '')
      .trim();
    throw new TemplateCompileError(message);
  }
  return files;
}
