/**
 * Recognises the database's answer to a write that broke a unique index. CloudBase reports it as
 * a failed request whose message carries MongoDB's E11000 text; the code varies across SDK
 * versions, so the message is what is checked.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  return /E11000|duplicate key|DUPLICATE_WRITE/i.test(errorText(error));
}

/**
 * A transaction's write met a document another open transaction wrote, or one committed since
 * its snapshot (DATABASE_TRANSACTION_CONFLICT, `[ResourceUnavailable.TransactionConflict]`); the
 * transaction was aborted, so it is safe to run again from the start.
 */
export function isTransactionConflict(error: unknown): boolean {
  return /TRANSACTION_CONFLICT|TransactionConflict/i.test(errorText(error));
}

/** What an SDK error says about itself: message, errMsg and code, whichever it carries. */
function errorText(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { message, errMsg, code } = error as {
    message?: unknown;
    errMsg?: unknown;
    code?: unknown;
  };
  return [message, errMsg, code].filter((part) => typeof part === 'string').join(' ');
}
