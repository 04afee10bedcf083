import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { EnvelopeError } from '../../../../typings/envelope';
import { adminSessionStore } from '../../stores/session';
import { membersStore, type WriteOutcome } from '../../stores/members';
import { chooseFrom, confirmAction } from '../../utils/confirm';
import { describeMemberError } from '../../utils/errors';
import { drawQr } from '../../utils/qr-canvas';
import { ROLE_LABELS } from '../../utils/roles';
import {
  auditRows,
  changeRoleConfirmation,
  inviteCard,
  memberRows,
  revokeConfirmation,
  roleChoices,
} from './present';

/** CSS pixels of the invite QR code (the canvas is 400rpx ≈ 200 px on a 375 px-wide phone). */
const QR_SIZE_PX = 200;

function errorText(error: EnvelopeError | null): string {
  return error ? describeMemberError(error) : '';
}

/** 成员 (admins only): members and roles, invites, and the audit log. */
ComponentWithStore({
  data: {
    notice: '',
    noticeType: 'success' as 'success' | 'error',
    /** Modules across the drawn invite QR code (0 until drawn). */
    inviteQrModules: 0,
  },

  storeBindings: {
    store: membersStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayManage: () => adminSessionStore.can('listMembers'),
      membersStatus: () => membersStore.membersStatus,
      membersError: () => errorText(membersStore.membersError),
      membersErrorCode: () => membersStore.membersError?.code ?? '',
      members: () => memberRows(membersStore.members, adminSessionStore.me?.openid ?? ''),
      auditStatus: () => membersStore.auditStatus,
      auditError: () => errorText(membersStore.auditError),
      auditErrorCode: () => membersStore.auditError?.code ?? '',
      audit: () => auditRows(membersStore.auditEntries),
      auditHasMore: () => membersStore.auditHasMore,
      auditLoadingMore: () => membersStore.auditLoadingMore,
      invite: () => (membersStore.invite ? inviteCard(membersStore.invite) : null),
      busy: () => membersStore.busy,
    },
    // The page calls the store itself: its actions take arguments from taps and confirmations.
    actions: {},
  } as const,

  methods: {
    async onLoad() {
      membersStore.closeInvite();
      await this.start();
    },

    async start() {
      await adminSessionStore.ensureMe();
      if (adminSessionStore.can('listMembers')) await membersStore.load();
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('listMembers')) await membersStore.load();
    },

    onRetryMembers() {
      void membersStore.loadMembers();
    },

    onRetryAudit() {
      void membersStore.loadAudit();
    },

    async onPullDownRefresh() {
      this.setData({ notice: '' });
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('listMembers')) await membersStore.load();
      wx.stopPullDownRefresh();
    },

    onReachBottom() {
      void this.onMoreAudit();
    },

    async onMoreAudit() {
      this.report(await membersStore.loadMoreAudit(), '');
    },

    /** Says how a write ended, in our words for its error code. */
    report(outcome: WriteOutcome, success: string) {
      if (outcome.ok === 'busy') return;
      if (outcome.ok) {
        if (success) this.setData({ notice: success, noticeType: 'success' });
      } else {
        this.setData({ notice: describeMemberError(outcome.error), noticeType: 'error' });
      }
    },

    async onInvite() {
      this.setData({ notice: '' });
      const choice = await chooseFrom('邀请成员：选择角色', roleChoices());
      if (!choice) return;
      const outcome = await membersStore.createInvite(choice.role);
      this.report(outcome, '');
      if (outcome.ok === true) this.drawInvite();
    },

    async onChangeRole(
      event: WechatMiniprogram.CustomEvent<
        Record<string, never>,
        Record<string, never>,
        { openid?: string }
      >,
    ) {
      const row = this.rowOf(event.currentTarget.dataset.openid);
      if (!row) return;
      this.setData({ notice: '' });
      const choice = await chooseFrom(`修改 ${row.openidMasked} 的角色`, roleChoices(row.role));
      if (!choice) return;
      const confirmed = await confirmAction({
        title: '修改角色',
        content: changeRoleConfirmation(row, choice.role),
        confirmText: '确认修改',
      });
      if (!confirmed) return;
      this.report(
        await membersStore.changeRole(row.openid, choice.role),
        `已将 ${row.openidMasked} 改为「${ROLE_LABELS[choice.role]}」`,
      );
    },

    async onRevoke(
      event: WechatMiniprogram.CustomEvent<
        Record<string, never>,
        Record<string, never>,
        { openid?: string }
      >,
    ) {
      const row = this.rowOf(event.currentTarget.dataset.openid);
      if (!row) return;
      this.setData({ notice: '' });
      const confirmed = await confirmAction({
        title: '移除成员',
        content: revokeConfirmation(row),
        confirmText: '移除',
        danger: true,
      });
      if (!confirmed) return;
      this.report(await membersStore.revoke(row.openid), `已移除 ${row.openidMasked}`);
    },

    rowOf(openid: string | undefined) {
      return memberRows(membersStore.members, adminSessionStore.me?.openid ?? '').find(
        (row) => row.openid === openid,
      );
    },

    onCopyInvite() {
      const invite = membersStore.invite;
      if (!invite) return;
      wx.setClipboardData({ data: inviteCard(invite).link });
    },

    onCloseInvite() {
      membersStore.closeInvite();
      this.setData({ inviteQrModules: 0 });
    },

    /** Draws the invite's QR code once its canvas is on screen. */
    drawInvite() {
      const invite = membersStore.invite;
      if (!invite) return;
      const link = inviteCard(invite).link;
      // The store's bindings reach `data` on the next tick; flushed now, the invite card (and its
      // canvas) is in this render, and the setData callback runs once it is on screen. (The
      // bindings' behaviour adds the method; ComponentWithStore's typings leave it out.)
      if ('updateStoreBindings' in this && typeof this.updateStoreBindings === 'function')
        this.updateStoreBindings();
      this.setData({ inviteQrModules: 0 }, () => {
        this.createSelectorQuery()
          .select('#invite-qr')
          .fields({ node: true, size: true })
          .exec((results: ({ node?: WechatMiniprogram.Canvas } | null)[]) => {
            const canvas = results[0]?.node;
            // No canvas node (an old base library): the link below still works.
            if (!canvas) return;
            const ratio =
              typeof wx.getWindowInfo === 'function' ? wx.getWindowInfo().pixelRatio : 2;
            this.setData({ inviteQrModules: drawQr(canvas, link, QR_SIZE_PX, ratio) });
          });
      });
    },
  },
});
