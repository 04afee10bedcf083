import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { MaterialKind } from '../../../../../typings/admin';
import { materialPickerStore, type PickerTab } from '../../../stores/material-picker';
import { chinaTimeText, describeChannelQrError } from '../present';

const KIND_NAMES: Readonly<Record<MaterialKind, string>> = {
  image: '图片',
  video: '视频',
  voice: '音频',
  news: '图文',
};

/** What the seed allows each kind to be uploaded as (news come from the hub or the drafts). */
const UPLOAD_HINTS: Readonly<Record<MaterialKind, string>> = {
  image: 'PNG、JPEG、GIF，不超过 10 MB',
  video: 'MP4，不超过 10 MB',
  voice: 'MP3，不超过 2 MB、60 秒',
  news: '',
};

function sizeText(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

type TapEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { id?: string; tab?: PickerTab }
>;

/**
 * 素材库 as a bottom sheet over the reply editor: the hub's materials of the kind the reply takes,
 * searched by keyword or narrowed to 我的上传, paged; for 图文 also the account's drafts. Tells the
 * page what was chosen (`pick`, `pickdraft`) or that the person wants to upload (`upload`), each
 * with the reply's index and field.
 */
ComponentWithStore({
  data: {
    notice: '',
  },

  storeBindings: {
    store: materialPickerStore,
    fields: {
      open: () => materialPickerStore.open,
      title: () => `选择${KIND_NAMES[materialPickerStore.kind]}`,
      kindName: () => KIND_NAMES[materialPickerStore.kind],
      uploadHint: () => UPLOAD_HINTS[materialPickerStore.kind],
      mayUpload: () => materialPickerStore.kind !== 'news',
      showTabs: () => materialPickerStore.kind === 'news',
      tab: () => materialPickerStore.tab,
      keywordInput: () => materialPickerStore.keywordInput,
      filtered: () => materialPickerStore.keyword !== '' || materialPickerStore.mine,
      mine: () => materialPickerStore.mine,
      status: () => materialPickerStore.status,
      error: () =>
        materialPickerStore.error ? describeChannelQrError(materialPickerStore.error) : '',
      hasMore: () => materialPickerStore.hasMore,
      loadingMore: () => materialPickerStore.loadingMore,
      materials: () =>
        materialPickerStore.materials.map((material) => ({
          id: material.materialId,
          name: material.name,
          meta: [sizeText(material.size), `添加于 ${chinaTimeText(material.createdAt)}`]
            .filter(Boolean)
            .join(' · '),
        })),
      drafts: () =>
        materialPickerStore.drafts.map((draft) => ({
          id: draft.mediaId,
          name: draft.title || '未命名图文',
          meta: `${draft.articleCount} 篇 · 更新于 ${chinaTimeText(draft.updatedAt)}`,
          // Only a single article can go out as one reply (mpnews of one article).
          usable: draft.articleCount === 1,
        })),
    },
    actions: {},
  } as const,

  methods: {
    onClose() {
      this.setData({ notice: '' });
      materialPickerStore.close();
    },

    onTab(event: TapEvent) {
      const tab = event.currentTarget.dataset.tab;
      if (tab) void materialPickerStore.setTab(tab);
    },

    onKeyword(event: { detail: string }) {
      materialPickerStore.setKeywordInput(String(event.detail ?? ''));
    },

    onSearch() {
      void materialPickerStore.search();
    },

    onMine(event: { detail: boolean }) {
      void materialPickerStore.setMine(event.detail === true);
    },

    onRetry() {
      void materialPickerStore.load();
    },

    async onMore() {
      const outcome = await materialPickerStore.loadMore();
      if (outcome.ok === false) this.setData({ notice: describeChannelQrError(outcome.error) });
      else if (outcome.ok === true) this.setData({ notice: '' });
    },

    onPick(event: TapEvent) {
      const material = materialPickerStore.materials.find(
        (item) => item.materialId === event.currentTarget.dataset.id,
      );
      const target = materialPickerStore.target;
      if (!material || !target) return;
      this.onClose();
      this.triggerEvent('pick', { ...target, material });
    },

    onPickDraft(event: TapEvent) {
      const draft = materialPickerStore.drafts.find(
        (item) => item.mediaId === event.currentTarget.dataset.id,
      );
      const target = materialPickerStore.target;
      if (!draft || !target) return;
      if (draft.articleCount !== 1) {
        this.setData({ notice: '多篇图文不能作为一条回复，请选择单篇图文' });
        return;
      }
      this.onClose();
      this.triggerEvent('pickdraft', { ...target, draft });
    },

    onUpload() {
      const target = materialPickerStore.target;
      if (!target) return;
      const kind = materialPickerStore.kind;
      this.onClose();
      this.triggerEvent('upload', { ...target, kind });
    },
  },
});
