/**
 * The one client of the `admin` function for everything outside the Mini Program that drives a
 * stack: the demo seed (local/seed/), the tests and the benchmarks. It calls `POST
 * /functions/admin` as a Mini Program user would, and is typed by the contract (`AdminActions` in
 * typings/admin.ts) as the console's own client is (miniprogram/admin/services/admin-client.ts):
 * each action takes exactly its request and resolves to exactly its response, so a field renamed
 * on the server fails `tsc` in the seed, the tests and the benchmarks too.
 *
 *   const admin = adminClient(stack.url, 'o-admin');
 *   const { campaign } = await admin.call('createCampaign', fields);   // data; a refusal throws
 *   const reply = await admin.reply('grantRole', { openid, role });     // the envelope, as is
 *
 * One error shape: a refusal, or a call the runtime could not complete, is an `AdminCallError`
 * with the action, a code (the envelope's, or `FUNCTION_FAILED`) and the message.
 */
import type { AdminAction, AdminActions } from '../typings/admin';
import type { Envelope } from '../typings/envelope';

export type AdminRequest<A extends AdminAction> = AdminActions[A]['request'];
export type AdminResponse<A extends AdminAction> = AdminActions[A]['response'];
export type AdminReply<A extends AdminAction> = Envelope<AdminResponse<A>>;

/** An action whose request has no required field may be called without one. */
export type AdminArgs<A extends AdminAction> =
  Record<string, never> extends AdminRequest<A>
    ? [request?: AdminRequest<A>]
    : [request: AdminRequest<A>];

/** Who calls, as the runtime's headers carry it (`x-wx-openid`, …); no openid is a stranger. */
export interface AdminUser {
  openid?: string;
  appid?: string;
  unionid?: string;
  clientIp?: string;
}

/** Code of a call the runtime could not complete (no envelope: the function threw or timed out). */
export const FUNCTION_FAILED = 'FUNCTION_FAILED';

export class AdminCallError extends Error {
  constructor(
    readonly action: AdminAction,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`admin.${action} failed: ${code} ${detail}`);
    this.name = 'AdminCallError';
  }
}

export interface AdminClient {
  /** The data of the action's success; a refusal throws an `AdminCallError`. */
  call<A extends AdminAction>(action: A, ...request: AdminArgs<A>): Promise<AdminResponse<A>>;
  /** The action's envelope, a refusal included (a failed runtime call still throws). */
  reply<A extends AdminAction>(action: A, ...request: AdminArgs<A>): Promise<AdminReply<A>>;
  /** The same client as another user. */
  as(user: AdminUser | string): AdminClient;
}

/** The `admin` function of the stack at `url` (`http://127.0.0.1:<port>`), as `user` calls it. */
export function adminClient(url: string, user: AdminUser | string = {}): AdminClient {
  const caller = typeof user === 'string' ? { openid: user } : user;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (caller.openid) headers['x-wx-openid'] = caller.openid;
  if (caller.appid) headers['x-wx-appid'] = caller.appid;
  if (caller.unionid) headers['x-wx-unionid'] = caller.unionid;
  if (caller.clientIp) headers['x-wx-clientip'] = caller.clientIp;

  async function reply<A extends AdminAction>(
    action: A,
    ...[request]: AdminArgs<A>
  ): Promise<AdminReply<A>> {
    const response = await fetch(`${url}/functions/admin`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ action, ...request }),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (typeof body === 'object' && body !== null && 'ok' in body) return body as AdminReply<A>;
    const errMsg = (body as { errMsg?: unknown } | undefined)?.errMsg;
    throw new AdminCallError(
      action,
      FUNCTION_FAILED,
      `HTTP ${response.status} ${typeof errMsg === 'string' ? errMsg : text}`,
    );
  }

  async function call<A extends AdminAction>(
    action: A,
    ...request: AdminArgs<A>
  ): Promise<AdminResponse<A>> {
    const answer = await reply(action, ...request);
    if (!answer.ok) throw new AdminCallError(action, answer.error.code, answer.error.message);
    return answer.data;
  }

  return { call, reply, as: (other) => adminClient(url, other) };
}
