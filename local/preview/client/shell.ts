/**
 * The preview's outer document: a phone frame (status bar, navigation bar, the page stack as
 * iframes, toasts and dialogs) and the control bar beside it (who is holding the phone, scan code N
 * through the WeChat simulator, reset, open the admin pages, a log of cloud calls). It implements
 * the Device the pages talk to (device.ts).
 */
import type { EnterOptions, PreviewAppInfo, PreviewDemoInfo } from '../protocol';
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
import { mountOaPanel } from './oa-panel';

declare global {
  interface Window {
    __mashangApp: PreviewAppInfo;
  }
}

const FALLBACK_USERS = ['o-demo-alice', 'o-demo-bob', 'o-local-admin'];
const USER_KEY = 'mashang-preview:user';
const APPLICATION_KEY = 'mashang-preview:application';

/** A plain launch from the Mini Program list: the "A" scene of WeChat's reopen rules. */
const PLAIN_SCENE = 1001;

interface StackEntry {
  frame: HTMLIFrameElement;
  route: string;
  title: string;
  handle?: PageHandle;
}

interface SimScan {
  code: string;
  path: string;
  query: Record<string, string>;
  scene: number;
}

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing from the shell`);
  return found as T;
}

function html(strings: TemplateStringsArray, ...values: string[]): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return strings.reduce(
    (out, part, i) => out + part + (i < values.length ? escape(values[i]) : ''),
    '',
  );
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
  </section>
  <aside class="controls" aria-label="控制栏">
    <h1>码上 · 小程序预览</h1>
    <p class="hint">真实的小程序页面（官方 WXML 编译器 + miniprogram-simulate），云函数调用走本地栈。</p>
    <fieldset>
      <legend>谁在用手机</legend>
      <label for="user-select">用户 openid</label>
      <select id="user-select"></select>
      <input id="user-custom" placeholder="或输入其他 openid，回车确认" autocomplete="off" />
    </fieldset>
    <fieldset>
      <legend>扫一物一码（微信模拟器）</legend>
      <label for="application-id">申请单 applicationId</label>
      <input id="application-id" placeholder="演示数据的申请单" autocomplete="off" />
      <label for="scan-index">码序号 N</label>
      <input id="scan-index" type="number" min="0" step="1" value="0" />
      <button id="scan-button" type="button" class="primary">扫码 第 0 个码</button>
      <p id="scan-status" class="status" role="status"></p>
    </fieldset>
    <fieldset id="oa-panel" class="oa-panel"></fieldset>
    <fieldset>
      <legend>页面</legend>
      <div class="row">
        <button id="reset-button" type="button">重置</button>
        <button id="plain-launch" type="button">普通打开（1001）</button>
      </div>
      <a id="admin-link" href="#">打开运营后台首页</a>
      <label for="open-link">扫小程序码打开页面（如邀请链接）</label>
      <input id="open-link" placeholder="/admin/pages/join/index?invite=…" autocomplete="off" />
      <button id="open-link-button" type="button">打开</button>
    </fieldset>
    <fieldset>
      <legend>云函数调用</legend>
      <ol id="call-log" class="log"></ol>
    </fieldset>
  </aside>
</main>`;
}

class ShellDevice implements Device {
  private stack: StackEntry[] = [];
  private launch: EnterOptions;
  private enter: EnterOptions;
  private demoInfo: PreviewDemoInfo | undefined;
  private clipboardText = '';
  private tempFiles = new Map<string, { file: Blob; name: string }>();
  private toastTimer: ReturnType<typeof setTimeout> | undefined;
  private oaPanel: { refresh(): void } | undefined;

  constructor(private readonly app: PreviewAppInfo) {
    this.launch = this.enter = this.plainLaunch();
  }

  // ---- Device ---------------------------------------------------------------------------------

  openid(): string {
    return element<HTMLSelectElement>('user-select').value || FALLBACK_USERS[0];
  }

  launchOptions(): EnterOptions {
    return this.launch;
  }

  enterOptions(): EnterOptions {
    return this.enter;
  }

  demo(): PreviewDemoInfo | undefined {
    return this.demoInfo;
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
    const overlay = element('overlay');
    this.hideToast();
    const toast = document.createElement('div');
    toast.className = `toast toast--${options.icon ?? 'success'}`;
    toast.setAttribute('role', 'alert');
    const icon = { success: '✓', error: '✕', loading: '', none: '' }[options.icon ?? 'success'];
    toast.innerHTML = html`<span class="toast__icon">${icon}</span
      ><span class="toast__text">${options.title}</span>`;
    if (options.mask) overlay.classList.add('phone__overlay--mask');
    overlay.appendChild(toast);
    if (options.duration && options.duration > 0)
      this.toastTimer = setTimeout(() => this.hideToast(), options.duration);
  }

