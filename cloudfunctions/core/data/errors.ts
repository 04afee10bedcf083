/**
 * Recognises the database's answer to a write that broke a unique index. CloudBase reports it as
 * a failed request whose message carries MongoDB's E11000 text; the code varies across SDK
 * versions, so the message is what is checked.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { message, errMsg, code } = error as {
    message?: unknown;
    errMsg?: unknown;
    code?: unknown;
  };
  const text = [message, errMsg, code].filter((part) => typeof part === 'string').join(' ');
  return /E11000|duplicate key|DUPLICATE_WRITE/i.test(text);
}

/**
 * A transaction that could not start or finish because another held what it needed
 * (DATABASE_TRANSACTION_CONFLICT): safe to run again from the start.
 */
export function isTransactionConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { message, errMsg, code } = error as {
    message?: unknown;
    errMsg?: unknown;
    code?: unknown;
  };
  const text = [message, errMsg, code].filter((part) => typeof part === 'string').join(' ');
  return /TRANSACTION_CONFLICT|TransactionBusy|TransactionConflict/i.test(text);
}
