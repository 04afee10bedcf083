/**
 * WeChat's calling convention for the preview's `wx.*` (wx.ts and its parts): options with
 * success/fail/complete or a promise, results with `errMsg: '<api>:ok'`, failures as
 * `{ errMsg: '<api>:fail <reason>', errCode? }`.
 */

export type Options = Record<string, unknown> & {
  success?: (result: unknown) => void;
  fail?: (error: unknown) => void;
  complete?: (result: unknown) => void;
};

export interface WxError {
  errMsg: string;
  errCode?: number;
}

export function wxError(api: string, reason: string, errCode?: number): WxError {
  return errCode === undefined
    ? { errMsg: `${api}:fail ${reason}` }
    : { errMsg: `${api}:fail ${reason}`, errCode };
}

/**
 * WeChat's asynchronous API convention: callbacks when any of success/fail/complete is given (the
 * call then returns `handle`: undefined, or a task such as an UploadTask), otherwise a promise
 * (base library ≥ 2.10.2); results carry `errMsg: '<api>:ok'`.
 */
export function settle<R extends object, H>(
  api: string,
  options: Options,
  outcome: Promise<R>,
  handle: H,
): Promise<R & { errMsg: string }> | H {
  const done = outcome.then((result) => ({ errMsg: `${api}:ok`, ...result }));
  if (!options.success && !options.fail && !options.complete) return done;
  done.then(
    (result) => {
      options.success?.(result);
      options.complete?.(result);
    },
    (error: unknown) => {
      options.fail?.(error);
      options.complete?.(error);
    },
  );
  return handle;
}

/** An API of that convention from what it does with its options. */
export function asyncApi<R extends object>(api: string, run: (options: Options) => Promise<R> | R) {
  return (options: Options = {}): Promise<R & { errMsg: string }> | undefined =>
    settle(
      api,
      options,
      Promise.resolve().then(() => run(options)),
      undefined,
    );
}
