import { makeAutoObservable, observable, runInAction } from 'mobx-miniprogram';
import type { EnvelopeError } from '../../typings/envelope';
import type { ClaimResult, PayoutView, RewardOffer } from '../../typings/reward';
import type { LandingView } from '../../typings/scan';
import { claimReward, rewardStatus } from '../services/reward';
import { canOpenPayout, openPayout } from '../services/wechat-pay';

/**
 * Launch scenes of a camera scan: the only ones in which WeChat lets a Mini Program hand out a
 * red envelope (wx.sendBizRedPacket fails with "scene … not support" elsewhere). Transfers share
 * the rule, so one reward behaves one way.
 */
export const CLAIM_SCENES: readonly number[] = [1011, 1025, 1047, 1124];

/**
 * Where the reward card stands:
 * - `none`: no offer for this view;
 * - `checking`: asking whether this scan's code was claimed before (once per view);
 * - `offer`: nothing claimed yet;
 * - `claiming` / `opening`: the claim call, then WeChat's envelope or 确认收款 page;
 * - `unopened`: claimed but not taken yet (closed, or a reopened page): taking it again is safe;
 * - `received`: 已领取;
 * - `settled`: a payout with nothing to open now: its state text (发放中, 发放失败…);
 * - `error`: the claim or the opening failed (`error`).
 */
export type RewardPhase =
  | 'none'
  | 'checking'
  | 'offer'
  | 'claiming'
  | 'opening'
  | 'unopened'
  | 'received'
  | 'settled'
  | 'error';

/** Codes the page itself produces (next to the server's and services/cloud.ts's). */
export const RewardClientError = {
  /** This WeChat cannot open the payout (wx.requestMerchantTransfer needs base library 3.3.0). */
  WeChatOutdated: 'WECHAT_OUTDATED',
  /** WeChat refused the envelope for this launch scene. */
  SceneNotSupported: 'SCENE_NOT_SUPPORTED',
  /** WeChat's payout page failed for another reason. */
  OpenFailed: 'OPEN_FAILED',
} as const;

/** Payout states still moving on the server: asking again later can tell more. */
const PENDING_STATES: readonly PayoutView['state'][] = ['sending', 'unknown'];

/** Final states in which the reward was not paid. */
const UNPAID_STATES: readonly PayoutView['state'][] = ['failed', 'budget_released'];

/** What a payout the server reports means for the card. */
function phaseOf(payout: PayoutView | null): RewardPhase {
  if (!payout) return 'offer';
  switch (payout.state) {
    case 'received':
      return 'received';
    // Claimed, not yet taken: claiming again answers the same payout, ready to open.
    case 'reserved':
    case 'sent':
    case 'waiting_user':
      return 'unopened';
    default:
      return 'settled';
  }
}

/** The reward card of the landing page: the offer, the claim and where the payout stands. */
export class RewardStore {
  phase: RewardPhase = 'none';
  offer: RewardOffer | null = null;
  scanId: string | null = null;
  payout: PayoutView | null = null;
  error: EnvelopeError | null = null;
  /** The scene the Mini Program was entered with (getEnterOptionsSync), as the page saw it. */
  entryScene: number | null = null;
  // Numbers each view so replies for an earlier scan are dropped.
  private generation = 0;

  constructor() {
    makeAutoObservable<RewardStore, 'generation'>(
      this,
      {
        offer: observable.ref,
        payout: observable.ref,
        error: observable.ref,
        generation: false,
      },
      { autoBind: true },
    );
  }

  /** Whether this launch may take a reward (otherwise the card asks for a new scan). */
  get canClaim(): boolean {
    return this.entryScene !== null && CLAIM_SCENES.includes(this.entryScene);
  }

  /** Whether the payout is still moving, so a status refresh is worth offering. */
  get pending(): boolean {
    return this.phase === 'settled' && !!this.payout && PENDING_STATES.includes(this.payout.state);
  }

  noteEntryScene(scene: number | undefined): void {
    this.entryScene = scene ?? null;
  }

