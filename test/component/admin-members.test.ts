// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import type {
  AuditEntryView,
  CreateInviteResult,
  ListAuditLogResult,
  ListMembersResult,
  MemberView,
} from '../../typings/admin';
import type { Envelope } from '../../typings/envelope';
import { formatDateTime } from '../../miniprogram/utils/time';
import { ADMIN_OPENID, fail, meAs, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
import {
  callPageMethod,
  type CloudCall,
  cleanup,
  findByClass,
  renderPage,
  settle,
  stubWx,
  tapVanButton,
  visibleText,
} from './harness';

const MEMBERS_PAGE = 'admin/pages/members/index';
const OPERATOR = 'oOPER1234567890abcdefOPQ';

const BOOTSTRAP: MemberView = {
  openid: ADMIN_OPENID,
  openidMasked: 'oMAS…fXYZ',
  role: 'admin',
  source: 'bootstrap',
  since: null,
  grantedBy: null,
  grantedByMasked: null,
};

const OPERATOR_MEMBER: MemberView = {
  openid: OPERATOR,
  openidMasked: 'oOPE…fOPQ',
  role: 'operator',
  source: 'invite',
  since: '2025-03-03T02:00:00.000Z',
  grantedBy: ADMIN_OPENID,
  grantedByMasked: 'oMAS…fXYZ',
};

function entry(n: number): AuditEntryView {
  return {
    id: `audit-${n}`,
    at: new Date(Date.UTC(2025, 2, 3, 10, 0) - n * 60_000).toISOString(),
    actor: ADMIN_OPENID,
    actorMasked: 'oMAS…fXYZ',
    role: 'admin',
    action: 'grantRole',
    target: `member:${OPERATOR}`,
    summary: `操作 ${n}`,
  };
}

const INVITE: CreateInviteResult = {
  inviteCode: 'inv-3q2-7_wAbCdEf',
  path: '/admin/pages/join/index?invite=inv-3q2-7_wAbCdEf',
  role: 'operator',
  expiresAt: '2025-03-10T02:00:00.000Z',
};

/** The admin function as an administrator meets it; `handlers` replace single actions. */
function stubAdmin(handlers: AdminHandlers = {}): CloudCall[] {
  return stubAdminAs(
    'admin',
    {
      listMembers: () => ok<ListMembersResult>({ members: [BOOTSTRAP, OPERATOR_MEMBER] }),
      listAuditLog: () => ok<ListAuditLogResult>({ entries: [entry(1), entry(2)] }),
    },
    handlers,
  );
}

function actions(calls: CloudCall[]): string[] {
  return calls.map((call) => String(call.data.action));
}

/** wx.showModal answering as a person who taps confirm (true) or cancel (false). */
function answerModal(confirm: boolean) {
  const showModal = vi.fn((options: { success?: (r: { confirm: boolean }) => void }) => {
    options.success?.({ confirm });
  });
  stubWx({ showModal });
  return showModal;
}

/** wx.showActionSheet answering as a person who taps `pick` (null: cancels); records what it offered. */
function answerSheet(pick: string | null) {
  const offered: { title?: string; items: string[] }[] = [];
  const showActionSheet = vi.fn(
    (options: {
      alertText?: string;
      itemList: string[];
      success?: (r: { tapIndex: number }) => void;
      fail?: () => void;
    }) => {
      offered.push({ title: options.alertText, items: options.itemList });
      const index = pick === null ? -1 : options.itemList.indexOf(pick);
      if (index < 0) options.fail?.();
      else options.success?.({ tapIndex: index });
    },
  );
  stubWx({ showActionSheet });
  return offered;
}

afterEach(cleanup);

describe('成员 page', () => {
  test('lists members with masked openid, role in Chinese, since and granted by, and the log', async () => {
    const calls = stubAdmin();
    const page = await renderPage(MEMBERS_PAGE);
    const text = visibleText(page);

    expect(actions(calls)).toEqual(['me', 'listMembers', 'listAuditLog']);
    expect(findByClass(page, 'member-openid').map((el) => el.textContent)).toEqual([
      'oMAS…fXYZ',
      'oOPE…fOPQ',
    ]);
    expect(findByClass(page, 'member-role').map((el) => el.textContent?.trim())).toEqual([
      '管理员',
      '运营',
    ]);
    expect(text).toContain('（我）');
    expect(text).toContain('部署设置指定的管理员，不能在此修改');
    expect(text).toContain(
      `加入于 ${formatDateTime('2025-03-03T02:00:00.000Z')} · 由 oMAS…fXYZ 邀请`,
    );
    expect(text).not.toContain(OPERATOR);
    // The bootstrap administrator has no buttons: only the deployment settings change it.
    expect(findByClass(page, 'change-role')).toHaveLength(1);
    expect(findByClass(page, 'revoke')).toHaveLength(1);

    expect(findByClass(page, 'audit-summary').map((el) => el.textContent)).toEqual([
      '操作 1',
      '操作 2',
    ]);
    expect(text).toContain(`${formatDateTime(entry(1).at)} · oMAS…fXYZ（管理员）`);
    expect(text).toContain('没有更多记录了');
  });

  test('shows skeletons while members and the log load', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    stubAdmin({
      listMembers: async () => {
        await gate;
        return ok<ListMembersResult>({ members: [BOOTSTRAP] });
      },
      listAuditLog: async () => {
        await gate;
        return ok<ListAuditLogResult>({ entries: [] });
      },
    });
    const page = await renderPage(MEMBERS_PAGE);
    expect(findByClass(page, 'members-skeleton')).toHaveLength(1);
    expect(findByClass(page, 'audit-skeleton')).toHaveLength(1);
    expect(findByClass(page, 'van-skeleton__row').length).toBeGreaterThan(0);

    release();
    await settle();
    expect(findByClass(page, 'members-skeleton')).toHaveLength(0);
    expect(findByClass(page, 'member-openid')).toHaveLength(1);
  });

  test('empty members and an empty log say so', async () => {
    stubAdmin({
      listMembers: () => ok<ListMembersResult>({ members: [] }),
      listAuditLog: () => ok<ListAuditLogResult>({ entries: [] }),
    });
    const page = await renderPage(MEMBERS_PAGE);
    expect(visibleText(page)).toContain('还没有成员');
    expect(visibleText(page)).toContain('还没有操作记录');
  });

  test('a failed load shows our Chinese words and its code, and retry recovers', async () => {
    const replies: Envelope<ListMembersResult>[] = [
      fail('FORBIDDEN'),
      ok({ members: [BOOTSTRAP, OPERATOR_MEMBER] }),
    ];
    stubAdmin({ listMembers: () => replies.shift() });
    const page = await renderPage(MEMBERS_PAGE);
    expect(visibleText(page)).toContain('你的角色没有这项权限，请联系管理员');
    expect(visibleText(page)).toContain('错误码 FORBIDDEN');

    await tapVanButton(page, '#members-error >>> .retry-button');
    expect(findByClass(page, 'member-openid')).toHaveLength(2);
  });

  test('a caller who is not an administrator is told so and nothing is listed', async () => {
    const calls = stubAdmin({ me: () => meAs('operator') });
    const page = await renderPage(MEMBERS_PAGE);
    expect(visibleText(page)).toContain('仅管理员可以管理成员');
    expect(actions(calls)).toEqual(['me']);
    expect(findByClass(page, 'invite-button')).toHaveLength(0);
  });

  test('changing a role asks first, then grants and reloads members and log', async () => {
    let granted = false;
    const calls = stubAdmin({
      grantRole: () => {
        granted = true;
        return ok({ member: { ...OPERATOR_MEMBER, role: 'marketer' } });
      },
      listMembers: () =>
        ok<ListMembersResult>({
          members: [BOOTSTRAP, { ...OPERATOR_MEMBER, role: granted ? 'marketer' : 'operator' }],
        }),
    });
    const showModal = answerModal(true);
    const offered = answerSheet('营销');
    const page = await renderPage(MEMBERS_PAGE);

    await tapVanButton(page, '.change-role-1');
    await settle();
    // The sheet offers the other three roles, in Chinese.
    expect(offered).toEqual([
      { title: '修改 oOPE…fOPQ 的角色', items: ['管理员', '营销', '只读成员'] },
    ]);
    expect(showModal).toHaveBeenCalledWith(
      expect.objectContaining({ content: '将 oOPE…fOPQ 的角色从「运营」改为「营销」？' }),
    );
    const grant = calls.find((call) => call.data.action === 'grantRole');
    expect(grant?.data).toEqual({ action: 'grantRole', openid: OPERATOR, role: 'marketer' });
    expect(actions(calls).slice(-2).sort()).toEqual(['listAuditLog', 'listMembers']);
    expect(visibleText(page)).toContain('已将 oOPE…fOPQ 改为「营销」');
    expect(findByClass(page, 'member-role').map((el) => el.textContent?.trim())).toEqual([
      '管理员',
      '营销',
    ]);
  });

  test('cancelling the confirmation or the role sheet changes nothing', async () => {
    const calls = stubAdmin();
    answerModal(false);
    const page = await renderPage(MEMBERS_PAGE);
    await tapVanButton(page, '.revoke-1');
    answerSheet('营销');
    await tapVanButton(page, '.change-role-1');
    answerSheet(null);
    await tapVanButton(page, '.invite-button');
    await settle();
    expect(
      actions(calls).filter((a) => !['me', 'listMembers', 'listAuditLog'].includes(a)),
    ).toEqual([]);
    expect(findByClass(page, 'invite-card')).toHaveLength(0);
  });

  test.each([
    ['LAST_ADMIN', '至少要保留一位管理员：不能移除或降级最后一位管理员'],
    ['BOOTSTRAP_ADMIN', '该管理员由部署设置（ADMIN_OPENIDS）指定，只能在部署设置中修改'],
    ['MEMBER_NOT_FOUND', '该成员已不在成员列表中，请刷新后再试'],
  ])('a revoke refused with %s is explained in Chinese', async (code, words) => {
    const calls = stubAdmin({ revokeRole: () => fail(code) });
    const showModal = answerModal(true);
    const page = await renderPage(MEMBERS_PAGE);

    await tapVanButton(page, '.revoke-1');
    expect(showModal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '移除成员', confirmText: '移除' }),
    );
    const revoke = calls.find((call) => call.data.action === 'revokeRole');
    expect(revoke?.data).toEqual({ action: 'revokeRole', openid: OPERATOR });
    expect(findByClass(page, 'page-notice--error').map((el) => el.textContent)).toEqual([words]);
    expect(visibleText(page)).not.toContain('服务端的原话');
  });

  test('a revoke that succeeds says so and the member is gone', async () => {
    let revoked = false;
    stubAdmin({
      revokeRole: () => {
        revoked = true;
        return ok({ openid: OPERATOR, previousRole: 'operator' });
      },
      listMembers: () =>
        ok<ListMembersResult>({ members: revoked ? [BOOTSTRAP] : [BOOTSTRAP, OPERATOR_MEMBER] }),
    });
    answerModal(true);
    const page = await renderPage(MEMBERS_PAGE);
    await tapVanButton(page, '.revoke-1');
    expect(visibleText(page)).toContain('已移除 oOPE…fOPQ');
    expect(findByClass(page, 'member-openid')).toHaveLength(1);
  });

  test('an invite for a picked role shows its link, QR canvas, expiry and copies the link', async () => {
    const calls = stubAdmin({ createInvite: () => ok(INVITE) });
    const setClipboardData = vi.fn();
    stubWx({ setClipboardData });
    const page = await renderPage(MEMBERS_PAGE);

    const offered = answerSheet('运营');
    await tapVanButton(page, '.invite-button');
    await settle();
    expect(offered).toEqual([
      { title: '邀请成员：选择角色', items: ['管理员', '运营', '营销', '只读成员'] },
    ]);

    const create = calls.find((call) => call.data.action === 'createInvite');
    expect(create?.data).toEqual({ action: 'createInvite', role: 'operator' });
    const link = `${INVITE.path}&role=operator`;
    expect(visibleText(page)).toContain('邀请「运营」加入');
    expect(findByClass(page, 'invite-link').map((el) => el.textContent)).toEqual([link]);
    expect(visibleText(page)).toContain(`${formatDateTime(INVITE.expiresAt)} 前有效，仅限一人使用`);
    expect(page.querySelector('#invite-qr')).toBeTruthy();

    await tapVanButton(page, '.copy-invite');
    expect(setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: link }));

    await tapVanButton(page, '.close-invite');
    expect(findByClass(page, 'invite-card')).toHaveLength(0);
  });

  test('a refused invite is explained in Chinese and nothing is shown to scan', async () => {
    stubAdmin({ createInvite: () => fail('FORBIDDEN') });
    const page = await renderPage(MEMBERS_PAGE);
    answerSheet('只读成员');
    await tapVanButton(page, '.invite-button');
    await settle();
    expect(findByClass(page, 'page-notice--error').map((el) => el.textContent)).toEqual([
      '你的角色没有这项权限，请联系管理员',
    ]);
    expect(findByClass(page, 'invite-card')).toHaveLength(0);
  });

  test('the log pages on: 加载更多 asks from the next offset and appends', async () => {
    const first = Array.from({ length: 20 }, (_, i) => entry(i + 1));
    const calls = stubAdmin({
      listAuditLog: (call) =>
        ok<ListAuditLogResult>({
          entries: call.data.offset === 0 ? first : [entry(21), entry(22)],
        }),
    });
    const page = await renderPage(MEMBERS_PAGE);
    expect(findByClass(page, 'audit-summary')).toHaveLength(20);

    await tapVanButton(page, '.audit-more-button');
    const pages = calls.filter((call) => call.data.action === 'listAuditLog');
    expect(pages.map((call) => [call.data.offset, call.data.limit])).toEqual([
      [0, 20],
      [20, 20],
    ]);
    expect(findByClass(page, 'audit-summary')).toHaveLength(22);
    expect(findByClass(page, 'audit-summary')[21]?.textContent).toBe('操作 22');
    expect(visibleText(page)).toContain('没有更多记录了');
  });

  test('pull to refresh reloads the members and the log, then stops the spinner', async () => {
    const calls = stubAdmin();
    const stopPullDownRefresh = vi.fn();
    stubWx({ stopPullDownRefresh });
    const page = await renderPage(MEMBERS_PAGE);
    await callPageMethod(page, 'onPullDownRefresh');
    await settle();
    expect(actions(calls).filter((a) => a === 'listMembers')).toHaveLength(2);
    expect(actions(calls).filter((a) => a === 'listAuditLog')).toHaveLength(2);
    expect(stopPullDownRefresh).toHaveBeenCalled();
  });
});
