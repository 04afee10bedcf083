/**
 * The built-in form fields (`behaviors: ['wx://form-field']`) of the preview, merged into
 * simulate's stand-ins by builtins.ts:
 *
 * - `input`: a real `<input>` that emits WeChat's input/focus/blur/confirm events;
 * - `textarea`: a real `<textarea>` with the same input/focus/blur events (vant's textarea field);
 * - `picker`: a tap on its content opens the phone's bottom sheet (overlays.ts showPicker) and
 *   reports `change` with WeChat's `detail.value` (selector: the index; multiSelector: the
 *   indexes; date: `YYYY-MM-DD`, or `YYYY-MM` / `YYYY` by `fields`; time: `hh:mm`),
 *   `columnchange`, or `cancel`.
 */
import { hostOf, type BuiltinDefinition, type BuiltinThis } from './builtin-host';

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
  applyFieldData(input, this.data);
}

/** What `<input>` and `<textarea>` share: placeholder, disabled, maxlength (-1: none), focus. */
function applyFieldData(
  field: HTMLInputElement | HTMLTextAreaElement,
  data: Record<string, unknown>,
): void {
  field.placeholder = String(data.placeholder ?? '');
  field.disabled = data.disabled === true;
  const maxlength = Number(data.maxlength ?? 140);
  if (maxlength >= 0) field.maxLength = maxlength;
  else field.removeAttribute('maxlength');
  if (data.focus === true) setTimeout(() => field.focus());
}

/** A property whose every change re-renders the native field. */
const syncedProperty = (type: unknown, value: unknown) => ({ type, value, observer: 'sync' });

export const input: BuiltinDefinition = {
  behaviors: ['wx://form-field'],
  properties: {
    value: syncedProperty(String, ''),
    type: syncedProperty(String, 'text'),
    password: syncedProperty(Boolean, false),
    placeholder: syncedProperty(String, ''),
    placeholderClass: syncedProperty(String, ''),
    placeholderStyle: syncedProperty(String, ''),
    disabled: syncedProperty(Boolean, false),
    maxlength: syncedProperty(Number, 140),
    focus: syncedProperty(Boolean, false),
    confirmType: syncedProperty(String, 'done'),
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
  applyFieldData(area, this.data);
}

export const textarea: BuiltinDefinition = {
  behaviors: ['wx://form-field'],
  properties: {
    value: syncedProperty(String, ''),
    placeholder: syncedProperty(String, ''),
    placeholderClass: syncedProperty(String, ''),
    placeholderStyle: syncedProperty(String, ''),
    disabled: syncedProperty(Boolean, false),
    maxlength: syncedProperty(Number, 140),
    focus: syncedProperty(Boolean, false),
    autoHeight: syncedProperty(Boolean, false),
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

export const picker: BuiltinDefinition = {
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
