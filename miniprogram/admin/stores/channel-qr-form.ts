import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { ChannelQrView, MaterialView, OaDraftView } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import {
  checkDraft,
  draftOf,
  emptyDraft,
  emptyReply,
  QR_LIMITS,
  tagProblem,
  type DraftIssues,
  type QrDraft,
  type ReplyDraft,
  type ReplyKind,
} from '../pages/channel-qr/form';
import { adminClient } from '../services/admin-client';
import { uploadMaterialFile } from '../services/cloud-files';
import type { LoadStatus } from './members';

export type SaveOutcome =
  | { ok: true; qr: ChannelQrView; created: boolean }
  | { ok: false; error?: EnvelopeError }
  | { ok: 'busy' };

export type UploadOutcome = { ok: true; material: MaterialView } | { ok: false; message: string };

/** A file picked on the phone, as chooseMedia / chooseMessageFile describe it. */
export interface PickedFile {
  path: string;
  size: number;
  name: string;
}

/** WeChat's limits per material use (core/domain/channel-qr.ts mediaProblem). */
const FILE_RULES: Readonly<
  Record<'image' | 'video' | 'voice' | 'thumb', { maxBytes: number; ext: RegExp; text: string }>
> = {
  image: {
    maxBytes: 10 * 1024 * 1024,
    ext: /\.(png|jpe?g|gif)$/i,
    text: '图片须为 PNG、JPEG 或 GIF，不超过 10 MB',
  },
  video: { maxBytes: 10 * 1024 * 1024, ext: /\.mp4$/i, text: '视频须为 MP4，不超过 10 MB' },
  voice: { maxBytes: 2 * 1024 * 1024, ext: /\.mp3$/i, text: '音频须为 MP3，不超过 2 MB、60 秒' },
  thumb: {
    maxBytes: 2 * 1024 * 1024,
    ext: /\.(png|jpe?g)$/i,
    text: '封面图须为 JPG 或 PNG，不超过 2 MB',
  },
};

/** Why a picked file cannot be that material ('' when it may). */
export function fileProblem(use: keyof typeof FILE_RULES, file: PickedFile): string {
  const rule = FILE_RULES[use];
  if (!rule.ext.test(file.name) || file.size > rule.maxBytes) return rule.text;
  return '';
}

/** Which field of which reply a material is for. */
type MaterialField = 'materialId' | 'thumbMaterialId';

/**
 * 新建/编辑渠道二维码: the draft as typed (kept whatever the server says), the materials met in
 * this session (added here or named by the code being edited), uploads, and saving.
 */
export class ChannelQrFormStore {
  /** '' while creating. */
  qrId = '';
  original: ChannelQrView | null = null;
  status: LoadStatus = 'idle';
  error: EnvelopeError | null = null;
  draft: QrDraft = emptyDraft();
  issues: DraftIssues = {};
  saving = false;
  /** `<replyKey>.<field>` of an upload in flight. */
  uploading = '';
  /** Materials added or chosen in this session, newest first (their names label the items). */
  materials: MaterialView[] = [];

  constructor() {
    makeAutoObservable(this);
  }

  get editing(): boolean {
    return this.qrId !== '';
  }

  reset(qrId: string): void {
    this.qrId = qrId;
    this.original = null;
    this.draft = emptyDraft();
    this.issues = {};
    this.saving = false;
    this.uploading = '';
    this.error = null;
    this.status = qrId ? 'idle' : 'ready';
  }

  async load(): Promise<void> {
    if (!this.qrId) return;
    this.status = 'loading';
    this.error = null;
    const reply = await adminClient.getChannelQr({ qrId: this.qrId });
    runInAction(() => {
      if (reply.ok) {
        this.original = reply.data.qr;
        this.draft = draftOf(reply.data.qr);
        this.status = 'ready';
      } else {
        this.error = reply.error;
        this.status = 'error';
      }
    });
  }

  /** Replaces some fields; a problem stops being shown once its field is edited. */
  edit(change: Partial<QrDraft>): void {
    this.draft = { ...this.draft, ...change };
    const cleared = { ...this.issues };
    for (const key of Object.keys(change)) delete cleared[key];
    if ('tagInput' in change) {
      const problem = tagProblem(this.draft.tagInput, this.draft.tagNames);
      if (problem) cleared.tags = problem;
      else delete cleared.tags;
    }
    if ('replies' in change || 'repliesEnabled' in change) delete cleared.replies;
    this.issues = cleared;
  }

  /** Adds the typed tag when WeChat's limits allow it; otherwise says why beside the field. */
  addTag(): boolean {
    const name = this.draft.tagInput.trim();
    if (!name) return false;
    const problem = tagProblem(name, this.draft.tagNames);
    if (problem) {
      this.issues = { ...this.issues, tags: problem };
      return false;
    }
    this.edit({ tagNames: [...this.draft.tagNames, name], tagInput: '' });
    return true;
  }

