/**
 * 商品: the views of the product pages (the list, pictures, the ranges a product can be bound
 * to) and a Chinese message per error code. The form itself, its bounds and checks are in
 * draft.ts, re-exported here so pages and stores import one module. Pure: no `wx`.
 */
import type { AdminProductView, RangeSegmentView, TraceStepInput } from '../../../../typings/admin';
import type { CommonErrorCode, EnvelopeError } from '../../../../typings/envelope';
import type { ClientErrorCode } from '../../../services/cloud';
import { formatDateTime } from '../../../utils/time';
import { countText } from '../../utils/figures';
import type { ImageSlot } from './draft';

export * from './draft';

// ---------------------------------------------------------------------------------------------
// Views

/** The picture to show: the phone's own file while it is here, else the temporary URL. */
export function imageSrc(image: ImageSlot, tempUrls: Readonly<Record<string, string>>): string {
  if (image.localPath) return image.localPath;
  if (image.fileID.startsWith('https://')) return image.fileID;
  return tempUrls[image.fileID] ?? '';
}

export interface ImageView extends ImageSlot {
  src: string;
  uploading: boolean;
  failed: boolean;
}

export function imageViews(
  images: readonly ImageSlot[],
  tempUrls: Readonly<Record<string, string>>,
): ImageView[] {
  return images.map((image) => ({
    ...image,
    src: imageSrc(image, tempUrls),
    uploading: image.state === 'uploading',
    failed: image.state === 'failed',
  }));
}

export interface ProductRow {
  productId: string;
  title: string;
  brand: string;
  ean: string;
  cover: string;
  summary: string;
  updatedAt: string;
}

export function productRows(
  products: readonly AdminProductView[],
  tempUrls: Readonly<Record<string, string>>,
): ProductRow[] {
  return products.map((product) => {
    const first = product.images[0] ?? '';
    return {
      productId: product.productId,
      title: product.title,
      brand: product.brand,
      ean: product.ean ? `条码 ${product.ean}` : '未填条码',
      cover: first.startsWith('https://') ? first : (tempUrls[first] ?? ''),
      summary: `图片 ${product.images.length} 张 · 属性 ${product.attributes.length} 项 · 溯源 ${product.trace.length} 步`,
      updatedAt: `更新于 ${formatDateTime(product.updatedAt)}`,
    };
  });
}

/** An activated segment the product can be bound to, with what it shows now. */
export interface BindableRange {
  key: string;
  applicationId: string;
  codeStart: number;
  codeEnd: number;
  productTitle: string;
  productId: string;
  traceSteps: TraceStepInput[];
}

export function bindableRanges(
  applicationId: string,
  segments: readonly RangeSegmentView[],
): BindableRange[] {
  return segments.flatMap((segment) => {
    const activation = segment.activation;
    if (!activation || segment.state === 'not_activated') return [];
    return [
      {
        key: `${applicationId}:${activation.codeStart}`,
        applicationId,
        // bindProduct names a range by where its activation starts.
        codeStart: activation.codeStart,
        codeEnd: activation.codeEnd,
        productTitle: activation.productTitle,
        productId: activation.productId ?? '',
        traceSteps: activation.traceSteps ?? [],
      },
    ];
  });
}

export interface RangeRow {
  key: string;
  label: string;
  count: string;
  binding: string;
  boundHere: boolean;
}

export function rangeRows(
  ranges: readonly BindableRange[],
  productId: string,
  titles: Readonly<Record<string, string>>,
): RangeRow[] {
  return ranges.map((range) => ({
    key: range.key,
    label: `码段 ${range.codeStart}–${range.codeEnd}`,
    count: `${countText(range.codeEnd - range.codeStart + 1)} 个码 · 申请单 ${range.applicationId}`,
    binding:
      range.productId === productId
        ? '已绑定本商品'
        : range.productId
          ? `已绑定：${titles[range.productId] ?? '其他商品'}`
          : `未绑定商品（激活时商品名：${range.productTitle}）`,
    boundHere: range.productId === productId,
  }));
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Every code the product calls can answer with, and the cloud call's own. */
export type ProductPageErrorCode =
  CommonErrorCode | 'RANGE_NOT_ACTIVATED' | (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Our words; the type makes a code without words a compile error. */
export const PRODUCT_ERROR_COPY: Readonly<Record<ProductPageErrorCode, string>> = {
  INVALID_ARGUMENT: '',
  UNKNOWN_ACTION: '服务版本过旧，请稍后再试或联系技术支持',
  UNAUTHENTICATED: '无法识别你的微信身份，请重新打开小程序',
  FORBIDDEN: '你的角色不能修改商品，请联系管理员',
  NOT_FOUND: '商品不存在或已被删除，请返回列表刷新',
  CONFLICT: '数据刚被他人修改，请刷新后再试',
  UPSTREAM_ERROR: '微信服务繁忙，请稍后重试',
  INTERNAL: '服务暂时不可用，请稍后重试',
  RANGE_NOT_ACTIVATED: '这个码段还没有激活，请先在「激活码段」中激活后再绑定',
  NETWORK_ERROR: '网络异常，请检查网络后重试（已填写的内容不会丢失）',
  BAD_REPLY: '服务返回了无法识别的结果，请稍后重试',
  CLOUD_UNAVAILABLE: '当前微信版本过低，无法连接服务，请升级微信后重试',
};

/**
 * Our words for an error. INVALID_ARGUMENT keeps the server's own message: it names the field
 * (an EAN, an image outside product-images/, a text too long) better than any general wording.
 */
export function describeProductError(error: EnvelopeError): string {
  const copy: Readonly<Record<string, string>> = PRODUCT_ERROR_COPY;
  return copy[error.code] || error.message || '操作失败，请稍后重试';
}
