/**
 * Built-in components that need more than miniprogram-simulate's empty `<slot/>` stand-ins to be
 * usable in a browser. simulate registers every built-in tag once, as it loads; the build patches
 * that registration to merge these definitions in (see build.ts), so this module must run before
 * simulate is imported.
 *
 * - `image`: a real `<img>` (mode → object-fit; `widthFix` keeps the aspect ratio), load/error events;
 * - `input`: a real `<input>` that emits WeChat's input/focus/blur/confirm events;
 * - `textarea`: a real `<textarea>` with the same input/focus/blur events (vant's textarea field);
 * - `swiper`: a scroll-snapping strip that reports `change`;
 * - `official-account`: WeChat draws the follow card itself and only inside WeChat, so the preview
 *   draws a stand-in card with the Official Account's name and reports `load` like the real one;
 * - `picker`: a tap on its content opens the phone's bottom sheet (shell.ts showPicker) and reports
 *   `change` with WeChat's `detail.value` (selector: the index; multiSelector: the indexes; date:
 *   `YYYY-MM-DD`, or `YYYY-MM` / `YYYY` by `fields`; time: `hh:mm`), `columnchange`, or `cancel`;
 * - `canvas`: a real `<canvas>` filling the tag; `type="2d"`/`"webgl"` hand it out as the node of
 *   `SelectorQuery.fields({ node: true })` (build.ts patches j-component's query to ask here).
 */

interface BuiltinThis {
  _exparserNode: { $$: HTMLElement };
  data: Record<string, unknown>;
  setData(data: Record<string, unknown>): void;
  triggerEvent(name: string, detail?: unknown): void;
  __native?: HTMLImageElement | HTMLInputElement | HTMLCanvasElement;
}

type BuiltinDefinition = Record<string, unknown>;

function hostOf(component: BuiltinThis): HTMLElement {
  return component._exparserNode.$$;
}

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

function syncInput(this: BuiltinThis): void {
  const host = hostOf(this);
  if (!host) return;
  let input = this.__native as HTMLInputElement | undefined;
  if (!input) {
    const native = document.createElement('input');
    native.className = 'wx-input__native';
    native.addEventListener('input', () => {
      this.data.value = native.value;
      this.triggerEvent('input', {
        value: native.value,
        cursor: native.selectionStart ?? native.value.length,
        keyCode: 0,
      });
    });
    native.addEventListener('focus', () =>
      this.triggerEvent('focus', { value: native.value, height: 0 }),
    );
    native.addEventListener('blur', () => this.triggerEvent('blur', { value: native.value }));
    native.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.triggerEvent('confirm', { value: native.value });
    });
    host.appendChild(native);
    this.__native = input = native;
  }
  const value = String(this.data.value ?? '');
  if (input.value !== value) input.value = value;
  const type = String(this.data.type ?? 'text');
  input.type = this.data.password ? 'password' : 'text';
  input.inputMode = type === 'number' ? 'numeric' : type === 'digit' ? 'decimal' : 'text';
  input.placeholder = String(this.data.placeholder ?? '');
  input.disabled = this.data.disabled === true;
  const maxlength = Number(this.data.maxlength ?? 140);
  if (maxlength >= 0) input.maxLength = maxlength;
  else input.removeAttribute('maxlength');
  if (this.data.focus === true) setTimeout(() => input?.focus());
}

const inputProperty = (type: unknown, value: unknown) => ({ type, value, observer: 'sync' });

const input: BuiltinDefinition = {
  behaviors: ['wx://form-field'],
  properties: {
    value: inputProperty(String, ''),
    type: inputProperty(String, 'text'),
    password: inputProperty(Boolean, false),
    placeholder: inputProperty(String, ''),
    placeholderClass: inputProperty(String, ''),
    placeholderStyle: inputProperty(String, ''),
    disabled: inputProperty(Boolean, false),
    maxlength: inputProperty(Number, 140),
    focus: inputProperty(Boolean, false),
    confirmType: inputProperty(String, 'done'),
    cursorSpacing: { type: Number, value: 0 },
    alwaysEmbed: { type: Boolean, value: false },
    adjustPosition: { type: Boolean, value: true },
    holdKeyboard: { type: Boolean, value: false },
    autoFocus: { type: Boolean, value: false },
    cursor: { type: Number, value: -1 },
    selectionStart: { type: Number, value: -1 },
    selectionEnd: { type: Number, value: -1 },
  },
  lifetimes: {
    attached(this: BuiltinThis) {
      syncInput.call(this);
    },
  },
  methods: {
    sync(this: BuiltinThis) {
      syncInput.call(this);
    },
  },
};

/** `auto-height`: the box grows with its lines, as WeChat's does. */
function fitTextarea(area: HTMLTextAreaElement, autoHeight: boolean): void {
  if (!autoHeight) return;
  area.style.height = 'auto';
  area.style.height = `${area.scrollHeight}px`;
}

function syncTextarea(this: BuiltinThis & { __textarea?: HTMLTextAreaElement }): void {
  const host = hostOf(this);
  if (!host) return;
  let area = this.__textarea;
  if (!area) {
    const native = document.createElement('textarea');
    native.className = 'wx-textarea__native';
    native.addEventListener('input', () => {
      this.data.value = native.value;
      fitTextarea(native, this.data.autoHeight === true);
      this.triggerEvent('input', {
        value: native.value,
        cursor: native.selectionStart ?? native.value.length,
        keyCode: 0,
      });
    });
    native.addEventListener('focus', () =>
      this.triggerEvent('focus', { value: native.value, height: 0 }),
    );
    native.addEventListener('blur', () =>
      this.triggerEvent('blur', { value: native.value, cursor: native.selectionStart ?? 0 }),
    );
    host.appendChild(native);
    this.__textarea = area = native;
  }
  const value = String(this.data.value ?? '');
  if (area.value !== value) area.value = value;
  fitTextarea(area, this.data.autoHeight === true);
  area.placeholder = String(this.data.placeholder ?? '');
  area.disabled = this.data.disabled === true;
  const maxlength = Number(this.data.maxlength ?? 140);
  if (maxlength >= 0) area.maxLength = maxlength;
  else area.removeAttribute('maxlength');
  if (this.data.focus === true) setTimeout(() => area?.focus());
}

