import type { TraceStep } from '../../../typings/scan';
import { presentTrace } from './present';

/** A tap on a step's thumbnail; the dataset says which step and image. */
interface ImageTap {
  currentTarget: { dataset: { step: number; index: number } };
}

/**
 * The origin trace (溯源) as a vertical timeline, newest step last. A small custom component rather
 * than van-steps: steps here carry a place, an operator, a note and photos, which van-steps has no
 * room for, and the main package stays smaller.
 */
Component({
  properties: {
    steps: { type: Array, value: [] },
  },

  data: {
    items: [] as ReturnType<typeof presentTrace>,
  },

  observers: {
    steps(steps: TraceStep[] | null) {
      this.setData({ items: presentTrace(steps ?? []) });
    },
  },

  methods: {
    onImageTap(event: ImageTap) {
      const { step, index } = event.currentTarget.dataset;
      const urls = this.data.items[step]?.images ?? [];
      if (urls[index]) wx.previewImage({ urls, current: urls[index] });
    },
  },
});
