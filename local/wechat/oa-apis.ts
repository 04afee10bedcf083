/**
 * The Official Account APIs a channel QR code needs, as WeChat documents them
 * (its pages on QR codes, customer-service messages and user tags): parametric QR codes and their
 * images, user tags and user info here; customer-service messages inside WeChat's sending window
 * (oa-messages.ts), temporary media (oa-media.ts) and drafts (oa-drafts.ts) beside them. State
 * lives in the simulator's meta table (one JSON value per key), like the follow state oa-push.ts
 * keeps.
 */
import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { requireText, type Body } from './args';
import type { SimulatorConfig } from './config';
import { OaErrcode, WechatApiError, invalidArgs } from './errors';
import { OaDrafts } from './oa-drafts';
import { OaMedia } from './oa-media';
import { OaMessages } from './oa-messages';
import { readFollow } from './oa-push';
import type { SimulatorStore } from './store';

const error = (errcode: number, errmsg: string) => new WechatApiError(errcode, errmsg);

/** §4: temporary codes live at most 30 days; WeChat's default when omitted (V1). */
export const MAX_EXPIRE_SECONDS = 2_592_000;
export const DEFAULT_EXPIRE_SECONDS = 60;
const MAX_TAGS = 100;
const MAX_TAGS_PER_USER = 20;
const MAX_TAG_NAME = 30;
/** Tag 2 (星标组) exists in every account; 0–2 are reserved. */
const SYSTEM_TAGS = [{ id: 2, name: '星标组' }];

interface QrRow {
  scene: string;
  url: string;
  permanent: boolean;
  expiresAt?: number;
}
interface TagState {
  nextId: number;
  tags: { id: number; name: string }[];
}

export class OaApis {
  readonly media: OaMedia;
  readonly messages: OaMessages;
  readonly drafts: OaDrafts;

  constructor(
    private readonly store: SimulatorStore,
    private readonly now: () => number,
    private readonly config: () => SimulatorConfig,
  ) {
    this.media = new OaMedia(store, now);
    this.messages = new OaMessages(store, now, this.media);
    this.drafts = new OaDrafts(store);
  }

  // QR codes (§4)

  qrcodeCreate(body: Body): object {
    const action = requireText(body, 'action_name', 32);
    const info = body.action_info as
      { scene?: { scene_str?: unknown; scene_id?: unknown } } | undefined;
    const scene = info?.scene;
    const permanent = action === 'QR_LIMIT_STR_SCENE' || action === 'QR_LIMIT_SCENE';
    let sceneValue: string;
    if (action === 'QR_STR_SCENE' || action === 'QR_LIMIT_STR_SCENE') {
      const value = scene?.scene_str;
      if (typeof value !== 'string' || value.length < 1 || value.length > 64)
        throw invalidArgs('scene_str must be 1 to 64 characters');
      sceneValue = value;
    } else if (action === 'QR_SCENE' || action === 'QR_LIMIT_SCENE') {
      const value = scene?.scene_id;
      const max = permanent ? 100_000 : 0xffffffff;
      if (!Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > max)
        throw invalidArgs(`scene_id must be 1 to ${max}`);
      sceneValue = String(value);
    } else {
      throw invalidArgs('action_name');
    }
    const ticket = `gQ${randomBytes(36).toString('base64url')}`;
    const url = `http://weixin.qq.com/q/${randomBytes(16).toString('base64url')}`;
    if (permanent) {
      const count = this.store.readMeta<number>('oaQrPermanentCount') ?? 0;
      if (count >= this.config().permanentQrLimit)
        throw error(OaErrcode.QrcodeCountOutOfLimit, 'qrcode count out of limit');
      this.store.writeMeta('oaQrPermanentCount', count + 1);
      this.store.writeMeta(`oaQr:${ticket}`, { scene: sceneValue, url, permanent } satisfies QrRow);
      return { ticket, url };
    }
    // WeChat takes at most 30 days; more is cut to 30 days (UNVERIFIED: it may refuse instead).
    const requested = body.expire_seconds;
    if (requested !== undefined && (!Number.isSafeInteger(requested) || (requested as number) < 1))
      throw invalidArgs('expire_seconds');
    const expireSeconds = Math.min(
      (requested as number | undefined) ?? DEFAULT_EXPIRE_SECONDS,
      MAX_EXPIRE_SECONDS,
    );
    const row: QrRow = {
      scene: sceneValue,
      url,
      permanent,
      expiresAt: this.now() + expireSeconds * 1000,
    };
    this.store.writeMeta(`oaQr:${ticket}`, row);
    return { ticket, expire_seconds: expireSeconds, url };
  }

  /** The PNG of a live ticket's QR code, or undefined (WeChat answers 404). */
  async qrImage(ticket: string | undefined): Promise<Buffer | undefined> {
    if (!ticket) return undefined;
    const row = this.store.readMeta<QrRow>(`oaQr:${ticket}`);
    if (!row || (row.expiresAt !== undefined && row.expiresAt <= this.now())) return undefined;
    return QRCode.toBuffer(row.url, {
      type: 'png',
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 430,
    });
  }

