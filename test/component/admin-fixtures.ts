import { allowedActions, permissionsOf } from '../../cloudfunctions/core/domain/permissions';
import type { AdminMe, MemberRole } from '../../typings/admin';
import type { Envelope } from '../../typings/envelope';
import { stubCloud, type CloudCall } from './harness';

export const ADMIN_OPENID = 'oMASH1234567890abcdefXYZ';

/** `me` as the server answers it for `role` (null: a WeChat user who is not a member). */
export function meAs(role: MemberRole | null, overrides: Partial<AdminMe> = {}): Envelope<AdminMe> {
  return {
    ok: true,
    data: {
      openid: ADMIN_OPENID,
      appid: 'wx0000000000000000',
      isAdmin: role !== null,
      role,
      bootstrap: false,
      // The server's own table: the pages see exactly what a caller of this role would.
      permissions: permissionsOf(role),
      can: allowedActions(role),
      firstSeenAt: '2025-03-01T08:00:00.000Z',
      lastSeenAt: '2025-03-02T09:30:00.000Z',
      visits: 7,
      ...overrides,
    },
  };
}

export function fail(code: string, message = '服务端的原话'): Envelope<never> {
  return { ok: false, error: { code, message } };
}

export function ok<T>(data: T): Envelope<T> {
  return { ok: true, data };
}

/** Answers for single admin actions, by action name. */
export type AdminHandlers = Partial<Record<string, (call: CloudCall) => unknown>>;

/**
 * The admin function as a `role` member meets it: `me`, then the page's usual `defaults`, each
 * replaceable by a test's `handlers`; any other action answers INTERNAL.
 */
export function stubAdminAs(
  role: MemberRole,
  defaults: AdminHandlers,
  handlers: AdminHandlers = {},
): CloudCall[] {
  const answers: AdminHandlers = { me: () => meAs(role), ...defaults, ...handlers };
  return stubCloud((call) => {
    const answer = answers[String(call.data.action)];
    return answer ? answer(call) : fail('INTERNAL');
  });
}
