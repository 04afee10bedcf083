/**
 * 发放记录 in the web preview (issue 10, point 2): a consumer claims a red envelope, and the
 * stack's administrator finds that payout in 发放记录 from the console home — amount, state in
 * Chinese, campaign and code — opens its ledger, and finds it again by its code. Skipped, loudly,
 * without /usr/bin/chromium.
 */
import { describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { rewardKit } from '../support/rewards';
import { hasChromium } from './chromium';
import { demoAdmin, previewSession } from './preview';

describe.skipIf(!hasChromium)('web preview: 发放记录', () => {
  const session = previewSession({ seed: { campaign: true } });

  const phoneButton = (label: string) => session.preview.phoneButton(label);

  test('a claimed envelope appears with its ledger, and is found by its code', async () => {
    const kit = rewardKit(session.stack);
    const scan = await kit.resolveScan(DEMO.users.alice, 31);
    const claimed = await kit.reward('claim', scan.scanId, DEMO.users.alice);
    expect(claimed.ok, JSON.stringify(claimed)).toBe(true);
    const [payout] = (await demoAdmin(session.stack).call('listPayouts', { code: scan.code }))
      .payouts;
    expect(payout).toBeDefined();

    await session.openConsole();
    await session.preview.expectTexts(['红包发放状态、按码查询与对账告警']);
    await session.preview
      .phone()
      .getByText('红包发放状态、按码查询与对账告警', { exact: true })
      .tap();

    await session.preview.expectTexts([`码 ${scan.code}`, payout!.stateText, DEMO.campaign.name]);
    await session.preview.screenshot('payouts-list');

    await session.preview.phone().getByText(`码 ${scan.code}`, { exact: true }).tap();
    await session.preview.expectTexts(['状态流水', `商户单号：${payout!.outNo}`]);
    await session.preview.screenshot('payouts-ledger');

    const field = session.preview.phone().getByPlaceholder('输入 9 位码查询');
    await field.tap();
    await field.pressSequentially('ZZZZZZZZZ');
    await phoneButton('查询').tap();
    await session.preview.expectTexts(['码 ZZZZZZZZZ 没有发放记录']);
    await session.preview.screenshot('payouts-code-empty');
    expect(session.preview.problems).toEqual([]);
  }, 180_000);
});
