import { makeAutoObservable } from 'mobx-miniprogram';
import type { MaterialKind, MaterialView, OaDraftView } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';
import type { LoadStatus } from './members';
import { fullPage, PagedList, type MoreOutcome } from './paged-list';

/** Materials per page (the server allows up to 100). */
export const MATERIALS_PAGE_SIZE = 20;
/** WeChat's most drafts per draft/batchget. */
export const DRAFTS_PAGE_SIZE = 20;

/** Where 图文 come from: the hub, or the Official Account's drafts (草稿箱, synced live). */
export type PickerTab = 'hub' | 'drafts';

/** The reply field the picker fills (the form's reply index and field). */
export interface PickerTarget {
  index: number;
  field: 'materialId' | 'thumbMaterialId';
}

/**
 * The material hub as a picker (filter by My Uploads or search using keywords):
 * materials of the one kind the reply field takes, newest first, by keyword and 我的上传, paged;
 * for 图文 also the account's drafts. A reply for a filter left meanwhile is dropped.
 */
export class MaterialPickerStore {
  open = false;
  kind: MaterialKind = 'image';
  target: PickerTarget | null = null;
  tab: PickerTab = 'hub';
  keywordInput = '';
  keyword = '';
  mine = false;

  /** The hub's materials of `kind` under the keyword and 我的上传. */
  readonly hub = new PagedList<MaterialView>(
    async (offset) => {
      const reply = await adminClient.listMaterials(this.request(offset));
      return reply.ok
        ? { ok: true, data: fullPage(reply.data.materials, MATERIALS_PAGE_SIZE) }
        : reply;
    },
    (material) => material.materialId,
  );

  /** The Official Account's drafts, as many as WeChat says it holds. */
  readonly draftList = new PagedList<OaDraftView>(
    async (offset) => {
      const reply = await adminClient.listOaDrafts({
        ...(offset > 0 ? { offset } : {}),
        count: DRAFTS_PAGE_SIZE,
      });
      if (!reply.ok) return reply;
      const { drafts, total } = reply.data;
      return {
        ok: true,
        data: { items: drafts, more: drafts.length > 0 && offset + drafts.length < total },
      };
    },
    (draft) => draft.mediaId,
  );

  constructor() {
    makeAutoObservable<MaterialPickerStore, 'hub' | 'draftList'>(this, {
      hub: false,
      draftList: false,
    });
  }

  /** The list the tab shows. */
  private get shown(): PagedList<MaterialView> | PagedList<OaDraftView> {
    return this.tab === 'drafts' ? this.draftList : this.hub;
  }
  get materials(): readonly MaterialView[] {
    return this.hub.items;
  }
  get drafts(): readonly OaDraftView[] {
    return this.draftList.items;
  }
  get status(): LoadStatus {
    return this.shown.status;
  }
  get error(): EnvelopeError | null {
    return this.shown.error;
  }
  get hasMore(): boolean {
    return this.shown.hasMore;
  }
  get loadingMore(): boolean {
    return this.shown.loadingMore;
  }

  async show(kind: MaterialKind, target: PickerTarget): Promise<void> {
    this.open = true;
    this.kind = kind;
    this.target = target;
    this.tab = 'hub';
    this.keywordInput = '';
    this.keyword = '';
    this.mine = false;
    this.hub.reset();
    this.draftList.reset();
    await this.load();
  }

  /** Closed: a reply still in flight is dropped. */
  close(): void {
    this.hub.reset();
    this.draftList.reset();
    this.open = false;
    this.target = null;
  }

  async load(): Promise<void> {
    await this.shown.load();
  }

  async loadMore(): Promise<MoreOutcome> {
    return this.shown.loadMore();
  }

  async setTab(tab: PickerTab): Promise<void> {
    if (tab === this.tab || (tab === 'drafts' && this.kind !== 'news')) return;
    this.tab = tab;
    await this.load();
  }

  setKeywordInput(text: string): void {
    this.keywordInput = text;
  }

  async search(): Promise<void> {
    this.keyword = this.keywordInput.trim();
    await this.load();
  }

  async setMine(mine: boolean): Promise<void> {
    this.mine = mine;
    await this.load();
  }

  private request(offset: number) {
    return {
      kind: this.kind,
      ...(this.keyword ? { keyword: this.keyword } : {}),
      ...(this.mine ? { mine: true } : {}),
      limit: MATERIALS_PAGE_SIZE,
      ...(offset > 0 ? { offset } : {}),
    };
  }
}

export const materialPickerStore = new MaterialPickerStore();
