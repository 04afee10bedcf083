/**
 * The `admin` function's action table, held to the contract (typings/admin.ts `AdminActions`) and
 * to the permission table (domain/permissions.ts) at compile time, and run the same way for every
 * action: authorize from the caller's OPENID, validate, run, and — for writes — append to the
 * audit log.
 *
 * Compile-time checks, per action K of `AdminActions`:
 * - the table has an entry for K and nothing else;
 * - its zod schema accepts every `AdminActions[K].request` (what the console may send parses)
 *   and what it parses is such a request, with the same field names (no field dropped silently);
 * - its handler returns `AdminActions[K].response`;
 * - it is a `writeAction` (with an audit summary) exactly when the permission table says
 *   `write: true`.
 * A field renamed on either side, or an action added to the contract alone, fails `tsc`.
 */
import { z } from 'zod';
import type { AdminAction, AdminActions } from '../../../typings/admin.js';
import type { Caller } from '../caller.js';
import { appendAuditEntry } from '../data/audit-log.js';
import type { AdminWriteAction } from '../domain/permissions.js';
import { invalidArgument } from '../errors.js';
import { action, createHandler, describeIssues, type ActionTable } from '../handler.js';
import { authorize, type CallerRole } from './roles.js';

export interface AdminActionContext {
  caller: Caller;
  /** The caller as the permission check found them (openid, role). */
  member: CallerRole;
}

/** What a write changed, for the audit log: `target` names the thing, `summary` says how. */
export interface AuditNote {
  target: string;
  summary: string;
}

interface ActionDefinition<In, Out, Res> {
  input: z.ZodType<Out, In>;
  run(input: Out, context: AdminActionContext): Promise<Res>;
}

export interface ReadActionDefinition<In, Out, Res> extends ActionDefinition<In, Out, Res> {
  kind: 'read';
}

export interface WriteActionDefinition<In, Out, Res> extends ActionDefinition<In, Out, Res> {
  kind: 'write';
  audit(input: Out, result: Res): AuditNote;
}

/** An action that changes nothing. */
export function readAction<Schema extends z.ZodType, Res>(
  input: Schema,
  run: (input: z.output<Schema>, context: AdminActionContext) => Promise<Res>,
): ReadActionDefinition<z.input<Schema>, z.output<Schema>, Res> {
  return { kind: 'read', input: input as z.ZodType<z.output<Schema>, z.input<Schema>>, run };
}

/** An action that changes something: `audit` summarises each successful call for the log. */
export function writeAction<Schema extends z.ZodType, Res>(
  input: Schema,
  run: (input: z.output<Schema>, context: AdminActionContext) => Promise<Res>,
  audit: (input: z.output<Schema>, result: Res) => AuditNote,
): WriteActionDefinition<z.input<Schema>, z.output<Schema>, Res> {
  return {
    kind: 'write',
    input: input as z.ZodType<z.output<Schema>, z.input<Schema>>,
    run,
    audit,
  };
}

type Request<K extends AdminAction> = AdminActions[K]['request'];
type Response<K extends AdminAction> = AdminActions[K]['response'];

// Field names must match both ways; a request typed as an open record (`me`) has none to match.
type SameKeys<A, B> = string extends keyof B
  ? true
  : [keyof A] extends [keyof B]
    ? [keyof B] extends [keyof A]
      ? true
      : false
    : false;

/** The definition itself when it honours the contract for K, else a type that says why not. */
type Conforming<K extends AdminAction, D> = D extends ActionDefinition<
  infer In,
  infer Out,
  infer Res
> & { kind: infer Kind }
  ? [Request<K>] extends [In]
    ? [Out] extends [Request<K>]
      ? SameKeys<Out, Request<K>> extends true
        ? [Res] extends [Response<K>]
          ? [Kind] extends [K extends AdminWriteAction ? 'write' : 'read']
            ? D
            : `${K}: write: true in ADMIN_ACTION_RULES needs writeAction (and read needs readAction)`
          : `${K}: the handler does not return AdminActions['${K}']['response']`
        : `${K}: the schema's fields differ from AdminActions['${K}']['request']`
      : `${K}: what the schema parses is not AdminActions['${K}']['request']`
    : `${K}: the schema rejects some AdminActions['${K}']['request']`
  : `${K}: not a readAction or writeAction`;

type AnyDefinition =
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ReadActionDefinition<any, any, unknown> | WriteActionDefinition<any, any, any>;

export type AdminActionTable<T> = {
  [K in keyof T]: K extends AdminAction
    ? Conforming<K, T[K]>
    : `${K & string}: not in AdminActions`;
};

/**
 * The `admin` function's `main` from its table. Per call: the caller's role is resolved once
 * and must allow the action (FORBIDDEN before the input is even looked at, so a caller without
 * the permission learns nothing of the schema), then the usual validation and envelope.
 */
export function createAdminHandler<T extends Record<AdminAction, AnyDefinition>>(
  table: T & AdminActionTable<T>,
) {
  const actions: ActionTable = {};
  for (const name of Object.keys(table) as AdminAction[]) {
    actions[name] = toHandlerAction(name, table[name]);
  }
  return createHandler('admin', actions);
}

function toHandlerAction(name: AdminAction, definition: AnyDefinition) {
  // Parsed here, after the permission check, instead of by the generic handler.
  return action(z.record(z.string(), z.unknown()), async (params, { caller }) => {
    const member = await authorize(caller, name);
    const parsed = definition.input.safeParse(params);
    if (!parsed.success) throw invalidArgument(describeIssues(parsed.error));
    const result = await definition.run(parsed.data, { caller, member });
    if (definition.kind === 'write')
      await audit(name, member, definition.audit(parsed.data, result));
    return result;
  });
}

/**
 * Appends the write to the audit log. The change is already made, so a failure here does not
 * turn the reply into an error (the console would retry a change that happened); it is retried
 * once, then logged loudly (without the openid) for an operator to reconcile.
 */
async function audit(name: AdminAction, member: CallerRole, note: AuditNote): Promise<void> {
  const entry = { at: Date.now(), actor: member.openid, role: member.role, action: name, ...note };
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await appendAuditEntry(entry);
      return;
    } catch (error) {
      if (attempt === 2) console.error(`[admin.${name}] audit entry not written`, error);
    }
  }
}
