/**
 * The web preview's build without a browser: WXSS for the 375 px screen, URL resolution of
 * navigateTo, re-applying a bound value setData touched, and a build of the real Mini Program
 * (every page reachable, every component found).
 * The browser itself is test/browser's.
 */
import { describe, expect, it } from 'vitest';
import { previewBuild } from '../../local/preview/build';
import {
  CLASS_PREFIX_TOKEN as P,
  HOST_TOKEN,
  resolveUrl,
  scaleRpx,
} from '../../local/preview/protocol';
import { rebindValues, type DataChange, type VirtualNode } from '../../local/preview/rebind';
import { transformWxss } from '../../local/preview/wxss';

describe('preview WXSS', () => {
  it('scales rpx to a 375 px screen, never below 1 px when non-zero', () => {
    expect(scaleRpx('padding: 32rpx 24rpx; margin: -8rpx')).toBe(
      'padding: 16px 12px; margin: -4px',
    );
    expect(scaleRpx('border: 1rpx solid; width: 0rpx; height: 0.5rpx')).toBe(
      'border: 1px solid; width: 0px; height: 1px',
    );
    expect(scaleRpx('font-size: 28rpx; line-height: 1.5')).toBe(
      'font-size: 14px; line-height: 1.5',
    );
  });

  it('maps built-in tags and page, prefixes classes like simulate, and leaves keyframes alone', () => {
    const css = transformWxss(
      'page{color:red}view .a>image,.b.c:after{width:750rpx}:host{display:block}' +
        '@keyframes spin{from{opacity:0}to{opacity:1}}.x-view{top:.5px}',
      { root: '/' },
    );
    expect(css).toContain('body{color:red}');
    expect(css).toContain(`wx-view .${P}--a>wx-image,.${P}--b.${P}--c:after{width:375px}`);
    expect(css).toContain(`${HOST_TOKEN}{display:block}`);
    expect(css).toContain('@keyframes spin{from{opacity:0}to{opacity:1}}');
    expect(css).toContain(`.${P}--x-view{top:.5px}`);
  });
});

describe('preview navigation URLs', () => {
  it('resolves relative and absolute page paths with their query', () => {
    expect(
      resolveUrl('pages/landing/index', '/admin/pages/home/index?tab=codes&x=%E7%A0%81'),
    ).toEqual({ route: 'admin/pages/home/index', query: { tab: 'codes', x: '码' } });
    expect(resolveUrl('admin/pages/home/index', '../codes/index')).toEqual({
      route: 'admin/pages/codes/index',
      query: {},
    });
  });
});

describe('preview build of the Mini Program', () => {
  it('reaches every page of app.json and every component they use, with templates and code', async () => {
    const build = await previewBuild();
    expect(build.warnings).toEqual([]);
    const paths = build.app.components.map((component) => component.path);
    for (const page of build.app.pages) expect(paths).toContain(`/${page}`);
    expect(paths).toContain('/miniprogram_npm/@vant/weapp/button/index');
    // usingComponents are root-absolute, as simulate resolves them in a browser.
    const landing = build.app.components.find((c) => c.path === '/pages/landing/index');
    const using = JSON.parse(landing!.json).usingComponents as Record<string, string>;
    for (const target of Object.values(using)) expect(target.startsWith('/')).toBe(true);

    const templates = String(build.assets.get('templates.js')?.body);
    expect(templates).toContain('$gwx');
    const code = String(build.assets.get('miniprogram.js')?.body);
    expect(code).toContain('"/pages/landing/index"');
    // vant's icon font comes from the stack, not a CDN the preview cannot reach.
    expect(build.assets.has('vant-icon.woff2')).toBe(true);
    expect(landing!.wxss + build.app.components.map((c) => c.wxss).join('')).not.toMatch(
      /alicdn\.com[^)]*woff2/,
    );

    // Unchanged sources: the same build, not another one.
    expect(await previewBuild()).toBe(build);
  });
});

