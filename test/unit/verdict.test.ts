/**
 * The verdict rules (core/domain/verdict.ts): which kind a scan gets, the figures it carries, the
 * suspicion window and its limits, and the state arithmetic the scan pipeline relies on.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  MAX_LIMIT,
  RECENT_SCANS_KEPT,
  decideVerdict,
  effectiveThresholds,
  firstScanState,
  placeKeyOf,
  suspicionReasons,
  withScan,
  type CodeScanState,
  type RecentScan,
} from '../../cloudfunctions/core/domain/verdict';

const NOW = Date.parse('2025-03-10T12:00:00+08:00');
const MINUTE = 60_000;

function state(overrides: Partial<CodeScanState> = {}): CodeScanState {
  return {
    scanCount: 1,
    distinctScanners: 1,
    firstScannedAt: NOW - 10 * MINUTE,
    firstScanBy: 'o-alice',
    firstScanId: 'scan-1',
    recent: [{ at: NOW - 10 * MINUTE, by: 'alice' }],
    ...overrides,
  };
}

const scans = (count: number, make: (i: number) => Partial<RecentScan> = () => ({})) =>
  Array.from({ length: count }, (_, i) => ({ at: NOW - i * MINUTE, by: 'alice', ...make(i) }));

describe('decideVerdict', () => {
  const base = { scanId: 'scan-1', openid: 'o-alice', now: NOW, thresholds: DEFAULT_THRESHOLDS };

  it('calls a code WeChat does not know INVALID, with zero figures', () => {
    expect(decideVerdict({ ...base, activation: 'unknown' })).toEqual({
      kind: 'INVALID',
      scanCount: 0,
      distinctScanners: 0,
    });
  });

  it('calls a code that is not activated NOT_ACTIVATED, whatever state it has', () => {
    for (const given of [undefined, state({ scanCount: 9 })]) {
      expect(decideVerdict({ ...base, activation: 'not_activated', state: given })).toEqual({
        kind: 'NOT_ACTIVATED',
        scanCount: 0,
        distinctScanners: 0,
      });
    }
  });

  it('calls the scan that created the state GENUINE_FIRST, with its figures', () => {
    const verdict = decideVerdict({
      ...base,
      activation: 'activated',
      state: state({ firstScanPlace: '上海市浦东新区' }),
    });
    expect(verdict).toEqual({
      kind: 'GENUINE_FIRST',
      scanCount: 1,
      distinctScanners: 1,
      firstScannedAt: new Date(NOW - 10 * MINUTE).toISOString(),
      firstScanPlace: '上海市浦东新区',
      firstScanByCaller: true,
    });
  });

  it('calls any later scan GENUINE_REPEAT, telling whether the caller scanned first', () => {
    const later = state({ scanCount: 3, distinctScanners: 2, recent: scans(3) });
    const mine = decideVerdict({
      ...base,
      scanId: 'scan-3',
      activation: 'activated',
      state: later,
    });
    expect(mine).toMatchObject({ kind: 'GENUINE_REPEAT', scanCount: 3, firstScanByCaller: true });
    const theirs = decideVerdict({
      ...base,
      scanId: 'scan-4',
      openid: 'o-bob',
      activation: 'activated',
      state: later,
    });
    expect(theirs).toMatchObject({
      kind: 'GENUINE_REPEAT',
      distinctScanners: 2,
      firstScanByCaller: false,
    });
    expect(theirs).not.toHaveProperty('reasons');
  });

  it('calls a code SUSPICIOUS past a limit, even on a replay of its first scan', () => {
    const copied = state({
      scanCount: 30,
      distinctScanners: 8,
      recent: scans(8, (i) => ({ by: `user-${i}` })),
    });
    expect(decideVerdict({ ...base, activation: 'activated', state: copied })).toMatchObject({
      kind: 'SUSPICIOUS',
      scanCount: 30,
      reasons: ['TOO_MANY_SCANNERS'],
      firstScanByCaller: true,
    });
  });
});

describe('suspicionReasons', () => {
  const limits = { windowMinutes: 60, maxScans: 3, maxScanners: 2, maxPlaces: 1 };

  it('passes a code at its limits and flags one past each, in a fixed order', () => {
    expect(suspicionReasons(scans(3), NOW, limits)).toEqual([]);
    expect(suspicionReasons(scans(4), NOW, limits)).toEqual(['TOO_MANY_SCANS']);
    const busy = scans(4, (i) => ({ by: `user-${i}`, place: `p${i}` }));
    expect(suspicionReasons(busy, NOW, limits)).toEqual([
      'TOO_MANY_SCANS',
      'TOO_MANY_SCANNERS',
      'TOO_MANY_PLACES',
    ]);
  });

  it('counts only scans inside the window', () => {
    const old = scans(10).map((scan) => ({ ...scan, at: scan.at - 2 * 60 * MINUTE }));
    expect(suspicionReasons([...old, ...scans(2)], NOW, limits)).toEqual([]);
  });

  it('counts distinct users and places, not scans; a scan without a place is no place', () => {
    const sameUser = scans(3, (i) => ({ place: i === 0 ? 'a' : undefined }));
    expect(suspicionReasons(sameUser, NOW, limits)).toEqual([]);
    const twoPlaces = scans(2, (i) => ({ place: `p${i}` }));
    expect(suspicionReasons(twoPlaces, NOW, limits)).toEqual(['TOO_MANY_PLACES']);
  });
});

describe('effectiveThresholds', () => {
  it('fills in the defaults and holds values to their bounds', () => {
    expect(effectiveThresholds()).toEqual(DEFAULT_THRESHOLDS);
    expect(effectiveThresholds({ maxScans: 2 })).toEqual({ ...DEFAULT_THRESHOLDS, maxScans: 2 });
    expect(effectiveThresholds({ maxScans: 1000, maxPlaces: 0, maxScanners: 1.5 })).toEqual({
      ...DEFAULT_THRESHOLDS,
      maxScans: MAX_LIMIT,
      maxPlaces: 1,
    });
  });

  it('keeps every limit reachable within the recent-scan ring', () => {
    expect(MAX_LIMIT).toBeLessThan(RECENT_SCANS_KEPT);
  });
});

describe('placeKeyOf', () => {
  it('puts nearby scans in one cell and another city in another', () => {
    const lujiazui = placeKeyOf({ latitude: 31.2397, longitude: 121.4998 });
    const century = placeKeyOf({ latitude: 31.2276, longitude: 121.5441 });
    const beijing = placeKeyOf({ latitude: 39.9042, longitude: 116.4074 });
    expect(lujiazui).toBe(century);
    expect(beijing).not.toBe(lujiazui);
    expect(placeKeyOf(undefined)).toBeUndefined();
  });

  it('handles the southern and western hemispheres', () => {
    expect(placeKeyOf({ latitude: -33.87, longitude: -70.65 })).toBe('-170:-354');
  });
});

describe('state arithmetic', () => {
  it('starts a first scan at one scan by one user, with its place name', () => {
    const recent = { at: NOW, by: 'alice', place: '155:607' };
    expect(
      firstScanState({ scanId: 's', openid: 'o-alice', at: NOW, recent, placeName: '上海' }),
    ).toEqual({
      scanCount: 1,
      distinctScanners: 1,
      firstScannedAt: NOW,
      firstScanBy: 'o-alice',
      firstScanId: 's',
      firstScanPlace: '上海',
      recent: [recent],
    });
  });

  it('adds a scan as the database update does: counters, and the ring trimmed', () => {
    const full = state({ recent: scans(RECENT_SCANS_KEPT) });
    const next = withScan(full, { recent: { at: NOW + 1, by: 'bob' }, newScanner: true });
    expect(next).toMatchObject({ scanCount: 2, distinctScanners: 2 });
    expect(next.recent).toHaveLength(RECENT_SCANS_KEPT);
    expect(next.recent.at(-1)).toEqual({ at: NOW + 1, by: 'bob' });
    expect(withScan(full, { recent: { at: NOW, by: 'a' }, newScanner: false })).toMatchObject({
      distinctScanners: 1,
    });
  });
});
