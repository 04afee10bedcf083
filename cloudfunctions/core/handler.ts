import { z } from 'zod';
import zhCN from 'zod/v4/locales/zh-CN.js';
import type { Envelope } from '../../typings/envelope.js';
import { AppError, invalidArgument } from './errors.js';
import { currentCaller, type Caller } from './caller.js';
import { toAppError } from './wechat/errors.js';

// Validation messages reach consumers, so zod speaks Chinese.
z.config(zhCN());

export interface ActionContext {
  caller: Caller;
}

export interface Action<Input, Output> {
  input: z.ZodType<Input>;
  run(input: Input, context: ActionContext): Promise<Output>;
}

/** Declares one action: its input schema and what it does with valid input. */
export function action<Schema extends z.ZodType, Output>(
  input: Schema,
  run: (input: z.output<Schema>, context: ActionContext) => Promise<Output>,
): Action<z.output<Schema>, Output> {
  return { input: input as z.ZodType<z.output<Schema>>, run };
}

// Fields the platform adds to a Mini Program call's event; they are not parameters, and identity
// in them is not to be trusted (it comes from getWXContext alone).
const PLATFORM_FIELDS = new Set(['action', 'userInfo']);

// Each action has its own input type; the table holds them all, so its input is left open here
// and each action's schema narrows it before `run` sees it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ActionTable = Record<string, Action<any, unknown>>;

/**
 * Builds a function's `main` from its action table: dispatch on `event.action`, validate the
 * rest of the event against the action's schema, and answer every outcome with the envelope.
 */
export function createHandler(functionName: string, actions: ActionTable) {
  return async function main(event: unknown): Promise<Envelope<unknown>> {
    const fields = isRecord(event) ? event : {};
    const name = fields.action;
    const selected =
      typeof name === 'string' && Object.hasOwn(actions, name) ? actions[name] : undefined;
    if (!selected) {
      return fail(new AppError('UNKNOWN_ACTION', `不支持的操作：${String(name ?? '（未指定）')}`));
    }
    const params = Object.fromEntries(
      Object.entries(fields).filter(([key]) => !PLATFORM_FIELDS.has(key)),
    );
    const parsed = selected.input.safeParse(params);
    if (!parsed.success) return fail(invalidArgument(describeIssues(parsed.error)));
    try {
      const data = await selected.run(parsed.data, { caller: currentCaller() });
      return { ok: true, data };
    } catch (error) {
      if (error instanceof AppError) return fail(error);
      // WeChat's failures become stable codes with Chinese text; the log keeps WeChat's own
      // errcode/errmsg (never a URL: it would carry the access token).
      const upstream = toAppError(error);
      if (upstream) {
        console.warn(`[${functionName}.${String(name)}] ${(error as Error).message}`);
        return fail(upstream);
      }
      // The event is not logged: it may hold tickets or personal data.
      console.error(`[${functionName}.${String(name)}] unexpected error`, error);
      return fail(new AppError('INTERNAL', '服务暂时不可用，请稍后重试'));
    }
  };
}

function fail(error: AppError): Envelope<never> {
  return { ok: false, error: error.toBody() };
}

/** A zod failure as one Chinese line: the first issue and how many more there are. */
export function describeIssues(error: z.ZodError): string {
  const [first, ...rest] = error.issues;
  if (!first) return '参数无效';
  const where = first.path.length > 0 ? `参数 ${first.path.join('.')}：` : '参数无效：';
  return rest.length > 0
    ? `${where}${first.message}（另有 ${rest.length} 处错误）`
    : `${where}${first.message}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
