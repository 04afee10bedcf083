/**
 * The six marketcode (一物一码) APIs of the Official Account (WeChat's 一物一码 API pages), typed, with
 * inputs checked against the documented rules before anything is sent.
 *
 * uint64 handling: `application_id`, `code_start`, `code_end` and `code_index` are uint64 in
 * WeChat's documents. Replies are parsed with those fields kept as digit strings; application ids
 * stay strings everywhere (and are sent as strings, as WeChat's own example does), while code
 * indexes become numbers only when exact (an application holds at most 20,000,000 codes) and are
 * refused otherwise rather than silently rounded.
 */
import type { ActivationDetails, CodeActivationView } from '../../../../typings/admin.js';
import {
  type CodeRange,
  type WxaType,
  checkCodeCount,
  checkCodeIndex,
  checkCodeUrl,
  checkIsvApplicationId,
  checkProductCode,
  checkRange,
  checkRawCode,
  checkWxaType,
  normaliseApplicationId,
} from '../../domain/marketcode.js';
import { AppError, invalidArgument } from '../../errors.js';
import { WeChatApiError, WeChatTransportError } from '../errors.js';
import { officialAccountClient, type OfficialAccountClient } from '../oa/client.js';

const BIG_FIELDS = ['application_id', 'code_start', 'code_end', 'code_index'] as const;

/** A package download can be tens of megabytes; give it longer than an ordinary call. */
const DOWNLOAD_TIMEOUT_MS = 45_000;

/**
 * The largest package reply read. We import at most 100,000 codes per range: about 41 MB of
 * lines, 55 MB once base64-encoded in the JSON reply; anything far beyond is not a package.
 */
export const PACKAGE_REPLY_MAX_BYTES = 96 * 1024 * 1024;

/** WeChat's "invalid args": also its answer for a code it does not know or has not activated. */
const INVALID_ARGS = 40097;

export interface ApplyCodeRequest {
  codeCount: number;
  isvApplicationId: string;
}

export interface ApplicationStatus {
  /** `FINISH` when the codes can be downloaded; no other value is documented (treat as pending). */
  status: string;
  applicationId: string;
  isvApplicationId: string;
  ranges: CodeRange[];
  createTime?: number;
  updateTime?: number;
}

export interface ActivateRequest extends CodeRange, ActivationDetails {
  applicationId: string;
  wxaType?: WxaType;
}

export type ActivationLookup =
  { applicationId: string; codeIndex: number } | { code: string } | { codeUrl: string };

/** An activated code as codeactivequery and tickettocode describe it. */
export type CodeActivation = Omit<CodeActivationView, 'index'>;

/** What codeactivequery says about a code, each documented form read as the same answer. */
export type ActivationLookupResult =
  | { state: 'activated'; activation: CodeActivation }
  /** The code exists but no activation covers it. */
  | { state: 'not_activated'; code?: string; applicationId?: string }
  /** WeChat does not know the code (made up, mistyped, or another account's). */
  | { state: 'unknown' };

const MAX_TEXT = 128;

export class MarketcodeClient {
  constructor(private readonly oa: OfficialAccountClient) {}

  /** Same `isvApplicationId`, same application: safe to repeat. */
  async applyCode(request: ApplyCodeRequest): Promise<{ applicationId: string }> {
    const reply = await this.post('applycode', {
      code_count: checkCodeCount(request.codeCount),
      isv_application_id: checkIsvApplicationId(request.isvApplicationId),
    });
    return { applicationId: applicationIdOf(reply, 'applycode') };
  }

