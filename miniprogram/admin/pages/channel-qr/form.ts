/**
 * 新建/编辑渠道二维码: the draft as typed and the checks that mirror the server's
 * (cloudfunctions/admin/channel-qr.ts schemas, core/domain/channel-qr.ts limits), so an
 * operator sees each problem beside its field before anything is sent. Pure: no `wx`.
 */
import type {
  ChannelQrReplies,
  ChannelQrType,
  ChannelQrView,
  CreateChannelQrRequest,
  MaterialKind,
  ReplyItem,
} from '../../../../typings/admin';
import { utf8Bytes } from '../../utils/text';

export const QR_LIMITS = {
  name: 64,
  channel: 64,
  /** WeChat's temporary codes live at most 30 days. */
  maxExpireDays: 30,
  /** WeChat: 20 tags per user; the server allows as many per code. */
  tags: 20,
  /** WeChat: a tag name is at most 30 bytes (the server counts UTF-8 bytes). */
  tagBytes: 30,
  replies: 3,
  text: 2000,
  title: 64,
  description: 120,
  pagePath: 256,
  url: 1024,
} as const;

const DAY_SECONDS = 86_400;

export type ReplyKind = ReplyItem['kind'];

/** The kinds in the order the seed lists them (text, image, video, rich media, audio, Mini Program, link). */
export const REPLY_KINDS: readonly ReplyKind[] = [
  'text',
  'image',
  'video',
  'news',
  'voice',
  'miniprogram',
  'link',
];

/** One reply item as edited: every field of every kind, so switching kinds loses nothing typed. */
export interface ReplyDraft {
  /** Stable across reorders (wx:key). */
  key: string;
  kind: ReplyKind;
  text: string;
  materialId: string;
  title: string;
  description: string;
  appid: string;
  pagePath: string;
  url: string;
  thumbMaterialId: string;
}

export interface QrDraft {
  name: string;
  type: ChannelQrType;
  /** Temporary codes: whole days, 1–30. */
  expireDays: string;
  channel: string;
  tagNames: string[];
  /** The tag being typed, added on confirm. */
  tagInput: string;
  repliesEnabled: boolean;
  replies: ReplyDraft[];
}

/** Field → the problem to show beside it (`reply.<i>.<field>` for reply items). */
export type DraftIssues = Record<string, string>;

let keys = 0;

export function emptyReply(kind: ReplyKind): ReplyDraft {
  keys += 1;
  return {
    key: `r${keys}`,
    kind,
    text: '',
    materialId: '',
    title: '',
    description: '',
    appid: '',
    pagePath: '',
    url: '',
    thumbMaterialId: '',
  };
}

export function emptyDraft(): QrDraft {
  return {
    name: '',
    type: 'temporary',
    expireDays: '30',
    channel: '',
    tagNames: [],
    tagInput: '',
    repliesEnabled: true,
    replies: [emptyReply('text')],
  };
}

function replyDraftOf(item: ReplyItem): ReplyDraft {
  const draft = emptyReply(item.kind);
  switch (item.kind) {
    case 'text':
      return { ...draft, text: item.text };
    case 'image':
    case 'voice':
    case 'news':
      return { ...draft, materialId: item.materialId };
    case 'video':
      return {
        ...draft,
        materialId: item.materialId,
        title: item.title,
        description: item.description,
      };
    case 'miniprogram':
      return {
        ...draft,
        appid: item.appid,
        pagePath: item.pagePath,
        title: item.title,
        thumbMaterialId: item.thumbMaterialId,
      };
    case 'link':
      return {
        ...draft,
        title: item.title,
        url: item.url,
        description: item.description,
        thumbMaterialId: item.thumbMaterialId,
      };
  }
}

/** A saved code as a draft (editing it, or the values a copy starts from). */
export function draftOf(qr: ChannelQrView): QrDraft {
  return {
    name: qr.name,
    type: qr.type,
    expireDays: String(
      Math.max(1, Math.round((qr.expireSeconds ?? 30 * DAY_SECONDS) / DAY_SECONDS)),
    ),
    channel: qr.channel ?? '',
    tagNames: [...qr.tagNames],
    tagInput: '',
    repliesEnabled: qr.replies.enabled,
    replies: qr.replies.items.map(replyDraftOf),
  };
}

/** Why `name` cannot be added to `tags` ('' when it can), checked as the operator types. */
export function tagProblem(name: string, tags: readonly string[]): string {
  const trimmed = name.trim();
  if (!trimmed) return '';
  const bytes = utf8Bytes(trimmed);
  if (bytes > QR_LIMITS.tagBytes) {
    return `标签最多 ${QR_LIMITS.tagBytes} 字节（约 10 个汉字），当前 ${bytes} 字节`;
  }
  if (tags.includes(trimmed)) return '已添加这个标签';
  if (tags.length >= QR_LIMITS.tags) return `每个二维码最多 ${QR_LIMITS.tags} 个标签`;
  return '';
}

/** The material kind a reply item needs (cards carry an image thumbnail). */
export function materialKindOf(
  kind: ReplyKind,
  field: 'materialId' | 'thumbMaterialId',
): MaterialKind | null {
  if (field === 'thumbMaterialId')
    return kind === 'miniprogram' || kind === 'link' ? 'image' : null;
  return kind === 'image' || kind === 'video' || kind === 'voice' || kind === 'news' ? kind : null;
}

