/**
 * 发放记录's server side (issue 10, point 2): an operator finds one payout by the 9-character code
 * printed on the product, and pages through a campaign's payouts newest first.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rewardKit, startRewardStack } from '../support/rewards';
import type { TestStack } from '../support/stack';

describe('admin listPayouts: code search and paging', () => {
  let stack: TestStack;
  let kit: ReturnType<typeof rewardKit>;

  beforeAll(async () => {
    stack = await startRewardStack();
    kit = rewardKit(stack);
  });
  afterAll(() => stack?.destroy());
  afterEach(() => kit.endRunningCampaigns());

  const claim = async (openid: string, index: number): Promise<string> => {
    const scan = await kit.resolveScan(openid, index);
    const answer = await kit.reward('claim', scan.scanId, openid);
    expect(answer.ok, JSON.stringify(answer)).toBe(true);
    return scan.code;
  };

  it('finds exactly the payout of a code, alone or with the other filters', async () => {
    const campaign = await kit.startCampaign({ name: '按码查询' });
    const codes = [await claim('o-code-a', 80), await claim('o-code-b', 81)];

    const found = await kit.admin.call('listPayouts', { code: codes[1] });
    expect(found.payouts).toEqual([
      expect.objectContaining({ code: codes[1], openid: 'o-code-b', campaignName: '按码查询' }),
    ]);

    const scoped = await kit.admin.call('listPayouts', {
      code: codes[0],
      campaignId: campaign.campaignId,
    });
    expect(scoped.payouts.map((p) => p.code)).toEqual([codes[0]]);

    // The code's payout is not flagged, and belongs to no other campaign.
    expect(await kit.admin.call('listPayouts', { code: codes[0], flagged: true })).toEqual({
      payouts: [],
    });
    expect(await kit.admin.call('listPayouts', { code: codes[0], campaignId: 'nope' })).toEqual({
      payouts: [],
    });

    // A code that was never paid: an empty list, not an error.
    const unknown = await kit.admin.reply('listPayouts', { code: 'ZZZZZZZZZ' });
    expect(unknown).toMatchObject({ ok: true, data: { payouts: [] } });
  }, 120_000);

  it('refuses a code that is not 9 printable characters with a Chinese message', async () => {
    const short = await kit.admin.reply('listPayouts', { code: '12345' });
    expect(short).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('9 位') },
    });
  });

  it('pages a campaign newest first with limit and offset', async () => {
    const campaign = await kit.startCampaign({ name: '分页' });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push(await claim(`o-page-${i}`, 90 + i));
    const page = async (offset: number) =>
      (
        await kit.admin.call('listPayouts', { campaignId: campaign.campaignId, limit: 2, offset })
      ).payouts.map((p) => p.code);
    expect(await page(0)).toEqual([codes[2], codes[1]]);
    expect(await page(2)).toEqual([codes[0]]);
  }, 120_000);
});
