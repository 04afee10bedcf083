/**
 * Activation and scanning: `codeactive`, `codeactivequery`, `tickettocode`, and the consumer's
 * side of a scan (WeChat's 一物一码 API pages for the three, and how a scan's ticket reaches the
 * Mini Program).
 *
 * - codeactive: a FINISHed application of this account; code_start ≤ code_end (inclusive) inside
 *   [0, code_count) — a segment may span several download ranges; all text fields required;
 *   wxa_type 0 (release, default), 1 (develop) or 2 (trial). WeChat lets a segment be activated
 *   again ("可以重复激活"), so a later activation wins for the codes it covers; queries report the
 *   segment of the activation that applies.
 * - codeactivequery: by application_id + code_index, by code, or by code_url. An unknown code is
 *   40097 `code not exist`; a code not yet activated is 40097 `code not activated`, or (config
 *   `notActivatedReply: 'bare'`) errcode 0 with only code, application_id and isv_application_id:
 *   WeChat documents neither, and both are seen.
 * - A scan of an activated code opens the Mini Program at wxa_path with a fresh 32-hex code_ticket
 *   bound to the scanning openid. tickettocode answers for that (ticket, openid) pair until the
 *   ticket's TTL ends, as often as asked; anything else is 40097 with WeChat's own message.
 */
import { randomBytes } from 'node:crypto';
import type { CodeApplications } from './applications';
import { statusOf } from './applications';
import { optionalText, optionalUint, requireText, requireUint, type Body } from './args';
import { codeOf, globalIndexOfCode, globalIndexOfUrl } from './codes';
import type { SimulatorConfig } from './config';
import { Errcode, WechatApiError, invalidArgs } from './errors';
import type { ActivationFields, ApplicationRow, SimulatorStore } from './store';

const TEXT_FIELDS = [
  'activity_name',
  'product_brand',
  'product_title',
  'product_code',
  'wxa_appid',
  'wxa_path',
] as const;
const MAX_TEXT = 256;
export const SCAN_SCENE = 1124;
export const BAD_TICKET_MESSAGE = 'invalid args, 无效的code_ticket或与openid不对应';

/** What codeactivequery and tickettocode answer besides errcode/errmsg. */
export interface ActivatedCode extends ActivationFields {
  code: string;
  application_id: number;
  isv_application_id: string;
  code_start: number;
  code_end: number;
}

/** codeactivequery's bare answer for a code that exists but is not activated. */
export interface NotActivatedCode {
  code: string;
  application_id: number;
  isv_application_id: string;
}

/** What WeChat hands the Mini Program when a consumer scans an activated code. */
export interface ScanLaunch {
  code: string;
  path: string;
  query: Record<string, string> & { code_ticket: string };
  scene: number;
}

/** A scan that WeChat would not turn into a Mini Program launch. */
export class ScanRefused extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'ScanRefused';
  }
}

/** Where a code sits: its application and its index there. */
interface CodePosition {
  application: ApplicationRow;
  index: number;
}

export class CodeActivations {
  constructor(
    private readonly store: SimulatorStore,
    private readonly applications: CodeApplications,
    private readonly now: () => number,
    private readonly config: () => SimulatorConfig,
  ) {}

  codeactive(appid: string, body: Body): Record<string, never> {
    const application = this.applications.owned(appid, requireUint(body, 'application_id'));
    const status = statusOf(application, this.now());
    if (status !== 'FINISH')
      throw invalidArgs(`application status is ${status}, codes can be activated after FINISH`);
    const fields = Object.fromEntries(
      TEXT_FIELDS.map((name) => [name, requireText(body, name, MAX_TEXT)]),
    ) as Record<(typeof TEXT_FIELDS)[number], string>;
    const wxaType = optionalUint(body, 'wxa_type') ?? 0;
    if (wxaType > 2) throw invalidArgs('wxa_type must be 0 (release), 1 (develop) or 2 (trial)');
    const start = requireUint(body, 'code_start');
    const end = requireUint(body, 'code_end');
    if (start > end) throw invalidArgs('code_start must not be greater than code_end');
    if (end >= application.code_count)
      throw invalidArgs(
        `code_end ${end} is outside the application's codes [0, ${application.code_count - 1}]`,
      );
    this.store.insertActivation({
      ...fields,
      wxa_type: wxaType,
      application_id: application.application_id,
      code_start: start,
      code_end: end,
      created_at: this.now(),
    });
    return {};
  }

