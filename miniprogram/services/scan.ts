import type { Envelope } from '../../typings/envelope';
import type { LandingView, ResolveRequest, ScanActions, VerifyRequest } from '../../typings/scan';
import { callAction } from './cloud';

const FUNCTION_NAME = 'scan';

/** Resolves a `code_ticket` from a 一物一码 scan into the landing view (counts as a scan). */
export function resolveTicket(
  request: ResolveRequest,
): Promise<Envelope<ScanActions['resolve']['response']>> {
  return callAction<LandingView>(FUNCTION_NAME, 'resolve', { ...request });
}

/** Verifies a raw 9-character code typed in or read by `wx.scanCode` (counts as a scan). */
export function verifyCode(
  request: VerifyRequest,
): Promise<Envelope<ScanActions['verify']['response']>> {
  return callAction<LandingView>(FUNCTION_NAME, 'verify', { ...request });
}
