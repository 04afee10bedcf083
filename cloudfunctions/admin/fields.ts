/**
 * Schema pieces more than one subject of the `admin` function checks its input with.
 */
import { z } from 'zod';

// uint64: a decimal string; a number is accepted only while it is exact (≤ 2^53).
export const applicationId = z.union([
  z.string().regex(/^(0|[1-9][0-9]{0,19})$/, '申请单 ID 须为数字字符串'),
  z
    .number()
    .int()
    .nonnegative()
    .refine(Number.isSafeInteger, '申请单 ID 超出精确范围，请以字符串传递')
    .transform(String),
]);

export const codeIndex = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const range = { applicationId, codeStart: codeIndex, codeEnd: codeIndex };

export const text = (max: number) => z.string().trim().min(1).max(max);

export const productId = z.string().trim().min(1).max(64);

export const campaignId = z.string().trim().min(1).max(64);

export const isoTime = z.iso.datetime({ offset: true });

export const page = (max: number, fallback: number) => ({
  limit: z.number().int().min(1).max(max).default(fallback),
  offset: z.number().int().min(0).default(0),
});

export const openid = z.string().trim().min(1).max(64);

export const qrId = z.string().trim().min(1).max(64);

export const scanOrder = z.enum(['asc', 'desc']);
