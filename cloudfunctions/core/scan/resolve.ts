/**
 * A consumer's scan, from a `code_ticket` (resolve) or a raw code (verify) to the landing view.
 *
 * One WeChat call per scan, and a fixed number of database round trips, in rounds:
 *
 *   round 0  tickettocode ‖ the scan by this id, if recorded before (resolve only)   1 (+ WeChat)
 *   round 1  claim the scan ‖ the activated range ‖ the code's state ‖ its index     4
 *   round 2  claim "new scanner" ‖ the product                                         2
 *   round 3  count the scan: one atomic update, or the insert of a first scan         1
 *
 * So 8 for a resolve and 7 for a verify, plus, amortised, the OA token read (an instance keeps
 * it 30 s), the temporary image URLs (kept an hour) and the running campaigns the reward offer is
 * chosen from (rewards/offer.ts: read beside round 1 the first time an instance needs them, then
 * kept a minute). A replay — the same ticket resolved again by its user — reads 3 (range, state,
 * product) after round 0 and counts nothing. The rare loser of a race to create a code's state
 * makes 2 more (count, then read the state back).
 *
 * "New scanner" is claimed only after the scan itself is claimed: if both requests of a double
 * tap could claim either, the one counting the scan might not be the one that learnt the user was
 * new, and the distinct count would miss them.
 */
import { createHash } from 'node:crypto';
import type {
  LandingView,
  ResolveRequest,
  ScanLocation,
  VerifyRequest,
} from '../../../typings/scan.js';
import { findActivation, type ActivatedRange } from '../data/code-ranges.js';
import { claimScanner } from '../data/code-scanners.js';
import { countRepeatScan, createCode, findCode } from '../data/codes.js';
import { findCodeIndex } from '../data/package-codes.js';
import { findProduct, type ProductRecord } from '../data/products.js';
import { claimScan, findScan, type ScanRecord } from '../data/scans.js';
import type { Campaign } from '../domain/campaign.js';
import {
  firstScanState,
  placeKeyOf,
  withScan,
  type CodeScanState,
  type RecentScan,
} from '../domain/verdict.js';
import { AppError } from '../errors.js';
import { runningCampaigns } from '../rewards/offer.js';
import { WeChatApiError, WeChatConfigError, WeChatTransportError } from '../wechat/errors.js';
import { marketcodeClient, type CodeActivation } from '../wechat/marketcode/client.js';
import { emptyView, landingView } from './landing.js';

/** WeChat's "invalid args": for tickettocode, a ticket unknown, expired or of another user. */
const INVALID_ARGS = 40097;

/** The consumer waits on this call: fail fast and let them retry rather than hang. */
const TICKET_TIMEOUT_MS = 5_000;

export interface Scanner {
  openid: string;
  clientIp?: string;
}

export async function resolveTicket(
  request: ResolveRequest,
  scanner: Scanner,
): Promise<LandingView> {
  const scanId = ticketScanId(scanner.openid, request.codeTicket);
  // The earlier record is looked up beside the WeChat call, not before it: no added latency, and
  // a page reopened after its ticket expired still shows what it showed.
  const [earlier, activation] = await Promise.allSettled([
    findScan(scanId),
    marketcodeClient().ticketToCode(
      { openid: scanner.openid, codeTicket: request.codeTicket },
      TICKET_TIMEOUT_MS,
    ),
  ]);
  if (earlier.status === 'rejected') throw earlier.reason;
  if (earlier.value?.openid === scanner.openid) return replay(earlier.value);
  if (activation.status === 'rejected') throw ticketFailure(activation.reason);
  return recordScan({
    via: 'ticket',
    scanId,
    activation: activation.value,
    scanner,
    scene: request.scene,
    location: request.location,
  });
}

export async function verifyCode(request: VerifyRequest, scanner: Scanner): Promise<LandingView> {
  const at = Date.now();
  const scanId = codeScanId(scanner.openid, request.code, at);
  let activation: CodeActivation;
  try {
    activation = await marketcodeClient().queryActivation({ code: request.code });
  } catch (error) {
    // WeChat tells "no such code" from "not activated" only in errmsg (wechat-api.md §1.1).
    if (error instanceof WeChatApiError && error.errcode === INVALID_ARGS) {
      const notActivated = /activ/i.test(error.errmsg);
      return emptyView(scanId, request.code, notActivated ? 'not_activated' : 'unknown');
    }
    throw upstreamFailure(error);
  }
  return recordScan({
    via: 'code',
    scanId,
    activation,
    scanner,
    scene: request.scene,
    location: request.location,
    at,
  });
}

interface ScanOfCode {
  via: ScanRecord['via'];
  scanId: string;
  activation: CodeActivation;
  scanner: Scanner;
  scene?: number;
  location?: ScanLocation;
  at?: number;
}

