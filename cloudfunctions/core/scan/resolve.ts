/**
 * A consumer's scan, from a `code_ticket` (resolve) or a raw code (verify) to the landing view.
 * This module runs the rounds below; beside it: the scan's ids (scan-ids.ts), what it counts
 * under (counting.ts), its landing view (landing.ts) and what WeChat's failures tell the consumer
 * (wechat-failures.ts).
 *
 * At most one WeChat call per scan, and a fixed number of database round trips, in rounds:
 *
 *   round 0  the caller's allowance (limits.ts) ‖ the scan by this id, if recorded before   2
 *            then tickettocode (WeChat), only once the allowance is taken
 *   round 1  claim the scan (with its province and city: where.ts, no I/O; and the product
 *            and campaign its figures count it under, when this instance knows the range's
 *            product: known-ranges.ts) ‖ the activated range with its product (one
 *            aggregate, `lookup`, read fresh every time) ‖ the code's state                  3
 *   round 2  claim "new scanner" ‖ the user's figure marks (one find-and-modify: which
 *            buckets this scan is the user's first in, data/rollups.ts) ‖ the code's index,
 *            only when it has no state yet (its first scan) ‖ note the product and campaign
 *            on the scan, only when its insert could not carry them or the fresh read
 *            disagrees (a range this instance has not read yet, or bound anew since)        2 (+1) (+1)
 *   round 3  count the scan: one atomic update (a ticket scan of a code first typed in also
 *            takes its first ticket scan in it), or the insert of a first scan ‖ its
 *            figures: one `_.inc` of its day's rollup shard ‖ one of its hours-by-key shard
 *            (domain/rollups.ts)                                                              3
 *
 * So 10 for a repeat, 11 for a code's first scan on an instance that has read the code's range
 * before, one more on one that has not (11 and 12 before the keys travelled in the insert; 13
 * and 14 before issue 13; 9 before the figures). The allowance is one request whenever this
 * instance saw the user's window made
 * (data/rate-limits.ts); a later call in a window another instance made costs one more (a
 * failed insert, then the conditional `_.inc`). A user's first scan ever inserts their marks
 * after the failed update (+1); a day's shard missing (the scheduler makes them a day ahead)
 * costs +2 once; a scan outside its range's sales regions counts the diversion beside round 2
 * (+1, +2 for the first in its province); of two ticket scans at once of a code first typed in,
 * the one that finds the first ticket scan taken counts with a second update (+1). A verify
 * starts with the allowance ‖ the code's row in our imported packages; a code found there is
 * answered from our data — its covering activation with its product (1 aggregate), then rounds
 * 1–3 without the range and index reads, the scan's keys in its insert (the range is known
 * before it) — and costs no WeChat call: 10 for a code's first scan
 * (NOT_ACTIVATED after 3 when no activation covers it). When this instance knows a range covering
 * the code (known-ranges.ts), the covering read goes in round 1 instead of the range read, so the
 * verify is four rounds, not five; the scan's insert names the known range, and a range
 * activated anew over the code since is corrected by the keys' note (+1). Only a code unknown here is asked of
 * WeChat (codeactivequery), after the caller's daily WeChat allowance (1 more). Amortised on
 * top: the OA token read (an instance keeps it 30 s), the temporary image URLs (kept an hour)
 * and the running campaigns the reward offer is chosen from (rewards/offer.ts: read beside
 * round 1 the first time an instance needs them, then kept a minute). A replay — the same ticket
 * resolved again by its user — is answered after round 0 with 2 reads (range with product,
 * state), counts nothing and asks WeChat nothing. The rare loser of a race to create a code's
 * state makes 2 more (count, then read the state back).
 *
 * Left for issue 13's 5 in two rounds (docs/scan.md has the whole argument): rounds 1–3 are a
 * chain, not a choice. The scan's claim (a unique insert) must come before "new scanner" and
 * the marks, or one request of a double tap could learn the user was new while the other
 * counts the scan; the marks need the scan's keys, which need the range's product, which only
 * the range read after WeChat names (or this instance's hint); and the rollups' distinct
 * counters need the marks' answer. Requests beyond 5: the allowance and the replay read before
 * WeChat, the range and the state reads, the scanner claim apart from the marks (codeScanners is
 * also the CRM export's source), and the two rollup documents (day figures kept apart from
 * hours by key so the console's day reads stay small).

 * The allowance is taken before WeChat is asked, so a flood of made-up tickets or codes spends
 * the flooder's allowance, not the Official Account's daily API quota.
 *
 * A typed or wx.scanCode lookup (`via: 'code'`) is recorded and counted like a scan but never
 * enters the code's recent-scan ring, which is all the suspicion limits read: anyone holding a
 * list of codes could otherwise make genuine products look copied by typing them. Nor is it ever
 * the code's first ticket scan (CodeScanState.firstTicketScanId), which "first scan only"
 * rewards pay: a ticket scan of a code first typed in claims that with one conditional write.
 *
 * The first scan's place, shown to every later scanner, is written by the server from the
 * coordinates (rounded); a place name sent by the page is never stored or shown.
 *
 * "New scanner" is claimed only after the scan itself is claimed: if both requests of a double
 * tap could claim either, the one counting the scan might not be the one that learnt the user was
 * new, and the distinct count would miss them.
 */
