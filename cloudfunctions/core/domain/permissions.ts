/**
 * Who may call which `admin` action: the one table the server checks on every call and `me`
 * reports to the console pages. Pure rules, no I/O: core/auth resolves the caller's role (from
 * the OPENID CloudBase vouches for, never the event) and asks here.
 *
 *   admin     everything, members and the audit log included
 *   operator  codes, activation, products, channel QR codes; reads everything else; CRM exports
 *   marketer  campaigns and their payouts; reads products and code ranges; CRM exports
 *   viewer    reads only (no export of users' data)
 *
 * `ADMIN_ACTION_RULES` is typed over the contract's action names (`satisfies Record<AdminAction,
 * …>`), so an action added to `AdminActions` without a rule here fails `tsc`.
 */
import type {
  AdminAction,
  AdminPermission,
  MemberRole,
  PublicAdminAction,
} from '../../../typings/admin.js';

export type { AdminPermission, MemberRole };

export const MEMBER_ROLES: readonly MemberRole[] = ['admin', 'operator', 'marketer', 'viewer'];

/** Chinese names of the roles, for summaries and messages. */
export const ROLE_NAMES: Readonly<Record<MemberRole, string>> = {
  admin: '管理员',
  operator: '运营',
  marketer: '营销',
  viewer: '只读成员',
};

const READS: readonly AdminPermission[] = [
  'codes.read',
  'products.read',
  'campaigns.read',
  'payouts.read',
  'stats.read',
  'oa.read',
];

export const ROLE_PERMISSIONS: Readonly<Record<MemberRole, readonly AdminPermission[]>> = {
  admin: [
    ...READS,
    'codes.write',
    'products.write',
    'campaigns.write',
    'members.manage',
    'oa.write',
    'data.export',
  ],
  // Operators also run the Official Account's channel QR codes (they manage them for the brand).
  operator: [...READS, 'codes.write', 'products.write', 'oa.write', 'data.export'],
  // Reads code ranges and products (to target campaigns); campaigns' payouts are its own.
  marketer: [...READS, 'campaigns.write', 'data.export'],
  viewer: READS,
};

/**
 * What one action needs. `permission: null` means any WeChat user (`me` tells a visitor what they
 * may do; `acceptInvite` is how a visitor joins). `write: true` actions change something and are
 * recorded in the audit log.
 */
export interface AdminActionRule {
  permission: AdminPermission | null;
  write: boolean;
}

export const ADMIN_ACTION_RULES = {
  me: { permission: null, write: false },
  acceptInvite: { permission: null, write: true },
  // The 工作台 figures: every member reads them, a visitor does not.
  dashboard: { permission: 'stats.read', write: false },

  applyCodes: { permission: 'codes.write', write: true },
  // Stores WeChat's latest status of the application: a change, made by whoever runs the codes.
  refreshApplication: { permission: 'codes.write', write: true },
  listApplications: { permission: 'codes.read', write: false },
  importRange: { permission: 'codes.write', write: true },
  // Print files hold the codes themselves: whoever has them could claim rewards.
  exportRange: { permission: 'codes.write', write: true },
  activateRange: { permission: 'codes.write', write: true },
  queryActivation: { permission: 'codes.read', write: false },
  listRanges: { permission: 'codes.read', write: false },

  createProduct: { permission: 'products.write', write: true },
  updateProduct: { permission: 'products.write', write: true },
  getProduct: { permission: 'products.read', write: false },
  listProducts: { permission: 'products.read', write: false },
  bindProduct: { permission: 'products.write', write: true },

  createCampaign: { permission: 'campaigns.write', write: true },
  updateCampaign: { permission: 'campaigns.write', write: true },
  setCampaignStatus: { permission: 'campaigns.write', write: true },
  getCampaign: { permission: 'campaigns.read', write: false },
  listCampaigns: { permission: 'campaigns.read', write: false },
  listPayouts: { permission: 'payouts.read', write: false },
  // Figures of the campaigns: whoever reads campaigns reads how they pay.
  rewardStats: { permission: 'campaigns.read', write: false },
  // Figures (issue 12): read from the rollups by every member.
  scanStats: { permission: 'stats.read', write: false },
  productScanStats: { permission: 'stats.read', write: false },
  listDiversionAlerts: { permission: 'stats.read', write: false },
  // Where a range is sold is part of activating it: whoever runs the codes sets it.
  setRangeRegions: { permission: 'codes.write', write: true },

  createInvite: { permission: 'members.manage', write: true },
  listMembers: { permission: 'members.manage', write: false },
  grantRole: { permission: 'members.manage', write: true },
  revokeRole: { permission: 'members.manage', write: true },
  listAuditLog: { permission: 'members.manage', write: false },

  // Channel QR codes of the Official Account (issue 11): operators and admins write.
  createChannelQr: { permission: 'oa.write', write: true },
  getChannelQr: { permission: 'oa.read', write: false },
  listChannelQrs: { permission: 'oa.read', write: false },
  updateChannelQr: { permission: 'oa.write', write: true },
  copyChannelQr: { permission: 'oa.write', write: true },
  deleteChannelQrs: { permission: 'oa.write', write: true },
  addMaterial: { permission: 'oa.write', write: true },
  listMaterials: { permission: 'oa.read', write: false },
  listOaDrafts: { permission: 'oa.read', write: false },
  // Scanned users and downloads: reading them is viewing the code; an export of users' OpenIDs
  // and an audience are recorded writes.
  listQrScanners: { permission: 'oa.read', write: false },
  exportQrScanners: { permission: 'oa.write', write: true },
  getExport: { permission: 'oa.read', write: false },
  // Exports for a CRM (issue 12): users' OpenIDs leave the system, so a viewer may not, and each
  // export is recorded; an export's progress and links are its requester's alone.
  exportData: { permission: 'data.export', write: true },
  listExports: { permission: 'data.export', write: false },
  createAudience: { permission: 'oa.write', write: true },
  listAudiences: { permission: 'oa.read', write: false },
  qrImage: { permission: 'oa.read', write: false },
  qrImagesZip: { permission: 'oa.read', write: false },
  exportQrLinks: { permission: 'oa.read', write: false },
} as const satisfies Record<AdminAction, AdminActionRule> &
  Record<PublicAdminAction, { permission: null }>;

