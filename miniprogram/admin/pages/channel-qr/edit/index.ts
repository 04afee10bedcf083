import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type {
  ChannelQrType,
  MaterialKind,
  MaterialView,
  OaDraftView,
} from '../../../../../typings/admin';
import type { EnvelopeError } from '../../../../../typings/envelope';
import { channelQrFormStore, type PickedFile } from '../../../stores/channel-qr-form';
import { channelQrsStore } from '../../../stores/channel-qrs';
import { materialPickerStore, type PickerTarget } from '../../../stores/material-picker';
import { adminSessionStore } from '../../../stores/session';
import { confirmAction } from '../../../utils/confirm';
import { materialKindOf, QR_LIMITS, REPLY_KINDS, textLength, type ReplyDraft } from '../form';
import {
  chinaTimeText,
  describeChannelQrError,
  QR_STATUS_LABELS,
  QR_TYPE_LABELS,
  REPLY_KIND_LABELS,
} from '../present';

function errorText(error: EnvelopeError | null): string {
  return error ? describeChannelQrError(error) : '';
}

/** Reply fields typed into a van-field (`data-field`). */
const REPLY_TEXT_FIELDS = ['text', 'title', 'description', 'appid', 'pagePath', 'url'] as const;
type ReplyTextField = (typeof REPLY_TEXT_FIELDS)[number];
const isReplyTextField = (key: unknown): key is ReplyTextField =>
  (REPLY_TEXT_FIELDS as readonly unknown[]).includes(key);

type MaterialField = 'materialId' | 'thumbMaterialId';
const isMaterialField = (key: unknown): key is MaterialField =>
  key === 'materialId' || key === 'thumbMaterialId';

interface FieldEvent<D> {
  detail: D;
  currentTarget: { dataset: { field?: string; index?: number; direction?: number; tag?: string } };
}

/**
 * What the phone offers for each material: its album and camera, or a chat's files for audio.
 * Resolves null when the person closes the picker, or WeChat's errMsg when it fails.
 */
async function pickFile(kind: 'image' | 'video' | 'voice'): Promise<PickedFile | null | string> {
  try {
    if (kind === 'voice' && typeof wx.chooseMessageFile === 'function') {
      const picked = await wx.chooseMessageFile({ count: 1, type: 'file', extension: ['mp3'] });
      const file = picked.tempFiles[0];
      return file ? { path: file.path, size: file.size, name: file.name } : null;
    }
    const picked = await wx.chooseMedia({
      count: 1,
      mediaType: [kind === 'video' ? 'video' : 'image'],
      sourceType: ['album', 'camera'],
      sizeType: ['original'],
    });
    const file = picked.tempFiles[0];
    if (!file) return null;
    // Album files come with random temporary names: the material is named by kind and time.
    const ext = /\.([a-z0-9]{1,5})$/i.exec(file.tempFilePath)?.[1]?.toLowerCase() ?? '';
    const name = `${kind === 'video' ? '视频' : '图片'} ${chinaTimeText(new Date().toISOString())}${ext ? `.${ext}` : ''}`;
    return { path: file.tempFilePath, size: file.size, name };
  } catch (error) {
    const errMsg = (error as { errMsg?: string }).errMsg ?? String(error);
    // Closing the picker is no error.
    return /cancel/.test(errMsg) ? null : errMsg;
  }
}