  hideToast(): void {
    clearTimeout(this.toastTimer);
    const overlay = element('overlay');
    overlay.querySelectorAll('.toast').forEach((toast) => toast.remove());
    // A toast's end must not unmask a dialog or sheet opened meanwhile: the mask is what lets
    // their buttons be tapped (the overlay passes taps through to the page without it).
    if (!overlay.querySelector('[role="dialog"]')) overlay.classList.remove('phone__overlay--mask');
  }

  showModal(options: ModalOptions): Promise<{ confirm: boolean; cancel: boolean }> {
    return new Promise((resolve) => {
      const dialog = this.dialog(
        html`<div class="dialog__title">${options.title ?? ''}</div>
          <div class="dialog__content">${options.content ?? ''}</div>`,
        options.showCancel === false ? undefined : (options.cancelText ?? '取消'),
        options.confirmText ?? '确定',
      );
      dialog.then((confirmed) => resolve({ confirm: confirmed, cancel: !confirmed }));
    });
  }

  showActionSheet(options: { alertText?: string; itemList: string[] }): Promise<number | null> {
    const overlay = element('overlay');
    const sheet = document.createElement('div');
    sheet.className = 'action-sheet';
    sheet.setAttribute('role', 'dialog');
    sheet.innerHTML = `${
      options.alertText ? html`<div class="action-sheet__title">${options.alertText}</div>` : ''
    }${options.itemList
      .map(
        (item, index) =>
          html`<button type="button" class="action-sheet__item" data-index="${String(index)}">
            ${item}
          </button>`,
      )
      .join('')}${html`<button type="button" class="action-sheet__cancel">取消</button>`}`;
    overlay.classList.add('phone__overlay--mask');
    overlay.appendChild(sheet);
    return new Promise((resolve) => {
      const close = (index: number | null) => {
        sheet.remove();
        if (!overlay.querySelector('.dialog, .action-sheet'))
          overlay.classList.remove('phone__overlay--mask');
        resolve(index);
      };
      const tapped = realTaps(sheet);
      sheet.querySelectorAll<HTMLButtonElement>('.action-sheet__item').forEach((button) =>
        button.addEventListener(
          'click',
          tapped(() => close(Number(button.dataset.index))),
        ),
      );
      sheet.querySelector('.action-sheet__cancel')?.addEventListener(
        'click',
        tapped(() => close(null)),
      );
    });
  }

  showPicker(
    options: PickerSheetOptions,
    onColumnChange?: (column: number, index: number) => void,
  ): Promise<PickerSheetValue | null> {
    const overlay = element('overlay');
    const sheet = document.createElement('div');
    sheet.className = `picker-sheet picker-sheet--${options.mode}`;
    sheet.setAttribute('role', 'dialog');
    const column = (items: string[], selected: number, index: number) =>
      `<div class="picker-sheet__column" data-column="${index}">${items
        .map(
          (item, i) =>
            html`<button
              type="button"
              class="picker-sheet__option${i === selected ? ' picker-sheet__option--on' : ''}"
              data-index="${String(i)}"
            >
              ${item}
            </button>`,
        )
        .join('')}</div>`;
    let body: string;
    if (options.mode === 'selector') body = column(options.items, options.value, 0);
    else if (options.mode === 'multiSelector') {
      body = options.columns.map((items, i) => column(items, options.value[i] ?? 0, i)).join('');
    } else {
      const type =
        options.mode === 'time'
          ? 'time'
          : options.fields === 'month'
            ? 'month'
            : options.fields === 'year'
              ? 'number'
              : 'date';
      body = html`<input
        class="picker-sheet__input"
        type="${type}"
        value="${options.value}"
        min="${options.start ?? ''}"
        max="${options.end ?? ''}"
      />`;
    }
    sheet.innerHTML = `<div class="picker-sheet__bar">${html`<button type="button" class="picker-sheet__cancel">取消</button><button type="button" class="picker-sheet__confirm">确定</button>`}</div><div class="picker-sheet__body">${body}</div>`;
    overlay.classList.add('phone__overlay--mask');
    overlay.appendChild(sheet);

    // Selections per column, as a wheel would stop on them.
    const chosen =
      options.mode === 'selector'
        ? [options.value]
        : options.mode === 'multiSelector'
          ? options.columns.map((_, i) => options.value[i] ?? 0)
          : [];
    const tapped = realTaps(sheet);
    sheet.querySelectorAll<HTMLElement>('.picker-sheet__column').forEach((columnElement) => {
      const columnIndex = Number(columnElement.dataset.column);
      columnElement.querySelectorAll<HTMLButtonElement>('.picker-sheet__option').forEach((button) =>
        button.addEventListener(
          'click',
          tapped(() => {
            const index = Number(button.dataset.index);
            columnElement
              .querySelectorAll('.picker-sheet__option--on')
              .forEach((on) => on.classList.remove('picker-sheet__option--on'));
            button.classList.add('picker-sheet__option--on');
            if (chosen[columnIndex] === index) return;
            chosen[columnIndex] = index;
            if (options.mode === 'multiSelector') onColumnChange?.(columnIndex, index);
          }),
        ),
      );
    });

    return new Promise((resolve) => {
      const close = (value: PickerSheetValue | null) => {
        sheet.remove();
        if (!overlay.querySelector('.dialog, .action-sheet, .picker-sheet'))
          overlay.classList.remove('phone__overlay--mask');
        resolve(value);
      };
      sheet.querySelector('.picker-sheet__cancel')?.addEventListener(
        'click',
        tapped(() => close(null)),
      );
      sheet.querySelector('.picker-sheet__confirm')?.addEventListener(
        'click',
        tapped(() => {
          if (options.mode === 'selector') close(chosen[0] ?? 0);
          else if (options.mode === 'multiSelector') close([...chosen]);
          else {
            const input = sheet.querySelector<HTMLInputElement>('.picker-sheet__input');
            close(input?.value || options.value);
          }
        }),
      );
    });
  }

