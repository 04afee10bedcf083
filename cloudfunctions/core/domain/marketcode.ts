/**
 * The rules of WeChat's marketcode (一物一码) inputs, as documented (WeChat's 一物一码 API pages), and of
 * code ranges. Pure: no I/O. Each check throws an AppError with a stable code and a Chinese
 * message, so the same rule answers an operator at the action edge and guards the client.
 */
import { AppError, invalidArgument } from '../errors.js';

export const MIN_CODE_COUNT = 10_000;
export const MAX_CODE_COUNT = 20_000_000;
export const CODE_COUNT_STEP = 10_000;
export const MAX_ISV_APPLICATION_ID_LENGTH = 128;
/** wxa_type: 0 release (WeChat's default), 1 develop, 2 trial. */
export const WXA_TYPES = [0, 1, 2] as const;
export type WxaType = (typeof WXA_TYPES)[number];

const UINT64_MAX = 18446744073709551615n;

export interface CodeRange {
  /** Inclusive bounds: indexes of codes within their application. */
  codeStart: number;
  codeEnd: number;
}

export function checkCodeCount(count: number): number {
  if (
    !Number.isInteger(count) ||
    count < MIN_CODE_COUNT ||
    count > MAX_CODE_COUNT ||
    count % CODE_COUNT_STEP !== 0
  ) {
    throw new AppError(
      'INVALID_CODE_COUNT',
      `申请数量须为 1 万到 2000 万之间、1 万的整数倍（收到 ${String(count)}）`,
    );
  }
  return count;
}

/** The merchant-side order id that makes applycode idempotent. */
export function checkIsvApplicationId(id: string): string {
  if (id.length < 1 || id.length > MAX_ISV_APPLICATION_ID_LENGTH || !/^[\x21-\x7E]+$/.test(id)) {
    throw invalidArgument('申请单号须为 1 到 128 个可见 ASCII 字符（字母、数字或符号）');
  }
  return id;
}

/**
 * WeChat's application_id is a uint64. We keep it as a decimal string everywhere (data, API,
 * typings) because a JavaScript number silently rounds above 2^53; numbers are accepted only
 * while they are exact.
 */
export function normaliseApplicationId(id: string | number | bigint): string {
  let digits: string;
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id) || id < 0) throw invalidApplicationId();
    digits = String(id);
  } else {
    digits = String(id).trim();
  }
  if (!/^(0|[1-9][0-9]{0,19})$/.test(digits) || BigInt(digits) > UINT64_MAX) {
    throw invalidApplicationId();
  }
  return digits;
}

function invalidApplicationId(): AppError {
  return invalidArgument('申请单 ID 须为不超过 uint64 的非负整数（建议以字符串传递）');
}

/** A code index: a non-negative integer we can hold exactly. */
export function checkCodeIndex(index: number, name = '码序号'): number {
  if (!Number.isSafeInteger(index) || index < 0) throw invalidArgument(`${name}须为非负整数`);
  return index;
}

export function checkRange(range: CodeRange): CodeRange {
  checkCodeIndex(range.codeStart, '起始序号');
  checkCodeIndex(range.codeEnd, '结束序号');
  if (range.codeStart > range.codeEnd) {
    throw new AppError('INVALID_RANGE', '起始序号不能大于结束序号（区间含两端）');
  }
  return range;
}

export function rangeSize(range: CodeRange): number {
  return range.codeEnd - range.codeStart + 1;
}

export function checkWxaType(type: number): WxaType {
  if (!(WXA_TYPES as readonly number[]).includes(type)) {
    throw invalidArgument('小程序版本须为 0（正式版）、1（开发版）或 2（体验版）');
  }
  return type as WxaType;
}

/** A raw code: 9 printable ASCII characters, kept as a string (leading zeros and symbols matter). */
export function checkRawCode(code: string): string {
  if (!/^[\x21-\x7E]{9}$/.test(code)) throw invalidArgument('码须为 9 位字符');
  return code;
}

/** A code URL: the 28-character content of the ordinary QR code, e.g. `P.URL.CN/…`. */
export function checkCodeUrl(url: string): string {
  if (!/^[\x21-\x7E]{28}$/.test(url)) throw invalidArgument('码链接须为 28 位字符');
  return url;
}

