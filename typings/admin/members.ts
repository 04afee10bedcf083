/**
 * Members, roles and invites.
 *
 * Part of the `admin` function's contract: typings/admin.ts re-exports it and assembles
 * `AdminActions`. Type-only.
 */

// ---------------------------------------------------------------------------------------------
// Members, invites and the audit log

/**
 * `admin` everything (members included); `operator` codes, activation, products and reads the
 * rest; `marketer` campaigns and their payouts, reads products and ranges; `viewer` reads only.
 */
export type MemberRole = 'admin' | 'operator' | 'marketer' | 'viewer';

/** What a role allows; each admin action needs one (or none: `me`, `acceptInvite`). */
export type AdminPermission =
  | 'codes.read'
  | 'products.read'
  | 'campaigns.read'
  | 'payouts.read'
  | 'stats.read'
  | 'codes.write'
  | 'products.write'
  | 'campaigns.write'
  | 'members.manage'
  | 'oa.read'
  | 'oa.write'
  | 'data.export';

/** Actions any WeChat user may call. */
export type PublicAdminAction = 'me' | 'acceptInvite';

/** Refusals of the member actions, beside the common codes (FORBIDDEN, INVALID_ARGUMENT…). */
export type MemberErrorCode =
  | 'INVITE_NOT_FOUND'
  | 'INVITE_EXPIRED'
  | 'INVITE_USED'
  | 'ALREADY_MEMBER'
  | 'MEMBER_NOT_FOUND'
  | 'LAST_ADMIN'
  | 'BOOTSTRAP_ADMIN';

export interface MemberView {
  /** Full openid: what grantRole and revokeRole take. */
  openid: string;
  /** For display: first and last four characters. */
  openidMasked: string;
  role: MemberRole;
  /** `bootstrap`: named by ADMIN_OPENIDS (always admin, changed only in the deployment settings). */
  source: 'bootstrap' | 'grant' | 'invite';
  /** ISO 8601; null for bootstrap administrators. */
  since: string | null;
  /** Who granted the role (or created the invite); null for bootstrap administrators. */
  grantedBy: string | null;
  grantedByMasked: string | null;
}

/** `createInvite`: a single-use invite to join with `role`. */
export interface CreateInviteRequest {
  role: MemberRole;
}

export interface CreateInviteResult {
  /** 128 random bits; shown once (only its hash is stored). */
  inviteCode: string;
  /** The console page that joins with it: `/admin/pages/join/index?invite=<code>`. */
  path: string;
  role: MemberRole;
  expiresAt: string;
}

/** `acceptInvite`: any WeChat user; exactly one user can use an invite. */
export interface AcceptInviteRequest {
  inviteCode: string;
}

export interface MemberResult {
  member: MemberView;
}

export interface ListMembersRequest {
  /** 1–100, default 100. Bootstrap administrators first, then by when they joined. */
  limit?: number;
  offset?: number;
}

export interface ListMembersResult {
  members: MemberView[];
}

/** `grantRole`: gives `openid` the role (or changes it). */
export interface GrantRoleRequest {
  openid: string;
  role: MemberRole;
}

/** `revokeRole`: `openid` is no longer a member. */
export interface RevokeRoleRequest {
  openid: string;
}

export interface RevokeRoleResult {
  openid: string;
  previousRole: MemberRole;
}
