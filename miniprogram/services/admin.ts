import type { AdminActions } from '../../typings/admin';
import type { Envelope } from '../../typings/envelope';
import { callAction } from './cloud';

const FUNCTION_NAME = 'admin';

/** Who the caller is and whether they may use the operator pages. */
export function fetchAdminMe(): Promise<Envelope<AdminActions['me']['response']>> {
  return callAction(FUNCTION_NAME, 'me');
}
