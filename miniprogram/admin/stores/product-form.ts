import { makeAutoObservable, observable, runInAction } from 'mobx-miniprogram';
import type { AdminProductView } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import {
  PRODUCT_LIMITS,
  SUSPICION_KEYS,
  type DraftErrors,
  type ImageSlot,
  type ProductDraft,
  type SuspicionKey,
  describeProductError,
  draftErrors,
  draftOf,
  draftSignature,
  emptyDraft,
  emptyStep,
  fieldsOf,
  moveItem,
  newKey,
} from '../pages/products/present';
import { adminClient } from '../services/admin-client';
import { tempFileUrls, uploadProductImage } from '../services/cloud-files';
import type { LoadStatus } from './members';

/** Where picked pictures go: the product's own, or the trace step at that index. */
export type ImageTarget = 'product' | number;

/** Text fields of the form, as the page's data-field names them. */
export type DraftField =
  | 'title'
  | 'brand'
  | 'ean'
  | 'follow.officialAccountName'
  | 'follow.hint'
  | `suspicion.${SuspicionKey}`;
export type StepField = 'name' | 'time' | 'place' | 'operator' | 'note';

export type SaveOutcome =
  { ok: true; created: boolean; product: AdminProductView } | { ok: false; message: string };

function copy(draft: ProductDraft): ProductDraft {
  return JSON.parse(JSON.stringify(draft)) as ProductDraft;
}

/** Every image slot of a draft, the product's and each step's. */
function allImages(draft: ProductDraft): ImageSlot[] {
  return [...draft.images, ...draft.trace.flatMap((step) => step.images)];
}

/**
 * The product form (新建 / 编辑): the draft as typed, pictures uploading beside it, and the save.
 * The draft is replaced on every edit (observable.ref): the page's setData sees a new object, and
 * nothing typed is lost when a save fails. Uploads find their slot by key, so reordering or
 * removing pictures while others upload is safe.
 */
export class ProductFormStore {
  status: LoadStatus = 'idle';
  loadError: EnvelopeError | null = null;
  /** '' while the product is new. */
  productId = '';
  draft: ProductDraft = emptyDraft();
  /** Set by the first 保存: from then on every problem shows, not just the live checks. */
  submitted = false;
  saving = false;
  saveError = '';
  /** fileID → temporary URL, for pictures stored before this visit. */
  tempUrls: Record<string, string> = {};

  private savedSignature = draftSignature(emptyDraft());
  private generation = 0;

  constructor() {
    // savedSignature stays observable: `dirty` must turn false when a save lands.
    makeAutoObservable<ProductFormStore, 'generation'>(this, {
      generation: false,
      draft: observable.ref,
      tempUrls: observable.ref,
    });
  }

  get errors(): DraftErrors {
    return draftErrors(this.draft);
  }

  /** Changes not yet saved (the page asks before leaving). */
  get dirty(): boolean {
    return draftSignature(this.draft) !== this.savedSignature;
  }

  /** A blank form, or the product `productId` loaded into it. */
  async start(productId = ''): Promise<void> {
    const generation = ++this.generation;
    this.productId = productId;
    this.submitted = false;
    this.saving = false;
    this.saveError = '';
    this.loadError = null;
    this.tempUrls = {};
    this.setDraft(emptyDraft(), true);
    if (!productId) {
      this.status = 'ready';
      return;
    }
    this.status = 'loading';
    const reply = await adminClient.getProduct({ productId });
    runInAction(() => {
      if (generation !== this.generation) return;
      if (reply.ok) {
        this.setDraft(draftOf(reply.data.product), true);
        this.status = 'ready';
      } else {
        this.loadError = reply.error;
        this.status = 'error';
      }
    });
    if (reply.ok) await this.fetchTempUrls();
  }

  setField(field: DraftField, value: string): void {
    this.edit((draft) => {
      if (field === 'title' || field === 'brand' || field === 'ean') draft[field] = value;
      else if (field === 'follow.officialAccountName') draft.follow.officialAccountName = value;
      else if (field === 'follow.hint') draft.follow.hint = value;
      else {
        const key = field.slice('suspicion.'.length) as SuspicionKey;
        if (SUSPICION_KEYS.includes(key)) draft.suspicion[key] = value;
      }
    });
  }

  setFollowEnabled(enabled: boolean): void {
    this.edit((draft) => {
      draft.follow.enabled = enabled;
    });
  }

  addAttribute(): void {
    this.edit((draft) => {
      draft.attributes.push({ key: newKey('attr'), name: '', value: '' });
    });
  }

  setAttribute(index: number, part: 'name' | 'value', value: string): void {
    this.edit((draft) => {
      const attribute = draft.attributes[index];
      if (attribute) attribute[part] = value;
    });
  }

  removeAttribute(index: number): void {
    this.edit((draft) => {
      draft.attributes.splice(index, 1);
    });
  }