const textareaProperty = (type: unknown, value: unknown) => ({ type, value, observer: 'sync' });

const textarea: BuiltinDefinition = {
  behaviors: ['wx://form-field'],
  properties: {
    value: textareaProperty(String, ''),
    placeholder: textareaProperty(String, ''),
    placeholderClass: textareaProperty(String, ''),
    placeholderStyle: textareaProperty(String, ''),
    disabled: textareaProperty(Boolean, false),
    maxlength: textareaProperty(Number, 140),
    focus: textareaProperty(Boolean, false),
    autoHeight: textareaProperty(Boolean, false),
    fixed: { type: Boolean, value: false },
    cursorSpacing: { type: Number, value: 0 },
    cursor: { type: Number, value: -1 },
    showConfirmBar: { type: Boolean, value: true },
    adjustPosition: { type: Boolean, value: true },
    holdKeyboard: { type: Boolean, value: false },
    disableDefaultPadding: { type: Boolean, value: false },
    confirmType: { type: String, value: 'return' },
  },
  lifetimes: {
    attached(this: BuiltinThis) {
      syncTextarea.call(this);
    },
  },
  methods: {
    sync(this: BuiltinThis) {
      syncTextarea.call(this);
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

const pad2 = (value: number): string => String(value).padStart(2, '0');

/** What an unset date or time picker starts on: now, as WeChat's wheel does. */
function pickerDefault(mode: 'date' | 'time', fields: string): string {
  const now = new Date();
  if (mode === 'time') return `${pad2(now.getHours())}:${pad2(now.getMinutes())}`;
  const day = `${now.getFullYear()}-${pad2(now.getMonth() + 1)}-${pad2(now.getDate())}`;
  return fields === 'year' ? day.slice(0, 4) : fields === 'month' ? day.slice(0, 7) : day;
}

/** A `range` item's text: `rangeKey` names the field of an object item. */
function pickerLabel(item: unknown, rangeKey: string): string {
  if (item !== null && typeof item === 'object' && rangeKey) {
    return String((item as Record<string, unknown>)[rangeKey] ?? '');
  }
  return String(item ?? '');
}

function openPicker(this: BuiltinThis & { __pickerOpen?: boolean }): void {
  const device = window.parent.__mashangDevice;
  if (!device || this.data.disabled === true || this.__pickerOpen) return;
  const mode = String(this.data.mode || 'selector');
  const rangeKey = String(this.data.rangeKey ?? '');
  const range = Array.isArray(this.data.range) ? (this.data.range as unknown[]) : [];
  const value = this.data.value;
  let options: Parameters<typeof device.showPicker>[0];
  if (mode === 'selector') {
    options = {
      mode,
      items: range.map((item) => pickerLabel(item, rangeKey)),
      value: Math.min(Math.max(0, Number(value) || 0), Math.max(0, range.length - 1)),
    };
  } else if (mode === 'multiSelector') {
    const columns = range.map((column) =>
      Array.isArray(column) ? column.map((item) => pickerLabel(item, rangeKey)) : [],
    );
    const indexes = Array.isArray(value) ? value.map((index) => Number(index) || 0) : [];
    options = { mode, columns, value: columns.map((_, i) => indexes[i] ?? 0) };
  } else if (mode === 'date' || mode === 'time') {
    const fields = String(this.data.fields || 'day');
    const start = String(this.data.start ?? '');
    const end = String(this.data.end ?? '');
    const common = {
      value: String(value ?? '') || pickerDefault(mode, fields),
      ...(start ? { start } : {}),
      ...(end ? { end } : {}),
    };
    options =
      mode === 'date'
        ? { mode, ...common, fields: fields === 'month' || fields === 'year' ? fields : 'day' }
        : { mode, ...common };
  } else {
    // `region` needs WeChat's administrative-division table, which the preview does not carry.
    wx.showToast({ title: `预览暂不支持 ${mode} 选择器`, icon: 'none' });
    return;
  }
  this.__pickerOpen = true;
  void device
    .showPicker(options, (column, index) =>
      this.triggerEvent('columnchange', { column, value: index }),
    )
    .then((picked) => {
      this.__pickerOpen = false;
      if (picked === null) this.triggerEvent('cancel', {});
      else this.triggerEvent('change', { value: picked });
    });
}

const picker: BuiltinDefinition = {
  behaviors: ['wx://form-field'],
  properties: {
    mode: { type: String, value: 'selector' },
    range: { type: Array, value: [] },
    rangeKey: { type: String, value: '' },
    value: { type: null, value: null },
    start: { type: String, value: '' },
    end: { type: String, value: '' },
    fields: { type: String, value: 'day' },
    disabled: { type: Boolean, value: false },
    headerText: { type: String, value: '' },
  },
  lifetimes: {
    attached(this: BuiltinThis) {
      const host = hostOf(this);
      // A tap on anything inside opens the sheet (a mouse click, or the click after a touch tap).
      host?.addEventListener('click', () => openPicker.call(this));
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