/** Characters as the server counts them (UTF-16 units, zod's `max`). */
export function textLength(text: string): number {
  return text.length;
}

export type CheckedDraft =
  | { ok: true; request: CreateChannelQrRequest; replies: ChannelQrReplies }
  | { ok: false; issues: DraftIssues };

function checkReply(reply: ReplyDraft, at: string, issues: DraftIssues): ReplyItem | null {
  const need = (field: keyof ReplyDraft, label: string, max: number): string => {
    const value = String(reply[field]).trim();
    if (!value) issues[`${at}.${field}`] = `请填写${label}`;
    else if (value.length > max) issues[`${at}.${field}`] = `${label}最多 ${max} 个字`;
    return value;
  };
  const material = (field: 'materialId' | 'thumbMaterialId', label: string): string => {
    if (!reply[field]) issues[`${at}.${field}`] = `请选择或上传${label}`;
    return reply[field];
  };
  const before = Object.keys(issues).length;
  let item: ReplyItem;
  switch (reply.kind) {
    case 'text': {
      if (!reply.text.trim()) issues[`${at}.text`] = '请填写回复文字';
      else if (textLength(reply.text) > QR_LIMITS.text)
        issues[`${at}.text`] = `文字最多 ${QR_LIMITS.text} 字`;
      item = { kind: 'text', text: reply.text };
      break;
    }
    case 'image':
    case 'voice':
    case 'news':
      item = { kind: reply.kind, materialId: material('materialId', '素材') };
      break;
    case 'video':
      item = {
        kind: 'video',
        materialId: material('materialId', '视频'),
        title: need('title', '视频标题', QR_LIMITS.title),
        description: need('description', '视频描述', QR_LIMITS.description),
      };
      break;
    case 'miniprogram': {
      const appid = reply.appid.trim();
      if (!/^wx[0-9a-f]{16}$/.test(appid))
        issues[`${at}.appid`] = '小程序 AppID 格式不正确（wx 开头的 18 位）';
      item = {
        kind: 'miniprogram',
        appid,
        pagePath: need('pagePath', '页面路径', QR_LIMITS.pagePath),
        title: need('title', '卡片标题', QR_LIMITS.title),
        thumbMaterialId: material('thumbMaterialId', '封面图'),
      };
      break;
    }
    case 'link': {
      const url = reply.url.trim();
      if (!/^https?:\/\/\S+$/.test(url)) issues[`${at}.url`] = '链接须为 http(s) 地址';
      else if (url.length > QR_LIMITS.url) issues[`${at}.url`] = `链接最多 ${QR_LIMITS.url} 个字符`;
      item = {
        kind: 'link',
        title: need('title', '链接标题', QR_LIMITS.title),
        url,
        description: need('description', '链接描述', QR_LIMITS.description),
        thumbMaterialId: material('thumbMaterialId', '封面图'),
      };
      break;
    }
  }
  return Object.keys(issues).length === before ? item : null;
}

/** Checks the whole draft; an edit sends only name, tags and replies of what it returns. */
export function checkDraft(draft: QrDraft): CheckedDraft {
  const issues: DraftIssues = {};
  const name = draft.name.trim();
  if (!name) issues.name = '请填写二维码名称';
  else if (name.length > QR_LIMITS.name) issues.name = `名称最多 ${QR_LIMITS.name} 个字`;
  const channel = draft.channel.trim();
  if (channel.length > QR_LIMITS.channel) issues.channel = `渠道最多 ${QR_LIMITS.channel} 个字`;
  let expireSeconds: number | undefined;
  if (draft.type === 'temporary') {
    const days = Number(draft.expireDays);
    if (!/^\d+$/.test(draft.expireDays.trim()) || days < 1 || days > QR_LIMITS.maxExpireDays) {
      issues.expireDays = `临时二维码有效期为 1–${QR_LIMITS.maxExpireDays} 天`;
    } else expireSeconds = days * DAY_SECONDS;
  }
  const pending = tagProblem(draft.tagInput, draft.tagNames);
  if (pending) issues.tags = pending;
  else if (draft.tagInput.trim()) issues.tags = '还有未添加的标签：点「添加」或清空输入';
  if (draft.repliesEnabled && draft.replies.length === 0)
    issues.replies = '请至少添加一条回复内容，或关闭扫码回复';
  if (draft.replies.length > QR_LIMITS.replies)
    issues.replies = `最多 ${QR_LIMITS.replies} 条回复内容`;
  const items = draft.repliesEnabled
    ? draft.replies.map((reply, index) => checkReply(reply, `reply.${index}`, issues))
    : [];
  if (Object.keys(issues).length > 0) return { ok: false, issues };
  const replies: ChannelQrReplies = {
    enabled: draft.repliesEnabled,
    items: items.filter((item): item is ReplyItem => item !== null),
  };
  return {
    ok: true,
    replies,
    request: {
      name,
      type: draft.type,
      ...(expireSeconds !== undefined ? { expireSeconds } : {}),
      ...(channel ? { channel } : {}),
      tagNames: draft.tagNames,
      replies,
    },
  };
}