/** An EAN/GTIN (8, 12, 13 or 14 digits) with a correct check digit. */
export function checkProductCode(ean: string): string {
  if (!/^(\d{8}|\d{12,14})$/.test(ean) || !hasValidCheckDigit(ean)) {
    throw invalidArgument('商品条码须为 8、12、13 或 14 位数字且校验位正确（EAN/GTIN）');
  }
  return ean;
}

function hasValidCheckDigit(digits: string): boolean {
  let sum = 0;
  // From the right, excluding the check digit, weights alternate 3, 1, 3, …
  for (let i = digits.length - 2, weight = 3; i >= 0; i -= 1, weight = 4 - weight) {
    sum += Number(digits[i]) * weight;
  }
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

/** Whether `inner` lies within `outer` (both inclusive). */
export function contains(outer: CodeRange, inner: CodeRange): boolean {
  return inner.codeStart >= outer.codeStart && inner.codeEnd <= outer.codeEnd;
}

/** Whether every index of `range` is covered by the union of `generated` (adjacent ranges join). */
export function isCovered(generated: readonly CodeRange[], range: CodeRange): boolean {
  let next = range.codeStart;
  for (const part of [...generated].sort((a, b) => a.codeStart - b.codeStart)) {
    if (part.codeStart > next) break;
    if (part.codeEnd >= next) next = part.codeEnd + 1;
    if (next > range.codeEnd) return true;
  }
  return false;
}

/** The range must lie inside what WeChat generated for the application. */
export function requireWithinApplication(generated: readonly CodeRange[], range: CodeRange): void {
  checkRange(range);
  if (!isCovered(generated, range)) {
    const known = generated.map((part) => `${part.codeStart}–${part.codeEnd}`).join('、') || '无';
    throw new AppError(
      'RANGE_OUTSIDE_APPLICATION',
      `码区间 ${range.codeStart}–${range.codeEnd} 超出申请单的码范围（${known}）`,
    );
  }
}

/** A download and an import work on exactly one range of code_generate_list. */
export function requireGeneratedRange(generated: readonly CodeRange[], range: CodeRange): void {
  requireWithinApplication(generated, range);
  if (
    !generated.some((part) => part.codeStart === range.codeStart && part.codeEnd === range.codeEnd)
  ) {
    const known = generated.map((part) => `${part.codeStart}–${part.codeEnd}`).join('、');
    throw new AppError(
      'RANGE_NOT_GENERATED',
      `码包按微信生成的区间整段下载，请选择其中一段：${known}`,
    );
  }
}

export type SegmentState = 'not_activated' | 'activated' | 'scanned';

export interface Activation extends CodeRange {
  activatedAt: number;
}

/**
 * Splits the generated ranges into activated segments and the gaps between them. When
 * activations overlap (WeChat lets a segment be re-activated), the most recent one wins over the
 * indexes it covers.
 */
export function segmentRanges<A extends Activation>(
  generated: readonly CodeRange[],
  activations: readonly A[],
): Array<CodeRange & { activation?: A }> {
  const segments: Array<CodeRange & { activation?: A }> = [];
  const newestFirst = [...activations].sort((a, b) => b.activatedAt - a.activatedAt);
  for (const part of [...generated].sort((a, b) => a.codeStart - b.codeStart)) {
    // Walk the part, at each index taking the newest activation covering it.
    let cursor = part.codeStart;
    while (cursor <= part.codeEnd) {
      const owner = newestFirst.find((a) => a.codeStart <= cursor && a.codeEnd >= cursor);
      // The segment ends where the owner ends or where a newer activation begins.
      let end = owner ? Math.min(owner.codeEnd, part.codeEnd) : part.codeEnd;
      for (const other of newestFirst) {
        if (other === owner) break;
        if (other.codeStart > cursor && other.codeStart <= end) end = other.codeStart - 1;
      }
      if (!owner) {
        for (const other of newestFirst) {
          if (other.codeStart > cursor && other.codeStart <= end) end = other.codeStart - 1;
        }
      }
      segments.push(
        owner
          ? { codeStart: cursor, codeEnd: end, activation: owner }
          : { codeStart: cursor, codeEnd: end },
      );
      cursor = end + 1;
    }
  }
  return segments;
}
