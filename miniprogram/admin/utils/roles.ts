import type { MemberRole } from '../../../typings/admin';

/** The roles in the order a person picks them (most to least powerful). */
export const ROLE_ORDER: readonly MemberRole[] = ['admin', 'operator', 'marketer', 'viewer'];

/** Chinese names of the roles: the same words the server's summaries use (domain/permissions.ts). */
export const ROLE_LABELS: Readonly<Record<MemberRole, string>> = {
  admin: '管理员',
  operator: '运营',
  marketer: '营销',
  viewer: '只读成员',
};

/** What each role may do, in one line a person can read before granting it. */
export const ROLE_DESCRIPTIONS: Readonly<Record<MemberRole, string>> = {
  admin: '全部功能，包括成员管理',
  operator: '码包、激活与商品，其余只读',
  marketer: '红包活动与发放记录，商品与码段只读',
  viewer: '只能查看，不能修改',
};

/** vant tag colour per role. */
export const ROLE_TAG_TYPES: Readonly<Record<MemberRole, string>> = {
  admin: 'success',
  operator: 'primary',
  marketer: 'warning',
  viewer: 'default',
};

export function roleLabel(role: MemberRole | null): string {
  return role ? ROLE_LABELS[role] : '无权限';
}
