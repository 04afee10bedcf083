/**
 * The ids a scan is recorded under, and how the recent-scan ring tells scanners apart: hashes,
 * so a double tap or a replayed ticket is the same scan and no ticket or openid is stored.
 */
import { createHash } from 'node:crypto';

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
export function scannerKey(openid: string): string {
  return digest(`scanner\n${openid}`).slice(0, 12);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
