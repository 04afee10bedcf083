import { z } from 'zod';
import type { AdminMe } from '../../typings/admin.js';
import { isAdministrator, requireOpenid } from '../core/auth/roles.js';
import { recordOperatorVisit } from '../core/data/operators.js';
import { action, createHandler } from '../core/handler.js';

/**
 * The operators' function. Every action but `me` requires an administrator; `me` is open to any
 * WeChat user so the admin pages can tell a visitor why they see nothing.
 */
export const main = createHandler('admin', {
  me: action(z.object({}), async (_input, { caller }): Promise<AdminMe> => {
    const openid = requireOpenid(caller);
    const [record, admin] = await Promise.all([
      recordOperatorVisit(openid, caller.appid ?? ''),
      isAdministrator(openid),
    ]);
    return {
      openid,
      appid: record.appid,
      isAdmin: admin,
      firstSeenAt: new Date(record.firstSeenAt).toISOString(),
      lastSeenAt: new Date(record.lastSeenAt).toISOString(),
      visits: record.visits,
    };
  }),
});