  /**
   * A landing view arrived: show its offer and ask once whether this scan's code was claimed,
   * so a reopened page says 已领取 instead of offering again.
   */
  async show(view: LandingView): Promise<void> {
    if (view.scanId === this.scanId && this.phase !== 'none') return;
    const generation = this.restart();
    if (!view.reward) return;
    this.scanId = view.scanId;
    this.offer = view.reward;
    this.phase = 'checking';
    const reply = await rewardStatus({ scanId: view.scanId });
    runInAction(() => {
      if (generation !== this.generation || this.phase !== 'checking') return;
      if (!reply.ok) {
        // Unknown is not "claimed": the claim itself will say if it was.
        console.warn(`[reward] status failed: ${reply.error.code}`);
        this.phase = 'offer';
        return;
      }
      this.settle(reply.data.payout);
    });
  }

  /** No view on the page (a new lookup started, or back to the welcome screen). */
  clear(): void {
    this.restart();
  }

  /** Claims the reward, then opens it in WeChat. Safe to repeat: the server pays once. */
  async claim(): Promise<void> {
    const scanId = this.scanId;
    if (!scanId || !this.offer || !this.canClaim) return;
    if (this.phase === 'claiming' || this.phase === 'opening') return;
    // Before anything is claimed: no payout this WeChat could never open.
    if (!canOpenPayout(this.offer.provider)) {
      this.fail(RewardClientError.WeChatOutdated);
      return;
    }
    const generation = this.generation;
    this.phase = 'claiming';
    this.error = null;
    const reply = await claimReward({ scanId, campaignId: this.offer.campaignId });
    if (generation !== this.generation) return;
    if (!reply.ok) {
      runInAction(() => {
        this.phase = 'error';
        this.error = reply.error;
      });
      return;
    }
    await this.open(reply.data, generation);
  }

  /** Asks the server again where the payout stands (after a success, or for 发放中). */
  async refresh(): Promise<void> {
    const scanId = this.scanId;
    if (!scanId) return;
    const generation = this.generation;
    const reply = await rewardStatus({ scanId });
    runInAction(() => {
      if (generation !== this.generation || !reply.ok || !reply.data.payout) return;
      const payout = reply.data.payout;
      // The page saw WeChat take the payout; only a final "not paid" overrules that.
      if (this.phase === 'received' && !UNPAID_STATES.includes(payout.state)) {
        this.payout = payout;
        return;
      }
      if (this.phase === 'received' || this.phase === 'settled') this.settle(payout);
    });
  }

  private async open(result: ClaimResult, generation: number): Promise<void> {
    runInAction(() => {
      this.payout = result.payout;
      if (!result.client) this.settle(result.payout);
      else this.phase = 'opening';
    });
    if (!result.client) return;
    const opening = await openPayout(result.client);
    if (generation !== this.generation) return;
    runInAction(() => {
      switch (opening.outcome) {
        case 'done':
          this.phase = 'received';
          break;
        case 'cancelled':
          this.phase = 'unopened';
          break;
        case 'outdated':
          this.fail(RewardClientError.WeChatOutdated);
          break;
        case 'wrong_scene':
          this.fail(RewardClientError.SceneNotSupported);
          break;
        default:
          console.warn(`[reward] opening the payout failed: ${opening.errMsg}`);
          this.fail(RewardClientError.OpenFailed);
      }
    });
    // The server has the last word (and may know the envelope was opened by now).
    if (opening.outcome === 'done') void this.refresh();
  }

  private settle(payout: PayoutView | null): void {
    this.payout = payout;
    this.phase = phaseOf(payout);
    this.error = null;
  }

  private fail(code: string): void {
    this.phase = 'error';
    this.error = { code, message: '' };
  }

  private restart(): number {
    this.generation += 1;
    this.phase = 'none';
    this.offer = null;
    this.scanId = null;
    this.payout = null;
    this.error = null;
    return this.generation;
  }
}

export const rewardStore = new RewardStore();