/** Actions that change something: each has an audit summary in the action table. */
export type AdminWriteAction = {
  [K in AdminAction]: (typeof ADMIN_ACTION_RULES)[K]['write'] extends true ? K : never;
}[AdminAction];

export const ADMIN_ACTIONS = Object.keys(ADMIN_ACTION_RULES) as AdminAction[];

export function permissionsOf(role: MemberRole | null): AdminPermission[] {
  return role ? [...ROLE_PERMISSIONS[role]] : [];
}

/** Whether a caller holding `role` (null: no role) may call `action`. */
export function mayCall(role: MemberRole | null, action: AdminAction): boolean {
  const { permission } = ADMIN_ACTION_RULES[action] as AdminActionRule;
  if (permission === null) return true;
  return role !== null && ROLE_PERMISSIONS[role].includes(permission);
}

/** Every action and whether `role` may call it: what the console shows or hides. */
export function allowedActions(role: MemberRole | null): Record<AdminAction, boolean> {
  return Object.fromEntries(
    ADMIN_ACTIONS.map((action) => [action, mayCall(role, action)]),
  ) as Record<AdminAction, boolean>;
}

export function isMemberRole(value: unknown): value is MemberRole {
  return typeof value === 'string' && (MEMBER_ROLES as readonly string[]).includes(value);
}

/**
 * An openid fit to show beside a name: the first and last four characters. Administrators get
 * the full openid too (they act on it); logs and other screens show only this.
 */
export function maskOpenid(openid: string): string {
  return openid.length <= 10
    ? `${openid.slice(0, 2)}…${openid.slice(-2)}`
    : `${openid.slice(0, 4)}…${openid.slice(-4)}`;
}

/**
 * Whether a change leaves at least one administrator. `bootstrapAdmins` (ADMIN_OPENIDS) always
 * count and can never be removed; `grantedAdmins` are the admins in the roles collection before
 * the change, `removesAdmin` whether the change takes the role from one of them.
 */
export function leavesAnAdmin(change: {
  bootstrapAdmins: number;
  grantedAdmins: number;
  removesAdmin: boolean;
}): boolean {
  if (!change.removesAdmin) return true;
  return change.bootstrapAdmins + change.grantedAdmins - 1 >= 1;
}

/** How long an invite may be accepted. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The console page that accepts an invite (subpackage `admin`). */
export const JOIN_PAGE = '/admin/pages/join/index';

export function invitePath(inviteCode: string): string {
  return `${JOIN_PAGE}?invite=${encodeURIComponent(inviteCode)}`;
}

export type InviteRefusal = 'INVITE_USED' | 'INVITE_EXPIRED';

/** Why a stored invite cannot be accepted now, or null when it can. */
export function inviteRefusal(
  invite: { usedAt?: unknown; expiresAt: number },
  now: number,
): InviteRefusal | null {
  if (invite.usedAt !== undefined && invite.usedAt !== null) return 'INVITE_USED';
  if (now >= invite.expiresAt) return 'INVITE_EXPIRED';
  return null;
}
