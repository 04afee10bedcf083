/**
 * Contract of the `scan` cloud function: what the landing page sends and the landing view it gets
 * back. Type-only: the Mini Program imports it with `import type`.
 *
 * Times are ISO 8601 strings (dates cross `callFunction` as JSON); images are URLs the Mini Program
 * can show directly (https, or temporary URLs of cloud files).
 */
import type { RewardOffer } from './reward.js';

/**
 * Where the consumer was when scanning, if the page could tell (optional, never required). Kept
 * rounded to 0.01°; the place name later scanners see is made from it by the server (a name
 * sent by a page is ignored: anyone could make it say anything).
 */
export interface ScanLocation {
  latitude: number;
  longitude: number;
}

/** `scan` / `resolve`: a `code_ticket` from a 一物一码 scan (launch query `code_ticket`). */
export interface ResolveRequest {
  codeTicket: string;
  /** Launch scene (1124/1125/1126/1011/1047…), recorded with the scan. */
  scene?: number;
  location?: ScanLocation;
}

/** `scan` / `verify`: a raw 9-character code typed in or read by `wx.scanCode`. */
export interface VerifyRequest {
  code: string;
  scene?: number;
  location?: ScanLocation;
}

export type VerdictKind =
  'GENUINE_FIRST' | 'GENUINE_REPEAT' | 'SUSPICIOUS' | 'NOT_ACTIVATED' | 'INVALID';

export type SuspicionReason = 'TOO_MANY_SCANS' | 'TOO_MANY_SCANNERS' | 'TOO_MANY_PLACES';

/** The anti-counterfeit verdict and the figures behind it. */
export interface Verdict {
  kind: VerdictKind;
  /** Scans of this code so far, this one included (0 for NOT_ACTIVATED / INVALID). */
  scanCount: number;
  /** Distinct users who scanned this code. */
  distinctScanners: number;
  firstScannedAt?: string;
  /** Place of the first scan, when it was known. */
  firstScanPlace?: string;
  /** Whether the caller made the first scan of this code. */
  firstScanByCaller?: boolean;
  /** Why the code looks suspicious (SUSPICIOUS only). */
  reasons?: SuspicionReason[];
}

export interface ProductAttribute {
  name: string;
  value: string;
}

export interface ProductView {
  id: string;
  title: string;
  brand: string;
  ean?: string;
  images: string[];
  attributes: ProductAttribute[];
}

/** One step of the origin trace (溯源): e.g. 原料产地, 生产, 质检, 出厂, 物流. */
export interface TraceStep {
  name: string;
  time?: string;
  place?: string;
  operator?: string;
  note?: string;
  images?: string[];
}

/** The follow-the-Official-Account card (`<official-account>`, shown for scene 1124). */
export interface FollowCardSettings {
  enabled: boolean;
  /** Shown on the fallback card when `<official-account>` cannot render. */
  officialAccountName?: string;
  hint?: string;
}

export interface LandingView {
  /** Identifies this scan (the reward claim refers to it). */
  scanId: string;
  code: string;
  /** Null when the code is not activated or unknown. */
  product: ProductView | null;
  trace: TraceStep[];
  verdict: Verdict;
  follow: FollowCardSettings;
  /**
   * The best running campaign that targets this code, when there is one. Whether this scan
   * qualifies (limits, budget, risk rules, first scan) is decided when it is claimed.
   */
  reward?: RewardOffer;
}

export interface ScanActions {
  resolve: { request: ResolveRequest; response: LandingView };
  verify: { request: VerifyRequest; response: LandingView };
}

/** Error codes of the scan function besides the common ones. */
export type ScanErrorCode =
  /** The ticket is another user's, expired, or malformed (WeChat 40097). */
  | 'TICKET_INVALID'
  /** Too many scans by this user in a short time, or too many typed codes WeChat had to check today. */
  | 'RATE_LIMITED'
  /** WeChat could not be reached or failed; retry may help. */
  | 'UPSTREAM_ERROR'
  /** The Official Account's daily WeChat API quota is spent: retrying today will not help. */
  | 'UPSTREAM_QUOTA_EXCEEDED';
