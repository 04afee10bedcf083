/**
 * What a 商家转账 error reply means for the payout (the error table of WeChat Pay's 发起转账
 * page): retry with the same out_bill_no, query first, fix the request or the configuration.
 */

export type TransferErrorAction =
  /** Back off, then resend with the same out_bill_no and identical parameters. */
  | 'retry-same-out-bill-no'
  /** The outcome is unknown: query by out_bill_no, then resend the same one if it is not there. */
  | 'query-then-retry'
  /** Our request is wrong (fields, report infos, amount range): fix it; the bill was not created. */
  | 'fix-request'
  /** Merchant setup (product not opened, IP whitelist, signing keys): an operator must act. */
  | 'fix-configuration'
  /** Query only: WeChat has no bill with this number (in the last 30 days). */
  | 'not-found';

export interface TransferErrorClass {
  action: TransferErrorAction;
  retryable: boolean;
  operatorAction: boolean;
}

/**
 * What a v3 error means (the error table of WeChat Pay's 发起转账 page). No row ever says "use a new
 * out_bill_no": that is allowed only after a query shows the bill FAIL (or absent), because
 * switching early is how transfers get paid twice.
 */
export function classifyTransferError(status: number, code: string): TransferErrorClass {
  switch (code) {
    case 'FREQUENCY_LIMITED':
    case 'FREQUENCY_LIMIT_EXCEED':
      return { action: 'retry-same-out-bill-no', retryable: true, operatorAction: false };
    case 'NOT_ENOUGH':
      // "充值后可以原单号发起重试，请勿更换商户单号": the operating account needs money.
      return { action: 'retry-same-out-bill-no', retryable: true, operatorAction: true };
    case 'SYSTEM_ERROR':
      return { action: 'query-then-retry', retryable: true, operatorAction: false };
    case 'NO_AUTH':
      return { action: 'fix-configuration', retryable: false, operatorAction: true };
    case 'PARAM_ERROR':
    case 'INVALID_REQUEST':
      return { action: 'fix-request', retryable: false, operatorAction: true };
    case 'NOT_FOUND':
      return { action: 'not-found', retryable: false, operatorAction: false };
    default:
      break;
  }
  if (status === 429)
    return { action: 'retry-same-out-bill-no', retryable: true, operatorAction: false };
  if (status === 401)
    return { action: 'fix-configuration', retryable: false, operatorAction: true };
  if (status === 404) return { action: 'not-found', retryable: false, operatorAction: false };
  // 5xx and anything unrecognised: the bill may exist.
  return { action: 'query-then-retry', retryable: true, operatorAction: status < 500 };
}
