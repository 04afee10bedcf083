import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { MaterialKind, MaterialView, OaDraftView } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';
import type { LoadStatus } from './members';
import type { MoreOutcome } from './payouts';

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

  status: LoadStatus = 'idle';
  materials: MaterialView[] = [];
  drafts: OaDraftView[] = [];
  error: EnvelopeError | null = null;
  hasMore = false;
  loadingMore = false;

  private generation = 0;

  constructor() {
    makeAutoObservable<MaterialPickerStore, 'generation'>(this, { generation: false });
  }

  async show(kind: MaterialKind, target: PickerTarget): Promise<void> {
    this.open = true;
    this.kind = kind;
    this.target = target;
    this.tab = 'hub';
    this.keywordInput = '';
    this.keyword = '';
    this.mine = false;
    this.materials = [];
    this.drafts = [];
    await this.load();
  }

  close(): void {
    this.generation++;
    this.open = false;
    this.target = null;
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.status = 'loading';
    this.error = null;
    this.loadingMore = false;
    const reply =
      this.tab === 'drafts'
        ? await adminClient.listOaDrafts({ count: DRAFTS_PAGE_SIZE })
        : await adminClient.listMaterials(this.request(0));
    runInAction(() => {
      if (generation !== this.generation) return;
      if (!reply.ok) {
        this.materials = [];
        this.drafts = [];
        this.hasMore = false;
        this.error = reply.error;
        this.status = 'error';
        return;
      }
      if ('drafts' in reply.data) {
        this.drafts = reply.data.drafts;
        this.hasMore = reply.data.drafts.length < reply.data.total;
      } else {
        this.materials = reply.data.materials;
        this.hasMore = reply.data.materials.length === MATERIALS_PAGE_SIZE;
      }
      this.status = 'ready';
    });
  }

  async loadMore(): Promise<MoreOutcome> {
    if (this.loadingMore || !this.hasMore || this.status !== 'ready') return { ok: 'busy' };
    const generation = this.generation;
    this.loadingMore = true;
    if (this.tab === 'drafts') {
      const reply = await adminClient.listOaDrafts({
        offset: this.drafts.length,
        count: DRAFTS_PAGE_SIZE,
      });
      return runInAction(() => {
        if (generation !== this.generation) return { ok: 'busy' };
        this.loadingMore = false;
        if (!reply.ok) return { ok: false, error: reply.error };
        this.drafts = [...this.drafts, ...reply.data.drafts];
        this.hasMore = reply.data.drafts.length > 0 && this.drafts.length < reply.data.total;
        return { ok: true };
      });
    }
    const reply = await adminClient.listMaterials(this.request(this.materials.length));
    return runInAction(() => {
      if (generation !== this.generation) return { ok: 'busy' };
      this.loadingMore = false;
      if (!reply.ok) return { ok: false, error: reply.error };
      const seen = new Set(this.materials.map((material) => material.materialId));
      this.materials = [
        ...this.materials,
        ...reply.data.materials.filter((material) => !seen.has(material.materialId)),
      ];
      this.hasMore = reply.data.materials.length === MATERIALS_PAGE_SIZE;
      return { ok: true };
    });
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
