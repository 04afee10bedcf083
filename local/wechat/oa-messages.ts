/**
 * Customer-service messages inside WeChat's sending window (§6 of its customer-service pages),
 * and the user's chat they land in.
 *
 * The sending window (§6.1): a follow or a channel-QR scan grants 3 messages within 1 minute (a
 * user's message would grant 5 within 48 h; messages are not simulated). A send uses the grant
 * that ends first among the live ones with messages left; none live (or the user unfollowed) →
 * 45015, live ones all used → 45047. Window times follow the simulator's clock, so a test moves
 * the clock past a minute to close it. Every delivered message lands in the user's chat
 * (`/_sim/oa/chat?openid=`), in order.
 */
import { optionalText, requireText, type Body } from './args';
import { OaErrcode, WechatApiError, invalidArgs } from './errors';
import type { OaMedia } from './oa-media';
import { readFollow } from './oa-push';
import type { SimulatorStore } from './store';

/** §6.1: a follow or a channel-QR scan lets the account send 3 messages within 1 minute. */
export const EVENT_WINDOW = { quota: 3, ms: 60_000 } as const;

interface Grant {
  quota: number;
  used: number;
  expiresAt: number;
}
export interface ChatMessage {
  at: number;
  msgtype: string;
  [field: string]: unknown;
}

const error = (errcode: number, errmsg: string) => new WechatApiError(errcode, errmsg);

export class OaMessages {
  constructor(
    private readonly store: SimulatorStore,
    private readonly now: () => number,
    private readonly media: OaMedia,
  ) {}

  /** A follow or a channel-QR scan reached the account: 3 messages within 1 minute. */
  openWindow(openid: string): void {
    const now = this.now();
    const live = this.grants(openid).filter((grant) => grant.expiresAt > now);
    live.push({ quota: EVENT_WINDOW.quota, used: 0, expiresAt: now + EVENT_WINDOW.ms });
    this.store.writeMeta(`oaWindow:${openid}`, live);
  }

  private grants(openid: string): Grant[] {
    return this.store.readMeta<Grant[]>(`oaWindow:${openid}`) ?? [];
  }

  customSend(body: Body): object {
    const openid = requireText(body, 'touser', 128);
    const state = readFollow(this.store, openid);
    if (!state) throw error(OaErrcode.InvalidOpenid, 'invalid openid');
    const message = this.checkMessage(body);
    const now = this.now();
    const live = this.grants(openid).filter((grant) => grant.expiresAt > now);
    if (!state.following || live.length === 0)
      throw error(
        OaErrcode.ResponseOutOfTimeLimit,
        'response out of time limit or subscription is canceled',
      );
    const grant = live.sort((a, b) => a.expiresAt - b.expiresAt).find((g) => g.used < g.quota);
    if (!grant) throw error(OaErrcode.ResponseCountLimit, 'out of response count limit');
    grant.used += 1;
    this.store.writeMeta(`oaWindow:${openid}`, live);
    const chat = this.chat(openid);
    chat.push({ at: now, ...message });
    this.store.writeMeta(`oaChat:${openid}`, chat);
    return {};
  }

  chat(openid: string): ChatMessage[] {
    return this.store.readMeta<ChatMessage[]>(`oaChat:${openid}`) ?? [];
  }

  /** The message's own object, checked as §6.2 documents it. */
  private checkMessage(body: Body): { msgtype: string; [field: string]: unknown } {
    const msgtype = requireText(body, 'msgtype', 32);
    const content = body[msgtype];
    if (typeof content !== 'object' || content === null || Array.isArray(content))
      throw invalidArgs(`${msgtype} is required`);
    const fields = content as Body;
    const media = (name: string) => {
      const id = requireText(fields, name, 256);
      if (!this.media.isLive(id)) throw error(OaErrcode.InvalidMediaId, 'invalid media_id');
    };
    switch (msgtype) {
      case 'text':
        requireText(fields, 'content', 20_000);
        break;
      case 'image':
      case 'voice':
        media('media_id');
        break;
      case 'video':
        media('media_id');
        optionalText(fields, 'title', 256);
        optionalText(fields, 'description', 1024);
        break;
      case 'news': {
        const articles = fields.articles;
        if (!Array.isArray(articles) || articles.length === 0) throw invalidArgs('articles');
        if (articles.length > 1)
          throw error(OaErrcode.ArticleSizeOutOfLimit, 'article size out of limit');
        const article = articles[0] as Body;
        requireText(article, 'title', 256);
        requireText(article, 'url', 2048);
        optionalText(article, 'description', 1024);
        optionalText(article, 'picurl', 2048);
        break;
      }
      case 'mpnews':
        requireText(fields, 'media_id', 256);
        break;
      case 'mpnewsarticle':
        requireText(fields, 'article_id', 256);
        break;
      case 'miniprogrampage':
        requireText(fields, 'title', 256);
        requireText(fields, 'appid', 64);
        requireText(fields, 'pagepath', 1024);
        media('thumb_media_id');
        break;
      case 'music':
      case 'msgmenu':
      case 'wxcard':
        break;
      default:
        throw error(OaErrcode.InvalidMessageType, 'invalid message type');
    }
    return { msgtype, [msgtype]: content };
  }
}
