/**
 * Built-in components that need more than miniprogram-simulate's empty `<slot/>` stand-ins to be
 * usable in a browser. simulate registers every built-in tag once, as it loads; the build patches
 * that registration to merge these definitions in (see client-bundle.ts), so this module must run
 * before simulate is imported.
 *
 * - `image`: a real `<img>` (mode → object-fit; `widthFix` keeps the aspect ratio), load/error events;
 * - `input`, `textarea`, `picker`: the form fields, in form-fields.ts;
 * - `swiper`: a scroll-snapping strip that reports `change`;
 * - `official-account`: WeChat draws the follow card itself and only inside WeChat, so the preview
 *   draws a stand-in card with the Official Account's name and reports `load` like the real one;
 * - `canvas`: a real `<canvas>` filling the tag; `type="2d"`/`"webgl"` hand it out as the node of
 *   `SelectorQuery.fields({ node: true })` (client-bundle.ts patches j-component's query to ask
 *   here).
 */
import { hostOf, type BuiltinDefinition, type BuiltinThis } from './builtin-host';
import { input, picker, textarea } from './form-fields';

const OBJECT_FIT: Record<string, string> = {
  scaleToFill: 'fill',
  aspectFit: 'contain',
  aspectFill: 'cover',
  widthFix: 'fill',
  heightFix: 'fill',
};

function renderImage(this: BuiltinThis): void {
  const host = hostOf(this);
  if (!host) return;
  let img = this.__native as HTMLImageElement | undefined;
  if (!img) {
    img = document.createElement('img');
    img.className = 'wx-image__native';
    img.draggable = false;
    img.addEventListener('load', () =>
      this.triggerEvent('load', { width: img?.naturalWidth, height: img?.naturalHeight }),
    );
    img.addEventListener('error', () => {
      host.classList.add('wx-image--broken');
      this.triggerEvent('error', { errMsg: `GET ${img?.src} 404 (Not Found)` });
    });
    host.appendChild(img);
    this.__native = img;
  }
  const mode = String(this.data.mode || 'scaleToFill');
  host.dataset.mode = mode;
  host.classList.remove('wx-image--broken');
  img.style.objectFit = OBJECT_FIT[mode] ?? 'none';
  const src = String(this.data.src ?? '');
  if (src) img.src = src;
  else img.removeAttribute('src');
}

const image: BuiltinDefinition = {
  properties: {
    src: { type: String, value: '', observer: 'render' },
    mode: { type: String, value: 'scaleToFill', observer: 'render' },
    lazyLoad: { type: Boolean, value: false },
    showMenuByLongpress: { type: Boolean, value: false },
    webp: { type: Boolean, value: false },
  },
  lifetimes: {
    attached(this: BuiltinThis) {
      renderImage.call(this);
    },
  },
  methods: {
    render(this: BuiltinThis) {
      renderImage.call(this);
    },
  },
};
/**
 * `swiper`: its items side by side in a horizontally scrolling, snapping strip (page.css); a
 * settled scroll reports `change` as a swipe would, and `current` scrolls to its item.
 */
function scrollSwiper(this: BuiltinThis): void {
  const host = hostOf(this);
  if (!host) return;
  const index = Number(this.data.current ?? 0);
  if (Math.round(host.scrollLeft / Math.max(1, host.clientWidth)) !== index)
    host.scrollTo({ left: index * host.clientWidth });
}

const swiper: BuiltinDefinition = {
  properties: {
    current: { type: Number, value: 0, observer: 'scrollToCurrent' },
    circular: { type: Boolean, value: false },
    autoplay: { type: Boolean, value: false },
    interval: { type: Number, value: 5000 },
    duration: { type: Number, value: 500 },
    indicatorDots: { type: Boolean, value: false },
    vertical: { type: Boolean, value: false },
  },
  lifetimes: {
    attached(this: BuiltinThis) {
      const host = hostOf(this);
      if (!host) return;
      host.addEventListener('scrollend', () => {
        const current = Math.round(host.scrollLeft / Math.max(1, host.clientWidth));
        if (current === Number(this.data.current)) return;
        this.data.current = current;
        this.triggerEvent('change', { current, currentItemId: '', source: 'touch' });
      });
      requestAnimationFrame(() => scrollSwiper.call(this));
    },
  },
  methods: {
    scrollToCurrent(this: BuiltinThis) {
      scrollSwiper.call(this);
    },
  },
};

