/**
 * Channel QR codes' pure rules (core/domain/channel-qr.ts) and the OA API readers
 * (core/wechat/oa/channel-apis.ts), held against WeChat's documented examples (its pages on
 * parametric QR codes, customer-service messages, media and user tags).
 */
import { describe, expect, test } from 'vitest';
import type { ReplyItem } from '../../typings/admin';
import {
  MAX_EXPIRE_SECONDS,
  customMessage,
  deletePrompt,
  mayCopy,
  mediaIsFresh,
  mediaProblem,
  qrcodeCreateBody,
  replyIncrements,
  replyStatusOf,
  scanIncrements,
  sceneFor,
  sniffFormat,
  statusAt,
  tagNameFits,
} from '../../cloudfunctions/core/domain/channel-qr';
import {
  readMediaReply,
  readQrcodeReply,
  readTagCreateReply,
  readTagsReply,
} from '../../cloudfunctions/core/wechat/oa/channel-apis';

describe('scene naming', () => {
  test('each code gets its own scene inside WeChat’s 64 characters', () => {
    const a = sceneFor('0123456789abcdef0123456789');
    const b = sceneFor('0123456789abcdef012345678a');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^qr_[0-9a-z]{20}$/);
    expect(a.length).toBeLessThanOrEqual(64);
  });

  test('qrcode/create bodies: string scenes, temporary codes always carry their TTL', () => {
    expect(qrcodeCreateBody('permanent', 'qr_x', 600)).toEqual({
      action_name: 'QR_LIMIT_STR_SCENE',
      action_info: { scene: { scene_str: 'qr_x' } },
    });
    expect(qrcodeCreateBody('temporary', 'qr_x', 3600)).toEqual({
      expire_seconds: 3600,
      action_name: 'QR_STR_SCENE',
      action_info: { scene: { scene_str: 'qr_x' } },
    });
    expect(qrcodeCreateBody('temporary', 'qr_x', undefined).expire_seconds).toBe(
      MAX_EXPIRE_SECONDS,
    );
  });

  test('tag names are counted in UTF-8 bytes (30 at most)', () => {
    expect(tagNameFits('门店')).toBe(true);
    expect(tagNameFits('一二三四五六七八九十')).toBe(true); // 30 bytes
    expect(tagNameFits('一二三四五六七八九十一')).toBe(false); // 33 bytes
    expect(tagNameFits('')).toBe(false);
  });
});

describe('statuses', () => {
  test('an active temporary code reads expired once its time passed; permanent never does', () => {
    expect(statusAt({ status: 'active', expiresAt: 1_000 }, 999)).toBe('active');
    expect(statusAt({ status: 'active', expiresAt: 1_000 }, 1_000)).toBe('expired');
    expect(statusAt({ status: 'active' }, Number.MAX_SAFE_INTEGER)).toBe('active');
    expect(statusAt({ status: 'deleted', expiresAt: 1 }, 5)).toBe('deleted');
  });

  test('copy is refused only for a failed creation; the delete prompt depends on the codes', () => {
    expect(mayCopy('creation_failed')).toBe(false);
    for (const status of ['creating', 'active', 'expired', 'deleted'] as const)
      expect(mayCopy(status)).toBe(true);
    expect(deletePrompt(['expired', 'active'])).toMatch(/仍可扫码关注/);
    expect(deletePrompt(['expired', 'creation_failed'])).toMatch(/已过期或创建失败/);
  });
});

describe('metrics rules', () => {
  test('a first follow from the code: one scan, one scanner, one new follower', () => {
    expect(scanIncrements('subscribe', { known: false, followedFromQr: false })).toEqual({
      scans: 1,
      scanners: 1,
      newFollowers: 1,
    });
  });
  test('a follower scanning again counts a scan only', () => {
    expect(scanIncrements('SCAN', { known: true, followedFromQr: true })).toEqual({
      scans: 1,
      scanners: 0,
      newFollowers: 0,
    });
  });
  test('an existing follower’s first scan is a scanner but not a new follower', () => {
    expect(scanIncrements('SCAN', { known: false, followedFromQr: false })).toEqual({
      scans: 1,
      scanners: 1,
      newFollowers: 0,
    });
  });
  test('unfollow and refollow through the same code counts the follower once', () => {
    expect(scanIncrements('subscribe', { known: true, followedFromQr: true }).newFollowers).toBe(0);
  });
  test('replies sent counts welcomes that reached the user; received counts users', () => {
    expect(replyStatusOf(3, 3)).toBe('sent');
    expect(replyStatusOf(1, 3)).toBe('partial');
    expect(replyStatusOf(0, 3)).toBe('failed');
    expect(replyStatusOf(0, 0)).toBe('none');
    expect(replyIncrements('sent', false)).toEqual({ repliesSent: 1, repliesReceived: 1 });
    expect(replyIncrements('sent', true)).toEqual({ repliesSent: 1, repliesReceived: 0 });
    expect(replyIncrements('failed', false)).toEqual({ repliesSent: 0, repliesReceived: 0 });
  });
});

