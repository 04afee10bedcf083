// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Envelope } from '../../typings/envelope';
import type { LandingView, VerdictKind } from '../../typings/scan';
import {
  callPageMethod,
  cleanup,
  dispatchIn,
  findAll,
  findByClass,
  renderPage,
  settle,
  showPage,
  stubCloud,
  stubWx,
  tapVanButton,
  typeIntoVanField,
  visibleText,
} from './harness';
import { CODE, fail, landingView, ok, OTHER_TICKET, PRODUCT, TICKET } from './landing-fixtures';

const LANDING = 'pages/landing/index';

/** The entry WeChat reports: a 一物一码 camera scan by default. */
function enterWith(ticket: string | undefined, scene = 1124, launch = scene): void {
  stubWx({
    getEnterOptionsSync: () => ({
      scene,
      path: LANDING,
      query: ticket ? { code_ticket: ticket } : {},
    }),
    getLaunchOptionsSync: () => ({ scene: launch, path: LANDING, query: {} }),
  });
}

/** A cloud reply the test releases when it wants, to look at the page while it waits. */
function deferredCloud(): { answer(reply: Envelope<LandingView>): void } {
  let answer: (reply: Envelope<LandingView>) => void = () => {};
  stubCloud(() => new Promise((resolve) => (answer = resolve)));
  return { answer: (reply) => answer(reply) };
}

function verdictTone(page: Awaited<ReturnType<typeof renderPage>>): string {
  const badge = findByClass(page, 'verdict')[0];
  const tone = Array.from(badge?.classList ?? []).find((token) => /verdict--[a-z]+$/.test(token));
  return tone?.replace(/^.*verdict--/, '') ?? '';
}

afterEach(() => {
  vi.restoreAllMocks();
  cleanup();
});