async function recordScan(scan: ScanOfCode): Promise<LandingView> {
  const { scanId, scanner, activation } = scan;
  const { code, applicationId, codeStart } = activation;
  const at = scan.at ?? Date.now();
  const place = placeKeyOf(scan.location);
  const recent: RecentScan = { at, by: scannerKey(scanner.openid), ...(place ? { place } : {}) };

  // Round 1 (and, on a cold instance, the running campaigns).
  const [claim, range, existing, index, campaigns] = await Promise.all([
    claimScan({
      _id: scanId,
      via: scan.via,
      code,
      applicationId,
      rangeStart: codeStart,
      openid: scanner.openid,
      scannedAt: at,
      ...(scanner.clientIp ? { clientIp: scanner.clientIp } : {}),
      ...(scan.scene !== undefined ? { scene: scan.scene } : {}),
      ...(scan.location ? { location: scan.location } : {}),
    }),
    findActivation(applicationId, codeStart),
    findCode(code),
    findCodeIndex(code),
    runningCampaigns(),
  ]);
  // Another request holds this very scan (a double tap): show it, count nothing.
  if (claim === 'duplicate') {
    return view({
      scanId,
      code,
      via: scan.via,
      scanner,
      at,
      range,
      state: existing ?? undefined,
      campaigns,
    });
  }
  // Activated at WeChat but unknown here (activated outside this system, or its record lost):
  // nothing to show or count against.
  if (!range) return emptyView(scanId, code, 'not_activated');

  // Round 2.
  const [newScanner, product] = await Promise.all([
    claimScanner(code, scanner.openid, at),
    productOf(range),
  ]);

  // Round 3.
  let state: CodeScanState;
  if (existing) {
    await countRepeatScan(code, { scanId, at, recent, newScanner });
    state = withScan(existing, { recent, newScanner });
  } else {
    const first = firstScanState({
      scanId,
      openid: scanner.openid,
      at,
      recent,
      placeName: scan.location?.place,
    });
    const created = await createCode({
      ...first,
      code,
      applicationId,
      ...(index !== undefined ? { index } : {}),
      rangeStart: codeStart,
      lastScannedAt: at,
      lastScanId: scanId,
    });
    if (created === 'created') {
      state = first;
    } else {
      // Another first scan of this code won the insert a moment ago: this one is a repeat.
      await countRepeatScan(code, { scanId, at, recent, newScanner });
      state = (await findCode(code)) ?? first;
    }
  }
  return landingView({
    scanId,
    code,
    via: scan.via,
    openid: scanner.openid,
    now: at,
    range,
    product,
    state,
    campaigns,
  });
}

/** The same scan again: today's figures, nothing counted. */
async function replay(scan: ScanRecord): Promise<LandingView> {
  const [range, state, campaigns] = await Promise.all([
    findActivation(scan.applicationId, scan.rangeStart),
    findCode(scan.code),
    runningCampaigns(),
  ]);
  return view({
    scanId: scan._id,
    code: scan.code,
    via: scan.via,
    scanner: { openid: scan.openid },
    at: Date.now(),
    range,
    state,
    campaigns,
  });
}

async function view(parts: {
  scanId: string;
  code: string;
  via: ScanRecord['via'];
  scanner: Scanner;
  at: number;
  range: ActivatedRange | undefined;
  state: CodeScanState | undefined;
  campaigns: readonly Campaign[];
}): Promise<LandingView> {
  const { range } = parts;
  if (!range) return emptyView(parts.scanId, parts.code, 'not_activated');
  // No state yet: the request that claimed this scan is creating it, so the scan is the first.
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
    product: await productOf(range),
    state,
    campaigns: parts.campaigns,
  });
}

async function productOf(range: ActivatedRange): Promise<ProductRecord | undefined> {
  return range.productId ? findProduct(range.productId) : undefined;
}

/**
 * A ticket scan's id: a hash of the user and the ticket, so the same ticket resolved again by
 * its user is the same scan, another user's attempt is not, and the ticket is never stored.
 */
export function ticketScanId(openid: string, ticket: string): string {
  return digest(`ticket\n${openid}\n${ticket}`).slice(0, 32);
}

/**
 * A typed or wx.scanCode code has no ticket: the same user checking the same code within the
 * same minute (a double tap, a page reload) is one scan.
 */
export function codeScanId(openid: string, code: string, at: number): string {
  return digest(`code\n${openid}\n${code}\n${Math.floor(at / 60_000)}`).slice(0, 32);
}

/** The recent-scan ring tells scanners apart without holding their openids. */
function scannerKey(openid: string): string {
  return digest(`scanner\n${openid}`).slice(0, 12);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function ticketFailure(error: unknown): unknown {
  if (error instanceof WeChatApiError && error.errcode === INVALID_ARGS) {
    return new AppError('TICKET_INVALID', '扫码信息无效或已过期，请重新扫描商品上的码', {
      cause: error,
    });
  }
  return upstreamFailure(error);
}

/** Whatever WeChat's trouble, the consumer can only retry; the log keeps WeChat's own code. */
function upstreamFailure(error: unknown): unknown {
  if (
    error instanceof WeChatApiError ||
    error instanceof WeChatTransportError ||
    error instanceof WeChatConfigError
  ) {
    console.warn(`[scan] WeChat failed: ${error.message}`);
    return new AppError('UPSTREAM_ERROR', '微信服务暂时繁忙，请稍后重试', { cause: error });
  }
  return error;
}
