/**
 * WXSS → browser CSS for the preview, done once per build on the server:
 *
 * - `@import` inlined (simulate's browser loader would otherwise fetch each file by path);
 * - `rpx` scaled for the 375 px phone (simulate converts 1 rpx to 1 px, twice too big);
 * - tag selectors of built-in components (`view`, `image`, …) mapped to the `wx-*` elements
 *   j-component renders, and `page` to the page document's `body`;
 * - class selectors and `:host` given placeholders for the prefix simulate assigns per component
 *   (the same rewrite as simulate's own postcss plugin, finished in the browser).
 */
import fs from 'node:fs';
import path from 'node:path';
import postcss, { type Rule } from 'postcss';
import { CLASS_PREFIX_TOKEN, HOST_TOKEN, scaleRpx } from './protocol';

/** Built-in components that templates may style by tag (miniprogram-simulate's list). */
const BUILTIN_TAGS = [
  'cover-image',
  'cover-view',
  'movable-area',
  'movable-view',
  'scroll-view',
  'swiper-item',
  'swiper',
  'view',
  'icon',
  'progress',
  'rich-text',
  'text',
  'button',
  'checkbox-group',
  'checkbox',
  'editor',
  'form',
  'input',
  'label',
  'picker-view-column',
  'picker-view',
  'picker',
  'radio-group',
  'radio',
  'slider',
  'switch',
  'textarea',
  'navigator',
  'audio',
  'camera',
  'image',
  'video',
  'map',
  'canvas',
  'web-view',
  'official-account',
  'open-data',
  'block',
];

// A tag at the start of a compound selector: after the start, a combinator, `(` or `,`, and not
// followed by more name characters (so `.view-x` and `wx-view` are left alone).
const TAG_PATTERN = new RegExp(
  `(^|[\\s>+~(,])(${[...BUILTIN_TAGS, 'page'].join('|')})(?![-\\w])`,
  'g',
);

function rewriteSelector(selector: string, pageSelector: string): string {
  return (
    selector
      .replace(/:host\b/g, HOST_TOKEN)
      .replace(TAG_PATTERN, (_all, before: string, tag: string) =>
        tag === 'page' ? `${before}${pageSelector}` : `${before}wx-${tag}`,
      )
      // Exactly simulate's class rewrite (src/wxss.js): `.name` → `.<prefix>--name`, except
      // after a digit (a number like `.5`, not a class).
      .replace(/(.)?\.([-_a-zA-Z0-9]+)/gs, (all, before: string | undefined, name: string) =>
        before !== undefined && /\d/.test(before)
          ? all
          : `${before ?? ''}.${CLASS_PREFIX_TOKEN}--${name}`,
      )
  );
}

function insideKeyframes(rule: Rule): boolean {
  const parent = rule.parent;
  return parent?.type === 'atrule' && /keyframes$/i.test((parent as { name: string }).name);
}

export interface WxssOptions {
  /** The Mini Program root, for root-absolute imports. */
  root: string;
  /** What `page` becomes: `body` of the page document. */
  pageSelector?: string;
  /** URL rewrites for assets the preview serves itself (the vant icon font). */
  urls?: Record<string, string>;
}

/** Reads a WXSS file with its imports inlined (each file once, as WeChat does). */
export function readWxss(file: string, root: string, seen = new Set<string>()): string {
  if (seen.has(file) || !fs.existsSync(file)) return '';
  seen.add(file);
  const source = fs.readFileSync(file, 'utf8');
  return source.replace(
    /@import\s+(?:"([^"]+)"|'([^']+)')\s*;/g,
    (_all, a?: string, b?: string) => {
      const target = (a ?? b) as string;
      const resolved = target.startsWith('/')
        ? path.join(root, target)
        : path.resolve(path.dirname(file), target);
      return readWxss(resolved, root, seen);
    },
  );
}

export function transformWxss(source: string, options: WxssOptions): string {
  const pageSelector = options.pageSelector ?? 'body';
  const root = postcss.parse(source);
  root.walkRules((rule) => {
    if (insideKeyframes(rule)) return;
    rule.selectors = rule.selectors.map((selector) => rewriteSelector(selector, pageSelector));
  });
  root.walkDecls((decl) => {
    let value = scaleRpx(decl.value);
    for (const [from, to] of Object.entries(options.urls ?? {})) value = value.split(from).join(to);
    decl.value = value;
  });
  root.walkAtRules((rule) => {
    rule.params = scaleRpx(rule.params);
  });
  return root.toString();
}