describe('reply items as customer-service messages (§6.2)', () => {
  const to = 'oUser';
  const send = (item: ReplyItem, media = {}) => customMessage(to, item, media);

  test('text passes through: emoji, line breaks, links and Mini Program links', () => {
    const text =
      '欢迎关注 🎉\n<a href="https://example.com">官网</a>\n<a href="https://example.com" data-miniprogram-appid="wx1234567890abcdef" data-miniprogram-path="pages/index/index">小程序</a>';
    expect(send({ kind: 'text', text })).toEqual({
      touser: to,
      msgtype: 'text',
      text: { content: text },
    });
  });
  test('image, voice and video by media_id; video with title and description', () => {
    expect(send({ kind: 'image', materialId: 'm' }, { mediaId: 'MEDIA' })).toEqual({
      touser: to,
      msgtype: 'image',
      image: { media_id: 'MEDIA' },
    });
    expect(send({ kind: 'voice', materialId: 'm' }, { mediaId: 'V' })).toEqual({
      touser: to,
      msgtype: 'voice',
      voice: { media_id: 'V' },
    });
    expect(
      send(
        { kind: 'video', materialId: 'm', title: '新品', description: '30 秒' },
        { mediaId: 'VID' },
      ),
    ).toEqual({
      touser: to,
      msgtype: 'video',
      video: { media_id: 'VID', title: '新品', description: '30 秒' },
    });
  });
  test('news: a published article as mpnewsarticle, else mpnews', () => {
    expect(send({ kind: 'news', materialId: 'm' }, { articleId: 'ART' })).toEqual({
      touser: to,
      msgtype: 'mpnewsarticle',
      mpnewsarticle: { article_id: 'ART' },
    });
    expect(send({ kind: 'news', materialId: 'm' }, { newsMediaId: 'NEWS' })).toEqual({
      touser: to,
      msgtype: 'mpnews',
      mpnews: { media_id: 'NEWS' },
    });
  });
  test('Mini Program card with thumb_media_id; link card as one news article', () => {
    expect(
      send(
        {
          kind: 'miniprogram',
          appid: 'wx1234567890abcdef',
          pagePath: 'pages/index/index',
          title: '领红包',
          thumbMaterialId: 't',
        },
        { mediaId: 'THUMB' },
      ),
    ).toEqual({
      touser: to,
      msgtype: 'miniprogrampage',
      miniprogrampage: {
        title: '领红包',
        appid: 'wx1234567890abcdef',
        pagepath: 'pages/index/index',
        thumb_media_id: 'THUMB',
      },
    });
    expect(
      send(
        {
          kind: 'link',
          title: '门店',
          url: 'https://e.com/s',
          description: '就近',
          thumbMaterialId: 't',
        },
        { thumbUrl: 'https://cdn/t.jpg' },
      ),
    ).toEqual({
      touser: to,
      msgtype: 'news',
      news: {
        articles: [
          {
            title: '门店',
            description: '就近',
            url: 'https://e.com/s',
            picurl: 'https://cdn/t.jpg',
          },
        ],
      },
    });
  });
  test('an item without its media is refused, not sent empty', () => {
    expect(() => send({ kind: 'image', materialId: 'm' })).toThrow(/media/);
  });
});

describe('media', () => {
  const png = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 0]);
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]);
  const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom')]);
  const mp3 = Buffer.from('ID3\u0004\u0000\u0000', 'latin1');

  test('formats come from the bytes; WeChat’s limits per type', () => {
    expect(sniffFormat(png)).toBe('png');
    expect(sniffFormat(jpeg)).toBe('jpeg');
    expect(sniffFormat(mp4)).toBe('mp4');
    expect(sniffFormat(mp3)).toBe('mp3');
    expect(sniffFormat(Buffer.from('hello'))).toBeUndefined();
    expect(mediaProblem('image', 'png', 10 * 1024 * 1024)).toBeUndefined();
    expect(mediaProblem('image', 'png', 10 * 1024 * 1024 + 1)).toMatch(/10 MB/);
    expect(mediaProblem('voice', 'mp3', 2 * 1024 * 1024 + 1)).toMatch(/2 MB/);
    expect(mediaProblem('video', 'png', 100)).toMatch(/MP4/);
    expect(mediaProblem('thumb', 'jpeg', 64 * 1024 + 1)).toMatch(/64 KB/);
  });

  test('temporary media are renewed past 2.5 days (they expire at 3)', () => {
    const day = 24 * 3600_000;
    expect(mediaIsFresh(undefined, 0)).toBe(false);
    expect(mediaIsFresh(0, 2 * day)).toBe(true);
    expect(mediaIsFresh(0, 2.5 * day)).toBe(false);
  });
});

describe('WeChat replies read as documented', () => {
  test('qrcode/create: temporary and permanent examples', () => {
    expect(
      readQrcodeReply({
        ticket:
          'gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw==',
        expire_seconds: 60,
        url: 'http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI',
      }),
    ).toEqual({
      ticket:
        'gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw==',
      expireSeconds: 60,
      url: 'http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI',
    });
    expect(readQrcodeReply({ ticket: 'gQ', url: 'http://weixin.qq.com/q/x' })).toEqual({
      ticket: 'gQ',
      url: 'http://weixin.qq.com/q/x',
    });
    expect(() => readQrcodeReply({ url: 'http://weixin.qq.com/q/x' })).toThrow(/ticket/);
  });
  test('tags/create and tags/get', () => {
    expect(readTagCreateReply({ tag: { id: 134, name: '广东' } })).toEqual({
      id: 134,
      name: '广东',
    });
    expect(
      readTagsReply({
        tags: [
          { id: 1, name: '每天一罐', count: 0 },
          { id: 2, name: '星标组', count: 0 },
          { id: 127, name: '广东', count: 5 },
        ],
      }),
    ).toEqual([
      { id: 1, name: '每天一罐', count: 0 },
      { id: 2, name: '星标组', count: 0 },
      { id: 127, name: '广东', count: 5 },
    ]);
    expect(() => readTagCreateReply({})).toThrow(/tag/);
  });
  test('media/upload', () => {
    expect(readMediaReply({ type: 'image', media_id: 'MEDIA_ID', created_at: 123456789 })).toEqual({
      type: 'image',
      mediaId: 'MEDIA_ID',
      createdAt: 123456789,
    });
    expect(() => readMediaReply({ type: 'image' })).toThrow(/media_id/);
  });
});