  addStep(): void {
    this.edit((draft) => {
      draft.trace.push(emptyStep());
    });
  }

  setStepField(index: number, field: StepField, value: string): void {
    this.edit((draft) => {
      const step = draft.trace[index];
      if (step) step[field] = value;
    });
  }

  moveStep(index: number, direction: -1 | 1): void {
    this.edit((draft) => {
      draft.trace = moveItem(draft.trace, index, direction);
    });
  }

  removeStep(index: number): void {
    this.edit((draft) => {
      draft.trace.splice(index, 1);
    });
  }

  /** Room left for pictures in a target (9 each). */
  room(target: ImageTarget): number {
    const images = target === 'product' ? this.draft.images : this.draft.trace[target]?.images;
    return images ? Math.max(0, PRODUCT_LIMITS.images - images.length) : 0;
  }

  /** Adds picked pictures to a target and uploads them; resolves when every upload settled. */
  async addImages(target: ImageTarget, filePaths: readonly string[]): Promise<void> {
    const slots: ImageSlot[] = filePaths.slice(0, this.room(target)).map((localPath) => ({
      key: newKey('img'),
      fileID: '',
      localPath,
      state: 'uploading',
      progress: 0,
    }));
    if (slots.length === 0) return;
    this.edit((draft) => {
      const images = target === 'product' ? draft.images : draft.trace[target]?.images;
      images?.push(...slots);
    });
    await Promise.all(slots.map((slot) => this.upload(slot.key, slot.localPath)));
  }

  async retryImage(key: string): Promise<void> {
    const slot = allImages(this.draft).find((image) => image.key === key);
    if (!slot || slot.state !== 'failed' || !slot.localPath) return;
    await this.upload(key, slot.localPath);
  }

  removeImage(key: string): void {
    this.edit((draft) => {
      draft.images = draft.images.filter((image) => image.key !== key);
      for (const step of draft.trace)
        step.images = step.images.filter((image) => image.key !== key);
    });
  }

  moveImage(key: string, direction: -1 | 1): void {
    this.edit((draft) => {
      const at = draft.images.findIndex((image) => image.key === key);
      if (at >= 0) draft.images = moveItem(draft.images, at, direction);
      for (const step of draft.trace) {
        const i = step.images.findIndex((image) => image.key === key);
        if (i >= 0) step.images = moveItem(step.images, i, direction);
      }
    });
  }

  /** Creates or updates the product; on failure the draft stays exactly as typed. */
  async save(): Promise<SaveOutcome> {
    if (this.saving) return { ok: false, message: '正在保存，请稍候' };
    this.submitted = true;
    this.saveError = '';
    const problems = Object.values(this.errors);
    if (problems.length > 0) {
      const message = `还有 ${problems.length} 处需要修改：${problems[0]}`;
      this.saveError = message;
      return { ok: false, message };
    }
    const fields = fieldsOf(this.draft);
    const sent = this.draft;
    this.saving = true;
    const created = this.productId === '';
    const reply = created
      ? await adminClient.createProduct(fields)
      : await adminClient.updateProduct({ productId: this.productId, ...fields });
    return runInAction((): SaveOutcome => {
      this.saving = false;
      if (!reply.ok) {
        this.saveError = `保存失败：${describeProductError(reply.error)}`;
        return { ok: false, message: this.saveError };
      }
      this.productId = reply.data.product.productId;
      // What was sent is what is stored; edits made while saving stay unsaved.
      this.savedSignature = draftSignature(sent);
      this.submitted = false;
      return { ok: true, created, product: reply.data.product };
    });
  }

  private async upload(key: string, localPath: string): Promise<void> {
    this.patchImage(key, { state: 'uploading', progress: 0, fileID: '' });
    const outcome = await uploadProductImage(localPath, (progress) =>
      this.patchImage(key, { progress }),
    );
    this.patchImage(
      key,
      outcome.ok
        ? { state: 'done', progress: 100, fileID: outcome.fileID }
        : { state: 'failed', progress: 0 },
    );
  }

  private patchImage(key: string, patch: Partial<ImageSlot>): void {
    if (!allImages(this.draft).some((image) => image.key === key)) return; // removed meanwhile
    this.edit((draft) => {
      const slot = allImages(draft).find((image) => image.key === key);
      if (slot) Object.assign(slot, patch);
    });
  }

  private edit(change: (draft: ProductDraft) => void): void {
    const next = copy(this.draft);
    change(next);
    this.draft = next;
  }

  private setDraft(draft: ProductDraft, saved: boolean): void {
    this.draft = draft;
    if (saved) this.savedSignature = draftSignature(draft);
  }

  private async fetchTempUrls(): Promise<void> {
    const urls = await tempFileUrls(allImages(this.draft).map((image) => image.fileID));
    runInAction(() => {
      this.tempUrls = { ...this.tempUrls, ...urls };
    });
  }
}

export const productFormStore = new ProductFormStore();
