import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { EnvelopeError } from '../../../../../typings/envelope';
import { adminSessionStore } from '../../../stores/session';
import { campaignFormStore } from '../../../stores/campaign-form';
import {
  fenToYuan,
  expectedAverageFen,
  textCounters,
  tierChances,
  V2_SCENE_IDS,
  type AmountKind,
  type CampaignDraft,
  type Provider,
  type RecvPerception,
} from '../form';
import { CAMPAIGN_STATUS_LABELS, describeCampaignError } from '../present';

function errorText(error: EnvelopeError | null): string {
  return error ? describeCampaignError(error) : '';
}

const AMOUNT_KINDS: readonly { value: AmountKind; name: string }[] = [
  { value: 'fixed', name: '固定金额' },
  { value: 'uniform', name: '随机金额（区间内均匀）' },
  { value: 'tiers', name: '按档位抽取（权重）' },
];
const PROVIDERS: readonly { value: Provider; name: string }[] = [
  { value: 'v3-transfer', name: '商家转账（微信支付 v3）' },
  { value: 'v2-redpacket', name: '小程序红包（微信支付 v2）' },
];
const SCENES = [
  { value: '', name: '不指定' },
  ...V2_SCENE_IDS.map((id) => ({ value: id, name: id })),
];
const PERCEPTIONS: readonly RecvPerception[] = ['现金奖励', '活动奖励'];

/** Draft fields typed into a van-field (`data-field` names one). */
const TEXT_FIELDS = [
  'name',
  'budgetYuan',
  'fixedYuan',
  'minYuan',
  'maxYuan',
  'perUserPerDay',
  'perUserPerCampaign',
  'maxClaimsPerIpPerHour',
  'blacklist',
  'sendName',
  'wishing',
  'actName',
  'remark',
  'transferRemark',
  'reportActivityName',
  'reportRewardDescription',
] as const;
type TextFieldKey = (typeof TEXT_FIELDS)[number];
const isTextField = (key: unknown): key is TextFieldKey =>
  (TEXT_FIELDS as readonly unknown[]).includes(key);

/** Switches (`data-field`). */
const FLAG_FIELDS = [
  'firstScanOnly',
  'allowTypedCodes',
  'amountHidden',
  'excludeSuspicious',
] as const;
type FlagFieldKey = (typeof FLAG_FIELDS)[number];
const isFlagField = (key: unknown): key is FlagFieldKey =>
  (FLAG_FIELDS as readonly unknown[]).includes(key);

/** Date and time pickers (`data-field`). */
const WHEN_FIELDS = ['startDate', 'startTime', 'endDate', 'endTime'] as const;
type WhenFieldKey = (typeof WHEN_FIELDS)[number];
const isWhenField = (key: unknown): key is WhenFieldKey =>
  (WHEN_FIELDS as readonly unknown[]).includes(key);

/** What vant and native controls hand over: the value, and the control's `data-*`. */
interface FieldEvent<D> {
  detail: D;
  currentTarget: { dataset: { field?: string; index?: number; id?: string; kind?: string } };
}