describe('landing with a code_ticket (一物一码 scan)', () => {
  test('resolves the ticket with the scene, showing a skeleton until the view arrives', async () => {
    enterWith(TICKET);
    const calls = stubCloud(() => new Promise(() => {}));
    const page = await renderPage(LANDING, { code_ticket: TICKET });

    // onShow after onLoad carries the same ticket: one lookup, not two.
    expect(calls).toEqual([
      { name: 'scan', data: { action: 'resolve', codeTicket: TICKET, scene: 1124 } },
    ]);
    const text = visibleText(page);
    expect(text).toContain('正在验证…');
    expect(text).toContain('来源 微信扫一扫（一物一码）');
    // A ticket is a credential for this scan: never on screen.
    expect(text).not.toContain(TICKET);
    expect(findByClass(page, 'van-skeleton')).toHaveLength(2);
    expect(findByClass(page, 'van-skeleton__row')).toHaveLength(5);
    expect(text).not.toContain('扫码验真');
  });

  test('renders verdict, product and trace once the view arrives', async () => {
    enterWith(TICKET);
    const cloud = deferredCloud();
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(findByClass(page, 'van-skeleton')).not.toHaveLength(0);

    cloud.answer(ok(landingView('GENUINE_FIRST')));
    await settle();

    expect(findByClass(page, 'van-skeleton')).toHaveLength(0);
    expect(verdictTone(page)).toBe('genuine');
    const text = visibleText(page);
    expect(text).toContain('正品验证通过');
    expect(text).toContain('你是第一位扫码者');
    expect(findByClass(page, 'product__title').map((el) => el.textContent)).toEqual([
      PRODUCT.title,
    ]);
    expect(findAll(page, 'wx-swiper-item')).toHaveLength(PRODUCT.images.length);
    expect(findByClass(page, 'trace__name').map((el) => el.textContent)).toEqual([
      '原料采摘',
      '炒制加工',
      '质检出厂',
    ]);
    expect(text).toContain(`防伪码 ${CODE}`);
    expect(text).toContain('来源 微信扫一扫（一物一码）');
    expect(findByClass(page, 'share-button')).toHaveLength(1);
  });

  test.each<[VerdictKind, string, string[], boolean]>([
    ['GENUINE_FIRST', 'genuine', ['你是第一位扫码者'], true],
    [
      'GENUINE_REPEAT',
      'repeat',
      ['此码已被查询 3 次', '4月1日 10:30', '首次查询地 上海市浦东新区'],
      true,
    ],
    ['SUSPICIOUS', 'risk', ['疑似风险码', '短时间内被查询次数过多', '在多个不同地点被查询'], true],
    ['NOT_ACTIVATED', 'inactive', ['防伪码未激活', '此码尚未激活'], false],
    ['INVALID', 'invalid', ['未查到此防伪码', '谨防假冒'], false],
  ])('%s: %s badge and its words', async (kind, tone, phrases, hasProduct) => {
    enterWith(TICKET);
    stubCloud(() => ok(landingView(kind)));
    const page = await renderPage(LANDING, { code_ticket: TICKET });

    expect(verdictTone(page)).toBe(tone);
    const text = visibleText(page);
    for (const phrase of phrases) expect(text).toContain(phrase);
    // Unknown and inactive codes have no product: no card, no trace, nothing to share.
    expect(findByClass(page, 'product')).toHaveLength(hasProduct ? 1 : 0);
    expect(findByClass(page, 'trace')).toHaveLength(hasProduct ? 1 : 0);
    expect(findByClass(page, 'share-button')).toHaveLength(hasProduct ? 1 : 0);
    expect(findByClass(page, 'scan-again')).toHaveLength(1);
  });

  test('a re-scan during a hot start resolves the new ticket; the same ticket does not', async () => {
    enterWith(TICKET);
    const calls = stubCloud((call) =>
      ok(landingView(call.data.codeTicket === TICKET ? 'GENUINE_FIRST' : 'GENUINE_REPEAT')),
    );
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(visibleText(page)).toContain('你是第一位扫码者');

    // Back from the background with nothing new (same enter options): no lookup.
    await showPage(page);
    expect(calls).toHaveLength(1);

    // A camera scan of another code while the Mini Program is alive.
    enterWith(OTHER_TICKET, 1124);
    await showPage(page);
    expect(calls.map((call) => call.data.codeTicket)).toEqual([TICKET, OTHER_TICKET]);
    expect(calls[1]?.data).toEqual({ action: 'resolve', codeTicket: OTHER_TICKET, scene: 1124 });
    expect(visibleText(page)).toContain('此码已被查询 3 次');

    await showPage(page);
    expect(calls).toHaveLength(2);
  });

  test('a hot start into another page of the Mini Program leaves the landing alone', async () => {
    enterWith(TICKET);
    const calls = stubCloud(() => ok(landingView('GENUINE_FIRST')));
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    stubWx({
      getEnterOptionsSync: () => ({
        scene: 1124,
        path: 'admin/pages/home/index',
        query: { code_ticket: OTHER_TICKET },
      }),
    });
    await showPage(page);
    expect(calls).toHaveLength(1);
  });

  test.each([
    [1124, '微信扫一扫（一物一码）'],
    [1125, '长按识别（一物一码）'],
    [1126, '相册识别（一物一码）'],
    [1011, '微信扫一扫（二维码）'],
    [1047, '微信扫一扫（小程序码）'],
  ])('scene %i is described as %s', async (scene, label) => {
    enterWith(TICKET, scene);
    const calls = stubCloud(() => ok(landingView('GENUINE_FIRST')));
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(visibleText(page)).toContain(`来源 ${label}`);
    expect(calls[0]?.data.scene).toBe(scene);
  });

  test('another scene gets no made-up source label', async () => {
    enterWith(TICKET, 1001);
    stubCloud(() => ok(landingView('GENUINE_FIRST')));
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(visibleText(page)).toContain('正品验证通过');
    expect(visibleText(page)).not.toContain('来源');
  });
});

