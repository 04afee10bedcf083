/**
 * Turns what the database holds about a scanned code into the landing view of typings/scan.ts.
 */
import type { TraceStepInput } from '../../../typings/admin.js';
import type {
  FollowCardSettings,
  LandingView,
  ProductView,
  TraceStep,
  Verdict,
} from '../../../typings/scan.js';
import type { ActivatedRange } from '../data/code-ranges.js';
import type { ProductRecord } from '../data/products.js';
import type { ScanRecord } from '../data/scans.js';
import type { Campaign } from '../domain/campaign.js';
import { mergeTrace } from '../domain/trace.js';
import {
  decideVerdict,
  effectiveThresholds,
  firstScanState,
  type CodeScanState,
} from '../domain/verdict.js';
import { rewardOffer } from '../rewards/offer.js';
import { imageUrls, showable } from './images.js';
import { scannerKey } from './scan-ids.js';

export interface LandingParts {
  scanId: string;
  code: string;
  /** How the scan reached us: campaigns that pay only ticket scans are not offered to typed codes. */
  via: 'ticket' | 'code';
  openid: string;
  now: number;
  /** The activated segment as recorded here; absent when it is not (see NOT_ACTIVATED). */
  range?: ActivatedRange;
  product?: ProductRecord;
  state?: CodeScanState;
  /** Running campaigns (rewards/offer.ts): the best one targeting the code is offered. */
  campaigns?: readonly Campaign[];
}

export async function landingView(parts: LandingParts): Promise<LandingView> {
  const { range, product } = parts;
  if (!range) return emptyView(parts.scanId, parts.code, 'not_activated');
  const verdict = decideVerdict({
    activation: 'activated',
    state: parts.state,
    scanId: parts.scanId,
    openid: parts.openid,
    now: parts.now,
    thresholds: effectiveThresholds(product?.suspicion),
  });
  const trace = mergeTrace(product?.trace ?? [], range.traceSteps);
  const urls = await imageUrls([
    ...(product?.images ?? []),
    ...trace.flatMap((step) => step.images ?? []),
  ]);
  const brand = product?.brand ?? range.productBrand;
  const reward = rewardOffer(
    parts.campaigns ?? [],
    {
      code: parts.code,
      via: parts.via,
      applicationId: range.applicationId,
      codeStart: range.codeStart,
      ...(range.productId ? { productId: range.productId } : {}),
      verdict: verdict.kind,
    },
    parts.now,
  );
  return {
    scanId: parts.scanId,
    code: parts.code,
    product: product ? productView(product, urls) : activationProduct(range),
    trace: trace.map((step) => traceStepView(step, urls)),
    verdict,
    follow: followSettings(product?.follow, brand),
    ...(reward ? { reward } : {}),
  };
}

/** The view of a code with no product to show: unknown to WeChat, or not activated. */
export function emptyView(
  scanId: string,
  code: string,
  activation: 'unknown' | 'not_activated',
): LandingView {
  const verdict: Verdict = decideVerdict({
    activation,
    scanId,
    openid: '',
    now: 0,
    thresholds: effectiveThresholds(),
  });
  return {
    scanId,
    code,
    product: null,
    trace: [],
    verdict,
    follow: { enabled: false },
  };
}

function productView(product: ProductRecord, urls: Map<string, string>): ProductView {
  return {
    id: product._id,
    title: product.title,
    brand: product.brand,
    ...(product.ean ? { ean: product.ean } : {}),
    images: showable(product.images, urls),
    attributes: product.attributes ?? [],
  };
}

/**
 * A range activated but not yet bound to a product still names one: what the operator told
 * WeChat when activating it.
 */
function activationProduct(range: ActivatedRange): ProductView {
  return {
    id: `range:${range.applicationId}:${range.codeStart}`,
    title: range.productTitle,
    brand: range.productBrand,
    ean: range.productCode,
    images: [],
    attributes: [],
  };
}

function traceStepView(step: TraceStepInput, urls: Map<string, string>): TraceStep {
  const { images, ...rest } = step;
  const shown = showable(images, urls);
  return shown.length > 0 ? { ...rest, images: shown } : rest;
}

/** Per product; a product that says nothing shows the card, naming its brand's account. */
export function followSettings(
  set: FollowCardSettings | undefined,
  brand: string,
): FollowCardSettings {
  const enabled = set?.enabled ?? true;
  if (!enabled) return { enabled: false };
  return {
    enabled: true,
    officialAccountName: set?.officialAccountName || brand,
    hint: set?.hint || `关注「${brand}」公众号，获取新品、溯源与活动消息`,
  };
}

/**
 * The landing view of a recorded scan. No state yet: the request that claimed this scan is
 * creating it, so the scan is the code's first.
 */
export async function scanView(parts: {
  scanId: string;
  code: string;
  via: ScanRecord['via'];
  scanner: { openid: string };
  at: number;
  range: ActivatedRange | undefined;
  product: ProductRecord | undefined;
  state: CodeScanState | undefined;
  campaigns: readonly Campaign[];
}): Promise<LandingView> {
  const { range } = parts;
  if (!range) return emptyView(parts.scanId, parts.code, 'not_activated');
  const state =
    parts.state ??
    firstScanState({
      scanId: parts.scanId,
      openid: parts.scanner.openid,
      at: parts.at,
      recent: { at: parts.at, by: scannerKey(parts.scanner.openid) },
    });
  return landingView({
    scanId: parts.scanId,
    code: parts.code,
    via: parts.via,
    openid: parts.scanner.openid,
    now: parts.at,
    range,
    product: parts.product,
    state,
    campaigns: parts.campaigns,
  });
}