  async queryApplication(
    by: { applicationId: string } | { isvApplicationId: string },
  ): Promise<ApplicationStatus> {
    const body =
      'applicationId' in by
        ? { application_id: normaliseApplicationId(by.applicationId) }
        : { isv_application_id: checkIsvApplicationId(by.isvApplicationId) };
    const reply = await this.post('applycodequery', body);
    const list = Array.isArray(reply.code_generate_list) ? reply.code_generate_list : [];
    return {
      status: String(reply.status ?? ''),
      applicationId: applicationIdOf(reply, 'applycodequery'),
      isvApplicationId: String(reply.isv_application_id ?? ''),
      ranges: list.map((item: unknown) => rangeOf(item, 'applycodequery')),
      createTime: optionalNumber(reply.create_time),
      updateTime: optionalNumber(reply.update_time),
    };
  }

  /** The base64 `buffer` of one range's encrypted package (only once the status is FINISH). */
  async downloadPackage(request: { applicationId: string } & CodeRange): Promise<string> {
    checkRange(request);
    const reply = await this.post(
      'applycodedownload',
      {
        application_id: normaliseApplicationId(request.applicationId),
        code_start: request.codeStart,
        code_end: request.codeEnd,
      },
      DOWNLOAD_TIMEOUT_MS,
      PACKAGE_REPLY_MAX_BYTES,
    );
    if (typeof reply.buffer !== 'string' || reply.buffer === '') {
      throw new WeChatTransportError('/intp/marketcode/applycodedownload', 'no buffer', false);
    }
    return reply.buffer;
  }

  async activate(request: ActivateRequest): Promise<void> {
    checkRange(request);
    const body: Record<string, unknown> = {
      application_id: normaliseApplicationId(request.applicationId),
      activity_name: text(request.activityName, '活动名称'),
      product_brand: text(request.productBrand, '商品品牌'),
      product_title: text(request.productTitle, '商品标题'),
      product_code: checkProductCode(request.productCode),
      wxa_appid: text(request.wxaAppid, '小程序 appid', 64),
      wxa_path: text(request.wxaPath, '小程序路径', 256),
      code_start: request.codeStart,
      code_end: request.codeEnd,
    };
    if (request.wxaType !== undefined) body.wxa_type = checkWxaType(request.wxaType);
    await this.post('codeactive', body);
  }

  /** The activation of a code; NOT_ACTIVATED (an AppError) when WeChat says it has none. */
  async queryActivation(lookup: ActivationLookup): Promise<CodeActivation> {
    const result = await this.lookupActivation(lookup);
    if (result.state === 'activated') return result.activation;
    if (result.state === 'not_activated') {
      throw new AppError('NOT_ACTIVATED', '该码尚未激活');
    }
    throw new WeChatApiError('/intp/marketcode/codeactivequery', INVALID_ARGS, 'code not exist');
  }

  /**
   * codeactivequery with its answers told apart: activated, not activated, unknown. Any other
   * failure (busy, quota, token, transport) is thrown as it is.
   */
  async lookupActivation(lookup: ActivationLookup): Promise<ActivationLookupResult> {
    let body: Record<string, unknown>;
    if ('code' in lookup) body = { code: checkRawCode(lookup.code) };
    else if ('codeUrl' in lookup) body = { code_url: checkCodeUrl(lookup.codeUrl) };
    else {
      body = {
        application_id: normaliseApplicationId(lookup.applicationId),
        code_index: checkCodeIndex(lookup.codeIndex),
      };
    }
    try {
      return classifyActivationReply(await this.post('codeactivequery', body));
    } catch (error) {
      const refused = classifyActivationRefusal(error);
      if (refused) return refused;
      throw error;
    }
  }

  /**
   * The code a scanning user's `code_ticket` stands for. `openid` is the user who received the
   * ticket (the Mini Program caller's OPENID; see WeChat's tickettocode page). `timeoutMs` bounds
   * each attempt: a consumer is waiting.
   */
  async ticketToCode(
    request: { openid: string; codeTicket: string },
    timeoutMs?: number,
  ): Promise<CodeActivation> {
    const body = {
      openid: text(request.openid, 'openid', 128),
      code_ticket: text(request.codeTicket, 'code_ticket', 256),
    };
    return activationOf(await this.post('tickettocode', body, timeoutMs), 'tickettocode');
  }

