import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import { rewardStore } from '../../stores/reward';
import { presentReward } from './present';

/**
 * The cash reward of the scanned code: the offer (amount shown, or hidden until opened), the
 * claim button where the launch allows it, then WeChat's envelope or 确认收款 page, and the
 * outcome. State lives in stores/reward.ts; the landing page feeds it views and the entry scene.
 */
ComponentWithStore({
  storeBindings: {
    store: rewardStore,
    fields: {
      display: () =>
        presentReward({
          phase: rewardStore.phase,
          offer: rewardStore.offer,
          payout: rewardStore.payout,
          error: rewardStore.error,
          canClaim: rewardStore.canClaim,
          pending: rewardStore.pending,
        }),
    },
    actions: {},
  } as const,

  methods: {
    onAction() {
      const action = (this.data as { display: ReturnType<typeof presentReward> }).display?.action;
      if (!action || action.loading) return;
      if (action.kind === 'refresh') void rewardStore.refresh();
      else void rewardStore.claim();
    },
  },
});
