/**
 * An administrator invites a colleague through the web preview, and the colleague joins: the
 * stack's administrator opens 成员 from the console home, picks 运营 in WeChat's action sheet,
 * reads the invite (QR code and link) and copies the link; then another person's phone (bob)
 * opens the path read from the QR code on the screen, as scanning it would, sees the role offered,
 * taps 加入 and lands on the console home as 运营. Skipped, loudly, without /usr/bin/chromium.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { hasChromium } from './chromium';
import { WAIT, demoAdmin, previewSession } from './preview';

describe.skipIf(!hasChromium)('web preview: inviting a member', () => {
  const session = previewSession({});

  const phoneButton = (label: string) => session.preview.phoneButton(label);

  test('an admin invites 运营 and bob joins with the link', async () => {
    await session.openConsole();
    // The 成员 shortcut, by its description (its title shares an element with it).
    await session.preview.expectTexts(['管理员', '成员与角色、邀请、操作记录']);
    await session.preview.screenshot('members-home-admin');

    await session.preview.phone().getByText('成员与角色、邀请、操作记录', { exact: true }).tap();
    await session.preview.expectTexts(['成员与角色', '操作记录']);
    await session.preview.screenshot('members-list');

    await phoneButton('邀请成员').tap();
    await session.page.locator('.action-sheet__item', { hasText: '运营' }).click();
    await session.preview.expectTexts(['邀请「运营」加入']);
    const link =
      (
        await session.preview.phone().locator('[class*="invite-card__link"]').textContent()
      )?.trim() ?? '';
    expect(link).toMatch(/^\/admin\/pages\/join\/index\?invite=[\w-]+&role=operator$/);
    // The invite card's QR code, read from the screen by an independent reader as a camera
    // would: it holds exactly the link shown under it.
    const scanned = async (): Promise<string | null> => {
      const shot = PNG.sync.read(
        await session.preview.phone().locator('[class*="invite-card__qr"]').screenshot(),
      );
      return jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data ?? null;
    };
    await expect.poll(scanned, WAIT).toBe(link);
    await session.preview.screenshot('members-invite');
    await phoneButton('复制链接').tap();

    // Bob's phone opens the path his camera read from the QR code.
    const path = (await scanned()) ?? '';
    await session.page.selectOption('#user-select', DEMO.users.bob);
    await session.page.fill('#open-link', path);
    await session.page.click('#open-link-button');
    await session.preview.expectTexts(['邀请你以「运营」身份加入运营后台']);
    await session.preview.screenshot('members-join');
    await phoneButton('加入').tap();

    // The console home, as bob: his new role and its shortcuts, no 成员.
    await session.preview.expectTexts(['运营', '申请一物一码、下载并解密码包']);
    await session.preview.screenshot('members-joined-home');
    expect(await session.preview.phone().getByText('成员与角色、邀请、操作记录').count()).toBe(0);

    // The server's side: bob is an operator who joined by invite, and the log says so.
    const admin = demoAdmin(session.stack);
    const { members } = await admin.call('listMembers', {});
    expect(members.find((member) => member.openid === DEMO.users.bob)).toMatchObject({
      role: 'operator',
      source: 'invite',
      grantedBy: DEMO.admin,
    });
    const { entries } = await admin.call('listAuditLog', {});
    expect(entries.map((entry) => entry.action).slice(0, 2)).toEqual([
      'acceptInvite',
      'createInvite',
    ]);
    expect(session.preview.problems).toEqual([]);
  });
});