/** 新建活动 / 编辑活动: every field of a campaign, checked as typed, saved to the server. */
ComponentWithStore({
  data: {
    notice: '',
    amountKinds: AMOUNT_KINDS,
    providers: PROVIDERS,
    scenes: SCENES,
    perceptions: PERCEPTIONS,
  },

  storeBindings: {
    store: campaignFormStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayWrite: () =>
        adminSessionStore.can(campaignFormStore.campaignId ? 'updateCampaign' : 'createCampaign'),
      editing: () => campaignFormStore.campaignId !== '',
      status: () => campaignFormStore.status,
      loadError: () => errorText(campaignFormStore.error),
      loadErrorCode: () => campaignFormStore.error?.code ?? '',
      draft: () => campaignFormStore.draft,
      issues: () => campaignFormStore.issues,
      saving: () => campaignFormStore.saving,
      providerLocked: () => campaignFormStore.providerLocked,
      runningNote: () => {
        const original = campaignFormStore.original;
        if (!original || original.status === 'draft') return '';
        const held = fenToYuan(campaignFormStore.committedFen);
        return `活动${CAMPAIGN_STATUS_LABELS[original.status]}：发放方式不能更换，预算不能低于已发出和预留的 ${held} 元；修改即时生效。`;
      },
      amountKindIndex: () =>
        Math.max(
          0,
          AMOUNT_KINDS.findIndex((kind) => kind.value === campaignFormStore.draft.amountKind),
        ),
      amountKindName: () =>
        AMOUNT_KINDS.find((kind) => kind.value === campaignFormStore.draft.amountKind)?.name ?? '',
      providerIndex: () =>
        Math.max(
          0,
          PROVIDERS.findIndex((p) => p.value === campaignFormStore.draft.provider),
        ),
      providerName: () =>
        PROVIDERS.find((p) => p.value === campaignFormStore.draft.provider)?.name ?? '',
      sceneIndex: () =>
        Math.max(
          0,
          SCENES.findIndex((scene) => scene.value === campaignFormStore.draft.sceneId),
        ),
      perceptionIndex: () =>
        Math.max(0, PERCEPTIONS.indexOf(campaignFormStore.draft.userRecvPerception)),
      tierRows: () => {
        const chances = tierChances(campaignFormStore.draft.tiers);
        return campaignFormStore.draft.tiers.map((tier, index) => ({
          index,
          yuan: tier.yuan,
          weight: tier.weight,
          chance: chances[index] ?? '',
          yuanIssue: campaignFormStore.issues[`tier.${index}.yuan`] ?? '',
          weightIssue: campaignFormStore.issues[`tier.${index}.weight`] ?? '',
        }));
      },
      averageText: () => {
        const average = expectedAverageFen(campaignFormStore.draft);
        return average === null ? '' : `每次平均约 ${(Math.round(average) / 100).toFixed(2)} 元`;
      },
      counters: () => {
        const list = textCounters(campaignFormStore.draft);
        return Object.fromEntries(list.map((counter) => [counter.field, counter]));
      },
      overLimit: () => textCounters(campaignFormStore.draft).some((counter) => counter.over),
      choicesStatus: () => campaignFormStore.choicesStatus,
      productChoices: () =>
        campaignFormStore.products.map((choice) => ({
          ...choice,
          checked: campaignFormStore.draft.productIds.includes(choice.id),
        })),
      rangeChoices: () =>
        campaignFormStore.ranges.map((choice) => ({
          ...choice,
          checked: campaignFormStore.draft.rangeIds.includes(choice.id),
        })),
    },
    actions: {},
  } as const,

  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const campaignId = query.campaignId ?? '';
      campaignFormStore.reset(campaignId);
      this.setData({ notice: '' });
      void wx.setNavigationBarTitle({ title: campaignId ? '编辑活动' : '新建活动' });
      await adminSessionStore.ensureMe();
      await campaignFormStore.load();
    },

    onRetry() {
      void campaignFormStore.load();
    },

    onRetryChoices() {
      void campaignFormStore.loadChoices();
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      await campaignFormStore.load();
    },

    onText(event: FieldEvent<string>) {
      const field = event.currentTarget.dataset.field;
      if (isTextField(field)) campaignFormStore.edit({ [field]: event.detail });
    },

    onFlag(event: FieldEvent<boolean>) {
      const field = event.currentTarget.dataset.field;
      if (isFlagField(field)) campaignFormStore.edit({ [field]: event.detail === true });
    },

    onWhen(event: FieldEvent<{ value: string }>) {
      const field = event.currentTarget.dataset.field;
      if (!isWhenField(field)) return;
      const change: Partial<CampaignDraft> = { [field]: String(event.detail.value) };
      campaignFormStore.edit(change);
    },

    onAmountKind(event: FieldEvent<{ value: string | number }>) {
      const kind = AMOUNT_KINDS[Number(event.detail.value)];
      if (kind) campaignFormStore.edit({ amountKind: kind.value });
    },

    onProvider(event: FieldEvent<{ value: string | number }>) {
      if (campaignFormStore.providerLocked) return;
      const provider = PROVIDERS[Number(event.detail.value)];
      if (provider) campaignFormStore.edit({ provider: provider.value });
    },

    onScene(event: FieldEvent<{ value: string | number }>) {
      const scene = SCENES[Number(event.detail.value)];
      if (scene) campaignFormStore.edit({ sceneId: scene.value });
    },

    onPerception(event: FieldEvent<{ value: string | number }>) {
      const perception = PERCEPTIONS[Number(event.detail.value)];
      if (perception) campaignFormStore.edit({ userRecvPerception: perception });
    },

    onTierYuan(event: FieldEvent<string>) {
      campaignFormStore.editTier(Number(event.currentTarget.dataset.index), { yuan: event.detail });
    },

    onTierWeight(event: FieldEvent<string>) {
      campaignFormStore.editTier(Number(event.currentTarget.dataset.index), {
        weight: event.detail,
      });
    },

    onAddTier() {
      campaignFormStore.addTier();
    },

    onRemoveTier(event: FieldEvent<unknown>) {
      campaignFormStore.removeTier(Number(event.currentTarget.dataset.index));
    },

    onToggleTarget(event: FieldEvent<unknown>) {
      const { kind, id } = event.currentTarget.dataset;
      if (!id) return;
      campaignFormStore.toggleTarget(kind === 'range' ? 'rangeIds' : 'productIds', id);
    },

    async onSave() {
      this.setData({ notice: '' });
      const wasEditing = campaignFormStore.campaignId !== '';
      const outcome = await campaignFormStore.save();
      if (outcome.ok === 'busy') return;
      if (outcome.ok === false) {
        this.setData({
          notice: outcome.error
            ? describeCampaignError(outcome.error)
            : '还有信息需要修改，请查看标红的项目',
        });
        return;
      }
      void wx.showToast({ title: wasEditing ? '已保存' : '已创建', icon: 'success' });
      if (wasEditing) void wx.navigateBack();
      else {
        void wx.redirectTo({
          url: `/admin/pages/campaigns/detail/index?campaignId=${encodeURIComponent(outcome.campaignId)}`,
        });
      }
    },
  },
});
