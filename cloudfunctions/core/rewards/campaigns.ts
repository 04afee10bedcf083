/**
 * Reward campaigns as marketers manage them (admin actions). Shapes are checked at the edge
 * (admin/campaigns.ts); the rules of a runnable campaign are domain/campaign-validation.ts's
 * validateCampaign, and every budget move is a conditional update in data/campaigns.ts.
 */
import type {
  CampaignFields,
  CampaignResult,
  CampaignView,
  ListCampaignsRequest,
  ListCampaignsResult,
  SetCampaignStatusRequest,
  UpdateCampaignRequest,
} from '../../../typings/admin.js';
import {
  changeStatus,
  findCampaign,
  insertCampaign,
  listCampaignRecords,
  replaceDefinition,
  type CampaignRecord,
} from '../data/campaigns.js';
import {
  canChangeStatus,
  type CampaignDefinition,
  type CampaignStatus,
} from '../domain/campaign.js';
import { validateCampaign } from '../domain/campaign-validation.js';
import { AppError, notFound } from '../errors.js';

const STATUS_LABELS: Readonly<Record<CampaignStatus, string>> = {
  draft: '草稿',
  running: '进行中',
  paused: '已暂停',
  ended: '已结束',
};

const campaignNotFound = (): AppError => notFound('活动不存在，请刷新列表后重试');

export function toDefinition(fields: CampaignFields): CampaignDefinition {
  return {
    name: fields.name.trim(),
    startAt: Date.parse(fields.startAt),
    endAt: Date.parse(fields.endAt),
    budgetFen: fields.budgetFen,
    amount: fields.amount,
    firstScanOnly: fields.firstScanOnly,
    allowTypedCodes: fields.allowTypedCodes ?? false,
    amountDisplay: fields.amountDisplay,
    targeting: fields.targeting,
    limits: { perCode: 1, ...fields.limits },
    payout: fields.payout,
    risk: fields.risk,
  };
}

/** Refuses a definition that cannot run, naming its first problem in Chinese. */
function assertValid(def: CampaignDefinition): void {
  const [first, ...rest] = validateCampaign(def);
  if (!first) return;
  const more = rest.length > 0 ? `（另有 ${rest.length} 处问题）` : '';
  throw new AppError('INVALID_CAMPAIGN', `${first.message}${more}`);
}

export async function createCampaign(
  fields: CampaignFields,
  operator: string,
): Promise<CampaignResult> {
  const def = toDefinition(fields);
  assertValid(def);
  const campaignId = await insertCampaign(def, operator);
  return { campaign: await requireView(campaignId) };
}

export async function updateCampaign(
  request: UpdateCampaignRequest,
  operator: string,
): Promise<CampaignResult> {
  const { campaignId, ...fields } = request;
  const def = toDefinition(fields);
  assertValid(def);
  const current = await findCampaign(campaignId);
  if (!current) throw campaignNotFound();
  if (current.status === 'ended') {
    throw new AppError('CAMPAIGN_ENDED', '活动已结束，不能再修改');
  }
  if (current.status !== 'draft' && current.payout.provider !== def.payout.provider) {
    // Payouts already made keep their provider; switching mid-campaign would split its books.
    throw new AppError('CONFLICT', '活动开始后不能更换发放方式');
  }
  const cut = current.budgetFen - def.budgetFen;
  if (cut > current.remainingFen) {
    throw new AppError('BUDGET_TOO_LOW', '预算不能低于已发出和预留的金额之和');
  }
  const written = await replaceDefinition(
    campaignId,
    { status: current.status, budgetFen: current.budgetFen },
    def,
    operator,
  );
  // Its status or budget moved meanwhile (a claim, another operator): the check above is stale.
  if (!written) throw new AppError('CONFLICT', '活动刚刚发生了变化，请刷新后重试');
  return { campaign: await requireView(campaignId) };
}

export async function setCampaignStatus(
  request: SetCampaignStatusRequest,
  operator: string,
): Promise<CampaignResult> {
  const current = await findCampaign(request.campaignId);
  if (!current) throw campaignNotFound();
  const to = request.status;
  if (current.status !== to) {
    if (!canChangeStatus(current.status, to)) {
      throw new AppError(
        'INVALID_STATUS_CHANGE',
        `活动「${STATUS_LABELS[current.status]}」时不能改为「${STATUS_LABELS[to]}」`,
      );
    }
    if (to === 'running') assertValid(current);
    if (!(await changeStatus(request.campaignId, current.status, to, operator))) {
      throw new AppError('CONFLICT', '活动状态刚刚发生了变化，请刷新后重试');
    }
  }
  return { campaign: await requireView(request.campaignId) };
}

export async function getCampaign(campaignId: string): Promise<CampaignResult> {
  return { campaign: await requireView(campaignId) };
}

export async function listCampaigns(request: ListCampaignsRequest): Promise<ListCampaignsResult> {
  const records = await listCampaignRecords({
    ...(request.status ? { status: request.status } : {}),
    limit: request.limit ?? 20,
    offset: request.offset ?? 0,
  });
  return { campaigns: records.map(campaignView) };
}

async function requireView(campaignId: string): Promise<CampaignView> {
  const record = await findCampaign(campaignId);
  if (!record) throw campaignNotFound();
  return campaignView(record);
}

export function campaignView(record: CampaignRecord): CampaignView {
  const { perCode: _perCode, ...limits } = record.limits;
  return {
    campaignId: record._id,
    name: record.name,
    startAt: new Date(record.startAt).toISOString(),
    endAt: new Date(record.endAt).toISOString(),
    budgetFen: record.budgetFen,
    amount: record.amount,
    firstScanOnly: record.firstScanOnly,
    allowTypedCodes: record.allowTypedCodes,
    amountDisplay: record.amountDisplay,
    targeting: record.targeting,
    limits,
    payout: record.payout,
    risk: record.risk,
    status: record.status,
    budget: {
      budgetFen: record.budgetFen,
      remainingFen: record.remainingFen,
      reservedFen: record.reservedFen,
      paidFen: record.paidFen,
      ...(record.overspentFen ? { overspentFen: record.overspentFen } : {}),
    },
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}
