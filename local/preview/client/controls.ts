/**
 * The control bar beside the phone (shell.ts): who is holding the phone, scan code N of the demo
 * application through the WeChat simulator (a real ticket, then WeChat's reopen rule), the
 * 公众号 section (oa-panel.ts), reset and plain launch, the admin pages, a page opened by its
 * Mini Program code (an invite's link). The demo data it offers comes from `api/demo`, which
 * `npm start` fills after its ready line.
 */
import type { EnterOptions, PreviewDemoInfo } from '../protocol';
import { element } from './dom';
import { mountOaPanel } from './oa-panel';

const FALLBACK_USERS = ['o-demo-alice', 'o-demo-bob', 'o-local-admin'];
const USER_KEY = 'mashang-preview:user';
const APPLICATION_KEY = 'mashang-preview:application';

/** A plain launch from the Mini Program list: the "A" scene of WeChat's reopen rules. */
const PLAIN_SCENE = 1001;

/** A code scanned by the WeChat simulator: the path and query it opens, and the scene. */
export interface SimScan {
  code: string;
  path: string;
  query: Record<string, string>;
  scene: number;
}

/** What the control bar asks of the phone. */
export interface ControlsHost {
  /** Opens `options.path` on a cleared page stack, as WeChat does on a (re)launch. */
  relaunch(options: EnterOptions): void;
  /** The launch the phone had (重置 opens it again). */
  launchOptions(): EnterOptions;
  navigate(kind: 'navigateTo', route: string, query: Record<string, string>): void;
  /** What the page last copied (an invite link to open). */
  clipboard(): string;
}

/** The control bar's fieldsets, beside the phone in the shell's markup. */
export const CONTROLS_MARKUP = `
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
`;

/** Opening the Mini Program's home page from the list (scene 1001). */
export function plainLaunch(pages: readonly string[]): EnterOptions {
  return { path: pages[0], query: {}, scene: PLAIN_SCENE, referrerInfo: {} };
}

/** Scans a code through the WeChat simulator; a code it refuses throws with the reason in Chinese. */
export async function simScan(body: Record<string, unknown>): Promise<SimScan> {
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

export class ControlBar {
  private demoInfo: PreviewDemoInfo | undefined;
  private oaPanel: { refresh(): void } | undefined;

  constructor(
    private readonly pages: readonly string[],
    private readonly host: ControlsHost,
  ) {}

  async start(): Promise<void> {
    await this.loadDemo();
    this.wireControls();
    this.oaPanel = mountOaPanel(element('oa-panel'), {
      openid: () => this.openid(),
      adminOpenid: () => this.demoInfo?.adminOpenid,
    });
  }

  /** The openid holding the phone. */
  openid(): string {
    return element<HTMLSelectElement>('user-select').value || FALLBACK_USERS[0];
  }

  demo(): PreviewDemoInfo | undefined {
    return this.demoInfo;
  }

  /** The code number N typed in the control bar. */
  scanIndex(): string {
    return element<HTMLInputElement>('scan-index').value;
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
      this.host.relaunch(plainLaunch(this.pages));
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
    element('reset-button').addEventListener('click', () =>
      this.host.relaunch(this.host.launchOptions()),
    );
    element('plain-launch').addEventListener('click', () =>
      this.host.relaunch(plainLaunch(this.pages)),
    );
    element('admin-link').addEventListener('click', (event) => {
      event.preventDefault();
      const admin = this.pages.find((page) => page.startsWith('admin/')) ?? this.pages[0];
      this.host.navigate('navigateTo', admin, {});
    });
    element('open-link-button').addEventListener('click', () => this.openLink());
    element('open-link').addEventListener('keydown', (event) => {
      if ((event as KeyboardEvent).key === 'Enter') this.openLink();
    });
  }

  /**
   * "The user scans a Mini Program code of this path" (an invite's QR code): the page opens
   * fresh with its query, as WeChat does for scene 1047 (扫描小程序码), as the selected user.
   */
  private openLink(): void {
    const input = element<HTMLInputElement>('open-link');
    const link = input.value.trim() || this.host.clipboard().trim();
    const [pathPart = '', queryPart = ''] = link.replace(/^\//, '').split('?');
    if (!this.pages.includes(pathPart)) {
      this.status(`${link || '（空）'} 不是本小程序的页面`);
      return;
    }
    const query = Object.fromEntries(new URLSearchParams(queryPart));
    this.status(`${this.openid()} 打开了 ${link}`);
    this.host.relaunch({ path: pathPart, query, scene: 1047, referrerInfo: {} });
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
      const scan = await simScan({
        openid: this.openid(),
        applicationId: this.simApplicationId(),
        index,
      });
      const route = scan.path.replace(/^\//, '').split('?')[0];
      if (!this.pages.includes(route)) {
        this.status(`码激活的路径 ${scan.path} 不是本小程序的页面`);
        return;
      }
      this.status(`${this.openid()} 扫了第 ${index} 个码 ${scan.code}，场景 ${scan.scene}`);
      // A scene that names a page (1124) always reLaunches it, hot start or cold (WeChat's
      // "再次打开逻辑": A or B → B).
      this.host.relaunch({ path: route, query: scan.query, scene: scan.scene, referrerInfo: {} });
    } catch (error) {
      this.status(String((error as Error).message));
    }
  }

  private applicationId(): string {
    return element<HTMLInputElement>('application-id').value.trim();
  }

  /** The simulator takes WeChat's numeric application_id (below 2^53, so a JS number is exact). */
  simApplicationId(): number | string {
    const id = this.applicationId();
    return /^\d+$/.test(id) ? Number(id) : id;
  }

  status(text: string): void {
    element('scan-status').textContent = text;
  }
}
