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
 * WeChat's asynchronous API convention: callbacks when any of success/fail/complete is given,
 * otherwise a promise (base library ≥ 2.10.2); results carry `errMsg: '<api>:ok'`.
 */
export function asyncApi<R extends object>(api: string, run: (options: Options) => Promise<R> | R) {
  return (options: Options = {}): Promise<R & { errMsg: string }> | undefined => {
    const outcome = Promise.resolve()
      .then(() => run(options))
      .then((result) => ({ errMsg: `${api}:ok`, ...result }));
    if (!options.success && !options.fail && !options.complete) return outcome;
    outcome.then(
      (result) => {
        options.success?.(result);
        options.complete?.(result);
      },
      (error: unknown) => {
        options.fail?.(error);
        options.complete?.(error);
      },
    );
    return undefined;
  };
}
