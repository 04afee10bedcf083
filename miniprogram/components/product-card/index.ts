/**
 * The product on the landing page: an image swiper (tap to view full screen), title, brand, EAN
 * and attributes. The native <swiper> is used rather than a library one: it costs the main package
 * nothing and scrolls natively.
 */
/** A tap on a gallery image; `data-index` says which one. */
interface ImageTap {
  currentTarget: { dataset: { index: number } };
}

Component({
  properties: {
    product: { type: Object, value: null },
  },

  data: {
    current: 0,
  },

  observers: {
    // Another product (a re-scan on a hot start) starts its gallery at the first image.
    product() {
      this.setData({ current: 0 });
    },
  },

  methods: {
    onSwiperChange(event: WechatMiniprogram.SwiperChange) {
      this.setData({ current: event.detail.current });
    },

    onImageTap(event: ImageTap) {
      const images = (this.data.product as { images?: string[] } | null)?.images ?? [];
      const current = images[event.currentTarget.dataset.index];
      if (current) wx.previewImage({ urls: images, current });
    },
  },
});