import type {
  LandingView,
  ResolveRequest,
  ScanLocation,
  VerifyRequest,
} from '../../../typings/scan.js';
import {
  findActivationWithProduct,
  findCoveringActivationWithProduct,
  type ActivationWithProduct,
} from '../data/code-ranges.js';
import { claimScanner } from '../data/code-scanners.js';
import { countRepeatScan, createCode, findCode } from '../data/codes.js';
import { findCodeIndex, findPackageCode } from '../data/package-codes.js';
import { claimScan, findScan, noteScanKeys, type ScanRecord } from '../data/scans.js';
import { addScanToRollups, markScan } from '../data/rollups.js';
import { countDiversion } from '../data/diversions.js';
import { notFirstScanIncrements, readMarks, scanIncrements } from '../domain/rollups.js';
import { isOutsideRegions, placeLabel } from '../domain/regions.js';
import {
  firstScanState,
  placeKeyOf,
  placeNameOf,
  roundLocation,
  withScan,
  type CodeScanState,
  type RecentScan,
} from '../domain/verdict.js';
import { runningCampaigns, runningCampaignsAtHand } from '../rewards/offer.js';
import { marketcodeClient } from '../wechat/marketcode/client.js';
import { countingOf, claimFactsOf } from './counting.js';
import { forgetRange, knownCoveringRange, knownRange, rememberRange } from './known-ranges.js';
import { emptyView, landingView, scanView } from './landing.js';
import { takeScanAllowance, takeWeChatLookup } from './limits.js';
import { codeScanId, scannerKey, ticketScanId } from './scan-ids.js';
import { ticketFailure, upstreamFailure } from './wechat-failures.js';
import { placeOfScan } from './where.js';

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
  const at = Date.now();
  const scanId = ticketScanId(scanner.openid, request.codeTicket);
  // Round 0. A page reopened after its ticket expired still shows what it showed, without
  // asking WeChat again.
  const [, earlier] = await Promise.all([takeScanAllowance(scanner.openid, at), findScan(scanId)]);
  if (earlier?.openid === scanner.openid) return replay(earlier);
  let activation: ScannedCode;
  try {
    activation = await marketcodeClient().ticketToCode(
      { openid: scanner.openid, codeTicket: request.codeTicket },
      TICKET_TIMEOUT_MS,
    );
  } catch (error) {
    throw ticketFailure(error);
  }
  return recordScan({
    via: 'ticket',
    scanId,
    activation,
    scanner,
    scene: request.scene,
    location: request.location,
  });
}

