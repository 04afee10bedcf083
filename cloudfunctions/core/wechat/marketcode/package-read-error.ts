/**
 * Why a code package could not be read, whichever stage found it (the reply, base64, the
 * decipher, a line): one error type with a stable code, so the admin actions and the CLI report
 * every stage the same way.
 */
import { AppError } from '../../errors.js';

export type PackageReadErrorCode =
  | 'PACKAGE_KEY_INVALID'
  | 'PACKAGE_WRONG_KEY'
  | 'PACKAGE_BAD_BASE64'
  | 'PACKAGE_TRUNCATED'
  | 'PACKAGE_MALFORMED_LINE'
  | 'PACKAGE_EMPTY'
  | 'PACKAGE_BAD_REPLY'
  | 'PACKAGE_WECHAT_ERROR';

/**
 * Why a package could not be read. `message` is Chinese and shown to the operator as is (the
 * admin actions can throw it straight through); `detail` is the English specifics for the log.
 */
export class PackageReadError extends AppError {
  constructor(
    override readonly code: PackageReadErrorCode,
    message: string,
    readonly detail: string,
    readonly lineNumber?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'PackageReadError';
  }
}
