/**
 * 商品表单: the product form as the operator types it (strings everywhere, pictures with their
 * upload state), the server's bounds and the checks it makes, in Chinese, and what is sent.
 * Pure: no `wx`. present.ts re-exports it beside the list's and the bind page's views.
 */
import type {
  AdminProductView,
  ProductFields,
  SuspicionThresholds,
  TraceStepInput,
} from '../../../../typings/admin';
import { countText, minutesText } from '../../utils/figures';

/**
 * The server's bounds (cloudfunctions/admin/products.ts and core/domain/verdict.ts), copied so the
 * form checks them as the operator types; a component test holds them equal to the server's.
 */
export const PRODUCT_LIMITS = {
  title: 64,
  brand: 64,
  images: 9,
  attributes: 30,
  attributeName: 20,
  attributeValue: 200,
  steps: 20,
  stepName: 20,
  stepPlace: 64,
  stepOperator: 64,
  stepNote: 200,
  officialAccountName: 32,
  followHint: 60,
  maxLimit: 60,
  maxWindowMinutes: 30 * 24 * 60,
} as const;

/**
 * The limits' bounds as the form states them: the window in days and minutes as people read
 * them (`1 分钟–30 天`), from the same constants the checks use.
 */
export const SUSPICION_BOUNDS_TEXT = `次数、人数、地点上限为 1–${PRODUCT_LIMITS.maxLimit}，统计时长为 ${minutesText(1)}–${minutesText(PRODUCT_LIMITS.maxWindowMinutes)}`;

/** The limits a product gets when the operator sets none (core/domain/verdict.ts). */
export const DEFAULT_SUSPICION: Readonly<SuspicionThresholds> = {
  windowMinutes: 24 * 60,
  maxScans: 20,
  maxScanners: 5,
  maxPlaces: 3,
};

export const SUSPICION_KEYS = ['windowMinutes', 'maxScans', 'maxScanners', 'maxPlaces'] as const;
export type SuspicionKey = (typeof SUSPICION_KEYS)[number];

export const SUSPICION_LABELS: Readonly<Record<SuspicionKey, string>> = {
  windowMinutes: '统计时长（分钟）',
  maxScans: '扫码次数上限',
  maxScanners: '扫码人数上限',
  maxPlaces: '扫码地点上限',
};

// ---------------------------------------------------------------------------------------------
// The form as it is typed: strings everywhere, images with their upload state.

export type ImageState = 'uploading' | 'done' | 'failed';

/** One picture of the product or of a trace step. */
export interface ImageSlot {
  /** Stable through reorders (wx:key). */
  key: string;
  /** `cloud://…` or https once stored; '' while uploading or after a failure. */
  fileID: string;
  /** The phone's temporary file, for showing and retrying what was picked here. */
  localPath: string;
  state: ImageState;
  /** 0–100 while uploading. */
  progress: number;
}

export interface AttributeDraft {
  key: string;
  name: string;
  value: string;
}

export interface StepDraft {
  key: string;
  name: string;
  time: string;
  place: string;
  operator: string;
  note: string;
  images: ImageSlot[];
}

export interface ProductDraft {
  title: string;
  brand: string;
  ean: string;
  images: ImageSlot[];
  attributes: AttributeDraft[];
  trace: StepDraft[];
  follow: { enabled: boolean; officialAccountName: string; hint: string };
  suspicion: Record<SuspicionKey, string>;
}

let nextKey = 0;
/** A key unique in this page's life: wx:key only needs it stable within one list. */
export function newKey(prefix: string): string {
  nextKey += 1;
  return `${prefix}${nextKey}`;
}

export function storedImage(fileID: string): ImageSlot {
  return { key: newKey('img'), fileID, localPath: '', state: 'done', progress: 100 };
}

export function emptyStep(): StepDraft {
  return {
    key: newKey('step'),
    name: '',
    time: '',
    place: '',
    operator: '',
    note: '',
    images: [],
  };
}

export function stepDraft(step: TraceStepInput): StepDraft {
  return {
    key: newKey('step'),
    name: step.name,
    time: stepTimeField(step.time),
    place: step.place ?? '',
    operator: step.operator ?? '',
    note: step.note ?? '',
    images: (step.images ?? []).map(storedImage),
  };
}

export function emptyDraft(): ProductDraft {
  return {
    title: '',
    brand: '',
    ean: '',
    images: [],
    attributes: [],
    trace: [],
    follow: { enabled: true, officialAccountName: '', hint: '' },
    suspicion: {
      windowMinutes: String(DEFAULT_SUSPICION.windowMinutes),
      maxScans: String(DEFAULT_SUSPICION.maxScans),
      maxScanners: String(DEFAULT_SUSPICION.maxScanners),
      maxPlaces: String(DEFAULT_SUSPICION.maxPlaces),
    },
  };
}

