import type { AdminAction, MemberRole } from '../../../typings/admin.js';
import { adminOpenids } from '../config.js';
import { findMemberRole } from '../data/members.js';
import { mayCall, ROLE_NAMES } from '../domain/permissions.js';
import { forbidden, unauthenticated } from '../errors.js';
import type { Caller } from '../caller.js';

/** Who the caller is to the console: their role (null: not a member). */
export interface CallerRole {
  openid: string;
  role: MemberRole | null;
  /** Named by `ADMIN_OPENIDS`: always an administrator, whatever the roles collection says. */
  bootstrap: boolean;
}

/**
 * The role `openid` holds: bootstrap administrators come from `ADMIN_OPENIDS`, the rest from the
 * `roles` collection (data/members.ts findMemberRole, the one query of it).
 */
export async function roleOf(openid: string): Promise<CallerRole> {
  if (adminOpenids().has(openid)) return { openid, role: 'admin', bootstrap: true };
  const record = await findMemberRole(openid);
  return { openid, role: record?.role ?? null, bootstrap: false };
}

/** Whether `openid` is an administrator (role `admin` or `ADMIN_OPENIDS`). */
export async function isAdministrator(openid: string): Promise<boolean> {
  return (await roleOf(openid)).role === 'admin';
}

/** The caller's openid, or an error when the call did not come from a WeChat user. */
export function requireOpenid(caller: Caller): string {
  if (!caller.openid) throw unauthenticated();
  return caller.openid;
}

/** The caller must be an administrator, checked server-side. */
export async function requireAdministrator(caller: Caller): Promise<string> {
  const openid = requireOpenid(caller);
  if (!(await isAdministrator(openid))) throw forbidden('仅管理员可以执行此操作');
  return openid;
}

/**
 * Every admin action starts here: the caller's role, from their OPENID alone, must allow
 * `action` (domain/permissions.ts). Answers UNAUTHENTICATED without a WeChat identity and
 * FORBIDDEN when the role does not allow it.
 */
export async function authorize(caller: Caller, action: AdminAction): Promise<CallerRole> {
  const who = await roleOf(requireOpenid(caller));
  if (mayCall(who.role, action)) return who;
  throw forbidden(
    who.role
      ? `${ROLE_NAMES[who.role]}没有权限执行此操作，如需权限请联系管理员`
      : '你还不是控制台成员，请联系管理员邀请你加入',
  );
}
