/**
 * The catalog: products and binding one to an activated range.
 *
 * Actions of the `admin` function on this subject: their input schemas, handlers and audit
 * notes. index.ts wires every subject into the one handler.
 */
import { z } from 'zod';
import { readAction, writeAction } from '../core/auth/admin-actions.js';
import { MAX_LIMIT, MAX_WINDOW_MINUTES } from '../core/domain/verdict.js';
import {
  bindProduct,
  createProduct,
  getProduct,
  listProducts,
  updateProduct,
} from '../core/products/catalog.js';
import { applicationId, codeIndex, text, page, productId } from './fields.js';

// Images: a cloud file ID (uploaded by the admin page with wx.cloud.uploadFile) or an https URL.
const image = z
  .string()
  .trim()
  .max(1024)
  .regex(/^(cloud:\/\/|https:\/\/)\S+$/, '图片须为云存储文件 ID（cloud://…）或 https 链接');

const images = z.array(image).max(9, '最多 9 张图片');

const traceStep = z.object({
  name: text(20),
  // A day (2024-03-01) or a moment with its offset; the page formats it.
  time: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).optional(),
  place: text(64).optional(),
  operator: text(64).optional(),
  note: text(200).optional(),
  images: images.optional(),
});

const traceSteps = z.array(traceStep).max(20, '溯源环节最多 20 个');

const productFields = {
  title: text(64),
  brand: text(64),
  // Checked (digits and check digit) by the domain rule, which answers in Chinese.
  ean: z.string().trim().max(14).optional(),
  images,
  attributes: z.array(z.object({ name: text(20), value: text(200) })).max(30, '商品属性最多 30 项'),
  trace: traceSteps,
  follow: z
    .object({
      enabled: z.boolean(),
      officialAccountName: text(32).optional(),
      hint: text(60).optional(),
    })
    .optional(),
  suspicion: z
    .object({
      windowMinutes: z.number().int().min(1).max(MAX_WINDOW_MINUTES),
      maxScans: z.number().int().min(1).max(MAX_LIMIT),
      maxScanners: z.number().int().min(1).max(MAX_LIMIT),
      maxPlaces: z.number().int().min(1).max(MAX_LIMIT),
    })
    .partial()
    .optional(),
};

export const productActions = {
  createProduct: writeAction(
    z.object(productFields),
    async (input, { member }) => createProduct(input, member.openid),
    (_input, { product }) => ({
      target: `product:${product.productId}`,
      summary: `新建商品「${product.title}」`,
    }),
  ),

  updateProduct: writeAction(
    z
      .object({ productId, ...productFields })
      .partial()
      .required({ productId: true }),
    async (input, { member }) => updateProduct(input, member.openid),
    (input, { product }) => ({
      target: `product:${product.productId}`,
      summary: `修改商品「${product.title}」：${Object.keys(input)
        .filter((key) => key !== 'productId')
        .join('、')}`,
    }),
  ),

  getProduct: readAction(z.object({ productId }), async (input) => getProduct(input.productId)),

  listProducts: readAction(z.object(page(100, 20)), async (input) => listProducts(input)),

  bindProduct: writeAction(
    z.object({
      applicationId,
      codeStart: codeIndex,
      productId,
      traceSteps: traceSteps.optional(),
    }),
    async (input, { member }) => bindProduct(input, member.openid),
    (input) => ({
      target: `range:${input.applicationId}:${input.codeStart}`,
      summary: `绑定商品 ${input.productId}${input.traceSteps ? `，码段溯源 ${input.traceSteps.length} 步` : ''}`,
    }),
  ),
};
