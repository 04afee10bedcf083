/**
 * WeChat's error answers: `{ errcode, errmsg }` with HTTP 200. The codes and messages are the ones
 * WeChat documents or is seen to return (its 一物一码 and access-token pages); clients branch
 * on `errcode` only, so the messages carry detail for the developer reading a log.
 */
export const Errcode = {
  SystemBusy: -1,
  /** Unknown token, or one superseded by a newer token (after the 5-minute grace). */
  InvalidCredential: 40001,
  InvalidGrantType: 40002,
  InvalidAppid: 40013,
  /** WeChat's generic "invalid args", also what tickettocode answers for a bad ticket. */
  InvalidArgs: 40097,
  InvalidAppsecret: 40125,
  AccessTokenMissing: 41001,
  AppidMissing: 41002,
  AppsecretMissing: 41004,
  AccessTokenExpired: 42001,
  RequireGet: 43001,
  RequirePost: 43002,
  DataFormatError: 47001,
  /** Community-reported for an application of another account (申请单不属于该账号). */
  ApplicationNotOwned: 80301,
} as const;

/** The Official Account APIs' errcodes (QR codes, tags, users, messages, media, drafts). */
export const OaErrcode = {
  InvalidOpenid: 40003,
  InvalidMediaType: 40004,
  InvalidFileType: 40005,
  InvalidFileSize: 40006,
  InvalidMediaId: 40007,
  InvalidMessageType: 40008,
  InvalidOpenidListSize: 40032,
  MediaDataMissing: 41005,
  ArticleSizeOutOfLimit: 45008,
  ResponseOutOfTimeLimit: 45015,
  QrcodeCountOutOfLimit: 45029,
  ResponseCountLimit: 45047,
  TooManyTags: 45056,
  SystemTag: 45058,
  UserTooManyTags: 45059,
  InvalidTagName: 45157,
  TagNameTooLong: 45158,
  InvalidTagId: 45159,
} as const;

export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`${errcode} ${errmsg}`);
    this.name = 'WechatApiError';
  }
}

export function invalidArgs(detail: string): WechatApiError {
  return new WechatApiError(Errcode.InvalidArgs, `invalid args, ${detail}`);
}

/** Default messages, used for injected faults that give only an errcode. */
const MESSAGES: Readonly<Record<number, string>> = {
  [Errcode.SystemBusy]: 'system error',
  [Errcode.InvalidCredential]: 'invalid credential, access_token is invalid or not latest',
  [Errcode.InvalidGrantType]: 'invalid grant_type',
  [Errcode.InvalidAppid]: 'invalid appid',
  [Errcode.InvalidArgs]: 'invalid args',
  [Errcode.InvalidAppsecret]: 'invalid appsecret',
  [Errcode.AccessTokenMissing]: 'access_token missing',
  [Errcode.AppidMissing]: 'appid missing',
  [Errcode.AppsecretMissing]: 'appsecret missing',
  [Errcode.AccessTokenExpired]: 'access_token expired',
  [Errcode.RequireGet]: 'require GET method',
  [Errcode.RequirePost]: 'require POST method',
  [Errcode.DataFormatError]: 'data format error',
  [Errcode.ApplicationNotOwned]: 'application not belong to this account',
  40014: 'invalid access_token',
  40164: 'invalid ip, not in whitelist',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit, mustslower retry next minute',
  48001: 'api unauthorized',
  40003: 'invalid openid',
  40007: 'invalid media_id',
  45008: 'article size out of limit',
  45015: 'response out of time limit or subscription is canceled',
  45029: 'qrcode count out of limit',
  45047: 'out of response count limit',
  45056: 'too many tags now, no need to add new',
  45059: 'has too many tags',
  45157: 'invalid tag name',
  45159: 'invalid tag id',
};

export function defaultErrmsg(errcode: number): string {
  return MESSAGES[errcode] ?? `simulated error ${errcode}`;
}

export function wechatError(errcode: number): WechatApiError {
  return new WechatApiError(errcode, defaultErrmsg(errcode));
}
