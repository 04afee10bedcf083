/**
 * The control bar's 公众号 section: the consumer's side of the Official Account. Pick a channel QR
 * code (listed through the admin function as the stack's administrator, or a scene typed in),
 * then 扫渠道码 / 关注 / 取消关注 as the selected user: the WeChat simulator pushes the signed
 * event to the stack's `/http/oa`, as WeChat would (`/wechat/_sim/oa/scan|follow|unfollow`).
 * Below, the user's chat with the account (`/wechat/_sim/oa/chat`), so the greeting is seen to
 * arrive.
 */
import { PREVIEW_APPID } from '../protocol';

export interface OaPanelHost {
  /** The openid holding the phone. */
  openid(): string;
  /** An administrator of the stack, to list the channel QR codes with. */
  adminOpenid(): string | undefined;
}

interface ListedQr {
  name: string;
  status: string;
  sceneStr: string;
  ticket: string;
}

interface ChatMessage {
  at: number;
  msgtype: string;
  [field: string]: unknown;
}

interface Chat {
  following: boolean;
  tags: string[];
  messages: ChatMessage[];
}

/** After an event the replies arrive as customer-service messages: look a few times. */
const CHAT_POLLS = 6;
const CHAT_POLL_MS = 600;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function field(message: ChatMessage, key: string): Record<string, unknown> {
  const value = message[key];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** One message as WeChat's chat shows it: a bubble for text, a card for the rest. */
export function renderMessage(message: ChatMessage): string {
  const body = field(message, message.msgtype);
  switch (message.msgtype) {
    case 'text':
      return `<div class="oa-msg oa-msg--text">${escapeHtml(str(body.content))}</div>`;
    case 'image':
      return '<div class="oa-msg oa-msg--image">[图片]</div>';
    case 'voice':
      return '<div class="oa-msg oa-msg--voice">[语音]</div>';
    case 'video':
      return `<div class="oa-msg oa-msg--video">[视频] ${escapeHtml(str(body.title))}<small>${escapeHtml(str(body.description))}</small></div>`;
    case 'news': {
      const articles = Array.isArray(body.articles)
        ? (body.articles as Record<string, unknown>[])
        : [];
      const article = articles[0] ?? {};
      return `<div class="oa-msg oa-msg--link"><strong>${escapeHtml(str(article.title))}</strong><small>${escapeHtml(str(article.description))}</small><small class="oa-msg__url">${escapeHtml(str(article.url))}</small></div>`;
    }
    case 'mpnews':
    case 'mpnewsarticle':
      return '<div class="oa-msg oa-msg--link">[图文消息]</div>';
    case 'miniprogrampage':
      return `<div class="oa-msg oa-msg--mp"><small>小程序</small><strong>${escapeHtml(str(body.title))}</strong><small>${escapeHtml(str(body.appid))} ${escapeHtml(str(body.pagepath))}</small></div>`;
    default:
      return `<div class="oa-msg">[${escapeHtml(message.msgtype)}]</div>`;
  }
}

export function mountOaPanel(fieldset: HTMLElement, host: OaPanelHost): { refresh(): void } {
  fieldset.innerHTML = `
    <legend>公众号</legend>
    <label for="oa-qr-select">渠道二维码</label>
    <select id="oa-qr-select"><option value="">（点“刷新”列出渠道码）</option></select>
    <input id="oa-scene" placeholder="或输入场景值 scene" autocomplete="off" />
    <div class="row oa-buttons">
      <button id="oa-scan" type="button" class="primary">扫渠道码</button>
    </div>
    <label class="oa-check"><input id="oa-follow-after" type="checkbox" checked /> 未关注时扫码后关注</label>
    <div class="row">
      <button id="oa-follow" type="button">关注</button>
      <button id="oa-unfollow" type="button">取消关注</button>
      <button id="oa-refresh" type="button">刷新</button>
    </div>
    <p id="oa-status" class="status" role="status"></p>
    <div id="oa-chat" class="oa-chat" aria-label="公众号会话"></div>`;
  const get = <T extends HTMLElement>(id: string) => fieldset.querySelector<T>(`#${id}`)!;
  const select = get<HTMLSelectElement>('oa-qr-select');
  const sceneInput = get<HTMLInputElement>('oa-scene');
  const status = (text: string) => (get('oa-status').textContent = text);
  let polling = 0;

  async function listQrs(): Promise<void> {
    const admin = host.adminOpenid();
    if (!admin) return;
    try {
      const response = await fetch('/functions/admin', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-wx-openid': admin,
          'x-wx-appid': PREVIEW_APPID,
        },
        body: JSON.stringify({ action: 'listChannelQrs', limit: 100 }),
      });
      const reply = (await response.json()) as { ok: boolean; data?: { qrs: ListedQr[] } };
      if (!reply.ok || !reply.data) return;
      const chosen = select.value;
      select.innerHTML = '';
      select.add(new Option(reply.data.qrs.length ? '（选择渠道码）' : '（还没有渠道码）', ''));
      for (const qr of reply.data.qrs.filter((item) => item.ticket)) {
        select.add(new Option(`${qr.name}（${qr.sceneStr}）`, qr.ticket));
      }
      if ([...select.options].some((option) => option.value === chosen)) select.value = chosen;
    } catch {
      // The typed scene still works.
    }
  }

  async function loadChat(): Promise<Chat | undefined> {
    const response = await fetch(
      `/wechat/_sim/oa/chat?openid=${encodeURIComponent(host.openid())}`,
    );
    if (!response.ok) return undefined;
    return (await response.json()) as Chat;
  }

  function showChat(chat: Chat): void {
    const head = `<div class="oa-chat__head">${escapeHtml(host.openid())} · ${
      chat.following ? '已关注' : '未关注'
    }${chat.tags.length ? ` · 标签：${escapeHtml(chat.tags.join('、'))}` : ''}</div>`;
    const messages = chat.messages.length
      ? chat.messages.map(renderMessage).join('')
      : '<div class="oa-chat__empty">还没有消息</div>';
    get('oa-chat').innerHTML = head + messages;
  }

  /** Reads the chat now and a few more times, as replies may still be on their way. */
  async function refreshChat(): Promise<void> {
    const run = ++polling;
    for (let i = 0; i < CHAT_POLLS && run === polling; i += 1) {
      const chat = await loadChat().catch(() => undefined);
      if (chat && run === polling) showChat(chat);
      await new Promise((resolve) => setTimeout(resolve, CHAT_POLL_MS));
    }
  }

  async function push(kind: 'scan' | 'follow' | 'unfollow'): Promise<void> {
    const openid = host.openid();
    const body: Record<string, unknown> = { openid };
    if (kind === 'scan') {
      const scene = sceneInput.value.trim();
      if (scene) body.scene = scene;
      else if (select.value) body.ticket = select.value;
      else {
        status('先选择渠道码或输入场景值');
        return;
      }
      body.follow = get<HTMLInputElement>('oa-follow-after').checked;
    }
    const response = await fetch(`/wechat/_sim/oa/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const reply = (await response.json()) as {
      event?: Record<string, unknown> | null;
      error?: string;
    };
    if (!response.ok) {
      status(
        `${{ scan: '扫码', follow: '关注', unfollow: '取消关注' }[kind]}失败：${reply.error ?? response.status}`,
      );
    } else if (kind === 'scan' && !reply.event) {
      status(`${openid} 扫码后未关注：微信不推送事件`);
    } else {
      status(
        `${openid} → ${String(reply.event?.Event ?? kind)}${reply.event?.EventKey ? ` ${String(reply.event.EventKey)}` : ''}`,
      );
    }
    void refreshChat();
  }

  get('oa-scan').addEventListener('click', () => void push('scan'));
  get('oa-follow').addEventListener('click', () => void push('follow'));
  get('oa-unfollow').addEventListener('click', () => void push('unfollow'));
  get('oa-refresh').addEventListener('click', () => {
    void listQrs();
    void refreshChat();
  });
  select.addEventListener('focus', () => void listQrs());
  const refresh = () => {
    void listQrs();
    void refreshChat();
  };
  refresh();
  return { refresh };
}
