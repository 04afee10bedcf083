/**
 * Products and their origin trace, as operators manage them, and their binding to activated code
 * ranges. Input shapes are checked at the edge (admin/index.ts); the rules that need the database
 * (a product or range that must exist) are here.
 */
import type {
  AdminProductView,
  BindProductRequest,
  BindProductResult,
  ListProductsRequest,
  ListProductsResult,
  ProductFields,
  UpdateProductRequest,
} from '../../../typings/admin.js';
import { bindRangeProduct, findActivation } from '../data/code-ranges.js';
import {
  findProduct,
  insertProduct,
  listProductRecords,
  updateProductFields,
  type ProductRecord,
} from '../data/products.js';
import { effectiveThresholds } from '../domain/verdict.js';
import { checkProductCode } from '../domain/marketcode.js';
import { AppError, notFound } from '../errors.js';
import { followSettings } from '../scan/landing.js';
import { activationView } from '../codes/activation.js';

const productNotFound = (): AppError => notFound('商品不存在，请刷新列表后重试');

export async function createProduct(
  fields: ProductFields,
  operator: string,
): Promise<{ product: AdminProductView }> {
  if (fields.ean) checkProductCode(fields.ean);
  const productId = await insertProduct(withoutEmptyEan(fields), operator);
  return { product: await requireProductView(productId) };
}

export async function updateProduct(
  request: UpdateProductRequest,
  operator: string,
): Promise<{ product: AdminProductView }> {
  const { productId, ...fields } = request;
  const remove: (keyof ProductFields)[] = [];
  if (fields.ean === '') {
    delete fields.ean;
    remove.push('ean');
  } else if (fields.ean !== undefined) {
    checkProductCode(fields.ean);
  }
  if (!(await updateProductFields(productId, fields, remove, operator))) throw productNotFound();
  return { product: await requireProductView(productId) };
}

export async function getProduct(productId: string): Promise<{ product: AdminProductView }> {
  return { product: await requireProductView(productId) };
}

export async function listProducts(
  page: Required<ListProductsRequest>,
): Promise<ListProductsResult> {
  return { products: (await listProductRecords(page)).map(productAdminView) };
}

export async function bindProduct(
  request: BindProductRequest,
  operator: string,
): Promise<BindProductResult> {
  const { applicationId, codeStart, productId, traceSteps } = request;
  const [product, range] = await Promise.all([
    findProduct(productId),
    findActivation(applicationId, codeStart),
  ]);
  if (!product) throw productNotFound();
  if (!range) {
    throw new AppError(
      'RANGE_NOT_ACTIVATED',
      '没有从该序号开始的已激活号段，请先激活号段（起始序号须与激活时一致）',
    );
  }
  await bindRangeProduct(applicationId, codeStart, { productId, traceSteps, boundBy: operator });
  const bound = (await findActivation(applicationId, codeStart)) ?? range;
  return { range: activationView(bound) };
}

async function requireProductView(productId: string): Promise<AdminProductView> {
  const record = await findProduct(productId);
  if (!record) throw productNotFound();
  return productAdminView(record);
}

function productAdminView(record: ProductRecord): AdminProductView {
  return {
    productId: record._id,
    title: record.title,
    brand: record.brand,
    ...(record.ean ? { ean: record.ean } : {}),
    images: record.images ?? [],
    attributes: record.attributes ?? [],
    trace: record.trace ?? [],
    follow: followSettings(record.follow, record.brand),
    suspicion: effectiveThresholds(record.suspicion),
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

function withoutEmptyEan(fields: ProductFields): ProductFields {
  if (fields.ean) return fields;
  const { ean: _ean, ...rest } = fields;
  return rest;
}
