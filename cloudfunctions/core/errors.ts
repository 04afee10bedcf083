import type { CommonErrorCode, EnvelopeError } from '../../typings/envelope.js';

export type { CommonErrorCode };

/**
 * An expected failure of an action: it becomes `{ ok: false, error: { code, message } }` in the
 * reply. `message` is shown to the user as is, so it is Chinese and free of internals; `cause`
 * is for the log only.
 */
export class AppError extends Error {
  constructor(
    readonly code: CommonErrorCode | (string & {}),
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }

  toBody(): EnvelopeError {
    return { code: this.code, message: this.message };
  }
}

export const invalidArgument = (message: string): AppError =>
  new AppError('INVALID_ARGUMENT', message);

export const unauthenticated = (): AppError =>
  new AppError('UNAUTHENTICATED', '无法识别你的微信身份，请在微信中重新打开小程序');

export const forbidden = (message = '你没有权限执行此操作'): AppError =>
  new AppError('FORBIDDEN', message);

export const notFound = (message: string): AppError => new AppError('NOT_FOUND', message);