describe('preview re-render of a bound value', () => {
  /** vant's field: `<input value="{{innerValue}}"/>` and a clear icon shown by `showClear`. */
  const field = (data: Record<string, unknown>): VirtualNode => {
    const node = (tagName: string, attrs: VirtualNode['attrs'], children: VirtualNode[] = []) => ({
      type: 17,
      tagName,
      componentId: tagName,
      attrs,
      children,
    });
    const icons = data.showClear ? [node('van-icon', [{ name: 'name', value: 'clear' }])] : [];
    return node(
      'shadow',
      [],
      [...icons, node('input', [{ name: 'value', value: data.innerValue }])],
    );
  };

  /** The field rendered after a setData, its input showing `shown` (what the user typed). */
  function rerender(data: Record<string, unknown>, changes: DataChange[], shown: string) {
    const tree = field(data);
    const input = tree.children[tree.children.length - 1];
    const element = { value: shown };
    input.exparserNode = element;
    rebindValues(tree, changes, data, {
      generate: field,
      current: (node) => (node === element ? { value: element.value } : undefined),
      apply: (_node, value) => {
        element.value = String(value);
      },
    });
    return element.value;
  }

  it('applies a value setData set again to what the page rendered last, as WeChat does', () => {
    // Typed 门店新客; the page clears it: vant sets innerValue '' again, '' as rendered before.
    expect(rerender({ innerValue: '', showClear: false }, [[['innerValue'], '']], '门店新客')).toBe(
      '',
    );
    // A path under an object the binding reads counts too.
    const nested = (data: Record<string, unknown>) =>
      field({ innerValue: (data.draft as { tag: string }).tag });
    const tree = nested({ draft: { tag: '' } });
    const element = { value: '门店' };
    tree.children[0].exparserNode = element;
    rebindValues(
      tree,
      [[['draft', 'tag'], '']],
      { draft: { tag: '' } },
      {
        generate: nested,
        current: () => ({ value: element.value }),
        apply: (_node, value) => {
          element.value = String(value);
        },
      },
    );
    expect(element.value).toBe('');
  });

  it('keeps what the user typed when setData touched other data', () => {
    // While typing, vant re-renders for its clear icon and its own value, never innerValue.
    const data = { innerValue: '', showClear: true, value: '门店' };
    expect(rerender(data, [[['showClear'], true]], '门店')).toBe('门店');
    expect(rerender(data, [[['value'], '门店']], '门店')).toBe('门店');
  });

  /** A virtual node; `key` as `wx:key` gives it. */
  const vnode = (
    tagName: string,
    attrs: VirtualNode['attrs'],
    children: VirtualNode[] = [],
    key?: string,
  ): VirtualNode => ({ type: 17, tagName, componentId: tagName, key, attrs, children });

  /** A fake form control showing `shown`; what rebindValues applies lands in `shown`. */
  function control(shown: string) {
    const element = { shown };
    return {
      element,
      runtime: (generate: (data: Record<string, unknown>) => VirtualNode) => ({
        generate,
        current: (node: unknown) => (node === element ? { value: element.shown } : undefined),
        apply: (_node: unknown, value: unknown) => {
          element.shown = String(value);
        },
      }),
    };
  }

  /** vant's field as its template is: the textarea while `type === 'textarea'`, else an input. */
  const vantField = (data: Record<string, unknown>): VirtualNode =>
    vnode(
      'shadow',
      [],
      [
        vnode(
          'view',
          [{ name: 'class', value: `van-field__body--${String(data.type)}` }],
          [
            data.type === 'textarea'
              ? vnode('textarea', [{ name: 'value', value: data.innerValue }])
              : vnode('input', [{ name: 'value', value: data.innerValue }]),
          ],
        ),
        ...(data.errorMessage ? [vnode('label', [], [])] : []),
      ],
    );

  function rerenderField(data: Record<string, unknown>, changes: DataChange[], shown: string) {
    const tree = vantField(data);
    const { element, runtime } = control(shown);
    tree.children[0].children[0].exparserNode = element;
    rebindValues(tree, changes, data, runtime(vantField));
    return element.shown;
  }

  it('keeps the typed text when a parent sets the field again, `type` (its wx:if) included', () => {
    // 新建渠道码: typed reply 1, added reply 2; the list re-renders and reply 1's van-field gets
    // type, placeholder, error message and value again, innerValue untouched.
    const data = {
      type: 'textarea',
      innerValue: '',
      value: '欢迎关注',
      placeholder: '回复文字',
      errorMessage: '',
      autosize: true,
    };
    const touched: DataChange[] = [
      [['autosize'], true],
      [['errorMessage'], ''],
      [['placeholder'], '回复文字'],
      [['type'], 'textarea'],
      [['value'], '欢迎关注'],
    ];
    expect(rerenderField(data, touched, '欢迎关注')).toBe('欢迎关注');
  });

  it('clears the field when innerValue is set again in the same setData as its wx:if data', () => {
    const data = { type: 'textarea', innerValue: '', value: '' };
    const touched: DataChange[] = [
      [['type'], 'textarea'],
      [['innerValue'], ''],
    ];
    expect(rerenderField(data, touched, '欢迎关注')).toBe('');
  });

  it('applies a list item bound to a replaced keyed list, and keeps one bound elsewhere', () => {
    // <view wx:for="{{rows}}" wx:key="key"><input wx:if="{{item.kind === 'text'}}"
    //   value="{{item.text}}"/></view><input value="{{note}}"/>
    type Row = { key: string; kind: string; text: string };
    const page = (data: Record<string, unknown>): VirtualNode =>
      vnode(
        'shadow',
        [],
        [
          ...(data.rows as Row[]).map((row) =>
            vnode(
              'view',
              [],
              row.kind === 'text' ? [vnode('input', [{ name: 'value', value: row.text }])] : [],
              row.key,
            ),
          ),
          vnode('input', [{ name: 'value', value: data.note }]),
        ],
      );
    const rows: Row[] = [
      { key: 'r1', kind: 'text', text: '' },
      { key: 'r2', kind: 'image', text: '' },
    ];
    const data = { rows, note: '' };
    const tree = page(data);
    const typedRow = control('第一条');
    const typedNote = control('备注');
    tree.children[0].children[0].exparserNode = typedRow.element;
    tree.children[2].exparserNode = typedNote.element;
    const runtime = {
      generate: page,
      current: (node: unknown) =>
        node === typedRow.element
          ? { value: typedRow.element.shown }
          : node === typedNote.element
            ? { value: typedNote.element.shown }
            : undefined,
      apply: (node: unknown, value: unknown) => {
        (node as { shown: string }).shown = String(value);
      },
    };
    // The page sets the whole list again: WeChat re-applies item.text ('') to the row's input.
    rebindValues(tree, [[['rows'], rows]], data, runtime);
    expect(typedRow.element.shown).toBe('');
    expect(typedNote.element.shown).toBe('备注');
  });
});