describe('follow the Official Account', () => {
  test('scene 1124 shows <official-account>; its binderror swaps in the fallback card', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    enterWith(TICKET, 1124);
    stubCloud(() => ok(landingView('GENUINE_FIRST')));
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(findAll(page, 'wx-official-account')).toHaveLength(1);
    expect(visibleText(page)).not.toContain('关注「西湖茶社」');

    await dispatchIn(page, '#follow-card >>> .follow__official-account', 'error', {
      status: 3,
      errMsg: 'official-account:fail',
    });
    expect(findAll(page, 'wx-official-account')).toHaveLength(0);
    expect(visibleText(page)).toContain('关注「西湖茶社」');
    expect(visibleText(page)).toContain('关注公众号，领取冲泡指南');
  });

  test.each([1125, 1126])(
    'scene %i (not supported by WeChat) gets the fallback card',
    async (scene) => {
      enterWith(TICKET, scene);
      stubCloud(() => ok(landingView('GENUINE_FIRST')));
      const page = await renderPage(LANDING, { code_ticket: TICKET });
      expect(findAll(page, 'wx-official-account')).toHaveLength(0);
      expect(visibleText(page)).toContain('关注「西湖茶社」');
    },
  );

  test('a hot start from the recent list keeps the card when the cold start was a scan', async () => {
    enterWith(TICKET, 1001, 1124);
    stubCloud(() => ok(landingView('GENUINE_FIRST')));
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(findAll(page, 'wx-official-account')).toHaveLength(1);
  });

  test('no card when the brand turned it off', async () => {
    enterWith(TICKET);
    stubCloud(() => ok(landingView('GENUINE_FIRST', { follow: { enabled: false } })));
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(findAll(page, 'follow-card')).toHaveLength(0);
  });
});

describe('errors', () => {
  test.each<[string, string, string, string | null]>([
    ['TICKET_INVALID', '扫码凭证已失效', '请重新扫描商品上的防伪码', 'rescan-button'],
    ['UPSTREAM_ERROR', '微信服务繁忙', '暂时查不到防伪信息，请稍后重试', 'retry-button'],
    ['UPSTREAM_QUOTA_EXCEEDED', '今日查询已达上限', '请明天再扫码查询', null],
    ['RATE_LIMITED', '查询过于频繁', '请稍等几分钟后再试', 'retry-button'],
    ['NETWORK_ERROR', '网络不给力', '网络连接失败，请检查网络后重试', 'retry-button'],
    ['CLOUD_UNAVAILABLE', '微信版本过低', '请升级微信后再扫码', null],
    ['INVALID_ARGUMENT', '扫码信息有误', '没有读到有效的扫码凭证', 'rescan-button'],
    ['INTERNAL', '服务开小差了', '查询暂时失败，请稍后重试', 'retry-button'],
    ['SOMETHING_NEW', '查询失败', '服务端的中文说明', 'retry-button'],
  ])('%s → %s, %s, %s', async (code, title, message, button) => {
    enterWith(TICKET);
    stubCloud(() => fail(code, '服务端的中文说明'));
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    const text = visibleText(page);

    expect(text).toContain(title);
    expect(text).toContain(message);
    expect(text).toContain(`错误码 ${code}`);
    for (const action of ['retry-button', 'rescan-button', 'reenter-button']) {
      expect(findByClass(page, action)).toHaveLength(action === button ? 1 : 0);
    }
    expect(findByClass(page, 'back-button')).toHaveLength(1);
  });

  test('a dead network is a NETWORK_ERROR with retry, and retry recovers', async () => {
    enterWith(TICKET);
    let attempt = 0;
    const calls = stubCloud(() =>
      ++attempt === 1 ? { throws: 'timeout' } : ok(landingView('GENUINE_FIRST')),
    );
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(visibleText(page)).toContain('网络连接失败，请检查网络后重试');

    await tapVanButton(page, '.retry-button');
    expect(calls).toHaveLength(2);
    expect(calls[1]?.data).toEqual(calls[0]?.data);
    expect(visibleText(page)).toContain('你是第一位扫码者');
    expect(visibleText(page)).not.toContain('网络不给力');
  });

  test('TICKET_INVALID asks for a new scan, and the new scan resolves', async () => {
    enterWith(TICKET);
    const scanCode = vi.fn().mockResolvedValue({
      result: 'https://p.url.cn/0U.JYJX',
      path: `pages/landing/index?code_ticket=${OTHER_TICKET}`,
    });
    stubWx({ scanCode });
    const calls = stubCloud((call) =>
      call.data.codeTicket === TICKET
        ? fail('TICKET_INVALID', '凭证无效')
        : ok(landingView('GENUINE_FIRST')),
    );
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(findByClass(page, 'retry-button')).toHaveLength(0);

    await tapVanButton(page, '.rescan-button');
    expect(scanCode).toHaveBeenCalledOnce();
    // An in-app scan is not the launch scene: none is sent.
    expect(calls[1]?.data).toEqual({ action: 'resolve', codeTicket: OTHER_TICKET });
    expect(visibleText(page)).toContain('你是第一位扫码者');
    expect(visibleText(page)).toContain('来源 小程序内扫码');
  });

  test('a malformed typed code goes back to the field with the code kept', async () => {
    enterWith(undefined, 1001);
    stubCloud(() => fail('INVALID_ARGUMENT', 'code 格式错误'));
    const page = await renderPage(LANDING);
    await typeIntoVanField(page, '#code-field', CODE);
    await tapVanButton(page, '.code-submit');
    expect(visibleText(page)).toContain('防伪码格式不正确');

    await tapVanButton(page, '.reenter-button');
    expect(visibleText(page)).toContain('手动输入防伪码');
    expect((page.instance as unknown as { data: { codeInput: string } }).data.codeInput).toBe(CODE);
  });

  test('返回首页 leaves the error for the welcome screen', async () => {
    enterWith(TICKET);
    stubCloud(() => fail('INTERNAL', '内部错误'));
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    await tapVanButton(page, '.back-button');
    expect(visibleText(page)).toContain('扫码验真');
    expect(visibleText(page)).not.toContain('服务开小差了');
  });
});

