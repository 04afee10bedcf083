/**
 * The preview's outer document: a phone frame (status bar, navigation bar, the page stack as
 * iframes, and over them the overlays of overlays.ts) and the control bar beside it (controls.ts:
 * who is holding the phone, scan code N through the WeChat simulator, reset, open the admin pages,
 * a log of cloud calls). It implements the Device the pages talk to (device.ts).
 */
import type { EnterOptions, PreviewAppInfo, PreviewDemoInfo } from '../protocol';
import { CONTROLS_MARKUP, ControlBar, plainLaunch, simScan } from './controls';
import type {
  CallLogEntry,
  Device,
  ModalOptions,
  PageHandle,
  PayoutSheetKind,
  PickerSheetOptions,
  PickerSheetValue,
  ScanCodeResult,
  ToastOptions,
} from './device';
import { element, html } from './dom';
import { PhoneOverlay } from './overlays';

declare global {
  interface Window {
    __mashangApp: PreviewAppInfo;
  }
}

interface StackEntry {
  frame: HTMLIFrameElement;
  route: string;
  title: string;
  handle?: PageHandle;
}

function renderShell(): void {
  document.body.innerHTML = `
<main class="preview">
  <section class="phone" aria-label="手机">
    <div class="phone__status"><span>9:41</span><span>码上预览</span><span>100%</span></div>
    <div class="phone__nav">
      <button id="nav-back" class="phone__back" type="button" aria-label="返回" hidden>‹</button>
      <span id="nav-title" class="phone__title"></span>
      <span class="phone__capsule" aria-hidden="true">··· | ◎</span>
    </div>
    <div id="frames" class="phone__frames"></div>
    <div id="overlay" class="phone__overlay"></div>
  </section>${CONTROLS_MARKUP}</main>`;
}

class ShellDevice implements Device {
  private stack: StackEntry[] = [];
  private launch: EnterOptions;
  private enter: EnterOptions;
  private clipboardText = '';
  private tempFiles = new Map<string, { file: Blob; name: string }>();
  private readonly overlay = new PhoneOverlay();
  private readonly controls: ControlBar;

  constructor(private readonly app: PreviewAppInfo) {
    this.launch = this.enter = plainLaunch(app.pages);
    this.controls = new ControlBar(app.pages, {
      relaunch: (options) => this.relaunch(options),
      launchOptions: () => this.launch,
      navigate: (kind, route, query) => this.navigate(kind, route, query),
      clipboard: () => this.clipboardText,
    });
  }

  // ---- Device ---------------------------------------------------------------------------------

  openid(): string {
    return this.controls.openid();
  }

  launchOptions(): EnterOptions {
    return this.launch;
  }

  enterOptions(): EnterOptions {
    return this.enter;
  }

  demo(): PreviewDemoInfo | undefined {
    return this.controls.demo();
  }

  pages(): string[] {
    return this.app.pages;
  }

  pageReady(frame: Window, handle: PageHandle): void {
    const entry = this.stack.find((item) => item.frame.contentWindow === frame);
    if (entry) entry.handle = handle;
  }

  currentPages(): unknown[] {
    return this.stack.map((entry) => entry.handle?.instance).filter(Boolean);
  }

  setTitle(frame: Window, title: string): void {
    const entry = this.stack.find((item) => item.frame.contentWindow === frame);
    if (!entry) return;
    entry.title = title;
    this.renderNav();
  }

  navigate(
    kind: 'navigateTo' | 'redirectTo' | 'reLaunch',
    route: string,
    query: Record<string, string>,
  ): void {
    if (kind === 'reLaunch') this.clearStack();
    else if (kind === 'redirectTo') this.popPage();
    else this.top()?.handle?.hide();
    this.pushPage(route, query);
  }

  navigateBack(delta: number): void {
    for (let i = 0; i < Math.max(1, delta) && this.stack.length > 1; i += 1) this.popPage();
    const top = this.top();
    if (top) {
      top.frame.hidden = false;
      top.handle?.show();
    }
    this.renderNav();
  }

  showToast(options: ToastOptions): void {
    this.overlay.showToast(options);
  }

  hideToast(): void {
    this.overlay.hideToast();
  }

  showModal(options: ModalOptions): Promise<{ confirm: boolean; cancel: boolean }> {
    return this.overlay.showModal(options);
  }

  showActionSheet(options: { alertText?: string; itemList: string[] }): Promise<number | null> {
    return this.overlay.showActionSheet(options);
  }

  showPicker(
    options: PickerSheetOptions,
    onColumnChange?: (column: number, index: number) => void,
  ): Promise<PickerSheetValue | null> {
    return this.overlay.showPicker(options, onColumnChange);
  }

  showPayoutSheet(kind: PayoutSheetKind): Promise<boolean> {
    return this.overlay.showPayoutSheet(kind);
  }

