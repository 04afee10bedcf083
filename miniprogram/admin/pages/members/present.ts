import type {
  AuditEntryView,
  CreateInviteResult,
  MemberRole,
  MemberView,
} from '../../../../typings/admin';
import { formatDateTime } from '../../../utils/time';
import { ROLE_LABELS, ROLE_ORDER, ROLE_TAG_TYPES } from '../../utils/roles';

/** One member as the 成员 list shows it. */
export interface MemberRow {
  openid: string;
  openidMasked: string;
  role: MemberRole;
  roleLabel: string;
  roleTagType: string;
  /** `加入于 2025-03-02 17:30 · 由 oMAS…fXYZ 授予`, or why the row has no date. */
  detail: string;
  /** Named by ADMIN_OPENIDS: its role cannot be changed or revoked here. */
  bootstrap: boolean;
  isSelf: boolean;
}

const SOURCE_VERBS: Readonly<Record<MemberView['source'], string>> = {
  bootstrap: '',
  grant: '授予',
  invite: '邀请',
};

export function memberRows(members: readonly MemberView[], selfOpenid: string): MemberRow[] {
  return members.map((member) => {
    const bootstrap = member.source === 'bootstrap';
    const detail = bootstrap
      ? '部署设置指定的管理员，不能在此修改'
      : [
          `加入于 ${formatDateTime(member.since ?? undefined)}`,
          member.grantedByMasked
            ? `由 ${member.grantedByMasked} ${SOURCE_VERBS[member.source]}`
            : '',
        ]
          .filter(Boolean)
          .join(' · ');
    return {
      openid: member.openid,
      openidMasked: member.openidMasked,
      role: member.role,
      roleLabel: ROLE_LABELS[member.role],
      roleTagType: ROLE_TAG_TYPES[member.role],
      detail,
      bootstrap,
      isSelf: member.openid === selfOpenid,
    };
  });
}

/** A choice of the role action sheet. */
export interface RoleChoice {
  role: MemberRole;
  name: string;
}

/** The roles to pick from, leaving out the one the member already has. */
export function roleChoices(current?: MemberRole): RoleChoice[] {
  return ROLE_ORDER.filter((role) => role !== current).map((role) => ({
    role,
    name: ROLE_LABELS[role],
  }));
}

export function changeRoleConfirmation(
  row: Pick<MemberRow, 'openidMasked' | 'roleLabel'>,
  role: MemberRole,
): string {
  return `将 ${row.openidMasked} 的角色从「${row.roleLabel}」改为「${ROLE_LABELS[role]}」？`;
}

export function revokeConfirmation(row: Pick<MemberRow, 'openidMasked' | 'roleLabel'>): string {
  return `移除后 ${row.openidMasked}（${row.roleLabel}）将不能再使用运营后台，需要重新邀请才能加入。`;
}

export interface AuditRow {
  id: string;
  summary: string;
  /** `2025-03-02 17:30 · oMAS…fXYZ（管理员）` */
  meta: string;
}

export function auditRows(entries: readonly AuditEntryView[]): AuditRow[] {
  return entries.map((entry) => ({
    id: entry.id,
    summary: entry.summary,
    meta: `${formatDateTime(entry.at)} · ${entry.actorMasked}${entry.role ? `（${ROLE_LABELS[entry.role]}）` : ''}`,
  }));
}

/** The invite just created, as the page shows it. */
export interface InviteCard {
  roleLabel: string;
  /** What the QR code holds and 复制链接 copies. */
  link: string;
  expiresText: string;
}

/**
 * The link to hand over: the server's join path, plus the role it grants so the join page can
 * name it before accepting (only a label: acceptInvite grants what the invite itself holds).
 */
export function inviteCard(invite: CreateInviteResult): InviteCard {
  const separator = invite.path.includes('?') ? '&' : '?';
  return {
    roleLabel: ROLE_LABELS[invite.role],
    link: `${invite.path}${separator}role=${invite.role}`,
    expiresText: `${formatDateTime(invite.expiresAt)} 前有效，仅限一人使用`,
  };
}