  showPayoutSheet(kind: PayoutSheetKind): Promise<boolean> {
    // What WeChat draws itself, reduced to its one decision; its name says it is a stand-in.
    const sheet =
      kind === 'red-packet'
        ? {
            title: '商家红包',
            content: '扫码奖励红包（模拟：拆开后由本地 WeChat Pay 模拟器记为已领取）',
            confirm: '拆红包',
          }
        : {
            title: '商家转账',
            content: '确认收款后，奖励将转入微信零钱（模拟：由本地 WeChat Pay 模拟器记为成功）',
            confirm: '确认收款',
          };
    return this.dialog(
      html`<div class="dialog__title">${sheet.title}</div>
        <div class="dialog__content">${sheet.content}</div>`,
      kind === 'red-packet' ? '关闭' : '取消',
      sheet.confirm,
      `dialog--payout dialog--${kind}`,
    );
  }

  async scanCode(): Promise<ScanCodeResult> {
    const form = this.dialog(
      html`<div class="dialog__title">模拟扫码</div>
        <div class="dialog__content">输入演示申请单内的码序号 N、9 位码或码链接</div>
        <input
          id="scan-input"
          class="dialog__input"
          autocomplete="off"
          value="${element<HTMLInputElement>('scan-index').value}"
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
      Object.assign(body, { applicationId: this.simApplicationId(), index: Number(text) });
    else if (/^https?:\/\//.test(text)) body.url = text;
    else body.code = text;
    const raw = (content: string) => btoa(unescape(encodeURIComponent(content)));
    try {
      const scan = await this.simScan(body);
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
      this.status(String((error as Error).message));
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

  // ---- control bar ----------------------------------------------------------------------------

  async start(): Promise<void> {
    await this.loadDemo();
    this.wireControls();
    this.oaPanel = mountOaPanel(element('oa-panel'), {
      openid: () => this.openid(),
      adminOpenid: () => this.demoInfo?.adminOpenid,
    });
    this.relaunch(this.plainLaunch());
  }

  private async fetchDemo(): Promise<PreviewDemoInfo | undefined> {
    try {
      const response = await fetch('api/demo');
      return response.ok ? ((await response.json()) as PreviewDemoInfo) : undefined;
    } catch {
      // The control bar still works with typed-in values.
      return undefined;
    }
  }

  private async loadDemo(): Promise<void> {
    this.demoInfo = await this.fetchDemo();
    const users = this.demoInfo?.users.length ? this.demoInfo.users : FALLBACK_USERS;
    const select = element<HTMLSelectElement>('user-select');
    const saved = localStorage.getItem(USER_KEY);
    // Console members read `openid（运营）`, so one can switch to each role.
    const roles = new Map((this.demoInfo?.roles ?? []).map((r) => [r.openid, r.roleName]));
    for (const openid of saved && !users.includes(saved) ? [...users, saved] : users) {
      const role = roles.get(openid);
      select.add(new Option(role ? `${openid}（${role}）` : openid, openid));
    }
    if (saved) select.value = saved;
    const input = element<HTMLInputElement>('application-id');
    input.value = localStorage.getItem(APPLICATION_KEY) ?? '';
    if (this.demoInfo?.application) this.showApplication(this.demoInfo.application);
    else {
      this.status('正在等待演示数据（npm start 在 ready 之后写入）…，也可以直接填申请单');
      void this.awaitDemoApplication();
    }
  }

  /** `npm start` seeds the demo after its ready line: a preview opened at once catches up. */
  private async awaitDemoApplication(): Promise<void> {
    for (let attempt = 0; attempt < 30; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const demo = await this.fetchDemo();
      if (demo?.application) {
        this.demoInfo = demo;
        // Someone who typed an application in the meantime keeps it.
        if (!this.applicationId()) this.showApplication(demo.application);
        return;
      }
    }
    this.status('没有找到已激活的码段：在上面填申请单，或重新运行 npm start 写入演示数据');
  }

  private showApplication(application: NonNullable<PreviewDemoInfo['application']>): void {
    element<HTMLInputElement>('application-id').value = application.applicationId;
    const index = element<HTMLInputElement>('scan-index');
    index.min = String(application.codeStart);
    index.max = String(application.codeEnd);
    index.value = String(application.codeStart);
    index.dispatchEvent(new Event('input'));
    const product = application.productTitle ? `（${application.productTitle}）` : '';
    this.status(`演示码段 ${application.codeStart}–${application.codeEnd}${product}`);
  }

  private wireControls(): void {
    const select = element<HTMLSelectElement>('user-select');
    const custom = element<HTMLInputElement>('user-custom');
    const index = element<HTMLInputElement>('scan-index');
    const scanButton = element<HTMLButtonElement>('scan-button');
    const switchUser = () => {
      localStorage.setItem(USER_KEY, select.value);
      this.oaPanel?.refresh();
      // Another person's phone: the Mini Program opens fresh, without the last person's ticket.
      this.relaunch(this.plainLaunch());
    };
    select.addEventListener('change', switchUser);
    custom.addEventListener('keydown', (event) => {
      const openid = custom.value.trim();
      if (event.key !== 'Enter' || !openid) return;
      if (![...select.options].some((option) => option.value === openid))
        select.add(new Option(openid, openid));
      select.value = openid;
      custom.value = '';
      switchUser();
    });
    const label = () => {
      scanButton.textContent = `扫码 第 ${index.value || 0} 个码`;
    };
    index.addEventListener('input', label);
    label();
    scanButton.addEventListener('click', () => void this.scanFromControls());
    element('reset-button').addEventListener('click', () => this.relaunch(this.launch));
    element('plain-launch').addEventListener('click', () => this.relaunch(this.plainLaunch()));
    element('admin-link').addEventListener('click', (event) => {
      event.preventDefault();
      const admin = this.app.pages.find((page) => page.startsWith('admin/')) ?? this.app.pages[0];
      this.navigate('navigateTo', admin, {});
    });
    element('open-link-button').addEventListener('click', () => this.openLink());
    element('open-link').addEventListener('keydown', (event) => {
      if ((event as KeyboardEvent).key === 'Enter') this.openLink();
    });
    element('nav-back').addEventListener('click', () => this.navigateBack(1));
  }

  /**
   * "The user scans a Mini Program code of this path" (an invite's QR code): the page opens
   * fresh with its query, as WeChat does for scene 1047 (扫描小程序码), as the selected user.
   */
  private openLink(): void {
    const input = element<HTMLInputElement>('open-link');
    const link = input.value.trim() || this.clipboardText.trim();
    const [pathPart = '', queryPart = ''] = link.replace(/^\//, '').split('?');
    if (!this.app.pages.includes(pathPart)) {
      this.status(`${link || '（空）'} 不是本小程序的页面`);
      return;
    }
    const query = Object.fromEntries(new URLSearchParams(queryPart));
    this.status(`${this.openid()} 打开了 ${link}`);
    this.relaunch({ path: pathPart, query, scene: 1047, referrerInfo: {} });
  }

  /** "The consumer scans code N": a real ticket from the simulator, then WeChat's reopen rule. */
  private async scanFromControls(): Promise<void> {
    const applicationId = this.applicationId();
    const index = Number(element<HTMLInputElement>('scan-index').value);
    if (!applicationId) {
      this.status('先填申请单 applicationId');
      return;
    }
    localStorage.setItem(APPLICATION_KEY, applicationId);
    try {
      const scan = await this.simScan({
        openid: this.openid(),
        applicationId: this.simApplicationId(),
        index,
      });
      const route = scan.path.replace(/^\//, '').split('?')[0];
      if (!this.app.pages.includes(route)) {
        this.status(`码激活的路径 ${scan.path} 不是本小程序的页面`);
        return;
      }
      this.status(`${this.openid()} 扫了第 ${index} 个码 ${scan.code}，场景 ${scan.scene}`);
      // A scene that names a page (1124) always reLaunches it, hot start or cold (WeChat's
      // "再次打开逻辑": A or B → B).
      this.relaunch({ path: route, query: scan.query, scene: scan.scene, referrerInfo: {} });
    } catch (error) {
      this.status(String((error as Error).message));
    }
  }

  private async simScan(body: Record<string, unknown>): Promise<SimScan> {
    const response = await fetch('/wechat/_sim/scan', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const reply = (await response.json()) as SimScan & { error?: string };
    if (!response.ok) {
      const reason = { 404: '没有这个码', 409: '这个码还没有激活' }[response.status] ?? '扫码失败';
      throw new Error(`${reason}（${response.status} ${reply.error ?? ''}）`);
    }
    return reply;
  }

  private applicationId(): string {
    return element<HTMLInputElement>('application-id').value.trim();
  }

  /** The simulator takes WeChat's numeric application_id (below 2^53, so a JS number is exact). */
  private simApplicationId(): number | string {
    const id = this.applicationId();
    return /^\d+$/.test(id) ? Number(id) : id;
  }

  private status(text: string): void {
    element('scan-status').textContent = text;
  }

  // ---- page stack -----------------------------------------------------------------------------

  private plainLaunch(): EnterOptions {
    return { path: this.app.pages[0], query: {}, scene: PLAIN_SCENE, referrerInfo: {} };
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

  /** A WeChat-style dialog in the phone; resolves true on confirm. */
  private dialog(
    content: string,
    cancelText: string | undefined,
    confirmText: string,
    variant = '',
  ): Promise<boolean> {
    const overlay = element('overlay');
    const dialog = document.createElement('div');
    dialog.className = variant ? `dialog ${variant}` : 'dialog';
    dialog.setAttribute('role', 'dialog');
    dialog.innerHTML = `${content}<div class="dialog__buttons">${
      cancelText ? html`<button type="button" class="dialog__cancel">${cancelText}</button>` : ''
    }${html`<button type="button" class="dialog__confirm">${confirmText}</button>`}</div>`;
    overlay.classList.add('phone__overlay--mask');
    overlay.appendChild(dialog);
    return new Promise((resolve) => {
      const close = (confirmed: boolean) => {
        dialog.remove();
        if (!overlay.querySelector('.dialog')) overlay.classList.remove('phone__overlay--mask');
        resolve(confirmed);
      };
      const tapped = realTaps(dialog);
      dialog.querySelector('.dialog__cancel')?.addEventListener(
        'click',
        tapped(() => close(false)),
      );
      dialog.querySelector('.dialog__confirm')?.addEventListener(
        'click',
        tapped(() => close(true)),
      );
      dialog.querySelector('input')?.addEventListener('keydown', (event) => {
        if ((event as KeyboardEvent).key === 'Enter') close(true);
      });
    });
  }
}

/**
 * A tap that opens an overlay (dialog, action sheet, picker) is followed by the browser's
 * compatibility click at the same spot, which may land on a button of the overlay that just
 * appeared; WeChat has no such click. Wraps click listeners of `panel` so that a touch-made click
 * counts only when the touch began on the panel itself (mouse and keyboard clicks always count).
 */
function realTaps(panel: HTMLElement): (listener: () => void) => (event: Event) => void {
  let touchedHere = false;
  panel.addEventListener('touchstart', () => (touchedHere = true), { passive: true });
  return (listener) => (event) => {
    const fromTouch =
      (event as MouseEvent & { sourceCapabilities?: { firesTouchEvents?: boolean } })
        .sourceCapabilities?.firesTouchEvents === true;
    if (fromTouch && !touchedHere) return;
    listener();
  };
}

renderShell();
const device = new ShellDevice(window.__mashangApp);
window.__mashangDevice = device;
void device.start();
