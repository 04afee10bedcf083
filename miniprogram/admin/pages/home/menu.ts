import type { AdminAction, AdminMe } from '../../../../typings/admin';

/**
 * Operator areas of the admin subpackage. `action` is the call an area cannot work without: the
 * shortcut shows only when `me.can` allows it (null: any member). `url` is set once the area has
 * its page; until then it reads 即将上线.
 */
export interface AdminMenuItem {
  key: string;
  title: string;
  desc: string;
  action: AdminAction | null;
  url?: string;
}

export const ADMIN_MENU: readonly AdminMenuItem[] = [
  {
    key: 'code-applications',
    title: '码包申请',
    desc: '申请一物一码、下载并解密码包',
    action: 'listApplications',
    url: '/admin/pages/codes/index',
  },
  {
    key: 'code-ranges',
    title: '激活码段',
    desc: '把码段绑定到商品与活动',
    action: 'activateRange',
    url: '/admin/pages/codes/index',
  },
  {
    key: 'products',
    title: '商品',
    desc: '商品信息、图片、溯源环节与绑定码段',
    action: 'listProducts',
    url: '/admin/pages/products/index',
  },
  {
    key: 'stats',
    title: '数据',
    desc: '扫码与领取趋势、商品与地区、时段、窜货告警与导出',
    action: 'scanStats',
    url: '/admin/pages/stats/index',
  },
  {
    key: 'campaigns',
    title: '红包活动',
    desc: '预算、金额、时间与风控',
    action: 'listCampaigns',
    url: '/admin/pages/campaigns/index',
  },
  {
    key: 'payouts',
    title: '发放记录',
    desc: '红包发放状态、按码查询与对账告警',
    action: 'listPayouts',
    url: '/admin/pages/payouts/index',
  },
  {
    key: 'channel-qrcodes',
    title: '渠道二维码',
    desc: '公众号渠道码与关注统计',
    action: 'listChannelQrs',
    url: '/admin/pages/channel-qr/index',
  },
  {
    key: 'members',
    title: '成员',
    desc: '成员与角色、邀请、操作记录',
    action: 'listMembers',
    url: '/admin/pages/members/index',
  },
];

export interface MenuRow {
  key: string;
  title: string;
  desc: string;
  /** Empty while the area has no page yet. */
  url: string;
  comingSoon: boolean;
}

/** The shortcuts `me` allows, in menu order; none for a caller without a role. */
export function menuFor(me: Pick<AdminMe, 'role' | 'can'> | null): MenuRow[] {
  if (!me?.role) return [];
  return ADMIN_MENU.filter((item) => item.action === null || me.can[item.action] === true).map(
    (item) => ({
      key: item.key,
      title: item.title,
      desc: item.desc,
      url: item.url ?? '',
      comingSoon: !item.url,
    }),
  );
}
