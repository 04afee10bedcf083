import { z } from 'zod';
import type { LandingView } from '../../typings/scan.js';
import { requireOpenid } from '../core/auth/roles.js';
import { action, createHandler } from '../core/handler.js';
import { resolveTicket, verifyCode } from '../core/scan/resolve.js';

/**
 * The consumer's function: a scan of a code on a product becomes the landing view (product,
 * origin trace, verdict, follow card). Open to every WeChat user; who they are comes from
 * `cloud.getWXContext()` alone (an openid in the event is ignored), and a call that carries no
 * user (HTTP API, timer) is refused.
 *
 *   resolve  { codeTicket, scene?, location? }  a 一物一码 scan (launch query `code_ticket`)
 *   verify   { code, scene?, location? }        a raw 9-character code, typed or from wx.scanCode
 *
 * Errors besides the common ones: TICKET_INVALID (another user's, expired or unknown ticket),
 * RATE_LIMITED (too many scans by the caller; core/scan/limits.ts), UPSTREAM_ERROR (WeChat
 * failed; retrying may help) and UPSTREAM_QUOTA_EXCEEDED (the OA's daily WeChat quota is spent).
 */

// Coordinates only: a place name the page sends is dropped here (zod strips unknown keys), and
// the one later scanners see is made by the server from the coordinates.
const location = z
  .object({
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
  })
  .optional();
const scene = z.number().int().min(0).max(99_999).optional();

export const main = createHandler('scan', {
  resolve: action(
    z.object({
      // WeChat's tickets are 32 hex characters in every example; anything else is WeChat's to refuse.
      codeTicket: z.string().trim().min(1, '缺少扫码凭证 code_ticket').max(256),
      scene,
      location,
    }),
    async (input, { caller }): Promise<LandingView> =>
      resolveTicket(input, { openid: requireOpenid(caller), clientIp: caller.clientIp }),
  ),

  verify: action(
    z.object({
      code: z
        .string()
        .trim()
        .regex(/^[\x21-\x7E]{9}$/, '请输入商品上的 9 位防伪码'),
      scene,
      location,
    }),
    async (input, { caller }): Promise<LandingView> =>
      verifyCode(input, { openid: requireOpenid(caller), clientIp: caller.clientIp }),
  ),
});
