import type { Verdict } from '../../../typings/scan';
import { presentVerdict } from './present';

/** The anti-counterfeit verdict at the top of the landing page: colour, words and figures. */
Component({
  properties: {
    verdict: { type: Object, value: null },
  },

  data: {
    display: null as ReturnType<typeof presentVerdict> | null,
  },

  observers: {
    verdict(verdict: Verdict | null) {
      this.setData({ display: verdict ? presentVerdict(verdict) : null });
    },
  },
});
