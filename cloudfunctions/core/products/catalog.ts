/**
 * Products and their origin trace, as operators manage them, and their binding to activated code
 * ranges. Input shapes are checked at the edge (admin/products.ts); the rules that need the database
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
import { isCloudFileInside } from '../domain/cloud-paths.js';
import { AppError, invalidArgument, notFound } from '../errors.js';
import { followSettings } from '../scan/landing.js';
import { activationView } from '../codes/activation.js';

const productNotFound = (): AppError => notFound('商品不存在，请刷新列表后重试');

/** The folder of cloud storage that product and trace images are uploaded to. */
export const PRODUCT_IMAGE_PREFIX = 'product-images/';

/**
 * A scan turns every cloud image of a product into a temporary URL for whoever scans, so an
 * image must be a file under PRODUCT_IMAGE_PREFIX: a file ID anywhere else in the bucket (an
 * export of codes, a code package) would hand that file to every consumer. https images are
 * outside our storage and pass as they are.
 */
function requireProductImages(images: readonly string[] | undefined): void {
  for (const image of images ?? []) {
    if (!image.startsWith('cloud://')) continue;
    // cloud://<env>.<bucket>/<path>: the path must stay inside the product-images folder.
    const inside = isCloudFileInside(image, PRODUCT_IMAGE_PREFIX);
    if (!inside) {
      throw invalidArgument(
        `图片须是上传到 ${PRODUCT_IMAGE_PREFIX} 目录的云存储文件（cloud://…/${PRODUCT_IMAGE_PREFIX}…）或 https 链接，不能引用其他云存储文件（如导出的码文件）：${image}`,
      );
    }
  }
}

function requireFieldImages(fields: Partial<ProductFields>): void {
  requireProductImages(fields.images);
  for (const step of fields.trace ?? []) requireProductImages(step.images);
}

export async function createProduct(
  fields: ProductFields,
  operator: string,
): Promise<{ product: AdminProductView }> {
  if (fields.ean) checkProductCode(fields.ean);
  requireFieldImages(fields);
  const productId = await insertProduct(withoutEmptyEan(fields), operator);
  return { product: await requireProductView(productId) };
}

export async function updateProduct(
  request: UpdateProductRequest,
  operator: string,
): Promise<{ product: AdminProductView }> {
  const { productId, ...fields } = request;
  requireFieldImages(fields);
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
  for (const step of traceSteps ?? []) requireProductImages(step.images);
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
