/**
 * The Official Account APIs channel QR codes use (WeChat's pages on parametric QR codes,
 * customer-service messages and user tags), over the shared client (central token, one refresh on
 * 40001/42001/40014, backoff on -1/45011/transport). Each reply is read by a pure reader held
 * against WeChat's documented examples in the unit tests; a reply without what the documents
 * promise is an upstream error, not a silent default.
 *
 * Customer-service sends get a short timeout: they run inside the push's answer budget (the
 * user's chat is waiting), and the window errcodes (45015, 45047) are never retried (the retry
 * rules give up on anything but token, busy and transport trouble).
 */
import { WeChatTransportError } from '../errors.js';
import { officialAccountClient, type OfficialAccountClient } from './client.js';

export interface QrcodeTicket {
  ticket: string;
  url: string;
  /** Temporary codes only. */
  expireSeconds?: number;
}

export interface WeChatTag {
  id: number;
  name: string;
  count?: number;
}

export interface UploadedMedia {
  type: string;
  mediaId: string;
  /** Epoch seconds. */
  createdAt: number;
}

const SEND_TIMEOUT_MS = 2_000;

function need(api: string, ok: boolean, what: string): void {
  if (!ok) throw new WeChatTransportError(api, `the reply has no ${what}`, false);
}

/** `{"ticket":"gQH4…","expire_seconds":60,"url":"http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"}` */
export function readQrcodeReply(reply: Record<string, unknown>): QrcodeTicket {
  const api = '/cgi-bin/qrcode/create';
  need(api, typeof reply.ticket === 'string' && reply.ticket !== '', 'ticket');
  need(api, typeof reply.url === 'string' && reply.url !== '', 'url');
  const expire = reply.expire_seconds;
  return {
    ticket: reply.ticket as string,
    url: reply.url as string,
    ...(typeof expire === 'number' ? { expireSeconds: expire } : {}),
  };
}

/** `{"tag":{"id":134,"name":"广东"}}` */
export function readTagCreateReply(reply: Record<string, unknown>): WeChatTag {
  const tag = reply.tag as { id?: unknown; name?: unknown } | undefined;
  need('/cgi-bin/tags/create', typeof tag?.id === 'number' && typeof tag.name === 'string', 'tag');
  return { id: tag!.id as number, name: tag!.name as string };
}

/** `{"tags":[{"id":1,"name":"每天一罐","count":0},…]}` */
export function readTagsReply(reply: Record<string, unknown>): WeChatTag[] {
  need('/cgi-bin/tags/get', Array.isArray(reply.tags), 'tags');
  return (reply.tags as { id: number; name: string; count?: number }[]).map((tag) => ({
    id: Number(tag.id),
    name: String(tag.name),
    ...(typeof tag.count === 'number' ? { count: tag.count } : {}),
  }));
}

/** `{"type":"TYPE","media_id":"MEDIA_ID","created_at":123456789}` */
export function readMediaReply(reply: Record<string, unknown>): UploadedMedia {
  const api = '/cgi-bin/media/upload';
  need(api, typeof reply.media_id === 'string' && reply.media_id !== '', 'media_id');
  return {
    type: String(reply.type ?? ''),
    mediaId: reply.media_id as string,
    createdAt: Number(reply.created_at ?? 0),
  };
}

export interface DraftArticle {
  title: string;
  author: string;
  digest: string;
  /** Not in every copy of the documents: kept when present. */
  thumbUrl?: string;
}

export interface Draft {
  mediaId: string;
  /** Epoch seconds. */
  updateTime: number;
  articles: DraftArticle[];
}

export interface DraftPage {
  totalCount: number;
  drafts: Draft[];
}

/**
 * `{"total_count":1,"item_count":1,"item":[{"media_id":"…","content":{"news_item":[{"title":…,
 * "author":…,"digest":…,"thumb_media_id":…,"url":…}]},"update_time":1650000000}]}`
 */
export function readDraftsReply(reply: Record<string, unknown>): DraftPage {
  const api = '/cgi-bin/draft/batchget';
  need(api, typeof reply.total_count === 'number', 'total_count');
  need(api, Array.isArray(reply.item), 'item');
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const drafts = (reply.item as Record<string, unknown>[]).map((item) => {
    need(api, typeof item.media_id === 'string' && item.media_id !== '', 'media_id');
    const content = item.content as { news_item?: unknown } | undefined;
    const articles = Array.isArray(content?.news_item)
      ? (content.news_item as Record<string, unknown>[])
      : [];
    return {
      mediaId: item.media_id as string,
      updateTime: Number(item.update_time ?? 0),
      articles: articles.map((article) => ({
        title: text(article.title),
        author: text(article.author),
        digest: text(article.digest),
        ...(text(article.thumb_url) ? { thumbUrl: text(article.thumb_url) } : {}),
      })),
    };
  });
  return { totalCount: reply.total_count as number, drafts };
}

export class ChannelApis {
  constructor(private readonly oa: OfficialAccountClient) {}

  async createQrcode(body: Record<string, unknown>): Promise<QrcodeTicket> {
    return readQrcodeReply(await this.oa.call({ api: '/cgi-bin/qrcode/create', body }));
  }

  async createTag(name: string): Promise<WeChatTag> {
    return readTagCreateReply(
      await this.oa.call({ api: '/cgi-bin/tags/create', body: { tag: { name } } }),
    );
  }

  async getTags(): Promise<WeChatTag[]> {
    return readTagsReply(await this.oa.call({ api: '/cgi-bin/tags/get', method: 'GET' }));
  }

  /** At most 50 openids per call (40032 otherwise). */
  async batchTagging(tagId: number, openids: string[]): Promise<void> {
    await this.oa.call({
      api: '/cgi-bin/tags/members/batchtagging',
      body: { openid_list: openids, tagid: tagId },
    });
  }

  async sendCustomMessage(message: Record<string, unknown>): Promise<void> {
    await this.oa.call({
      api: '/cgi-bin/message/custom/send',
      body: message,
      timeoutMs: SEND_TIMEOUT_MS,
    });
  }

  /** One page of the account's drafts (count 1–20, WeChat's limit). */
  async batchGetDrafts(offset: number, count: number): Promise<DraftPage> {
    return readDraftsReply(
      await this.oa.call({
        api: '/cgi-bin/draft/batchget',
        body: { offset, count, no_content: 0 },
      }),
    );
  }

  /** Temporary media (3 days), multipart field `media`. */
  async uploadMedia(
    type: 'image' | 'voice' | 'video' | 'thumb',
    file: { content: Buffer; filename: string; contentType: string },
  ): Promise<UploadedMedia> {
    const form = new FormData();
    form.append(
      'media',
      new Blob([new Uint8Array(file.content)], { type: file.contentType }),
      file.filename,
    );
    return readMediaReply(
      await this.oa.call({ api: '/cgi-bin/media/upload', query: { type }, body: form }),
    );
  }
}

export function channelApis(): ChannelApis {
  return new ChannelApis(officialAccountClient());
}
