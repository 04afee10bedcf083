/**
 * Errors in CloudBase's wire shape. The SDKs surface `code` and `message` of a failed
 * `POST /admin` reply (`{ code, message, requestId }`) to the caller unchanged, so the emulator
 * raises these instead of generic errors wherever CloudBase would answer with a code.
 */
export class CloudBaseError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 200,
  ) {
    super(message);
    this.name = 'CloudBaseError';
  }
}

/** Codes CloudBase answers with, as the SDKs see them. */
export const ErrorCode = {
  InvalidParam: 'INVALID_PARAM',
  ActionNotSupported: 'INVALID_ACTION',
  CollectionNotExist: 'DATABASE_COLLECTION_NOT_EXIST',
  CollectionAlreadyExist: 'DATABASE_COLLECTION_ALREADY_EXIST',
  DuplicateWrite: 'DATABASE_DUPLICATE_WRITE',
  TransactionNotExist: 'DATABASE_TRANSACTION_FAIL',
  TransactionConflict: 'DATABASE_TRANSACTION_CONFLICT',
  RequestFailed: 'DATABASE_REQUEST_FAILED',
  FunctionNotFound: 'FUNCTIONS_NOT_FOUND',
  FunctionExecuteFail: 'FUNCTIONS_EXECUTE_FAIL',
  FunctionTimeout: 'FUNCTIONS_TIME_LIMIT_EXCEEDED',
  StorageFileNotExist: 'STORAGE_FILE_NONEXIST',
  StorageRequestFail: 'STORAGE_REQUEST_FAIL',
} as const;
