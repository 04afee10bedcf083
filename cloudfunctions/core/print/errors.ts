import { AppError } from '../errors.js';

export type PrintErrorCode = 'PRINT_BAD_CSV' | 'PRINT_BAD_RECORD' | 'PRINT_BAD_FORMAT';

/** A print file that cannot be made; the message is Chinese, for the operator. */
export class PrintError extends AppError {
  constructor(
    override readonly code: PrintErrorCode,
    message: string,
    readonly lineNumber?: number,
  ) {
    super(code, message);
    this.name = 'PrintError';
  }
}
