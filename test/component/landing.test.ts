// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  cleanup,
  findByClass,
  renderPage,
  settle,
  stubWx,
  tapVanButton,
  typeIntoVanField,
  visibleText,
} from './harness';

const LANDING = 'pages/landing/index';
const TICKET = '5f1c8c0e2d6b4a7f9e3b1d2c4a6f8e0b';

afterEach(cleanup);

describe('landing with a code_ticket (一物一码 scan)', () => {
  test('shows the received ticket, a masked preview and a loading skeleton', async () => {
    stubWx({
      getEnterOptionsSync: () => ({ scene: 1124, query: { code_ticket: TICKET }, path: LANDING }),
    });
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    const text = visibleText(page);

    expect(text).toContain('已收到扫码凭证');
    expect(text).toContain('正在验证…');
    expect(text).toContain('凭证 5f1c8c****8e0b');
    expect(text).toContain('来源 微信扫一扫（一物一码）');
    // A ticket is a credential for this scan: never on screen in full.
    expect(text).not.toContain(TICKET);
    // vant's skeleton really rendered: title, avatar and three rows.
    expect(findByClass(page, 'van-skeleton__title')).toHaveLength(1);
    expect(findByClass(page, 'van-skeleton__avatar')).toHaveLength(1);
    expect(findByClass(page, 'van-skeleton__row')).toHaveLength(3);
    expect(text).not.toContain('扫码验真');
  });

  test('does not invent a source label for scenes that are not marketcode scans', async () => {
    stubWx({ getEnterOptionsSync: () => ({ scene: 1001, query: {}, path: LANDING }) });
    const page = await renderPage(LANDING, { code_ticket: TICKET });
    expect(visibleText(page)).toContain('已收到扫码凭证');
    expect(visibleText(page)).not.toContain('来源');
  });
});

describe('landing without a code_ticket', () => {
  test('welcomes with a 扫码验真 button and a manual code field', async () => {
    const page = await renderPage(LANDING);
    const text = visibleText(page);

    expect(text).toContain('商品验真');
    expect(text).toContain('扫码验真');
    expect(text).toContain('手动输入防伪码');
    expect(findByClass(page, 'van-button--primary').map((el) => el.textContent?.trim())).toContain(
      '扫码验真',
    );
    expect(findByClass(page, 'van-field__label').map((el) => el.textContent?.trim())).toEqual([
      '防伪码',
    ]);
    expect(findByClass(page, 'van-skeleton')).toHaveLength(0);
  });

  test('rejects a malformed code with a Chinese message under the field', async () => {
    const page = await renderPage(LANDING);
    await typeIntoVanField(page, '#code-field', '12345');
    await tapVanButton(page, '.code-submit');

    const errors = findByClass(page, 'van-field__error-message');
    expect(errors.map((el) => el.textContent?.trim())).toEqual([
      '请输入 9 位防伪码（字母、数字或符号）',
    ]);
    expect(visibleText(page)).not.toContain('已收到防伪码');
  });

  test('asks for a code when submitted empty, and clears the message on edit', async () => {
    const page = await renderPage(LANDING);
    await tapVanButton(page, '.code-submit');
    expect(visibleText(page)).toContain('请输入防伪码');

    await typeIntoVanField(page, '#code-field', '1');
    expect(findByClass(page, 'van-field__error-message')).toHaveLength(0);
  });

  test('accepts a well-formed 9-character code and shows it pending verification', async () => {
    const page = await renderPage(LANDING);
    await typeIntoVanField(page, '#code-field', '012345678');
    await tapVanButton(page, '.code-submit');

    const text = visibleText(page);
    expect(text).toContain('已收到防伪码');
    expect(text).toContain('防伪码 012345678');
    expect(text).toContain('正在验证…');
    expect(findByClass(page, 'van-skeleton__row')).toHaveLength(3);
  });

  test('扫码验真 follows a scanned code URL that carries a code_ticket', async () => {
    const scanCode = vi.fn().mockResolvedValue({
      result: 'https://p.url.cn/0U.JYJX',
      path: `pages/landing/index?code_ticket=${TICKET}`,
      scanType: 'QR_CODE',
    });
    stubWx({ scanCode });
    const page = await renderPage(LANDING);
    await tapVanButton(page, '.scan-button');

    expect(scanCode).toHaveBeenCalledOnce();
    expect(visibleText(page)).toContain('已收到扫码凭证');
    expect(visibleText(page)).toContain('来源 小程序内扫码');
  });

  test('扫码验真 with a raw 9-character code goes straight to verification', async () => {
    stubWx({ scanCode: vi.fn().mockResolvedValue({ result: 'A1B2C3D4E', scanType: 'QR_CODE' }) });
    const page = await renderPage(LANDING);
    await tapVanButton(page, '.scan-button');
    expect(visibleText(page)).toContain('防伪码 A1B2C3D4E');
  });

  test('an unrelated QR code gets a Chinese toast and the page stays put', async () => {
    const showToast = vi.fn();
    stubWx({
      scanCode: vi.fn().mockResolvedValue({ result: 'https://example.com/', scanType: 'QR_CODE' }),
      showToast,
    });
    const page = await renderPage(LANDING);
    await tapVanButton(page, '.scan-button');

    expect(showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '未识别到防伪码，请扫商品上的防伪码' }),
    );
    expect(visibleText(page)).toContain('扫码验真');
  });

  test('closing the scanner is silent', async () => {
    const showToast = vi.fn();
    stubWx({ scanCode: vi.fn().mockRejectedValue({ errMsg: 'scanCode:fail cancel' }), showToast });
    const page = await renderPage(LANDING);
    await tapVanButton(page, '.scan-button');
    await settle();

    expect(showToast).not.toHaveBeenCalled();
    expect(visibleText(page)).toContain('扫码验真');
  });
});
