// @vitest-environment jsdom
/**
 * The reward card on the landing page (components/reward-card, stores/reward.ts): the offer, the
 * scene gate, the claim through `reward.claim` and WeChat's envelope / 确认收款 page (stubbed
 * here as WeChat would answer), and every outcome's words.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Envelope } from '../../typings/envelope';
import type { ClaimResult, StatusResult } from '../../typings/reward';
import type { LandingView } from '../../typings/scan';
import { REWARD_ERROR_COPY } from '../../miniprogram/components/reward-card/present';
import {
  cleanup,
  findByClass,
  renderPage,
  settle,
  stubCloud,
  stubWx,
  tapVanButton,
  visibleText,
  type CloudCall,
  type RenderedPage,
} from './harness';
import {
  claimed,
  landingView,
  ok,
  payout,
  RED_PACKET_CLIENT,
  RED_PACKET_OFFER,
  TICKET,
  TRANSFER_CLIENT,
  TRANSFER_OFFER,
} from './landing-fixtures';

const LANDING = 'pages/landing/index';
const ACTION = '#reward-card >>> .reward-action';
const SCAN_ID = 'scan-0001';

type Reply<T> = Envelope<T> | Promise<Envelope<T>>;

function enterWith(scene = 1124): void {
  stubWx({
    getEnterOptionsSync: () => ({ scene, path: LANDING, query: { code_ticket: TICKET } }),
    getLaunchOptionsSync: () => ({ scene, path: LANDING, query: {} }),
  });
}

/**
 * The three functions the page calls: `scan.resolve` answers `view`; `reward.status` and
 * `reward.claim` answer what the test says, call by call (the last answer repeats).
 */
function cloud(options: {
  view?: LandingView;
  status?: (() => Reply<StatusResult>)[];
  claim?: (() => Reply<ClaimResult>)[];
}): CloudCall[] {
  const view = options.view ?? landingView('GENUINE_FIRST', { reward: RED_PACKET_OFFER });
  const counts = { status: 0, claim: 0 };
  const answer = <T>(list: (() => Reply<T>)[] | undefined, kind: 'status' | 'claim') => {
    const replies = list ?? [];
    const reply = replies[Math.min(counts[kind]++, replies.length - 1)];
    if (!reply) throw new Error(`no ${kind} reply`);
    return reply();
  };
  return stubCloud((call) => {
    if (call.name === 'scan') return ok(view);
    if (call.data.action === 'status')
      return answer(options.status ?? [() => ({ ok: true, data: { payout: null } })], 'status');
    return answer(options.claim, 'claim');
  });
}

const rewardCalls = (calls: CloudCall[]) =>
  calls.filter((call) => call.name === 'reward').map((call) => call.data);

/** WeChat's envelope as a consumer answers it: opens it, or closes it. */
function stubRedPacket(...answers: ('ok' | 'cancel' | string)[]) {
  let n = 0;
  const api = vi.fn((options: { success?: (r: unknown) => void; fail?: (e: unknown) => void }) => {
    const answer = answers[Math.min(n++, answers.length - 1)];
    setTimeout(() => {
      if (answer === 'ok') options.success?.({ errMsg: 'sendBizRedPacket:ok' });
      else if (answer === 'cancel') options.fail?.({ errMsg: 'sendBizRedPacket:fail cancel' });
      else options.fail?.({ errMsg: answer });
    }, 0);
  });
  stubWx({ sendBizRedPacket: api });
  return api;
}

