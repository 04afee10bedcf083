/**
 * The WeChat Pay simulator's routes, mounted under `/wechatpay` (WECHATPAY_API_BASE):
 *
 *   POST /mmpaymkttransfers/sendminiprogramhb        v2 XML, MD5 sign
 *   POST /mmpaymkttransfers/gethbinfo                v2 XML, MD5 sign
 *   POST /v3/fund-app/mch-transfer/transfer-bills    v3 JSON, WECHATPAY2-SHA256-RSA2048
 *   GET  …/transfer-bills/out-bill-no/{out_bill_no}
 *   POST …/transfer-bills/out-bill-no/{out_bill_no}/cancel
 *
 * Plain HTTP: no client certificate is checked. Control endpoints (JSON, `{ error }` on failure):
 *
 *   POST|GET|DELETE /_sim/faults   queue / list / clear faults (faults.ts)
 *   POST /_sim/open-redpacket      { billno | package }        → RECEIVED
 *   POST /_sim/confirm-transfer    { out_bill_no | package_info } → SUCCESS (+ callback)
 *   POST /_sim/clock               { advanceMs } the WeChat simulator's clock, then settle
 *   GET  /_sim/state               envelopes, bills, counts, callbacks, faults
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  MAX_SKEW_SECONDS,
  signResponse,
  verifyAuthorization,
} from '../../../cloudfunctions/core/wechat/pay/v3/sign';
import { parseXml } from '../../../cloudfunctions/core/wechat/pay/v2/xml';
import { merchantPublicKey } from './credentials';
import { DEFAULT_TIMEOUT_HOLD_MS, type PayApi, type PayFault } from './faults';
import type { WechatPaySimulator } from './index';
import { RedPacketError, v2ErrorReply, v2Xml, type V2Reply } from './red-packets';
import { TransferError } from './transfers';

const TRANSFER_BILLS = '/v3/fund-app/mch-transfer/transfer-bills';

/** The HTTP status WeChat Pay answers a v3 error code with (发起转账's error table). */
const V3_STATUS: Readonly<Record<string, number>> = {
  PARAM_ERROR: 400,
  INVALID_REQUEST: 400,
  SIGN_ERROR: 401,
  NO_AUTH: 403,
  NOT_ENOUGH: 403,
  NOT_FOUND: 404,
  FREQUENCY_LIMITED: 429,
  SYSTEM_ERROR: 500,
};
/** A fault's code in the other protocol's spelling, so one `*` fault reads right in both. */
const V3_ALIAS: Readonly<Record<string, string>> = {
  SYSTEMERROR: 'SYSTEM_ERROR',
  NOTENOUGH: 'NOT_ENOUGH',
  FREQ_LIMIT: 'FREQUENCY_LIMITED',
};
const V2_ALIAS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(V3_ALIAS).map(([v2, v3]) => [v3, v2]),
);

