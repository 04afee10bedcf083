/**
 * The anti-counterfeit verdict of a scan. Pure rules, no I/O: the scan pipeline reads and writes
 * the code's state, then asks here what the consumer should be told.
 *
 *   INVALID          WeChat does not know the code (a made-up or mistyped code).
 *   NOT_ACTIVATED    the code exists but was never activated (here or at WeChat): it should not be
 *                    on a shelf yet.
 *   SUSPICIOUS       within the product's window the code was scanned too often, by too many
 *                    people or in too many places: one genuine code copied onto many fakes.
 *   GENUINE_FIRST    this scan is the code's first (decided by the database: the scan that created
 *                    the code's state).
 *   GENUINE_REPEAT   scanned before, nothing alarming.
 *
 * Window figures come from the last RECENT_SCANS_KEPT scans kept on the code itself, so a verdict
 * needs no query over raw scans; the limits are capped below that length so none is unreachable.
 */
import type { SuspicionThresholds } from '../../../typings/admin.js';
import type { ScanLocation, SuspicionReason, Verdict } from '../../../typings/scan.js';

export type { SuspicionThresholds };

/** How many recent scans a code keeps for its window figures. */
export const RECENT_SCANS_KEPT = 64;

/** The highest limit an operator may set: a count must be able to exceed it within the ring. */
export const MAX_LIMIT = 60;

/** The longest window: 30 days. */
export const MAX_WINDOW_MINUTES = 30 * 24 * 60;

/**
 * Defaults for a product that sets none. A bottle is scanned by its buyer, perhaps a friend or
 * two, at home: five people or three cities within a day already means copies are around.
 */
export const DEFAULT_THRESHOLDS: Readonly<SuspicionThresholds> = {
  windowMinutes: 24 * 60,
  maxScans: 20,
  maxScanners: 5,
  maxPlaces: 3,
};

/** One entry of a code's recent-scan ring. */
export interface RecentScan {
  /** Epoch ms. */
  at: number;
  /** A short stable key of the scanner (not the openid itself). */
  by: string;
  /** A coarse place key (see placeKeyOf); absent when the page sent no location. */
  place?: string;
}

/** What the database keeps per scanned code that a verdict needs. */
export interface CodeScanState {
  scanCount: number;
  distinctScanners: number;
  /** Epoch ms. */
  firstScannedAt: number;
  firstScanBy: string;
  firstScanId: string;
  firstScanPlace?: string;
  /**
   * The code's first 一物一码 ticket scan, which "first scan only" rewards pay. A typed lookup
   * may be a code's first scan but never its first ticket scan: anyone holding the codes (print
   * shop, packer) could otherwise type them all and take every buyer's first-scan reward.
   * Absent until a ticket scan comes (and on codes recorded before it was kept).
   */
  firstTicketScanId?: string;
  recent: RecentScan[];
}

export type ActivationState = 'unknown' | 'not_activated' | 'activated';

export interface VerdictInput {
  activation: ActivationState;
  /** The code's state including this scan; absent for unknown or not-activated codes. */
  state?: CodeScanState;
  /** This scan's id, to tell whether it is the code's first. */
  scanId: string;
  /** The caller's openid, to tell whether they made the first scan. */
  openid: string;
  /** Epoch ms. */
  now: number;
  thresholds: SuspicionThresholds;
}

export function decideVerdict(input: VerdictInput): Verdict {
  const { state } = input;
  if (input.activation === 'unknown') return { kind: 'INVALID', scanCount: 0, distinctScanners: 0 };
  if (input.activation === 'not_activated' || !state) {
    return { kind: 'NOT_ACTIVATED', scanCount: 0, distinctScanners: 0 };
  }
  const figures: Verdict = {
    kind: 'GENUINE_REPEAT',
    scanCount: state.scanCount,
    distinctScanners: state.distinctScanners,
    firstScannedAt: new Date(state.firstScannedAt).toISOString(),
    ...(state.firstScanPlace ? { firstScanPlace: state.firstScanPlace } : {}),
    firstScanByCaller: state.firstScanBy === input.openid,
  };
  const reasons = suspicionReasons(state.recent, input.now, input.thresholds);
  if (reasons.length > 0) return { ...figures, kind: 'SUSPICIOUS', reasons };
  if (state.firstScanId === input.scanId) return { ...figures, kind: 'GENUINE_FIRST' };
  return figures;
}

