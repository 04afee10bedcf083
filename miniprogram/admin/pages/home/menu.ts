/** Operator areas of the admin subpackage; each gets a page in a later issue. */
export interface AdminMenuItem {
  key: string;
  title: string;
  desc: string;
}

export const ADMIN_MENU: readonly AdminMenuItem[] = [
  { key: 'code-applications', title: '码包申请', desc: '申请一物一码、下载并解密码包' },
  { key: 'code-ranges', title: '激活码段', desc: '把码段绑定到商品与活动' },
  { key: 'scan-stats', title: '扫码数据', desc: '扫码量、地区与首扫时间' },
  { key: 'campaigns', title: '红包活动', desc: '预算、金额、时间与风控' },
  { key: 'channel-qrcodes', title: '渠道二维码', desc: '公众号渠道码与关注统计' },
];