export async function verifyCode(request: VerifyRequest, scanner: Scanner): Promise<LandingView> {
  const at = Date.now();
  const { code } = request;
  const scanId = codeScanId(scanner.openid, code, at);
  const [, imported] = await Promise.all([
    takeScanAllowance(scanner.openid, at),
    findPackageCode(code),
  ]);
  const scan = { via: 'code' as const, scanId, scanner, scene: request.scene, at };
  if (imported) {
    // Our own package says the code exists: what is activated here decides, WeChat is not asked.
    // A range this instance knows covers it: read fresh beside the scan's insert, not before.
    const hinted = knownCoveringRange(imported.applicationId, imported.index);
    if (hinted) {
      return recordScan({
        ...scan,
        activation: { code, applicationId: hinted.applicationId, codeStart: hinted.codeStart },
        covering: { index: imported.index },
        location: request.location,
      });
    }
    const activated = await findCoveringActivationWithProduct(
      imported.applicationId,
      imported.index,
    );
    if (!activated) return emptyView(scanId, code, 'not_activated');
    const { range } = activated;
    return recordScan({
      ...scan,
      activation: { code, applicationId: range.applicationId, codeStart: range.codeStart },
      known: { activated, index: imported.index },
      location: request.location,
    });
  }
  await takeWeChatLookup(scanner.openid, at);
  let found;
  try {
    found = await marketcodeClient().lookupActivation({ code });
  } catch (error) {
    throw upstreamFailure(error);
  }
  if (found.state !== 'activated') {
    return emptyView(scanId, code, found.state === 'unknown' ? 'unknown' : 'not_activated');
  }
  return recordScan({ ...scan, activation: found.activation, location: request.location });
}

/** What a scan needs to know of the code WeChat or our data named. */
interface ScannedCode {
  code: string;
  applicationId: string;
  /** Start of the activated segment covering the code. */
  codeStart: number;
}

interface ScanOfCode {
  via: ScanRecord['via'];
  scanId: string;
  activation: ScannedCode;
  /** The range, its product and the index, when our own data answered (verify of an imported code). */
  known?: { activated: ActivationWithProduct; index: number };
  /**
   * The index, when our own data named it and `activation` is the covering range this instance
   * knows (known-ranges.ts): the range covering the index is read fresh in round 1.
   */
  covering?: { index: number };
  scanner: Scanner;
  scene?: number;
  location?: ScanLocation;
  at?: number;
}