interface Outcome {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export function wechatPayRoutes(
  sim: WechatPaySimulator,
  options: { prefix: string; advanceClock: (ms: number) => number },
): FastifyPluginAsync {
  return async (app) => {
    // Signatures cover the exact bytes: keep every body as its text.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );

    app.post('/mmpaymkttransfers/sendminiprogramhb', (request, reply) =>
      serve(sim, 'sendminiprogramhb', request, reply, (fault) =>
        v2(() => {
          const code = fault?.err_code && (V2_ALIAS[fault.err_code] ?? fault.err_code);
          const fields = v2Fields(request.body);
          if (code && code !== 'PROCESSING')
            throw new RedPacketError(code, fault?.err_code_des ?? `模拟错误 ${code}`);
          return v2Xml(sim.redPackets.send(fields, code === 'PROCESSING'));
        }),
      ),
    );

    app.post('/mmpaymkttransfers/gethbinfo', (request, reply) =>
      serve(sim, 'gethbinfo', request, reply, (fault) =>
        v2(() => {
          const code = fault?.err_code && (V2_ALIAS[fault.err_code] ?? fault.err_code);
          if (code) throw new RedPacketError(code, fault?.err_code_des ?? `模拟错误 ${code}`);
          const { reply: answer, receivers } = sim.redPackets.query(v2Fields(request.body));
          return v2Xml(answer, receivers);
        }),
      ),
    );

    app.post(TRANSFER_BILLS, (request, reply) =>
      serve(sim, 'transfer-create', request, reply, (fault) =>
        v3(sim, options.prefix, request, fault, (accepted) =>
          sim.transfers.create(bodyText(request), accepted),
        ),
      ),
    );

    app.get<{ Params: { outBillNo: string } }>(
      `${TRANSFER_BILLS}/out-bill-no/:outBillNo`,
      (request, reply) =>
        serve(sim, 'transfer-query', request, reply, (fault) =>
          v3(sim, options.prefix, request, fault, () =>
            sim.transfers.query(request.params.outBillNo),
          ),
        ),
    );

    app.post<{ Params: { outBillNo: string } }>(
      `${TRANSFER_BILLS}/out-bill-no/:outBillNo/cancel`,
      (request, reply) =>
        serve(sim, 'transfer-cancel', request, reply, (fault) =>
          v3(sim, options.prefix, request, fault, () =>
            sim.transfers.cancel(request.params.outBillNo),
          ),
        ),
    );

    controlRoutes(app, sim, options.advanceClock);
  };
}

/**
 * One WeChat Pay call: count it, settle the clock, apply a queued fault (delay, HTTP error page,
 * or a held answer after the work is done), run it.
 */
async function serve(
  sim: WechatPaySimulator,
  api: PayApi,
  _request: FastifyRequest,
  reply: FastifyReply,
  work: (fault: PayFault | undefined) => Outcome,
): Promise<FastifyReply> {
  sim.countCall(api);
  sim.settle();
  const fault = sim.faults.take(api);
  if (fault?.delayMs && !fault.timeout) await sleep(fault.delayMs);
  let outcome: Outcome;
  if (fault?.status !== undefined && fault.err_code === undefined) {
    outcome = {
      status: fault.status,
      contentType: 'text/html; charset=utf-8',
      body: `<html><body><h1>${fault.status} (simulated)</h1></body></html>`,
    };
  } else {
    try {
      outcome = work(fault);
    } catch (error) {
      sim.log(`[wechatpay] ! ${api} failed: ${error instanceof Error ? error.stack : error}`);
      outcome = { status: 500, contentType: 'text/plain', body: 'simulator error' };
    }
  }
  sim.log(`[wechatpay] ${api} → ${outcome.status}${fault ? ' (fault)' : ''}`);
  if (fault?.timeout) await sleep(fault.delayMs ?? DEFAULT_TIMEOUT_HOLD_MS);
  return reply
    .code(outcome.status)
    .headers(outcome.headers ?? {})
    .type(outcome.contentType)
    .send(outcome.body);
}

function v2(run: () => string): Outcome {
  let body: string;
  try {
    body = run();
  } catch (error) {
    if (!(error instanceof RedPacketError)) throw error;
    body = v2Xml(v2ErrorReply(error));
  }
  return { status: 200, contentType: 'text/xml; charset=utf-8', body };
}

function v2Fields(raw: unknown): Record<string, string> {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseXml('simulator', typeof raw === 'string' ? raw : '');
  } catch {
    throw new RedPacketError('XML_ERROR', '输入XML格式不正确', true);
  }
  return Object.fromEntries(
    Object.entries(parsed).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** A v3 call: Authorization checked, the fault or the work's result answered, the reply signed. */
function v3(
  sim: WechatPaySimulator,
  prefix: string,
  request: FastifyRequest,
  fault: PayFault | undefined,
  run: (accepted: boolean) => Record<string, unknown>,
): Outcome {
  const answer = (status: number, value: Record<string, unknown> | undefined): Outcome => {
    const body = value === undefined ? '' : JSON.stringify(value);
    const headers = signResponse({
      body,
      privateKeyPem: sim.signingKeyPem(),
      serial: sim.paySettings().publicKeyId,
    });
    return { status, contentType: 'application/json; charset=utf-8', body, headers };
  };
  const refused = authorizationProblem(sim, prefix, request);
  if (refused) return answer(401, { code: 'SIGN_ERROR', message: refused });
  const code = fault?.err_code && (V3_ALIAS[fault.err_code] ?? fault.err_code);
  const accepted = code === 'ACCEPTED' || code === 'PROCESSING';
  if (code && !accepted) {
    const status = fault?.status ?? V3_STATUS[code] ?? 500;
    const error = { code, message: fault?.err_code_des ?? `模拟错误 ${code}` };
    if (fault?.unsigned)
      return {
        status,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify(error),
      };
    return answer(status, error);
  }
  try {
    return answer(200, run(accepted));
  } catch (error) {
    if (error instanceof TransferError)
      return answer(error.status, { code: error.code, message: error.message });
    throw error;
  }
}

/** Why the request's Authorization is refused, or undefined when it signs this request. */
function authorizationProblem(
  sim: WechatPaySimulator,
  prefix: string,
  request: FastifyRequest,
): string | undefined {
  const pay = sim.paySettings();
  const publicKey = merchantPublicKey(pay.privateKeyPem);
  if (!publicKey) return '模拟器没有可用的商户公钥（WXPAY_PRIVATE_KEY_PEM）';
  const header = request.headers.authorization;
  const parsed = verifyAuthorization({
    header,
    method: request.method,
    urlPathWithQuery: request.url.startsWith(prefix)
      ? request.url.slice(prefix.length)
      : request.url,
    body: bodyText(request),
    publicKeyPem: publicKey,
  });
  if (!parsed) return '签名错误，请检查后再试';
  if (parsed.mchid !== pay.mchId) return 'Authorization中的mchid与商户号不符';
  if (parsed.serial_no.toUpperCase() !== pay.certSerial.toUpperCase())
    return 'Authorization中的serial_no不是商户API证书序列号';
  // Freshness on the wall clock: the caller signs with its own clock, not the simulator's.
  if (Math.abs(Date.now() / 1000 - Number(parsed.timestamp)) > MAX_SKEW_SECONDS)
    return 'Authorization中的timestamp已过期';
  return undefined;
}

function bodyText(request: FastifyRequest): string {
  return typeof request.body === 'string' ? request.body : '';
}

function controlRoutes(
  app: FastifyInstance,
  sim: WechatPaySimulator,
  advanceClock: (ms: number) => number,
): void {
  app.post('/_sim/faults', (request, reply) => {
    const fault = sim.faults.add(json(request.body));
    if (typeof fault === 'string') return reply.code(400).send({ error: fault });
    return reply.send({ fault, pending: sim.faults.pending() });
  });
  app.get('/_sim/faults', () => ({ faults: sim.faults.pending() }));
  app.delete('/_sim/faults', () => {
    const cleared = sim.faults.pending().length;
    sim.faults.clear();
    return { cleared };
  });

  app.post('/_sim/open-redpacket', (request, reply) => {
    sim.settle();
    const envelope = sim.redPackets.open(json(request.body) ?? {});
    if (typeof envelope === 'string')
      return reply.code(envelope.startsWith('no ') ? 404 : 409).send({ error: envelope });
    return reply.send({ mch_billno: envelope.mch_billno, status: envelope.status });
  });

  app.post('/_sim/confirm-transfer', (request, reply) => {
    sim.settle();
    const bill = sim.transfers.confirm(json(request.body) ?? {});
    if (typeof bill === 'string')
      return reply.code(bill.startsWith('no ') ? 404 : 409).send({ error: bill });
    return reply.send({ out_bill_no: bill.out_bill_no, state: bill.state });
  });

  app.post('/_sim/clock', (request, reply) => {
    const advanceMs = (json(request.body) as { advanceMs?: unknown } | undefined)?.advanceMs;
    if (!Number.isSafeInteger(advanceMs) || (advanceMs as number) < 0)
      return reply.code(400).send({ error: 'advanceMs must be a whole number ≥ 0' });
    const now = advanceClock(advanceMs as number);
    sim.settle();
    return reply.send({ now });
  });

  app.get('/_sim/state', () => sim.state());
}

function json(raw: unknown): Record<string, unknown> | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export type { V2Reply };