/** The Official Account name the stand-in shows: the demo's, from the device. */
function officialAccountName(): string {
  return window.parent.__mashangDevice?.demo()?.officialAccountName ?? '品牌公众号';
}

const officialAccount: BuiltinDefinition = {
  // j-component compiles this string template itself; inline styles keep it free of any prefix.
  template: `<view class="wx-official-account__card" style="display:flex;align-items:center;padding:12px;background:#fff;border:1px solid #ebedf0;border-radius:8px;">
  <view style="flex:none;width:40px;height:40px;border-radius:50%;background:#07c160;color:#fff;display:flex;align-items:center;justify-content:center;font-size:18px;">公</view>
  <view style="flex:1;margin:0 12px;min-width:0;">
    <view style="font-size:15px;font-weight:600;color:#191919;">{{name}}</view>
    <view style="font-size:12px;color:#999;">关注公众号 · 预览替身（真机由微信绘制）</view>
  </view>
  <view bindtap="onFollow" style="flex:none;padding:4px 14px;border-radius:4px;background:#07c160;color:#fff;font-size:14px;">关注</view>
</view>`,
  data: { name: '' },
  lifetimes: {
    attached(this: BuiltinThis) {
      this.setData({ name: officialAccountName() });
      // The real component reports whether it could show itself; the stand-in always can.
      setTimeout(() => this.triggerEvent('load', { status: 0, errMsg: 'ok' }));
    },
  },
  methods: {
    onFollow() {
      wx.showToast({ title: '预览中无法关注，真机上会弹出关注', icon: 'none' });
    },
  },
};

/**
 * `canvas`: a native `<canvas>` the size of the tag (its WXSS width and height), on which the page
 * draws as on a phone: it sets the node's width/height to CSS size × pixelRatio and draws.
 */
const canvas: BuiltinDefinition = {
  properties: {
    type: { type: String, value: '' },
    canvasId: { type: String, value: '' },
    disableScroll: { type: Boolean, value: false },
  },
  lifetimes: {
    attached(this: BuiltinThis) {
      const host = hostOf(this);
      if (!host || this.__native) return;
      const native = document.createElement('canvas');
      native.className = 'wx-canvas__native';
      host.appendChild(native);
      this.__native = native;
    },
  },
};

/** The part of WeChat's Canvas node (`<canvas type="2d">`) beyond what HTMLCanvasElement has. */
type CanvasNode = HTMLCanvasElement & {
  createImage(): HTMLImageElement;
  requestAnimationFrame(callback: FrameRequestCallback): number;
  cancelAnimationFrame(id: number): void;
};

/**
 * The node `fields({ node: true })` reports for an element of a page: a `<canvas type="2d">` or
 * `"webgl"`'s canvas, as WeChat's Canvas node; null for anything else (WeChat gives other tags,
 * e.g. scroll-view, nodes the preview has no use for yet).
 */
function nodeOf(element: { $$?: HTMLElement; data?: Record<string, unknown> }): unknown {
  const type = String(element.data?.type ?? '');
  const native = element.$$?.querySelector(':scope > canvas.wx-canvas__native');
  if (!(native instanceof HTMLCanvasElement) || (type !== '2d' && type !== 'webgl')) return null;
  const node = native as CanvasNode;
  const view = native.ownerDocument.defaultView ?? window;
  node.createImage ??= () => new view.Image();
  node.requestAnimationFrame ??= (callback) => view.requestAnimationFrame(callback);
  node.cancelAnimationFrame ??= (id) => view.cancelAnimationFrame(id);
  return node;
}

(globalThis as { __mashangNodeOf?: typeof nodeOf }).__mashangNodeOf = nodeOf;

(globalThis as { __mashangBuiltins?: Record<string, BuiltinDefinition> }).__mashangBuiltins = {
  image,
  input,
  textarea,
  swiper,
  canvas,
  picker,
  'official-account': officialAccount,
};