function card(page: RenderedPage): string {
  const [element] = findByClass(page, 'reward');
  return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

const hasAction = (page: RenderedPage) => findByClass(page, 'reward-action').length === 1;

afterEach(() => {
  vi.restoreAllMocks();
  cleanup();
});

describe('the offer', () => {
  test('shows the campaign, its amount and the claim button; asks once whether it was claimed', async () => {
    enterWith();
    const calls = cloud({});
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    const text = card(page);
    expect(text).toContain('春茶扫码红包');
    expect(text).toContain('现金红包');
    expect(text).toContain('¥1.00–3.00');
    expect(text).toContain('领取红包');
    expect(rewardCalls(calls)).toEqual([{ action: 'status', scanId: SCAN_ID }]);
  });

  test('an amount hidden until opened is not shown', async () => {
    enterWith();
    cloud({ view: landingView('GENUINE_FIRST', { reward: TRANSFER_OFFER }) });
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    const text = card(page);
    expect(text).toContain('扫码领现金');
    expect(text).toContain('现金奖励');
    expect(text).toContain('领取后揭晓金额');
    expect(text).not.toContain('¥');
    expect(text).toContain('领取奖励');
  });

  test('a red envelope with its amount hidden says so', async () => {
    enterWith();
    cloud({
      view: landingView('GENUINE_FIRST', {
        reward: {
          ...RED_PACKET_OFFER,
          amountDisplay: 'hidden-until-opened',
          amountText: undefined,
        },
      }),
    });
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(card(page)).toContain('拆开看金额');
    expect(card(page)).not.toContain('¥');
  });

  test('no offer, no card and no reward call', async () => {
    enterWith();
    const calls = cloud({ view: landingView('GENUINE_FIRST') });
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(findByClass(page, 'reward')).toHaveLength(0);
    expect(rewardCalls(calls)).toEqual([]);
  });

  test('while the status is asked, the button waits', async () => {
    enterWith();
    let answer: (reply: Envelope<StatusResult>) => void = () => {};
    cloud({ status: [() => new Promise((resolve) => (answer = resolve))] });
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(card(page)).toContain('查询中…');
    expect(findByClass(page, 'van-button--loading')).toHaveLength(1);
    answer({ ok: true, data: { payout: null } });
    await settle();
    expect(card(page)).toContain('领取红包');
    expect(findByClass(page, 'van-button--loading')).toHaveLength(0);
  });

  test.each([1011, 1025, 1047, 1124])('scene %i (a scan) may claim', async (scene) => {
    enterWith(scene);
    cloud({});
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(hasAction(page)).toBe(true);
    expect(card(page)).not.toContain('请重新扫码领取');
  });

  test.each([1001, 1089, 1125, 1126])(
    'scene %i (not a camera scan) shows 请重新扫码领取 instead of the button',
    async (scene) => {
      enterWith(scene);
      cloud({});
      const page = await renderPage(LANDING, { code_ticket: TICKET });
      expect(hasAction(page)).toBe(false);
      expect(card(page)).toContain('请重新扫码领取');
      // The offer itself still shows.
      expect(card(page)).toContain('¥1.00–3.00');
    },
  );

  test('a reopened page shows a reward already taken as 已领取, without a button', async () => {
    enterWith();
    cloud({ status: [() => ({ ok: true, data: { payout: payout('received') } })] });
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(card(page)).toContain('已领取');
    expect(card(page)).toContain('¥1.76');
    expect(hasAction(page)).toBe(false);
  });

  test('a reopened page offers to finish a reward claimed but not opened', async () => {
    enterWith();
    cloud({ status: [() => ({ ok: true, data: { payout: payout('sent') } })] });
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(card(page)).toContain('继续领取');
    expect(card(page)).toContain('¥1.76');
  });

  test('a failed status check still offers the claim', async () => {
    enterWith();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    cloud({ status: [() => ({ ok: false, error: { code: 'INTERNAL', message: '服务异常' } })] });
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(hasAction(page)).toBe(true);
    expect(card(page)).toContain('领取红包');
  });
});

describe('claiming', () => {
  test('a red envelope: claim, a loading button meanwhile, the envelope, then 已领取 and a status refresh', async () => {
    enterWith();
    let release: (reply: Envelope<ClaimResult>) => void = () => {};
    const calls = cloud({
      claim: [() => new Promise((resolve) => (release = resolve))],
      status: [
        () => ({ ok: true, data: { payout: null } }),
        () => ({ ok: true, data: { payout: payout('received') } }),
      ],
    });
    const redPacket = stubRedPacket('ok');
    const page = await renderPage(LANDING, { code_ticket: TICKET });

    await tapVanButton(page, ACTION);
    expect(card(page)).toContain('领取中…');
    expect(findByClass(page, 'van-button--loading')).toHaveLength(1);
    // A second tap while it runs sends nothing more.
    await tapVanButton(page, ACTION);
    expect(rewardCalls(calls).filter((call) => call.action === 'claim')).toHaveLength(1);

    release({ ok: true, data: claimed('sent', RED_PACKET_CLIENT) });
    await settle(6);
    expect(redPacket).toHaveBeenCalledTimes(1);
    expect(redPacket.mock.calls[0]?.[0]).toMatchObject(RED_PACKET_CLIENT.params);
    const text = card(page);
    expect(text).toContain('已领取');
    expect(text).toContain('¥1.76');
    expect(hasAction(page)).toBe(false);
    expect(rewardCalls(calls)).toEqual([
      { action: 'status', scanId: SCAN_ID },
      // The offer's campaign goes with the claim, to word a refusal if it stopped meanwhile.
      { action: 'claim', scanId: SCAN_ID, campaignId: 'camp-spring' },
      { action: 'status', scanId: SCAN_ID },
    ]);
  });

  test('已领取 stays while the server still says 已发出', async () => {
    enterWith();
    cloud({
      claim: [() => ({ ok: true, data: claimed('sent', RED_PACKET_CLIENT) })],
      status: [
        () => ({ ok: true, data: { payout: null } }),
        () => ({ ok: true, data: { payout: payout('sent') } }),
      ],
    });
    stubRedPacket('ok');
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    await tapVanButton(page, ACTION);
    await settle(6);
    expect(card(page)).toContain('已领取');
    expect(hasAction(page)).toBe(false);
  });

  test('closing the envelope keeps the reward: 继续领取 opens the same payout again', async () => {
    enterWith();
    const calls = cloud({
      claim: [() => ({ ok: true, data: claimed('sent', RED_PACKET_CLIENT) })],
    });
    const redPacket = stubRedPacket('cancel', 'ok');
    const page = await renderPage(LANDING, { code_ticket: TICKET });

    await tapVanButton(page, ACTION);
    await settle(6);
    expect(card(page)).toContain('继续领取');
    expect(card(page)).toContain('奖励已为你保留');

    await tapVanButton(page, ACTION);
    await settle(6);
    expect(redPacket).toHaveBeenCalledTimes(2);
    expect(card(page)).toContain('已领取');
    expect(rewardCalls(calls).filter((call) => call.action === 'claim')).toHaveLength(2);
  });

  test('a transfer: wx.requestMerchantTransfer with the bill, then 已领取', async () => {
    enterWith();
    cloud({
      view: landingView('GENUINE_FIRST', { reward: TRANSFER_OFFER }),
      claim: [() => ({ ok: true, data: claimed('waiting_user', TRANSFER_CLIENT) })],
    });
    const transfer = vi.fn((options: { success?: (r: unknown) => void }) =>
      setTimeout(() => options.success?.({ errMsg: 'requestMerchantTransfer:ok' }), 0),
    );
    stubWx({ requestMerchantTransfer: transfer, canIUse: () => true });
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    await tapVanButton(page, ACTION);
    await settle(6);
    expect(transfer.mock.calls[0]?.[0]).toMatchObject(TRANSFER_CLIENT.params);
    expect(card(page)).toContain('已领取');
    expect(card(page)).toContain('¥1.76');
  });

  test('a transfer on a WeChat without requestMerchantTransfer: upgrade message, nothing claimed', async () => {
    enterWith();
    const calls = cloud({ view: landingView('GENUINE_FIRST', { reward: TRANSFER_OFFER }) });
    const transfer = vi.fn();
    stubWx({
      requestMerchantTransfer: transfer,
      canIUse: (schema: string) => schema !== 'requestMerchantTransfer',
    });
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    await tapVanButton(page, ACTION);
    expect(card(page)).toContain('当前微信版本过低，无法领取奖励，请升级微信后再扫码');
    expect(hasAction(page)).toBe(false);
    expect(rewardCalls(calls).filter((call) => call.action === 'claim')).toEqual([]);
    expect(transfer).not.toHaveBeenCalled();
  });

  test('WeChat refusing the launch scene asks for a new scan', async () => {
    enterWith();
    cloud({ claim: [() => ({ ok: true, data: claimed('sent', RED_PACKET_CLIENT) })] });
    stubRedPacket('sendBizRedPacket:fail scene 1001 not support');
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    await tapVanButton(page, ACTION);
    await settle(6);
    expect(card(page)).toContain('请重新扫码领取');
    expect(hasAction(page)).toBe(false);
  });

  test('any other failure of the envelope offers a retry, which claims again', async () => {
    enterWith();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const calls = cloud({
      claim: [() => ({ ok: true, data: claimed('sent', RED_PACKET_CLIENT) })],
    });
    stubRedPacket('sendBizRedPacket:fail system error', 'ok');
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    await tapVanButton(page, ACTION);
    await settle(6);
    expect(card(page)).toContain('领取没有完成，请重试');
    expect(card(page)).toContain('重试');
    await tapVanButton(page, ACTION);
    await settle(6);
    expect(card(page)).toContain('已领取');
    expect(rewardCalls(calls).filter((call) => call.action === 'claim')).toHaveLength(2);
  });

  test.each<[string, string, string]>([
    ['sending', '发放中', '刷新状态'],
    ['unknown', '结果待查', '刷新状态'],
    ['failed', '发放失败', ''],
    ['received', '已领取', ''],
  ])('nothing to open (client null, payout %s): shows %s', async (state, stateText, button) => {
    enterWith();
    const calls = cloud({
      claim: [() => ({ ok: true, data: claimed(state as 'sending', null) })],
      status: [
        () => ({ ok: true, data: { payout: null } }),
        () => ({ ok: true, data: { payout: payout('received') } }),
      ],
    });
    const redPacket = stubRedPacket('ok');
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    await tapVanButton(page, ACTION);
    await settle(6);
    expect(redPacket).not.toHaveBeenCalled();
    expect(card(page)).toContain(stateText);
    expect(hasAction(page)).toBe(button !== '');
    if (!button) return;
    expect(card(page)).toContain(button);
    // Asking again shows where it stands now.
    await tapVanButton(page, ACTION);
    await settle(6);
    expect(card(page)).toContain('已领取');
    expect(rewardCalls(calls).map((call) => call.action)).toEqual(['status', 'claim', 'status']);
  });
});

describe('refusals and failures', () => {
  // Every code a claim can answer, with the words and whether a retry is offered.
  const EXPECTED: [string, string, boolean][] = [
    ['SCAN_NOT_FOUND', '没有找到这次扫码记录，请重新扫码领取', false],
    ['SCAN_EXPIRED', '扫码已超过 30 分钟，请重新扫码领取', false],
    ['PAYOUT_NOT_CONFIGURED', '商家暂未开通奖励发放', false],
    ['CLAIM_INTERRUPTED', '领取超时，请再试一次', true],
    ['NOT_RUNNING', '活动已暂停或结束', false],
    ['OUTSIDE_WINDOW', '不在活动时间内', false],
    ['BLACKLISTED', '暂时无法领取，请稍后再试', false],
    ['NOT_TARGETED', '该商品未参加此活动', false],
    ['TICKET_SCAN_REQUIRED', '请用微信扫一扫扫描商品上的码领取奖励', false],
    ['CODE_ALREADY_REWARDED', '这个码的奖励已被领取', false],
    ['SUSPICIOUS_CODE', '这个码存在异常，无法领取奖励', false],
    ['FIRST_SCAN_ONLY', '仅首次扫码可领取奖励', false],
    ['IP_RATE_LIMITED', '领取过于频繁，请稍后重试', true],
    ['USER_DAILY_LIMIT', '今日领取次数已达上限，明天再来吧', false],
    ['USER_CAMPAIGN_LIMIT', '你在本活动的领取次数已达上限', false],
    ['BUDGET_EXHAUSTED', '奖励已发完，感谢参与', false],
    ['INVALID_ARGUMENT', '领取信息有误，请重新扫码领取', false],
    ['UNKNOWN_ACTION', '当前版本暂不支持领取', false],
    ['UNAUTHENTICATED', '无法识别你的微信身份', false],
    ['FORBIDDEN', '暂时无法领取，请稍后再试', false],
    ['NOT_FOUND', '没有找到这次扫码记录', false],
    ['CONFLICT', '领取的人有点多，请稍后重试', true],
    ['UPSTREAM_ERROR', '微信支付繁忙，请稍后重试', true],
    ['INTERNAL', '领取暂时失败，请稍后重试', true],
    ['NETWORK_ERROR', '网络连接失败，请检查网络后重试', true],
    ['BAD_REPLY', '服务返回了无法识别的结果', true],
    ['CLOUD_UNAVAILABLE', '当前微信版本过低，请升级微信', false],
    ['SOMETHING_NEW', '服务端的中文说明', true],
  ];

  test('the table covers every code the copy knows', () => {
    const known = new Set(Object.keys(REWARD_ERROR_COPY));
    const page = new Set(['WECHAT_OUTDATED', 'SCENE_NOT_SUPPORTED', 'OPEN_FAILED']);
    const tested = new Set(EXPECTED.map(([code]) => code));
    for (const code of known) expect(tested.has(code) || page.has(code), code).toBe(true);
  });

  test.each(EXPECTED)('%s → %s (retry: %s)', async (code, message, retry) => {
    enterWith();
    const calls = cloud({
      claim: [
        () => ({ ok: false, error: { code, message: '服务端的中文说明' } }),
        () => ({ ok: true, data: claimed('received', null) }),
      ],
    });
    stubRedPacket('ok');
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    await tapVanButton(page, ACTION);
    await settle(4);
    expect(card(page)).toContain(message);
    expect(hasAction(page)).toBe(retry);
    if (!retry) return;
    expect(card(page)).toContain('重试');
    // Claiming again is safe: the server answers the same payout.
    await tapVanButton(page, ACTION);
    await settle(4);
    expect(card(page)).toContain('已领取');
    expect(rewardCalls(calls).filter((call) => call.action === 'claim')).toHaveLength(2);
  });

  test('a dead network during the claim is a NETWORK_ERROR with retry', async () => {
    enterWith();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    stubCloud((call) => {
      if (call.name === 'scan')
        return ok(landingView('GENUINE_FIRST', { reward: RED_PACKET_OFFER }));
      if (call.data.action === 'status') return { ok: true, data: { payout: null } };
      return { throws: 'request:fail timeout' };
    });
    stubRedPacket('ok');
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    await tapVanButton(page, ACTION);
    await settle(4);
    expect(card(page)).toContain('网络连接失败，请检查网络后重试');
    expect(hasAction(page)).toBe(true);
  });

  test('a new scan replaces the card, and a late claim reply of the old one is dropped', async () => {
    enterWith();
    let release: (reply: Envelope<ClaimResult>) => void = () => {};
    stubCloud((call) => {
      if (call.name === 'scan') {
        const other = call.data.codeTicket !== TICKET;
        return ok(
          landingView('GENUINE_FIRST', {
            scanId: other ? 'scan-0002' : SCAN_ID,
            reward: other ? TRANSFER_OFFER : RED_PACKET_OFFER,
          }),
        );
      }
      if (call.data.action === 'status') return { ok: true, data: { payout: null } };
      return new Promise((resolve) => (release = resolve));
    });
    const redPacket = stubRedPacket('ok');
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    await tapVanButton(page, ACTION);

    stubWx({
      getEnterOptionsSync: () => ({ scene: 1124, path: LANDING, query: { code_ticket: 'other' } }),
    });
    (page.instance as unknown as { onShow(): void }).onShow();
    await settle(4);
    expect(card(page)).toContain('扫码领现金');

    release({ ok: true, data: claimed('sent', RED_PACKET_CLIENT) });
    await settle(4);
    expect(redPacket).not.toHaveBeenCalled();
    expect(card(page)).toContain('领取奖励');
    expect(visibleText(page)).not.toContain('已领取');
  });
});