  async scanCode(): Promise<ScanCodeResult> {
    const form = this.overlay.dialog(
      html`<div class="dialog__title">模拟扫码</div>
        <div class="dialog__content">输入演示申请单内的码序号 N、9 位码或码链接</div>
        <input
          id="scan-input"
          class="dialog__input"
          autocomplete="off"
          value="${this.controls.scanIndex()}"
        />`,
      '取消',
      '扫码',
    );
    const input = element<HTMLInputElement>('scan-input');
    input.select();
    const confirmed = await form;
    const text = input.value.trim();
    if (!confirmed || !text) throw { errMsg: 'scanCode:fail cancel' };
    const body: Record<string, unknown> = { openid: this.openid() };
    if (/^\d+$/.test(text))
      Object.assign(body, { applicationId: this.controls.simApplicationId(), index: Number(text) });
    else if (/^https?:\/\//.test(text)) body.url = text;
    else body.code = text;
    const raw = (content: string) => btoa(unescape(encodeURIComponent(content)));
    try {
      const scan = await simScan(body);
      const path = `${scan.path.replace(/^\//, '')}?${new URLSearchParams(scan.query).toString()}`;
      return {
        result: scan.code,
        scanType: 'QR_CODE',
        charSet: 'UTF-8',
        rawData: raw(scan.code),
        path,
      };
    } catch (error) {
      // A code that does not open this Mini Program (unknown, not activated) scans as plain text.
      this.controls.status(String((error as Error).message));
      return { result: text, scanType: 'QR_CODE', charSet: 'UTF-8', rawData: raw(text) };
    }
  }

  setClipboard(text: string): void {
    this.clipboardText = text;
    // Best effort: the system clipboard needs a focused, permitted document.
    navigator.clipboard?.writeText(text).catch(() => undefined);
  }

  clipboard(): string {
    return this.clipboardText;
  }

  keepTempFile(file: Blob, name: string): string {
    // WeChat DevTools' temp paths look like this; pages treat them as opaque.
    const extension = /\.[A-Za-z0-9]{1,8}$/.exec(name)?.[0] ?? '';
    const path = `http://tmp/${Date.now().toString(36)}${this.tempFiles.size}${extension}`;
    this.tempFiles.set(path, { file, name });
    return path;
  }

  hasTempFile(path: string): boolean {
    return this.tempFiles.has(path);
  }

  openTempFile(path: string): boolean {
    const kept = this.tempFiles.get(path);
    if (!kept) return false;
    // The phone would show the document; the browser downloads it under its own name.
    const link = document.createElement('a');
    link.href = URL.createObjectURL(kept.file);
    link.download = kept.name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    return true;
  }

  logCall(entry: CallLogEntry): void {
    const log = element('call-log');
    const item = document.createElement('li');
    const failed = entry.status !== 200 || entry.outcome !== 'ok';
    item.className = failed ? 'log__item log__item--failed' : 'log__item';
    item.textContent = `${entry.name}${entry.action ? `.${entry.action}` : ''} · ${entry.status} · ${entry.ms} ms · ${entry.outcome}`;
    log.prepend(item);
    while (log.children.length > 20) log.lastElementChild?.remove();
  }

  // ---- page stack -----------------------------------------------------------------------------

  async start(): Promise<void> {
    await this.controls.start();
    element('nav-back').addEventListener('click', () => this.navigateBack(1));
    this.relaunch(plainLaunch(this.app.pages));
  }

  /** Clears the page stack and opens `options.path`, as WeChat does on a (re)launch. */
  private relaunch(options: EnterOptions): void {
    this.launch = this.enter = options;
    this.hideToast();
    this.clearStack();
    this.pushPage(options.path, options.query);
  }

  private top(): StackEntry | undefined {
    return this.stack[this.stack.length - 1];
  }

  private pushPage(route: string, query: Record<string, string>): void {
    for (const entry of this.stack) entry.frame.hidden = true;
    const frame = document.createElement('iframe');
    frame.className = 'page-frame';
    frame.title = route;
    frame.dataset.route = route;
    const params = new URLSearchParams({ route, query: new URLSearchParams(query).toString() });
    frame.src = `page.html?${params.toString()}`;
    this.stack.push({ frame, route, title: '' });
    element('frames').appendChild(frame);
    this.renderNav();
  }

  private popPage(): void {
    const entry = this.stack.pop();
    if (!entry) return;
    try {
      entry.handle?.unload();
    } catch (error) {
      console.error(error);
    }
    entry.frame.remove();
  }

  private clearStack(): void {
    while (this.stack.length) this.popPage();
  }

  private renderNav(): void {
    element('nav-title').textContent = this.top()?.title ?? '';
    element('nav-back').hidden = this.stack.length < 2;
  }
}

renderShell();
const device = new ShellDevice(window.__mashangApp);
window.__mashangDevice = device;
void device.start();