describe('landing without a code_ticket', () => {
  test('welcomes with 扫码验真 and manual entry, and calls nothing', async () => {
    enterWith(undefined, 1001);
    const calls = stubCloud(() => ok(landingView('GENUINE_FIRST')));
    const page = await renderPage(LANDING);
    const text = visibleText(page);

    expect(calls).toEqual([]);
    expect(text).toContain('商品验真');
    expect(findByClass(page, 'van-button--primary').map((el) => el.textContent?.trim())).toContain(
      '扫码验真',
    );
    expect(findByClass(page, 'van-field__label').map((el) => el.textContent?.trim())).toEqual([
      '防伪码',
    ]);
    expect(findByClass(page, 'van-skeleton')).toHaveLength(0);
  });

  test('a typed code is verified, with a skeleton while waiting', async () => {
    enterWith(undefined, 1001);
    const calls: unknown[] = [];
    let answer: (reply: Envelope<LandingView>) => void = () => {};
    stubCloud((call) => {
      calls.push(call);
      return new Promise((resolve) => (answer = resolve));
    });
    const page = await renderPage(LANDING);
    // Pasted with spaces around it: the field must not cut it to 9 characters first.
    await typeIntoVanField(page, '#code-field', ` ${CODE} `);
    await tapVanButton(page, '.code-submit');
    expect(calls).toEqual([{ name: 'scan', data: { action: 'verify', code: CODE } }]);
    expect(visibleText(page)).toContain(`防伪码 ${CODE}`);
    expect(visibleText(page)).toContain('来源 手动输入');
    expect(findByClass(page, 'van-skeleton')).toHaveLength(2);

    answer(ok(landingView('GENUINE_REPEAT')));
    await settle();
    expect(visibleText(page)).toContain('此码已被查询 3 次');
  });

  test('rejects a malformed code under the field without calling the server', async () => {
    enterWith(undefined, 1001);
    const calls = stubCloud(() => ok(landingView('GENUINE_FIRST')));
    const page = await renderPage(LANDING);
    await typeIntoVanField(page, '#code-field', '12345');
    await tapVanButton(page, '.code-submit');

    expect(
      findByClass(page, 'van-field__error-message').map((el) => el.textContent?.trim()),
    ).toEqual(['请输入 9 位防伪码（字母、数字或符号）']);
    expect(calls).toEqual([]);

    await typeIntoVanField(page, '#code-field', '1');
    expect(findByClass(page, 'van-field__error-message')).toHaveLength(0);
  });

  test('扫码验真 on a code URL resolves the ticket in its path', async () => {
    enterWith(undefined, 1001);
    const scanCode = vi.fn().mockResolvedValue({
      result: 'https://p.url.cn/0U.JYJX',
      path: `pages/landing/index?code_ticket=${TICKET}`,
      scanType: 'QR_CODE',
    });
    stubWx({ scanCode });
    const calls = stubCloud(() => ok(landingView('GENUINE_FIRST')));
    const page = await renderPage(LANDING);
    await tapVanButton(page, '.scan-button');

    expect(calls).toEqual([{ name: 'scan', data: { action: 'resolve', codeTicket: TICKET } }]);
    expect(visibleText(page)).toContain('来源 小程序内扫码');
    // The launch was a plain 1001: WeChat would not render <official-account> here.
    expect(findAll(page, 'wx-official-account')).toHaveLength(0);
    expect(visibleText(page)).toContain('关注「西湖茶社」');
  });

  test('扫码验真 on a raw 9-character code verifies it', async () => {
    enterWith(undefined, 1001);
    stubWx({ scanCode: vi.fn().mockResolvedValue({ result: 'A1B2C3D4E', scanType: 'QR_CODE' }) });
    const calls = stubCloud(() => ok(landingView('GENUINE_FIRST', { code: 'A1B2C3D4E' })));
    const page = await renderPage(LANDING);
    await tapVanButton(page, '.scan-button');
    expect(calls).toEqual([{ name: 'scan', data: { action: 'verify', code: 'A1B2C3D4E' } }]);
    expect(visibleText(page)).toContain('防伪码 A1B2C3D4E');
  });

  test('an unrelated QR code gets a Chinese toast and the page stays put', async () => {
    enterWith(undefined, 1001);
    const showToast = vi.fn();
    stubWx({
      scanCode: vi.fn().mockResolvedValue({ result: 'https://example.com/', scanType: 'QR_CODE' }),
      showToast,
    });
    const calls = stubCloud(() => ok(landingView('GENUINE_FIRST')));
    const page = await renderPage(LANDING);
    await tapVanButton(page, '.scan-button');

    expect(showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '未识别到防伪码，请扫商品上的防伪码' }),
    );
    expect(calls).toEqual([]);
    expect(visibleText(page)).toContain('扫码验真');
  });

  test('closing the scanner is silent; a scanner failure gets a toast', async () => {
    enterWith(undefined, 1001);
    const showToast = vi.fn();
    const scanCode = vi.fn().mockRejectedValueOnce({ errMsg: 'scanCode:fail cancel' });
    stubWx({ scanCode, showToast });
    const page = await renderPage(LANDING);
    await tapVanButton(page, '.scan-button');
    expect(showToast).not.toHaveBeenCalled();

    scanCode.mockRejectedValueOnce({ errMsg: 'scanCode:fail camera' });
    await tapVanButton(page, '.scan-button');
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '扫码失败，请重试' }));
    expect(visibleText(page)).toContain('扫码验真');
  });
});