  codeactivequery(appid: string, body: Body): ActivatedCode | NotActivatedCode {
    const code = optionalText(body, 'code', 64);
    const url = optionalText(body, 'code_url', 64);
    const applicationId = optionalUint(body, 'application_id');
    let position: CodePosition;
    if (code !== undefined || url !== undefined) {
      const found = code !== undefined ? this.positionOfCode(code) : this.positionOfUrl(url ?? '');
      if (!found) throw invalidArgs(`${code !== undefined ? 'code' : 'code_url'} not exist`);
      position = found;
      // Ownership is checked the same way as by application_id.
      this.applications.owned(appid, position.application.application_id);
    } else if (applicationId !== undefined) {
      const application = this.applications.owned(appid, applicationId);
      const index = requireUint(body, 'code_index');
      if (index >= application.code_count)
        throw invalidArgs(`code_index ${index} is outside the application's codes`);
      position = { application, index };
    } else {
      throw invalidArgs('application_id with code_index, code or code_url is required');
    }
    const activated = this.describe(position);
    if (activated) return activated;
    if (this.config().notActivatedReply === 'bare') {
      const { application, index } = position;
      return {
        code: codeOf(application.code_offset + index),
        application_id: application.application_id,
        isv_application_id: application.isv_application_id,
      };
    }
    throw invalidArgs('code not activated');
  }

  tickettocode(appid: string, body: Body): ActivatedCode {
    // Any malformed openid or ticket gets the same answer as a wrong one, as WeChat gives.
    const { openid, code_ticket: ticket } = body;
    const row = typeof ticket === 'string' ? this.store.findTicket(ticket) : undefined;
    if (!row || row.openid !== openid || this.now() >= row.expires_at)
      throw new WechatApiError(Errcode.InvalidArgs, BAD_TICKET_MESSAGE);
    const application = this.store.applicationById(row.application_id);
    // A ticket of another account's code is as unknown to this account as a made-up one.
    if (!application || application.appid !== appid)
      throw new WechatApiError(Errcode.InvalidArgs, BAD_TICKET_MESSAGE);
    const activated = this.describe({ application, index: row.code_index });
    if (!activated) throw invalidArgs('code not activated');
    return activated;
  }

  /** The consumer's camera: scan a code (by raw code, URL, or application and index) as a user. */
  scan(request: Body): ScanLaunch {
    const openid = typeof request.openid === 'string' ? request.openid : '';
    if (openid === '') throw new ScanRefused(400, 'openid is required');
    const position = this.positionOfScan(request);
    if (!position) throw new ScanRefused(404, 'no such code: WeChat would not recognise it');
    const activated = this.describe(position);
    if (!activated)
      throw new ScanRefused(409, 'code not activated: WeChat would not open a Mini Program');
    const ticket = randomBytes(16).toString('hex');
    this.store.insertTicket({
      ticket,
      openid,
      application_id: position.application.application_id,
      code_index: position.index,
      expires_at: this.now() + this.config().ticketTtlMs,
    });
    this.store.increment('issued:ticket');
    const [path, search = ''] = activated.wxa_path.split('?', 2) as [string, string?];
    return {
      code: activated.code,
      path,
      // WeChat appends code_ticket to whatever query wxa_path already has.
      query: { ...Object.fromEntries(new URLSearchParams(search)), code_ticket: ticket },
      scene: SCAN_SCENE,
    };
  }

  private positionOfScan(request: Body): CodePosition | undefined {
    if (typeof request.code === 'string') return this.positionOfCode(request.code);
    if (typeof request.url === 'string') return this.positionOfUrl(request.url);
    const { applicationId, index } = request;
    if (!Number.isSafeInteger(applicationId) || !Number.isSafeInteger(index)) {
      throw new ScanRefused(400, 'give code, url, or applicationId and index');
    }
    const application = this.store.applicationById(applicationId as number);
    if (!application || (index as number) < 0 || (index as number) >= application.code_count)
      return undefined;
    return { application, index: index as number };
  }

  private positionOfCode(code: string): CodePosition | undefined {
    return this.positionOf(globalIndexOfCode(code));
  }

  private positionOfUrl(url: string): CodePosition | undefined {
    return this.positionOf(globalIndexOfUrl(url));
  }

  private positionOf(globalIndex: number | undefined): CodePosition | undefined {
    if (globalIndex === undefined) return undefined;
    const application = this.store.applicationAt(globalIndex);
    return application && { application, index: globalIndex - application.code_offset };
  }

  /** The activation that applies to a code, in the API's field names, or undefined. */
  private describe({ application, index }: CodePosition): ActivatedCode | undefined {
    const activation = this.store.activationFor(application.application_id, index);
    if (!activation) return undefined;
    return {
      code: codeOf(application.code_offset + index),
      application_id: application.application_id,
      isv_application_id: application.isv_application_id,
      activity_name: activation.activity_name,
      product_brand: activation.product_brand,
      product_title: activation.product_title,
      product_code: activation.product_code,
      wxa_appid: activation.wxa_appid,
      wxa_path: activation.wxa_path,
      wxa_type: activation.wxa_type,
      code_start: activation.code_start,
      code_end: activation.code_end,
    };
  }
}