  removeTag(name: string): void {
    this.edit({ tagNames: this.draft.tagNames.filter((tag) => tag !== name) });
  }

  addReply(kind: ReplyKind): boolean {
    if (this.draft.replies.length >= QR_LIMITS.replies) {
      this.issues = { ...this.issues, replies: `最多 ${QR_LIMITS.replies} 条回复内容` };
      return false;
    }
    this.edit({ replies: [...this.draft.replies, emptyReply(kind)] });
    return true;
  }

  removeReply(index: number): void {
    this.edit({ replies: this.draft.replies.filter((_, i) => i !== index) });
    this.dropReplyIssues();
  }

  /** Moves an item one place up (-1) or down (+1): the order replies are sent in. */
  moveReply(index: number, direction: -1 | 1): void {
    const to = index + direction;
    const replies = [...this.draft.replies];
    const moving = replies[index];
    const other = replies[to];
    if (!moving || !other) return;
    replies[index] = other;
    replies[to] = moving;
    this.edit({ replies });
    this.dropReplyIssues();
  }

  editReply(index: number, change: Partial<ReplyDraft>): void {
    this.draft = {
      ...this.draft,
      replies: this.draft.replies.map((reply, i) =>
        i === index ? { ...reply, ...change } : reply,
      ),
    };
    const cleared = { ...this.issues };
    for (const key of Object.keys(change)) delete cleared[`reply.${index}.${key}`];
    this.issues = cleared;
  }

  /** Reply issues are keyed by position: after a move or removal they would point elsewhere. */
  private dropReplyIssues(): void {
    this.issues = Object.fromEntries(
      Object.entries(this.issues).filter(([key]) => !key.startsWith('reply.')),
    );
  }

  /** Adds one of the account's drafts as rich media and puts it in the item. */
  async addDraft(index: number, draft: OaDraftView): Promise<UploadOutcome> {
    const added = await adminClient.addMaterial({
      kind: 'news',
      draftMediaId: draft.mediaId,
      name: draft.title || '未命名图文',
    });
    return runInAction(() => {
      if (!added.ok) return { ok: false, message: added.error.message || '素材添加失败' };
      this.materials = [added.data.material, ...this.materials];
      this.editReply(index, { materialId: added.data.material.materialId });
      return { ok: true, material: added.data.material };
    });
  }

  /** A material chosen from the hub: kept so the item shows its name. */
  rememberMaterial(material: MaterialView): void {
    if (this.materials.some((known) => known.materialId === material.materialId)) return;
    this.materials = [material, ...this.materials];
  }

  chooseMaterial(index: number, field: MaterialField, materialId: string): void {
    this.editReply(index, { [field]: materialId });
  }

  /** Uploads a picked file to cloud storage, records it as a material, and puts it in the item. */
  async uploadMaterial(
    index: number,
    field: MaterialField,
    kind: 'image' | 'video' | 'voice',
    file: PickedFile,
  ): Promise<UploadOutcome> {
    const reply = this.draft.replies[index];
    if (!reply) return { ok: false, message: '回复内容已被移除' };
    const problem = fileProblem(field === 'thumbMaterialId' ? 'thumb' : kind, file);
    if (problem) {
      this.issues = { ...this.issues, [`reply.${index}.${field}`]: problem };
      return { ok: false, message: problem };
    }
    this.uploading = `${reply.key}.${field}`;
    const uploaded = await uploadMaterialFile(file.path);
    if (!uploaded.ok) {
      runInAction(() => (this.uploading = ''));
      return uploaded;
    }
    const added = await adminClient.addMaterial({ kind, fileId: uploaded.fileID, name: file.name });
    return runInAction(() => {
      this.uploading = '';
      if (!added.ok) return { ok: false, message: added.error.message || '素材添加失败' };
      this.materials = [added.data.material, ...this.materials];
      // The item may have moved while uploading: find it by its key.
      const at = this.draft.replies.findIndex((item) => item.key === reply.key);
      if (at >= 0) this.editReply(at, { [field]: added.data.material.materialId });
      return { ok: true, material: added.data.material };
    });
  }

  async save(): Promise<SaveOutcome> {
    if (this.saving) return { ok: 'busy' };
    const checked = checkDraft(this.draft);
    if (!checked.ok) {
      this.issues = checked.issues;
      return { ok: false };
    }
    this.issues = {};
    this.saving = true;
    const reply = this.qrId
      ? await adminClient.updateChannelQr({
          qrId: this.qrId,
          name: checked.request.name,
          tagNames: checked.request.tagNames ?? [],
          replies: checked.replies,
        })
      : await adminClient.createChannelQr(checked.request);
    return runInAction(() => {
      this.saving = false;
      if (!reply.ok) return { ok: false, error: reply.error };
      const created = !this.qrId;
      this.original = reply.data.qr;
      this.qrId = reply.data.qr.qrId;
      return { ok: true, qr: reply.data.qr, created };
    });
  }
}

export const channelQrFormStore = new ChannelQrFormStore();