export function draftOf(product: AdminProductView): ProductDraft {
  return {
    title: product.title,
    brand: product.brand,
    ean: product.ean ?? '',
    images: product.images.map(storedImage),
    attributes: product.attributes.map((attribute) => ({
      key: newKey('attr'),
      name: attribute.name,
      value: attribute.value,
    })),
    trace: product.trace.map(stepDraft),
    follow: {
      enabled: product.follow.enabled,
      officialAccountName: product.follow.officialAccountName ?? '',
      hint: product.follow.hint ?? '',
    },
    suspicion: {
      windowMinutes: String(product.suspicion.windowMinutes),
      maxScans: String(product.suspicion.maxScans),
      maxScanners: String(product.suspicion.maxScanners),
      maxPlaces: String(product.suspicion.maxPlaces),
    },
  };
}

/** Moves the item at `from` one place up (-1) or down (+1); the same array when it cannot. */
export function moveItem<T>(items: readonly T[], from: number, direction: -1 | 1): T[] {
  const to = from + direction;
  if (from < 0 || from >= items.length || to < 0 || to >= items.length) return [...items];
  const moved = [...items];
  [moved[from], moved[to]] = [moved[to]!, moved[from]!];
  return moved;
}

// ---------------------------------------------------------------------------------------------
// Checks, in Chinese, as the server would make them

/** '' when the EAN is empty or valid; otherwise what is wrong, with the check digit expected. */
export function eanMessage(typed: string): string {
  const ean = typed.trim();
  if (ean === '') return '';
  if (!/^\d+$/.test(ean)) return '商品条码只能是数字';
  if (![8, 12, 13, 14].includes(ean.length))
    return `商品条码须为 8、12、13 或 14 位数字（现为 ${ean.length} 位）`;
  const expected = checkDigitOf(ean.slice(0, -1));
  if (expected !== Number(ean[ean.length - 1]))
    return `校验位不正确：按前面的数字，最后一位应为 ${expected}，请核对条码`;
  return '';
}