/** 新建渠道码 / 编辑渠道码: basics, tags, and the auto-reply editor (up to 3 items). */
ComponentWithStore({
  data: {
    notice: '',
    kindNames: REPLY_KINDS.map((kind) => REPLY_KIND_LABELS[kind]),
    limits: QR_LIMITS,
  },

  storeBindings: {
    store: channelQrFormStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayWrite: () =>
        adminSessionStore.can(channelQrFormStore.editing ? 'updateChannelQr' : 'createChannelQr'),
      editing: () => channelQrFormStore.editing,
      status: () => channelQrFormStore.status,
      loadError: () => errorText(channelQrFormStore.error),
      loadErrorCode: () => channelQrFormStore.error?.code ?? '',
      draft: () => channelQrFormStore.draft,
      issues: () => channelQrFormStore.issues,
      saving: () => channelQrFormStore.saving,
      fixedNote: () => {
        const qr = channelQrFormStore.original;
        if (!qr) return '';
        return `${QR_TYPE_LABELS[qr.type]} · ${QR_STATUS_LABELS[qr.status]}${qr.channel ? ` · 渠道「${qr.channel}」` : ''}：类型、有效期和渠道创建后不能修改`;
      },
      typeHint: () =>
        channelQrFormStore.draft.type === 'temporary'
          ? '临时二维码最长有效 30 天，数量不限'
          : '永久二维码长期有效，微信限每个公众号 10 万个',
      repliesHint: () =>
        channelQrFormStore.draft.repliesEnabled
          ? '已关注用户扫码后直接收到；新用户扫码并关注后收到。最多 3 条，按顺序发送。'
          : '扫码后不发送回复',
      canAddReply: () => channelQrFormStore.draft.replies.length < QR_LIMITS.replies,
      replyRows: () => {
        const form = channelQrFormStore;
        const names = Object.fromEntries(form.materials.map((m) => [m.materialId, m.name]));
        const nameOf = (id: string) => (id ? (names[id] ?? `素材 ${id.slice(0, 8)}`) : '');
        const count = form.draft.replies.length;
        return form.draft.replies.map((reply: ReplyDraft, index) => ({
          ...reply,
          index,
          kindText: REPLY_KIND_LABELS[reply.kind],
          first: index === 0,
          last: index === count - 1,
          textCount: `${textLength(reply.text)}/${QR_LIMITS.text}`,
          textOver: textLength(reply.text) > QR_LIMITS.text,
          needsMaterial: materialKindOf(reply.kind, 'materialId') !== null,
          needsThumb: materialKindOf(reply.kind, 'thumbMaterialId') !== null,
          materialName: nameOf(reply.materialId),
          thumbName: nameOf(reply.thumbMaterialId),
          thumbHint: `JPG 或 PNG，不超过 2 MB，建议${reply.kind === 'miniprogram' ? ' 520 × 416' : ' 1:1'}`,
          uploadingMaterial: form.uploading === `${reply.key}.materialId`,
          uploadingThumb: form.uploading === `${reply.key}.thumbMaterialId`,
          issues: {
            text: form.issues[`reply.${index}.text`] ?? '',
            materialId: form.issues[`reply.${index}.materialId`] ?? '',
            thumbMaterialId: form.issues[`reply.${index}.thumbMaterialId`] ?? '',
            title: form.issues[`reply.${index}.title`] ?? '',
            description: form.issues[`reply.${index}.description`] ?? '',
            appid: form.issues[`reply.${index}.appid`] ?? '',
            pagePath: form.issues[`reply.${index}.pagePath`] ?? '',
            url: form.issues[`reply.${index}.url`] ?? '',
          },
        }));
      },
    },
    actions: {},
  } as const,

  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const qrId = query.qrId ?? '';
      channelQrFormStore.reset(qrId);
      this.setData({ notice: '' });
      void wx.setNavigationBarTitle({ title: qrId ? '编辑渠道码' : '新建渠道码' });
      await adminSessionStore.ensureMe();
      await channelQrFormStore.load();
    },

    onRetry() {
      void channelQrFormStore.load();
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      await channelQrFormStore.load();
    },

    onText(event: FieldEvent<string>) {
      const field = event.currentTarget.dataset.field;
      if (field === 'name' || field === 'expireDays' || field === 'channel' || field === 'tagInput')
        channelQrFormStore.edit({ [field]: String(event.detail ?? '') });
    },

    onType(event: FieldEvent<unknown> & { currentTarget: { dataset: { type?: string } } }) {
      if (channelQrFormStore.editing) return;
      const type = event.currentTarget.dataset.type as ChannelQrType | undefined;
      if (type === 'temporary' || type === 'permanent') channelQrFormStore.edit({ type });
    },

    onAddTag() {
      channelQrFormStore.addTag();
    },

    onRemoveTag(event: FieldEvent<unknown>) {
      const tag = event.currentTarget.dataset.tag;
      if (tag) channelQrFormStore.removeTag(tag);
    },

    onRepliesEnabled(event: FieldEvent<boolean>) {
      channelQrFormStore.edit({ repliesEnabled: event.detail === true });
    },

    onAddReply(event: FieldEvent<{ value: string | number }>) {
      const kind = REPLY_KINDS[Number(event.detail.value)];
      if (kind) channelQrFormStore.addReply(kind);
    },

    async onRemoveReply(event: FieldEvent<unknown>) {
      const index = Number(event.currentTarget.dataset.index);
      const reply = channelQrFormStore.draft.replies[index];
      if (!reply) return;
      const filled = reply.text || reply.materialId || reply.title || reply.url || reply.appid;
      if (filled) {
        const go = await confirmAction({
          title: '移除回复内容',
          content: `移除第 ${index + 1} 条（${REPLY_KIND_LABELS[reply.kind]}）？保存后生效。`,
          confirmText: '移除',
          danger: true,
        });
        if (!go) return;
      }
      channelQrFormStore.removeReply(index);
    },

    onMoveReply(event: FieldEvent<unknown>) {
      const { index, direction } = event.currentTarget.dataset;
      channelQrFormStore.moveReply(Number(index), Number(direction) < 0 ? -1 : 1);
    },

    onReplyText(event: FieldEvent<string>) {
      const { field, index } = event.currentTarget.dataset;
      if (isReplyTextField(field))
        channelQrFormStore.editReply(Number(index), { [field]: String(event.detail ?? '') });
    },

    /** Opens the material hub for the item's field (a picture, video, audio or 图文). */
    async onMaterial(event: FieldEvent<unknown>) {
      const { field, index } = event.currentTarget.dataset;
      const at = Number(index);
      const reply = channelQrFormStore.draft.replies[at];
      if (!reply || !isMaterialField(field) || channelQrFormStore.uploading) return;
      const kind = materialKindOf(reply.kind, field);
      if (!kind) return;
      this.setData({ notice: '' });
      await materialPickerStore.show(kind, { index: at, field });
    },

    onPickMaterial(event: { detail: PickerTarget & { material: MaterialView } }) {
      const { index, field, material } = event.detail;
      channelQrFormStore.rememberMaterial(material);
      channelQrFormStore.chooseMaterial(index, field, material.materialId);
    },

    async onPickDraft(event: { detail: PickerTarget & { draft: OaDraftView } }) {
      const outcome = await channelQrFormStore.addDraft(event.detail.index, event.detail.draft);
      if (!outcome.ok) this.setData({ notice: outcome.message });
    },

    async onUploadMaterial(event: { detail: PickerTarget & { kind: MaterialKind } }) {
      const { index, field, kind } = event.detail;
      if (kind === 'news' || channelQrFormStore.uploading) return;
      const file = await pickFile(kind);
      if (typeof file === 'string') {
        this.setData({ notice: `无法选择文件：${file}` });
        return;
      }
      if (!file) return;
      const outcome = await channelQrFormStore.uploadMaterial(index, field, kind, file);
      if (!outcome.ok) this.setData({ notice: outcome.message });
      else void wx.showToast({ title: '素材已上传', icon: 'success' });
    },

    async onSave() {
      this.setData({ notice: '' });
      const outcome = await channelQrFormStore.save();
      if (outcome.ok === 'busy') return;
      if (outcome.ok === false) {
        this.setData({
          notice: outcome.error
            ? describeChannelQrError(outcome.error)
            : '还有信息需要修改，请查看标红的项目',
        });
        return;
      }
      if (channelQrsStore.status === 'ready') void channelQrsStore.load();
      void wx.showToast({ title: outcome.created ? '已创建' : '已保存', icon: 'success' });
      if (outcome.created) {
        void wx.redirectTo({
          url: `/admin/pages/channel-qr/detail/index?qrId=${encodeURIComponent(outcome.qr.qrId)}`,
        });
      } else void wx.navigateBack();
    },
  },
});