  /** The scene a ticket was made for (the simulator's scan accepts a ticket instead of a scene). */
  sceneOf(ticket: string): string | undefined {
    return this.store.readMeta<QrRow>(`oaQr:${ticket}`)?.scene;
  }

  // Tags (§7)

  private tagState(): TagState {
    return this.store.readMeta<TagState>('oaTags') ?? { nextId: 100, tags: [] };
  }

  private allTags(): { id: number; name: string }[] {
    return [...SYSTEM_TAGS, ...this.tagState().tags];
  }

  tagsCreate(body: Body): object {
    const name = (body.tag as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || name.trim() === '')
      throw error(OaErrcode.InvalidTagName, 'invalid tag name');
    if (name.length > MAX_TAG_NAME) throw error(OaErrcode.TagNameTooLong, 'tag name too long');
    const state = this.tagState();
    if (this.allTags().some((tag) => tag.name === name))
      throw error(OaErrcode.InvalidTagName, 'invalid tag name');
    if (state.tags.length >= MAX_TAGS)
      throw error(OaErrcode.TooManyTags, 'too many tags now, no need to add new');
    const tag = { id: state.nextId, name };
    this.store.writeMeta('oaTags', { nextId: state.nextId + 1, tags: [...state.tags, tag] });
    return { tag };
  }

  tagsGet(): object {
    const counts = this.store.readMeta<Record<string, number>>('oaTagCounts') ?? {};
    return { tags: this.allTags().map((tag) => ({ ...tag, count: counts[tag.id] ?? 0 })) };
  }

  tagsDelete(body: Body): object {
    const id = (body.tag as { id?: unknown } | undefined)?.id;
    if (id === 0 || id === 1 || id === 2) throw error(OaErrcode.SystemTag, "can't modify sys tag");
    const state = this.tagState();
    if (!state.tags.some((tag) => tag.id === id))
      throw error(OaErrcode.InvalidTagId, 'invalid tag id');
    this.store.writeMeta('oaTags', { ...state, tags: state.tags.filter((tag) => tag.id !== id) });
    return {};
  }

  batchTagging(body: Body, tagging: boolean): object {
    const list = body.openid_list;
    const tagId = body.tagid;
    if (!Array.isArray(list) || list.length === 0 || list.length > 50)
      throw error(OaErrcode.InvalidOpenidListSize, 'invalid openid list size');
    if (!this.allTags().some((tag) => tag.id === tagId))
      throw error(OaErrcode.InvalidTagId, 'invalid tag id');
    for (const openid of list) {
      if (typeof openid !== 'string' || !readFollow(this.store, openid))
        throw error(OaErrcode.InvalidOpenid, 'invalid openid');
    }
    const counts = this.store.readMeta<Record<string, number>>('oaTagCounts') ?? {};
    for (const openid of list as string[]) {
      const tags = this.userTags(openid);
      const has = tags.includes(tagId as number);
      if (tagging && !has) {
        if (tags.length >= MAX_TAGS_PER_USER)
          throw error(OaErrcode.UserTooManyTags, 'has too many tags');
        this.store.writeMeta(`oaUserTags:${openid}`, [...tags, tagId]);
        counts[tagId as number] = (counts[tagId as number] ?? 0) + 1;
      } else if (!tagging && has) {
        this.store.writeMeta(
          `oaUserTags:${openid}`,
          tags.filter((id) => id !== tagId),
        );
        counts[tagId as number] = Math.max(0, (counts[tagId as number] ?? 1) - 1);
      }
    }
    this.store.writeMeta('oaTagCounts', counts);
    return {};
  }

  userTags(openid: string): number[] {
    return this.store.readMeta<number[]>(`oaUserTags:${openid}`) ?? [];
  }

  /** Tag names of a user, for tests and the preview. */
  userTagNames(openid: string): string[] {
    const tags = this.allTags();
    return this.userTags(openid).map((id) => tags.find((tag) => tag.id === id)?.name ?? String(id));
  }

  // Users (§7)

  userInfo(query: Body): object {
    const openid = requireText(query, 'openid', 128);
    const state = readFollow(this.store, openid);
    if (!state) throw error(OaErrcode.InvalidOpenid, 'invalid openid');
    if (!state.following) return { subscribe: 0, openid, tagid_list: this.userTags(openid) };
    return {
      subscribe: 1,
      openid,
      language: 'zh_CN',
      subscribe_time: Math.floor(state.since / 1000),
      remark: '',
      groupid: 0,
      tagid_list: this.userTags(openid),
      subscribe_scene: state.scene ? 'ADD_SCENE_QR_CODE' : 'ADD_SCENE_SEARCH',
      qr_scene: 0,
      qr_scene_str: state.scene ?? '',
    };
  }
}
