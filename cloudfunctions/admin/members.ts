/**
 * Members: who is calling, invites, roles and the audit log.
 *
 * Actions of the `admin` function on this subject: their input schemas, handlers and audit
 * notes. index.ts wires every subject into the one handler.
 */
import { z } from 'zod';
import type { AdminAction, AdminMe, MemberRole } from '../../typings/admin.js';
import { readAction, writeAction } from '../core/auth/admin-actions.js';
import {
  acceptInvite,
  createInvite,
  grantRole,
  listAuditLog,
  listMembers,
  revokeRole,
} from '../core/auth/members.js';
import { recordOperatorVisit } from '../core/data/operators.js';
import { inviteIdOf } from '../core/data/invites.js';
import {
  ADMIN_ACTIONS,
  MEMBER_ROLES,
  ROLE_NAMES,
  allowedActions,
  permissionsOf,
} from '../core/domain/permissions.js';
import { page, openid } from './fields.js';

const memberRole = z.enum(MEMBER_ROLES as [MemberRole, ...MemberRole[]]);

export const memberActions = {
  me: readAction(z.object({}), async (_input, { caller, member }): Promise<AdminMe> => {
    const record = await recordOperatorVisit(member.openid, caller.appid ?? '');
    return {
      openid: member.openid,
      appid: record.appid,
      isAdmin: member.role === 'admin',
      role: member.role,
      bootstrap: member.bootstrap,
      permissions: permissionsOf(member.role),
      can: allowedActions(member.role),
      firstSeenAt: new Date(record.firstSeenAt).toISOString(),
      lastSeenAt: new Date(record.lastSeenAt).toISOString(),
      visits: record.visits,
    };
  }),

  createInvite: writeAction(
    z.object({ role: memberRole }),
    async (input, { member }) => {
      const { inviteId: _inviteId, ...invite } = await createInvite(input.role, member.openid);
      return invite;
    },
    // The code itself is a credential: the log names the invite by its stored id (a hash).
    (input, invite) => ({
      target: `invite:${inviteIdOf(invite.inviteCode).slice(0, 12)}`,
      summary: `邀请成员，角色：${ROLE_NAMES[input.role]}，有效期至 ${invite.expiresAt}`,
    }),
  ),

  acceptInvite: writeAction(
    z.object({ inviteCode: z.string().trim().min(1).max(128) }),
    async (input, { member }) => ({ member: await acceptInvite(input.inviteCode, member.openid) }),
    (input, { member }) => ({
      target: `member:${member.openid}`,
      summary: `通过邀请加入，角色：${ROLE_NAMES[member.role]}（邀请 ${inviteIdOf(input.inviteCode).slice(0, 12)}）`,
    }),
  ),

  listMembers: readAction(z.object(page(100, 100)), async (input) => ({
    members: await listMembers(input),
  })),

  grantRole: writeAction(
    z.object({ openid, role: memberRole }),
    async (input, { member }) => ({
      member: await grantRole(input.openid, input.role, member.openid),
    }),
    (input) => ({
      target: `member:${input.openid}`,
      summary: `设置角色：${ROLE_NAMES[input.role]}`,
    }),
  ),

  revokeRole: writeAction(
    z.object({ openid }),
    async (input) => revokeRole(input.openid),
    (input, result) => ({
      target: `member:${input.openid}`,
      summary: `移除成员（原角色：${ROLE_NAMES[result.previousRole]}）`,
    }),
  ),

  listAuditLog: readAction(
    z.object({
      actionName: z.enum(ADMIN_ACTIONS as [AdminAction, ...AdminAction[]]).optional(),
      actor: openid.optional(),
      ...page(100, 20),
    }),
    async (input) => ({ entries: await listAuditLog(input) }),
  ),
};
