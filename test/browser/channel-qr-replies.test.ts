/**
 * 新建渠道码's replies in the web preview: the operator types the first reply's text, adds a second
 * reply and types it, then moves the second up; each textarea keeps showing its own text all along
 * (a re-render of the list left the first one blank, counter still 20/2000, the text only in the
 * page's data), and the saved code has both texts in order. Skipped, loudly, without
 * /usr/bin/chromium.
 */
import type { Locator } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { hasChromium } from './chromium';
import { WAIT, cls, demoAdmin, previewSession } from './preview';

const NAME = '浏览器双条回复';
const FIRST = '欢迎关注码上！\n到店出示本消息领取新人礼';
const SECOND = '第二条：回复“门店”查看附近门店';
const REPLY_PLACEHOLDER = '回复文字，支持表情、换行、链接和小程序链接';

describe.skipIf(!hasChromium)('web preview: 渠道码 replies keep their text', () => {
  const session = previewSession();

  const phone = () => session.preview.phone();
  /** The reply textareas, in the order the form shows them. */
  const replyAreas = (): Locator => phone().getByPlaceholder(REPLY_PLACEHOLDER);
  const shownReplies = async (): Promise<string[]> => {
    const areas = replyAreas();
    const count = await areas.count();
    const shown: string[] = [];
    for (let at = 0; at < count; at++) shown.push(await areas.nth(at).inputValue());
    return shown;
  };
  const addTextReply = async (heading: string) => {
    await phone().getByText('＋ 添加回复内容', { exact: true }).tap();
    await session.page.locator('.picker-sheet__option', { hasText: '文字' }).click();
    await session.page.locator('.picker-sheet__confirm').click();
    await session.preview.expectTexts([heading]);
  };

  test('type reply 1, add and type reply 2, reorder: both show their text and both are saved', async () => {
    await session.openConsole();
    await session.preview.expectTexts(['公众号渠道码与关注统计']);
    await phone().getByText('公众号渠道码与关注统计', { exact: true }).tap();
    await session.preview.phoneButton('新建渠道码').first().tap();
    await session.preview.expectTexts(['基本信息', '用户标签', '扫码回复']);

    const name = phone().getByPlaceholder('如：上海门店海报');
    await name.tap();
    await name.fill(NAME);
    const first = replyAreas().first();
    await first.tap();
    await first.fill(FIRST);
    await expect
      .poll(() => phone().locator(cls('text-count')).first().textContent(), WAIT)
      .toContain(`${FIRST.length}/2000`);

    // Adding a reply re-renders the list: the first keeps showing what was typed.
    await addTextReply('第 2 条 · 文字');
    await expect.poll(shownReplies, WAIT).toEqual([FIRST, '']);
    await session.preview.screenshot('channel-qr-replies');

    const second = replyAreas().nth(1);
    await second.tap();
    await second.fill(SECOND);
    await expect.poll(shownReplies, WAIT).toEqual([FIRST, SECOND]);

    // 上移 on the second: each text moves with its reply.
    await phone().locator(cls('reply-1')).locator(cls('reply-up')).tap();
    await expect.poll(shownReplies, WAIT).toEqual([SECOND, FIRST]);
    await session.preview.expectTexts([`${SECOND.length}/2000`, `${FIRST.length}/2000`]);

    await session.preview.phoneButton('创建二维码').tap();
    await session.preview.expectTexts([NAME, '1. 文字', '2. 文字']);
    const [qr] = (await demoAdmin(session.stack).call('listChannelQrs', { keyword: NAME })).qrs;
    expect(qr?.replies).toEqual({
      enabled: true,
      items: [
        { kind: 'text', text: SECOND },
        { kind: 'text', text: FIRST },
      ],
    });
    expect(session.preview.problems).toEqual([]);
  });
});
