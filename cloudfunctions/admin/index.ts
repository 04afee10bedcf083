import { createAdminHandler } from '../core/auth/admin-actions.js';
import { memberActions } from './members.js';
import { codeActions } from './codes.js';
import { productActions } from './products.js';
import { campaignActions } from './campaigns.js';
import { payoutActions } from './payouts.js';
import { statsActions } from './stats.js';
import { channelQrActions } from './channel-qr.js';
import { materialActions } from './materials.js';
import { exportActions } from './exports.js';

/**
 * The console's function. Each action needs the permission domain/permissions.ts gives it,
 * checked from the caller's OPENID before anything else (core/auth/admin-actions.ts); `me` and
 * `acceptInvite` are open to any WeChat user (a visitor learns why they see nothing, or joins).
 * Writes are recorded in the audit log with the summary each `writeAction` gives.
 *
 * The actions are declared by subject beside this file (members.ts, codes.ts, products.ts,
 * campaigns.ts, payouts.ts, stats.ts, channel-qr.ts, materials.ts, exports.ts; schema pieces
 * they share in fields.ts) and wired here; createAdminHandler holds the whole table to the
 * contract (`AdminActions`) both ways at compile time.
 *
 * Input shapes are checked there (zod, Chinese messages); the marketcode rules themselves (count
 * grid, ranges inside the application, EAN check digit…) live in core/domain/marketcode.ts and
 * answer with their own stable codes.
 */

export const main = createAdminHandler({
  ...memberActions,
  ...codeActions,
  ...productActions,
  ...campaignActions,
  ...payoutActions,
  ...statsActions,
  ...channelQrActions,
  ...materialActions,
  ...exportActions,
});