/** GS1 check digit of the digits before it: from the right, weights 3, 1, 3, … */
function checkDigitOf(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, weight = 3; i >= 0; i -= 1, weight = 4 - weight) {
    sum += Number(body[i]) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** '' when the limit is a whole number within the server's bounds. */
export function suspicionMessage(key: SuspicionKey, typed: string): string {
  const text = typed.trim();
  const max = key === 'windowMinutes' ? PRODUCT_LIMITS.maxWindowMinutes : PRODUCT_LIMITS.maxLimit;
  if (text === '') return `请填写${SUSPICION_LABELS[key]}`;
  if (!/^\d+$/.test(text)) return `${SUSPICION_LABELS[key]}须为整数`;
  const value = Number(text);
  if (value >= 1 && value <= max) return '';
  // Typed in minutes, so the bound in minutes too, beside the span it makes.
  return key === 'windowMinutes'
    ? `${SUSPICION_LABELS[key]}须在 1–${countText(max)} 之间（${minutesText(1)}–${minutesText(max)}）`
    : `${SUSPICION_LABELS[key]}须在 1–${max} 之间`;
  return '';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
/** A moment as the operator reads and types it: `2025-03-03 09:20`, China time like the console. */
const CLOCK = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/**
 * A stored step time in its field: a day as stored, a moment (`2025-03-03T09:20:00+08:00`, as the
 * API and the demo write it) as `2025-03-03 09:20` China time, never the raw ISO text.
 */
export function stepTimeField(time: string | undefined): string {
  if (!time) return '';
  if (!DATE_TIME.test(time)) return time;
  return new Date(Date.parse(time) + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The field as the server takes it: a day as is, `2025-03-03 09:20` as China time with its offset. */
function storedStepTime(time: string): string {
  return CLOCK.test(time) ? `${time.replace(' ', 'T')}:00+08:00` : time;
}

function lengthMessage(label: string, text: string, max: number, required: boolean): string {
  const value = text.trim();
  if (value === '') return required ? `请填写${label}` : '';
  return value.length > max ? `${label}最多 ${max} 个字（现为 ${value.length} 个）` : '';
}

function imagesMessage(images: readonly ImageSlot[], label: string): string {
  if (images.length > PRODUCT_LIMITS.images) return `${label}最多 ${PRODUCT_LIMITS.images} 张`;
  if (images.some((image) => image.state === 'uploading'))
    return `${label}还在上传，请等上传完成再保存`;
  if (images.some((image) => image.state === 'failed'))
    return `${label}有上传失败的，请点重试或移除后再保存`;
  return '';
}

/** Problems by field: `title`, `ean`, `attr.2.name`, `step.0.time`, `suspicion.maxScans`, … */
export type DraftErrors = Record<string, string>;

export function draftErrors(draft: ProductDraft): DraftErrors {
  const errors: DraftErrors = {};
  const put = (key: string, message: string) => {
    if (message) errors[key] = message;
  };
  put('title', lengthMessage('商品名称', draft.title, PRODUCT_LIMITS.title, true));
  put('brand', lengthMessage('品牌', draft.brand, PRODUCT_LIMITS.brand, true));
  put('ean', eanMessage(draft.ean));
  put('images', imagesMessage(draft.images, '商品图片'));
  if (draft.attributes.length > PRODUCT_LIMITS.attributes)
    put('attributes', `商品属性最多 ${PRODUCT_LIMITS.attributes} 项`);
  draft.attributes.forEach((attribute, i) => {
    put(
      `attr.${i}.name`,
      lengthMessage('属性名', attribute.name, PRODUCT_LIMITS.attributeName, true),
    );
    put(
      `attr.${i}.value`,
      lengthMessage('属性值', attribute.value, PRODUCT_LIMITS.attributeValue, true),
    );
  });
  if (draft.trace.length > PRODUCT_LIMITS.steps)
    put('trace', `溯源环节最多 ${PRODUCT_LIMITS.steps} 个`);
  draft.trace.forEach((step, i) => {
    Object.assign(errors, stepErrors(step, `step.${i}`));
  });
  put(
    'follow.officialAccountName',
    lengthMessage(
      '公众号名称',
      draft.follow.officialAccountName,
      PRODUCT_LIMITS.officialAccountName,
      false,
    ),
  );
  put(
    'follow.hint',
    lengthMessage('关注提示', draft.follow.hint, PRODUCT_LIMITS.followHint, false),
  );
  for (const key of SUSPICION_KEYS)
    put(`suspicion.${key}`, suspicionMessage(key, draft.suspicion[key]));
  return errors;
}

/** One step's problems, keyed under `prefix` (the bind page checks a range's steps alike). */
export function stepErrors(step: StepDraft, prefix: string): DraftErrors {
  const errors: DraftErrors = {};
  const put = (key: string, message: string) => {
    if (message) errors[`${prefix}.${key}`] = message;
  };
  put('name', lengthMessage('环节名称', step.name, PRODUCT_LIMITS.stepName, true));
  const time = step.time.trim();
  if (time && !DATE.test(time) && !CLOCK.test(time) && !DATE_TIME.test(time))
    put('time', '时间须为日期或日期加时刻，如 2025-03-01 或 2025-03-01 09:30');
  put('place', lengthMessage('地点', step.place, PRODUCT_LIMITS.stepPlace, false));
  put('operator', lengthMessage('操作方', step.operator, PRODUCT_LIMITS.stepOperator, false));
  put('note', lengthMessage('说明', step.note, PRODUCT_LIMITS.stepNote, false));
  put('images', imagesMessage(step.images, '环节图片'));
  return errors;
}

/** Errors shown as the operator types; the rest wait for the first 保存. */
const LIVE = /^(ean|suspicion\.|images|step\.\d+\.images)/;

export function shownErrors(errors: DraftErrors, submitted: boolean): DraftErrors {
  if (submitted) return errors;
  return Object.fromEntries(Object.entries(errors).filter(([key]) => LIVE.test(key)));
}

function storedImages(images: readonly ImageSlot[]): string[] {
  return images.map((image) => image.fileID).filter((fileID) => fileID !== '');
}

export function stepInput(step: StepDraft): TraceStepInput {
  const optional = (value: string) => (value.trim() ? value.trim() : undefined);
  const images = storedImages(step.images);
  const input: TraceStepInput = { name: step.name.trim() };
  const time = optional(step.time);
  const place = optional(step.place);
  const operator = optional(step.operator);
  const note = optional(step.note);
  if (time) input.time = storedStepTime(time);
  if (place) input.place = place;
  if (operator) input.operator = operator;
  if (note) input.note = note;
  if (images.length) input.images = images;
  return input;
}

/** What the server is sent; call only when draftErrors is empty. */
export function fieldsOf(draft: ProductDraft): ProductFields {
  const follow: ProductFields['follow'] = { enabled: draft.follow.enabled };
  if (draft.follow.officialAccountName.trim())
    follow.officialAccountName = draft.follow.officialAccountName.trim();
  if (draft.follow.hint.trim()) follow.hint = draft.follow.hint.trim();
  return {
    title: draft.title.trim(),
    brand: draft.brand.trim(),
    ean: draft.ean.trim(),
    images: storedImages(draft.images),
    attributes: draft.attributes.map((attribute) => ({
      name: attribute.name.trim(),
      value: attribute.value.trim(),
    })),
    trace: draft.trace.map(stepInput),
    follow,
    suspicion: {
      windowMinutes: Number(draft.suspicion.windowMinutes),
      maxScans: Number(draft.suspicion.maxScans),
      maxScanners: Number(draft.suspicion.maxScanners),
      maxPlaces: Number(draft.suspicion.maxPlaces),
    },
  };
}

/** What decides "unsaved changes": the draft without keys and upload states. */
export function draftSignature(draft: ProductDraft): string {
  const images = (list: readonly ImageSlot[]) =>
    list.map((image) => image.fileID || image.localPath);
  return JSON.stringify({
    ...draft,
    images: images(draft.images),
    attributes: draft.attributes.map(({ name, value }) => [name, value]),
    trace: draft.trace.map(({ key: _key, images: stepImages, ...rest }) => ({
      ...rest,
      images: images(stepImages),
    })),
  });
}
