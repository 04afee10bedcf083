import type {
  AuditEntryView,
  CreateInviteResult,
  ListAuditLogRequest,
  MemberErrorCode,
  MemberRole,
  MemberView,
  RevokeRoleResult,
} from '../../../typings/admin.js';
import { adminOpenids } from '../config.js';
import { listAuditEntries, type AuditRecord } from '../data/audit-log.js';
import { insertInvite, inviteIdOf, newInviteCode } from '../data/invites.js';
import {
  joinWithInvite,
  listMemberRecords,
  removeMember,
  setMemberRole,
  type MemberRecord,
} from '../data/members.js';
import { INVITE_TTL_MS, invitePath, maskOpenid } from '../domain/permissions.js';
import { AppError } from '../errors.js';

/**
 * The console's members: invites, grants, revocations and the audit log's reading side. The
 * permission to call each is checked before (core/auth/roles.ts authorize); the rules that hold
 * under concurrency (single-use invites, the last administrator) are data/members.ts's
 * transactions.
 */

const MESSAGES: Readonly<Record<MemberErrorCode, string>> = {
  INVITE_NOT_FOUND: '邀请码无效，请向管理员索取新的邀请',
  INVITE_EXPIRED: '邀请已过期，请向管理员索取新的邀请',
  INVITE_USED: '邀请已被使用，每个邀请只能使用一次',
  ALREADY_MEMBER: '你已是控制台成员，如需调整角色请联系管理员',
  MEMBER_NOT_FOUND: '该用户不是控制台成员',
  LAST_ADMIN: '至少需要保留一名管理员，不能移除最后一名管理员',
  BOOTSTRAP_ADMIN: '该管理员由部署配置（ADMIN_OPENIDS）指定，不能在此修改',
};

function refuse(code: MemberErrorCode): AppError {
  return new AppError(code, MESSAGES[code]);
}

export async function createInvite(
  role: MemberRole,
  createdBy: string,
): Promise<CreateInviteResult & { inviteId: string }> {
  const inviteCode = newInviteCode();
  const inviteId = inviteIdOf(inviteCode);
  const createdAt = Date.now();
  const expiresAt = createdAt + INVITE_TTL_MS;
  await insertInvite({ _id: inviteId, role, createdBy, createdAt, expiresAt });
  return {
    inviteCode,
    path: invitePath(inviteCode),
    role,
    expiresAt: new Date(expiresAt).toISOString(),
    inviteId,
  };
}

export async function acceptInvite(inviteCode: string, openid: string): Promise<MemberView> {
  const outcome = await joinWithInvite({
    inviteId: inviteIdOf(inviteCode),
    openid,
    isBootstrapAdmin: adminOpenids().has(openid),
    now: Date.now(),
  });
  if (!outcome.ok) throw refuse(outcome.refusal);
  return memberView(outcome.value);
}

export async function listMembers(page: { limit: number; offset: number }): Promise<MemberView[]> {
  // Bootstrap administrators come first (they are not in the collection), then the collection.
  const bootstrap = [...adminOpenids()].map(bootstrapView);
  const shown = bootstrap.slice(page.offset, page.offset + page.limit);
  const offset = Math.max(0, page.offset - bootstrap.length);
  const limit = page.limit - shown.length;
  if (limit === 0) return shown;
  const records = await listMemberRecords({ limit, offset });
  return [
    ...shown,
    ...records.filter((record) => !adminOpenids().has(record.openid)).map(memberView),
  ];
}

export async function grantRole(
  openid: string,
  role: MemberRole,
  grantedBy: string,
): Promise<MemberView> {
  refuseBootstrap(openid);
  const outcome = await setMemberRole({
    openid,
    role,
    grantedBy,
    bootstrapAdmins: adminOpenids().size,
    now: Date.now(),
  });
  if (!outcome.ok) throw refuse(outcome.refusal);
  return memberView(outcome.value);
}

export async function revokeRole(openid: string): Promise<RevokeRoleResult> {
  refuseBootstrap(openid);
  const outcome = await removeMember({ openid, bootstrapAdmins: adminOpenids().size });
  if (!outcome.ok) throw refuse(outcome.refusal);
  return { openid, previousRole: outcome.value.role };
}

export async function listAuditLog(
  query: Required<Pick<ListAuditLogRequest, 'limit' | 'offset'>> &
    Pick<ListAuditLogRequest, 'actionName' | 'actor'>,
): Promise<AuditEntryView[]> {
  const { actionName, ...rest } = query;
  return (await listAuditEntries({ ...rest, action: actionName })).map(auditEntryView);
}

/** `ADMIN_OPENIDS` are changed in the deployment settings only. */
function refuseBootstrap(openid: string): void {
  if (adminOpenids().has(openid)) throw refuse('BOOTSTRAP_ADMIN');
}

function memberView(record: MemberRecord): MemberView {
  return {
    openid: record.openid,
    openidMasked: maskOpenid(record.openid),
    role: record.role,
    source: record.source,
    since: new Date(record.grantedAt).toISOString(),
    grantedBy: record.grantedBy,
    grantedByMasked: maskOpenid(record.grantedBy),
  };
}

function bootstrapView(openid: string): MemberView {
  return {
    openid,
    openidMasked: maskOpenid(openid),
    role: 'admin',
    source: 'bootstrap',
    since: null,
    grantedBy: null,
    grantedByMasked: null,
  };
}

function auditEntryView(record: AuditRecord): AuditEntryView {
  return {
    id: record._id,
    at: new Date(record.at).toISOString(),
    actor: record.actor,
    actorMasked: maskOpenid(record.actor),
    role: record.role,
    action: record.action,
    target: record.target,
    summary: record.summary,
  };
}