describe('share and location', () => {
  test('shares the product, never the ticket', async () => {
    enterWith(TICKET);
    stubCloud(() => ok(landingView('GENUINE_FIRST')));
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    const share = callPageMethod(page, 'onShareAppMessage') as Record<string, string>;

    expect(share).toEqual({
      title: '西湖茶社 明前龙井 250g｜扫码验真，查看溯源',
      path: '/pages/landing/index',
      imageUrl: PRODUCT.images[0],
    });
    expect(JSON.stringify(share)).not.toContain(TICKET);
  });

  test('without a product the share is a plain invitation to verify', async () => {
    enterWith(undefined, 1001);
    const page = await renderPage(LANDING);
    expect(callPageMethod(page, 'onShareAppMessage')).toEqual({
      title: '码上验真：扫一扫，辨真伪',
      path: '/pages/landing/index',
    });
  });

  test('never asks for location; sends none unless already granted', async () => {
    enterWith(TICKET);
    const getLocation = vi.fn();
    const authorize = vi.fn();
    stubWx({
      getSetting: vi.fn().mockResolvedValue({ authSetting: {} }),
      getLocation,
      authorize,
    });
    const calls = stubCloud(() => ok(landingView('GENUINE_FIRST')));
    await renderPage(LANDING, { code_ticket: TICKET });

    expect(getLocation).not.toHaveBeenCalled();
    expect(authorize).not.toHaveBeenCalled();
    expect(calls[0]?.data).not.toHaveProperty('location');
  });

  test('a location granted earlier goes with the scan', async () => {
    enterWith(TICKET);
    stubWx({
      getSetting: vi.fn().mockResolvedValue({ authSetting: { 'scope.userLocation': true } }),
      getLocation: vi.fn().mockResolvedValue({ latitude: 30.25, longitude: 120.16 }),
    });
    const calls = stubCloud(() => ok(landingView('GENUINE_FIRST')));
    await renderPage(LANDING, { code_ticket: TICKET });
    expect(calls[0]?.data).toEqual({
      action: 'resolve',
      codeTicket: TICKET,
      scene: 1124,
      location: { latitude: 30.25, longitude: 120.16 },
    });
  });
});
