/**
 * The Official Account's drafts (草稿箱), read by `/cgi-bin/draft/batchget` as WeChat documents
 * it. A fresh account holds the seeded drafts below until a test or the preview replaces them
 * (`/_sim/oa/drafts`).
 */
import type { Body } from './args';
import { invalidArgs } from './errors';
import type { SimulatorStore } from './store';

export interface DraftRow {
  mediaId: string;
  updateTime: number;
  articles: {
    title: string;
    author: string;
    digest: string;
    content: string;
    content_source_url: string;
    thumb_media_id: string;
    need_open_comment: number;
    only_fans_can_comment: number;
    url: string;
  }[];
}

const draftArticle = (title: string, digest: string, n: number) => ({
  title,
  author: '码上',
  digest,
  content: `<p>${digest}</p>`,
  content_source_url: '',
  thumb_media_id: `sim-thumb-${n}`,
  need_open_comment: 0,
  only_fans_can_comment: 0,
  url: `http://mp.weixin.qq.com/s?__biz=sim&tempkey=draft-${n}`,
});

/** What a demo account holds in its 草稿箱 (one of them with two articles). */
const SEEDED_DRAFTS: DraftRow[] = [
  {
    mediaId: 'sim-draft-spring',
    updateTime: 1_767_225_600,
    articles: [draftArticle('春季新品上市', '扫码关注，第一时间了解新品', 1)],
  },
  {
    mediaId: 'sim-draft-origin',
    updateTime: 1_767_139_200,
    articles: [draftArticle('一瓶好水的溯源之旅', '从水源地到你的手中', 2)],
  },
  {
    mediaId: 'sim-draft-weekly',
    updateTime: 1_767_052_800,
    articles: [
      draftArticle('本周精选', '两篇文章的草稿', 3),
      draftArticle('门店活动', '线下门店活动一览', 4),
    ],
  },
];

export class OaDrafts {
  constructor(private readonly store: SimulatorStore) {}

  /** The account's drafts, newest first; a fresh account has the seeded ones until cleared. */
  list(): DraftRow[] {
    return this.store.readMeta<DraftRow[]>('oaDrafts') ?? SEEDED_DRAFTS;
  }

  /** Replaces the drafts (an empty list is an account with none). */
  replace(drafts: DraftRow[]): void {
    this.store.writeMeta('oaDrafts', drafts);
  }

  batchget(body: Body): object {
    const offset = body.offset;
    const count = body.count;
    if (!Number.isSafeInteger(offset) || (offset as number) < 0) throw invalidArgs('offset');
    if (!Number.isSafeInteger(count) || (count as number) < 1 || (count as number) > 20)
      throw invalidArgs('count must be 1 to 20');
    const all = this.list();
    const page = all.slice(offset as number, (offset as number) + (count as number));
    const noContent = body.no_content === 1;
    return {
      total_count: all.length,
      item_count: page.length,
      item: page.map((draft) => ({
        media_id: draft.mediaId,
        ...(noContent ? {} : { content: { news_item: draft.articles } }),
        update_time: draft.updateTime,
      })),
    };
  }
}
