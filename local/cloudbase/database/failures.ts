/**
 * The database failures CloudBase answers with, in its wire shape (`code` + `message`).
 *
 * Codes and message texts follow what the SDKs and CloudBase's error-code pages show:
 * wx-server-sdk maps `DATABASE_COLLECTION_NOT_EXIST` to errCode -502005 and other database codes
 * to their own numbers (unknown ones to -501001), keeping `message` as errMsg.
 */
import { CloudBaseError, ErrorCode } from '../errors.js';

const CONTACT_US = 'Please check your request, but if the problem cannot be solved, contact us.';
/** The closing sentence of CloudBase's transaction failures. */
const PERSISTS = 'Please check your request, but if the problem persists, contact us.';

export function collectionNotExist(collectionName: string): CloudBaseError {
  return new CloudBaseError(
    ErrorCode.CollectionNotExist,
    `[ResourceNotFound] Db or Table not exist: ${collectionName}. ${CONTACT_US}`,
  );
}

export function collectionAlreadyExist(collectionName: string): CloudBaseError {
  return new CloudBaseError(
    ErrorCode.CollectionAlreadyExist,
    `[ResourceInUse] Table exist: ${collectionName}. ${CONTACT_US}`,
  );
}

/** Mongo's E11000 text inside CloudBase's code, so callers matching either keep working. */
export function duplicateKey(
  collectionName: string,
  indexName: string,
  key: Record<string, unknown>,
): CloudBaseError {
  const keyText = Object.entries(key)
    .map(([path, value]) => `${path}: ${JSON.stringify(value ?? null)}`)
    .join(', ');
  return new CloudBaseError(
    ErrorCode.DuplicateWrite,
    `[DuplicateWrite] E11000 duplicate key error collection: ${collectionName} index: ${indexName} dup key: { ${keyText} }. ${CONTACT_US}`,
  );
}

export function invalidParam(detail: string): CloudBaseError {
  return new CloudBaseError(ErrorCode.InvalidParam, `[InvalidParameter] ${detail}`);
}

/** CloudBase's spelling (errCode -502002); not in the shared ErrorCode map. */
const INVALID_OPERATOR = 'DATABASE_INVALID_OPERRATOR';

/** An operator or stage the query engine rejects (unknown `$op`, malformed operand, …). */
export function invalidOperator(detail: string): CloudBaseError {
  return new CloudBaseError(INVALID_OPERATOR, `[InvalidParameter] ${detail}`);
}

export function requestFailed(detail: string): CloudBaseError {
  return new CloudBaseError(ErrorCode.RequestFailed, `[FailedOperation] ${detail}`);
}

/** Committed, aborted, expired or never started: CloudBase's own test shows code and text. */
export function transactionNotExist(lifetimeMs: number): CloudBaseError {
  return new CloudBaseError(
    ErrorCode.TransactionNotExist,
    `[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in ${Math.round(lifetimeMs / 1000)} seconds. ${PERSISTS}`,
  );
}

/**
 * A write to a document another open transaction wrote, or that a commit changed since the
 * writing transaction's snapshot. runTransaction retries exactly this code.
 */
export function transactionConflict(): CloudBaseError {
  return new CloudBaseError(
    ErrorCode.TransactionConflict,
    `[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. ${PERSISTS}`,
  );
}

export function actionNotSupported(action: string): CloudBaseError {
  return new CloudBaseError(
    ErrorCode.ActionNotSupported,
    `action ${action} is not supported by the local emulator`,
  );
}