async function recordScan(scan: ScanOfCode): Promise<LandingView> {
  const { scanId, scanner, activation } = scan;
  const { code, applicationId, codeStart } = activation;
  const at = scan.at ?? Date.now();
  const location = roundLocation(scan.location);
  const place = placeKeyOf(location);
  // Province and city, worked out here from the location or the IP (scan/where.ts).
  const where = placeOfScan({ location, clientIp: scanner.clientIp });
  // Only a ticket scan enters the ring the suspicion limits read (see the header).
  const recent: RecentScan | undefined =
    scan.via === 'ticket'
      ? { at, by: scannerKey(scanner.openid), ...(place ? { place } : {}) }
      : undefined;

  // The keys its figures count it under go into the scan's own insert when its range is known
  // before it: a verify of an imported code read it (with the running campaigns, on a cold
  // instance, a round before), and a warm instance remembers the product each range it read was
  // bound to (known-ranges.ts, a hint the fresh read below checks). The same campaigns then
  // choose the keys counted below, so the noted and counted ones agree.
  const keyRange = scan.known ? scan.known.activated.range : knownRange(applicationId, codeStart);
  const keyCampaigns = scan.known ? await runningCampaigns() : runningCampaignsAtHand();
  const insertedKeys =
    keyRange && keyCampaigns
      ? countingOf({
          scanId,
          code,
          via: scan.via,
          at,
          range: keyRange,
          where,
          campaigns: keyCampaigns,
        }).noted
      : undefined;
  // Round 1 (and, on a cold instance, the running campaigns).
  const [claim, activated, existing, campaigns] = await Promise.all([
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
      ...(location ? { location } : {}),
      ...(where ? { province: where.province, ...(where.city ? { city: where.city } : {}) } : {}),
      ...insertedKeys,
    }),
    scan.known
      ? scan.known.activated
      : scan.covering
        ? findCoveringActivationWithProduct(applicationId, scan.covering.index)
        : findActivationWithProduct(applicationId, codeStart),
    findCode(code),
    keyCampaigns ?? runningCampaigns(),
  ]);
  if (activated) rememberRange(activated.range);
  else forgetRange(applicationId, codeStart);
  const range = activated?.range;
  const product = activated?.product;
  // Another request holds this very scan (a double tap): show it, count nothing.
  if (claim === 'duplicate') {
    return scanView({
      scanId,
      code,
      via: scan.via,
      scanner,
      at,
      range,
      product,
      state: existing ?? undefined,
      campaigns,
    });
  }
  // Activated at WeChat but unknown here (activated outside this system, or its record lost):
  // nothing to show or count against.
  if (!range) return emptyView(scanId, code, 'not_activated');

  // Round 2. The keys this scan counts under are known now: its figures' marks go beside. A
  // code without a state yet is the code's first scan: its index, for the state, too.
  const counted = countingOf({ scanId, code, via: scan.via, at, range, where, campaigns });
  const [newScanner, index, marks] = await Promise.all([
    claimScanner(code, scanner.openid, at),
    existing ? undefined : (scan.known?.index ?? scan.covering?.index ?? findCodeIndex(code)),
    markScan(scanner.openid, counted.markIncrements),
    // Only when the insert could not carry them, or carried a product the range has left since
    // (or, for a covering range known here, a range activated anew over the code since).
    noteScanKeys(
      scanId,
      { ...counted.noted, rangeStart: range.codeStart },
      { ...insertedKeys, rangeStart: codeStart },
    ),
    where && isOutsideRegions(where, range.salesRegions)
      ? countDiversion(range, where, at)
      : undefined,
  ]);
  const marked = readMarks(marks, counted.marking);
  const rollup = (firstScan: boolean): Promise<void> =>
    addScanToRollups(
      counted.day,
      counted.shard,
      scanIncrements({ ...marked, hour: counted.hour, keys: counted.keys, firstScan }),
    );

  // Round 3. The code's document also carries what a reward claim needs of the range and the
  // product read above, so the claim reads neither (rewards/claim.ts).
  const claimFacts = claimFactsOf(range, product);
  let state: CodeScanState;
  if (existing) {
    // A ticket scan of a code first typed in claims its first ticket scan in the same update.
    const firstTicket = scan.via === 'ticket' && existing.firstTicketScanId === undefined;
    const [claimed] = await Promise.all([
      countRepeatScan(code, { scanId, at, recent, newScanner, claimFacts, firstTicket }),
      rollup(false),
    ]);
    state = {
      ...withScan(existing, { recent, newScanner }),
      ...(claimed ? { firstTicketScanId: scanId } : {}),
    };
  } else {
    const first = firstScanState({
      scanId,
      openid: scanner.openid,
      at,
      recent,
      placeName: where ? placeLabel(where) : placeNameOf(location),
      via: scan.via,
    });
    // Counted as the code's first scan beside its insert; the rare loser of that race takes it back.
    const [created] = await Promise.all([
      createCode({
        ...first,
        code,
        applicationId,
        ...(index !== undefined ? { index } : {}),
        rangeStart: range.codeStart,
        lastScannedAt: at,
        lastScanId: scanId,
        claimFacts,
      }),
      rollup(true),
    ]);
    if (created === 'created') {
      state = first;
    } else {
      // Another first scan of this code won the insert a moment ago: this one is a repeat.
      const firstTicket = scan.via === 'ticket';
      await Promise.all([
        countRepeatScan(code, { scanId, at, recent, newScanner, claimFacts, firstTicket }),
        addScanToRollups(
          counted.day,
          counted.shard,
          notFirstScanIncrements(counted.hour, counted.keys),
        ),
      ]);
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
  const [activated, state, campaigns] = await Promise.all([
    findActivationWithProduct(scan.applicationId, scan.rangeStart),
    findCode(scan.code),
    runningCampaigns(),
  ]);
  return scanView({
    scanId: scan._id,
    code: scan.code,
    via: scan.via,
    scanner: { openid: scan.openid },
    at: Date.now(),
    range: activated?.range,
    product: activated?.product,
    state,
    campaigns,
  });
}
