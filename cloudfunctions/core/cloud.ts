import * as cloud from 'wx-server-sdk';

/**
 * The one place that initialises wx-server-sdk. `DYNAMIC_CURRENT_ENV` makes every call use the
 * environment the function runs in, so the same bundle serves every CloudBase environment and the
 * local emulator (which points the SDK elsewhere through `TCB_CONTEXT_CNFG`).
 */
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

export { cloud };

type SdkDatabase = ReturnType<typeof cloud.database>;

/**
 * The SDK's typings declare every terminal call (`get`, `update`, `count`, …) as
 * `Promise<R> | void | string` to cover its callback style, which we never use. This view keeps
 * the promise alone, through the whole chain (`collection().where().orderBy().get()`).
 */
export type PromiseStyle<T> = {
  [K in keyof T]: T[K] extends (...args: infer Args) => infer Result
    ? (...args: Args) => PromiseStyleResult<Result>
    : T[K];
};
type PromiseStyleResult<Result> = [Extract<Result, Promise<unknown>>] extends [never]
  ? Result extends object
    ? PromiseStyle<Result>
    : Result
  : Extract<Result, Promise<unknown>>;

export type Database = PromiseStyle<SdkDatabase>;

let database: Database | undefined;

export function db(): Database {
  database ??= cloud.database() as unknown as Database;
  return database;
}