/** Which limits the scans within the window exceed, in a fixed order. */
export function suspicionReasons(
  recent: readonly RecentScan[],
  now: number,
  thresholds: SuspicionThresholds,
): SuspicionReason[] {
  const since = now - thresholds.windowMinutes * 60_000;
  const inWindow = recent.filter((scan) => scan.at > since && scan.at <= now);
  const scanners = new Set(inWindow.map((scan) => scan.by));
  const places = new Set(inWindow.flatMap((scan) => (scan.place ? [scan.place] : [])));
  const reasons: SuspicionReason[] = [];
  if (inWindow.length > thresholds.maxScans) reasons.push('TOO_MANY_SCANS');
  if (scanners.size > thresholds.maxScanners) reasons.push('TOO_MANY_SCANNERS');
  if (places.size > thresholds.maxPlaces) reasons.push('TOO_MANY_PLACES');
  return reasons;
}

/** A product's limits with the defaults filled in and each value held to its bounds. */
export function effectiveThresholds(set?: Partial<SuspicionThresholds>): SuspicionThresholds {
  const pick = (value: number | undefined, fallback: number, max: number): number =>
    value === undefined || !Number.isInteger(value) ? fallback : Math.min(max, Math.max(1, value));
  return {
    windowMinutes: pick(set?.windowMinutes, DEFAULT_THRESHOLDS.windowMinutes, MAX_WINDOW_MINUTES),
    maxScans: pick(set?.maxScans, DEFAULT_THRESHOLDS.maxScans, MAX_LIMIT),
    maxScanners: pick(set?.maxScanners, DEFAULT_THRESHOLDS.maxScanners, MAX_LIMIT),
    maxPlaces: pick(set?.maxPlaces, DEFAULT_THRESHOLDS.maxPlaces, MAX_LIMIT),
  };
}

/**
 * A coarse place: the 0.2° grid cell (about 20 km) of the scan. Coarse on purpose: the same
 * shopper moving around town is one place, a copy scanned in another city is another.
 */
export function placeKeyOf(location: ScanLocation | undefined): string | undefined {
  if (!location) return undefined;
  const cell = (degrees: number): number => Math.floor(degrees / 0.2);
  return `${cell(location.latitude)}:${cell(location.longitude)}`;
}

/**
 * Coordinates as we keep them: rounded to 0.01° (about 1 km), enough for the place figures and
 * no more precise than a consumer's privacy needs. Anything else the page sent is dropped.
 */
export function roundLocation(location: ScanLocation | undefined): ScanLocation | undefined {
  if (!location) return undefined;
  const round = (degrees: number): number => Math.round(degrees * 100) / 100;
  return { latitude: round(location.latitude), longitude: round(location.longitude) };
}

/**
 * The place of a scan as later scanners see it, written by the server from the coordinates
 * (0.1°, about 10 km): never text from the page, which anyone could make say anything.
 */
export function placeNameOf(location: ScanLocation | undefined): string | undefined {
  if (!location) return undefined;
  const part = (degrees: number, positive: string, negative: string): string =>
    `${degrees < 0 ? negative : positive}${Math.abs(Math.round(degrees * 10) / 10).toFixed(1)}°`;
  return `${part(location.latitude, '北纬', '南纬')}，${part(location.longitude, '东经', '西经')}附近`;
}

/** A code's state as it is for its first scan. */
export function firstScanState(scan: {
  scanId: string;
  openid: string;
  at: number;
  /** Its entry in the recent-scan ring; absent for a typed lookup (never in the ring). */
  recent?: RecentScan;
  /** The place as the server names it (placeNameOf), if the scan had coordinates. */
  placeName?: string;
  /** A ticket scan is also the code's first ticket scan. */
  via?: 'ticket' | 'code';
}): CodeScanState {
  return {
    scanCount: 1,
    distinctScanners: 1,
    firstScannedAt: scan.at,
    firstScanBy: scan.openid,
    firstScanId: scan.scanId,
    ...(scan.via === 'ticket' ? { firstTicketScanId: scan.scanId } : {}),
    ...(scan.placeName ? { firstScanPlace: scan.placeName } : {}),
    recent: scan.recent ? [scan.recent] : [],
  };
}

/**
 * The state after one more scan, as the database's atomic update makes it (`_.inc` on the
 * counters, the ring pushed and trimmed). Used to show the figures of a state read just before
 * that update; other scans at the same moment may add to the real counters.
 */
export function withScan(
  state: CodeScanState,
  scan: { recent?: RecentScan; newScanner: boolean },
): CodeScanState {
  return {
    ...state,
    scanCount: state.scanCount + 1,
    distinctScanners: state.distinctScanners + (scan.newScanner ? 1 : 0),
    recent: scan.recent ? [...state.recent, scan.recent].slice(-RECENT_SCANS_KEPT) : state.recent,
  };
}
