/**
 * The catalog: products, their pictures and trace steps.
 *
 * Part of the `admin` function's contract: typings/admin.ts re-exports it and assembles
 * `AdminActions`. Type-only.
 */
import type { FollowCardSettings, ProductAttribute, TraceStep } from '../scan.js';

/**
 * An image as an operator stores it: a cloud file ID (`cloud://…`, uploaded with
 * `wx.cloud.uploadFile`) or an https URL. Scans turn file IDs into temporary URLs.
 */
export type ImageRef = string;

/** A step of a product's origin trace template (or a range's own step), images as stored. */
export interface TraceStepInput extends Omit<TraceStep, 'images'> {
  images?: ImageRef[];
}

/**
 * When a code looks copied: more than `maxScans` scans, `maxScanners` distinct users or
 * `maxPlaces` distinct places within the last `windowMinutes`. Limits count up to 60.
 */
export interface SuspicionThresholds {
  windowMinutes: number;
  maxScans: number;
  maxScanners: number;
  maxPlaces: number;
}

/** What an operator edits on a product. */
export interface ProductFields {
  title: string;
  brand: string;
  /** EAN/GTIN with a valid check digit. */
  ean?: string;
  /** Up to 9 images, shown in this order. */
  images: ImageRef[];
  attributes: ProductAttribute[];
  /** The origin trace template every code of the product shows. */
  trace: TraceStepInput[];
  /** The follow-the-OA card on the landing page (default: shown, with a hint naming the brand). */
  follow?: FollowCardSettings;
  /** Missing limits take the defaults (see `AdminProductView.suspicion`). */
  suspicion?: Partial<SuspicionThresholds>;
}

export interface AdminProductView extends Omit<ProductFields, 'follow' | 'suspicion'> {
  productId: string;
  follow: FollowCardSettings;
  /** The limits in force (defaults filled in). */
  suspicion: SuspicionThresholds;
  createdAt: string;
  updatedAt: string;
}

export type CreateProductRequest = ProductFields;

/** Only the fields given change; `ean: ''` removes the EAN. */
export interface UpdateProductRequest extends Partial<ProductFields> {
  productId: string;
}

export interface ProductResult {
  product: AdminProductView;
}

export interface GetProductRequest {
  productId: string;
}

export interface ListProductsRequest {
  /** 1–100, default 20. Newest first. */
  limit?: number;
  offset?: number;
}

export interface ListProductsResult {
  products: AdminProductView[];
}
