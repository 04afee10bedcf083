import { adminOpenids } from '../config.js';
import { db } from '../cloud.js';
import { serverWritten } from '../data/client-writes.js';
import { forbidden, unauthenticated } from '../errors.js';
import type { Caller } from '../caller.js';

/**
 * Whether `openid` is an administrator: bootstrap administrators come from `ADMIN_OPENIDS`, the
 * rest are granted in the `roles` collection (a role a client wrote is no role).
 */
export async function isAdministrator(openid: string): Promise<boolean> {
  if (adminOpenids().has(openid)) return true;
  const { data } = await db()
    .collection('roles')
    .where({ openid, role: 'admin', ...serverWritten() })
    .limit(1)
    .get();
  return data.length > 0;
}

/** The caller's openid, or an error when the call did not come from a WeChat user. */
export function requireOpenid(caller: Caller): string {
  if (!caller.openid) throw unauthenticated();
  return caller.openid;
}

/** Admin actions start here: the caller must be an administrator, checked server-side. */
export async function requireAdministrator(caller: Caller): Promise<string> {
  const openid = requireOpenid(caller);
  if (!(await isAdministrator(openid))) throw forbidden('仅管理员可以执行此操作');
  return openid;
}
