import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import { type QrLogoPhase, qrLogoStore } from '../../../stores/qr-logo';
import { describeChannelQrError } from '../present';

const TITLES: Readonly<Record<QrLogoPhase, string>> = {
  none: '本批下载使用品牌 Logo',
  uploading: '正在上传 Logo…',
  uploaded: '本批下载使用上传的 Logo',
  refused: 'Logo 未能使用，本批下载使用品牌 Logo',
};

/**
 * 上传 Logo for the current batch of QR downloads (the list's zip, the details page's image): the
 * brand's logo until a PNG or JPEG is picked and uploaded, then its thumbnail with 移除; progress
 * while uploading and the reason when a picture is refused. Tells the page `change` whenever the
 * logo its downloads use changes.
 */
ComponentWithStore({
  storeBindings: {
    store: qrLogoStore,
    fields: {
      phase: () => qrLogoStore.phase,
      title: () => TITLES[qrLogoStore.phase],
      progress: () => qrLogoStore.progress,
      thumbnail: () => qrLogoStore.thumbnail,
      refusal: () => (qrLogoStore.refusal ? describeChannelQrError(qrLogoStore.refusal) : ''),
    },
    actions: {},
  } as const,

  data: { pickError: '' },

  methods: {
    async onUpload() {
      if (qrLogoStore.phase === 'uploading') return;
      let picked: { tempFilePath: string; size: number } | undefined;
      try {
        const result = await wx.chooseMedia({
          count: 1,
          mediaType: ['image'],
          sourceType: ['album', 'camera'],
          sizeType: ['original', 'compressed'],
        });
        picked = result.tempFiles[0];
      } catch (error) {
        const errMsg = (error as { errMsg?: string }).errMsg ?? '';
        // Closing the picker is no error.
        if (!/cancel/.test(errMsg)) this.setData({ pickError: `无法选择图片：${errMsg}` });
        return;
      }
      if (!picked) return;
      this.setData({ pickError: '' });
      const upload = qrLogoStore.upload({ tempFilePath: picked.tempFilePath, size: picked.size });
      this.triggerEvent('change');
      await upload;
      this.triggerEvent('change');
    },

    onRemove() {
      this.setData({ pickError: '' });
      qrLogoStore.remove();
      this.triggerEvent('change');
    },
  },
});
