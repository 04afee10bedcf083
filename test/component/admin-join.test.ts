// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { MemberResult } from '../../typings/admin';
import type { Envelope } from '../../typings/envelope';
import { fail, meAs } from './admin-fixtures';
import {
  type CloudCall,
  cleanup,
  findByClass,
  renderPage,
  settle,
  stubCloud,
  stubWx,
  tapVanButton,
  visibleText,
} from './harness';

const JOIN_PAGE = 'admin/pages/join/index';
const INVITE_CODE = 'inv-3q2-7_wAbCdEf';

const JOINED: Envelope<MemberResult> = {
  ok: true,
  data: {
    member: {
      openid: 'oNEW1234567890abcdefNEW',
      openidMasked: 'oNEW…fNEW',
      role: 'operator',
      source: 'invite',
      since: '2025-03-03T02:00:00.000Z',
      grantedBy: 'oMASH1234567890abcdefXYZ',
      grantedByMasked: 'oMAS…fXYZ',
    },
  },
};

function stubJoin(accept: (call: CloudCall) => unknown): CloudCall[] {
  return stubCloud((call) => (call.data.action === 'me' ? meAs('operator') : accept(call)));
}

afterEach(cleanup);

describe('join page', () => {
  test('names the role offered and joins with the invite, then opens the console home', async () => {
    const calls = stubJoin(() => JOINED);
    const reLaunch = vi.fn();
    const showToast = vi.fn();
    stubWx({ reLaunch, showToast });
    const page = await renderPage(JOIN_PAGE, { invite: INVITE_CODE, role: 'operator' });

    expect(visibleText(page)).toContain('邀请你以「运营」身份加入运营后台');
    expect(calls).toEqual([]); // nothing is spent before the person taps 加入

    await tapVanButton(page, '.join-button');
    await settle();
    expect(calls.map((call) => call.data)).toEqual([
      { action: 'acceptInvite', inviteCode: INVITE_CODE },
      { action: 'me' },
    ]);
    expect(visibleText(page)).toContain('已加入运营后台');
    expect(visibleText(page)).toContain('你的角色：运营');
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已加入' }));
    expect(reLaunch).toHaveBeenCalledWith({ url: '/admin/pages/home/index' });
    expect(findByClass(page, 'join-button')).toHaveLength(0);
  });

  test('a link without the role still offers to join, and a percent-encoded code is decoded', async () => {
    const calls = stubJoin(() => JOINED);
    stubWx({ reLaunch: vi.fn(), showToast: vi.fn() });
    const page = await renderPage(JOIN_PAGE, { invite: encodeURIComponent('a+b/c=') });
    expect(visibleText(page)).toContain('邀请你加入运营后台');
    await tapVanButton(page, '.join-button');
    expect(calls[0]?.data).toEqual({ action: 'acceptInvite', inviteCode: 'a+b/c=' });
  });

  test.each([
    ['INVITE_EXPIRED', '邀请已过期（有效期 7 天），请让管理员重新邀请'],
    ['INVITE_USED', '这个邀请已被使用，每个邀请只能加入一人，请让管理员重新邀请'],
    ['INVITE_NOT_FOUND', '邀请链接无效，请让管理员重新生成邀请'],
  ])('%s is explained in Chinese and the invite is not offered again', async (code, words) => {
    stubJoin(() => fail(code));
    const reLaunch = vi.fn();
    stubWx({ reLaunch });
    const page = await renderPage(JOIN_PAGE, { invite: INVITE_CODE, role: 'viewer' });

    await tapVanButton(page, '.join-button');
    expect(findByClass(page, 'error-message').map((el) => el.textContent)).toEqual([words]);
    expect(visibleText(page)).toContain(`错误码 ${code}`);
    expect(visibleText(page)).not.toContain('服务端的原话');
    expect(findByClass(page, 'join-button')).toHaveLength(0);
    expect(findByClass(page, 'enter-button')).toHaveLength(0);
    expect(reLaunch).not.toHaveBeenCalled();
  });

  test('ALREADY_MEMBER says so and leads to the console instead', async () => {
    stubJoin(() => fail('ALREADY_MEMBER'));
    const reLaunch = vi.fn();
    stubWx({ reLaunch });
    const page = await renderPage(JOIN_PAGE, { invite: INVITE_CODE, role: 'admin' });

    await tapVanButton(page, '.join-button');
    expect(visibleText(page)).toContain('你已经是成员了，可以直接进入运营后台');
    expect(findByClass(page, 'join-button')).toHaveLength(0);
    await tapVanButton(page, '.enter-button');
    expect(reLaunch).toHaveBeenCalledWith({ url: '/admin/pages/home/index' });
  });

  test('a network failure can be retried with the same invite', async () => {
    const replies: unknown[] = [{ throws: 'timeout' }, JOINED];
    const calls = stubJoin(() => replies.shift());
    stubWx({ reLaunch: vi.fn(), showToast: vi.fn() });
    const page = await renderPage(JOIN_PAGE, { invite: INVITE_CODE });

    await tapVanButton(page, '.join-button');
    expect(visibleText(page)).toContain('网络异常，请检查网络后重试');
    await tapVanButton(page, '.join-button');
    await settle();
    expect(calls.filter((call) => call.data.action === 'acceptInvite')).toHaveLength(2);
    expect(visibleText(page)).toContain('已加入运营后台');
  });

  test('a link without an invite says it is not valid and offers nothing to tap', async () => {
    const calls = stubJoin(() => JOINED);
    const page = await renderPage(JOIN_PAGE, {});
    expect(visibleText(page)).toContain('邀请链接无效，请让管理员重新生成邀请');
    expect(findByClass(page, 'join-button')).toHaveLength(0);
    expect(calls).toEqual([]);
  });
});