  private post(
    name: string,
    body: Record<string, unknown>,
    timeoutMs?: number,
    maxBytes?: number,
  ): Promise<Record<string, unknown>> {
    return this.oa.call({
      api: `/intp/marketcode/${name}`,
      body,
      bigIntegerFields: BIG_FIELDS,
      timeoutMs,
      maxBytes,
    });
  }
}

function text(value: string, name: string, max = MAX_TEXT): string {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > max)
    throw invalidArgument(`${name}须为 1 到 ${max} 个字符`);
  return trimmed;
}

function applicationIdOf(reply: Record<string, unknown>, api: string): string {
  const id = reply.application_id;
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw new WeChatTransportError(`/intp/marketcode/${api}`, 'no application_id', false);
  }
  return normaliseApplicationId(id);
}

function indexOf(value: unknown, api: string): number {
  const index = Number(value);
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new WeChatTransportError(`/intp/marketcode/${api}`, 'a code index is not exact', false);
  }
  return index;
}

function rangeOf(item: unknown, api: string): CodeRange {
  const range = item as { code_start?: unknown; code_end?: unknown };
  return { codeStart: indexOf(range.code_start, api), codeEnd: indexOf(range.code_end, api) };
}

function optionalNumber(value: unknown): number | undefined {
  const number = Number(value);
  return value === undefined || !Number.isFinite(number) ? undefined : number;
}

/**
 * A codeactivequery success reply. WeChat's documented example carries the activation fields;
 * for a code that exists but is not activated WeChat may answer errcode 0 with only `code`,
 * `application_id` and `isv_application_id` — no segment — which means "not activated", not a
 * malformed reply to retry.
 */
export function classifyActivationReply(reply: Record<string, unknown>): ActivationLookupResult {
  if (reply.code_start === undefined && reply.code_end === undefined) {
    const id = reply.application_id;
    return {
      state: 'not_activated',
      ...(reply.code === undefined ? {} : { code: String(reply.code) }),
      ...(typeof id === 'string' || typeof id === 'number'
        ? { applicationId: normaliseApplicationId(id) }
        : {}),
    };
  }
  return { state: 'activated', activation: activationOf(reply, 'codeactivequery') };
}

/**
 * A codeactivequery refusal that is an answer about the code. WeChat documents neither case's
 * errcode; 40097 is what is seen for both, told apart only by errmsg (UNVERIFIED: an errmsg
 * naming activation means not activated, any other 40097 an unknown code).
 */
export function classifyActivationRefusal(error: unknown): ActivationLookupResult | undefined {
  if (!(error instanceof WeChatApiError) || error.errcode !== INVALID_ARGS) return undefined;
  return /activ/i.test(error.errmsg) ? { state: 'not_activated' } : { state: 'unknown' };
}

/** A tickettocode or activated codeactivequery reply as one activated code. */
export function activationOf(reply: Record<string, unknown>, api: string): CodeActivation {
  const string = (value: unknown): string => (value === undefined ? '' : String(value));
  return {
    code: string(reply.code),
    applicationId: applicationIdOf(reply, api),
    isvApplicationId: string(reply.isv_application_id),
    activityName: string(reply.activity_name),
    productBrand: string(reply.product_brand),
    productTitle: string(reply.product_title),
    productCode: reply.product_code === undefined ? undefined : string(reply.product_code),
    wxaAppid: string(reply.wxa_appid),
    wxaPath: string(reply.wxa_path),
    wxaType: reply.wxa_type === undefined ? undefined : Number(reply.wxa_type),
    codeStart: indexOf(reply.code_start, api),
    codeEnd: indexOf(reply.code_end, api),
  };
}

/** The marketcode client of the configured Official Account. */
export function marketcodeClient(): MarketcodeClient {
  return new MarketcodeClient(officialAccountClient());
}
