/**
 * The simulator's knobs, kept in its database so they survive a restart. Set by
 * `POST /wechat/_sim/config`, or by the stack's `wechat` option at start.
 */

/** applycode's code_count step (WeChat); a range of code_generate_list is a multiple of it too. */
export const CODE_COUNT_STEP = 10_000;

export interface SimulatorConfig {
  /** How long an application takes from applycode to FINISH. Tests set 0. */
  finishDelayMs: number;
  /** How long a code_ticket from a scan can be exchanged by tickettocode. */
  ticketTtlMs: number;
  /**
   * Codes per entry of code_generate_list for applications made from now on (WeChat's split is
   * not published). A range is downloaded as one JSON string, so it must stay well under V8's
   * ~512 MB string limit: ≤ 500,000 codes (≈ 270 MB of base64).
   */
  rangeSize: number;
  /**
   * How codeactivequery answers for a code that exists but is not activated. WeChat documents
   * neither form and both are seen: `errcode` → 40097 `code not activated`; `bare` → errcode 0
   * with only `code`, `application_id` and `isv_application_id`.
   */
  notActivatedReply: NotActivatedReply;
  /**
   * Permanent QR codes the Official Account may hold (WeChat: 100,000; errcode 45029 past it).
   * Tests lower it to reach the limit without creating 100,000 codes.
   */
  permanentQrLimit: number;
}

export const NOT_ACTIVATED_REPLIES = ['errcode', 'bare'] as const;
export type NotActivatedReply = (typeof NOT_ACTIVATED_REPLIES)[number];

export const DEFAULT_CONFIG: SimulatorConfig = {
  finishDelayMs: 2_000,
  ticketTtlMs: 10 * 60_000,
  rangeSize: 100_000,
  notActivatedReply: 'errcode',
  permanentQrLimit: 100_000,
};

export const MAX_RANGE_SIZE = 500_000;

/** Validates a partial config from outside; returns the error message or the accepted values. */
export function checkConfig(input: unknown): Partial<SimulatorConfig> | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return 'config must be a JSON object';
  const accepted: Partial<SimulatorConfig> = {};
  for (const [name, value] of Object.entries(input)) {
    if (!(name in DEFAULT_CONFIG)) return `unknown setting ${name}`;
    if (name === 'notActivatedReply') {
      if (!(NOT_ACTIVATED_REPLIES as readonly unknown[]).includes(value))
        return `notActivatedReply must be one of ${NOT_ACTIVATED_REPLIES.join(', ')}`;
      accepted.notActivatedReply = value as NotActivatedReply;
      continue;
    }
    if (!Number.isSafeInteger(value) || (value as number) < 0)
      return `${name} must be a whole number ≥ 0`;
    accepted[name as 'finishDelayMs' | 'ticketTtlMs' | 'rangeSize' | 'permanentQrLimit'] =
      value as number;
  }
  const range = accepted.rangeSize;
  if (
    range !== undefined &&
    (range < CODE_COUNT_STEP || range > MAX_RANGE_SIZE || range % CODE_COUNT_STEP !== 0)
  )
    return `rangeSize must be a multiple of ${CODE_COUNT_STEP} between ${CODE_COUNT_STEP} and ${MAX_RANGE_SIZE}`;
  return accepted;
}
