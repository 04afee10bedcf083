import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { EmulatedDatabase } from './cloudbase/database';
import { CloudBaseError, ErrorCode } from './cloudbase/errors';
import type { FileStorage } from './cloudbase/storage';
import { FAILURES, type InvokeOutcome } from './runtime/instance';
import { fromFunctionResult, matchRoute, toIntegrationRequest } from './runtime/http-access';
import type { CallIdentity } from './runtime/protocol';
import type { HttpRoute } from './runtime/registry';
import type { FunctionRuntime } from './runtime/runtime';
import type { WechatSimulator } from './wechat';
import type { WechatPaySimulator } from './wechat/pay';
import { wechatPayRoutes } from './wechat/pay/server';
import { wechatRoutes } from './wechat/server';

export interface ServerParts {
  envId: string;
  database: EmulatedDatabase;
  storage: FileStorage;
  runtime: FunctionRuntime;
  httpRoutes: readonly HttpRoute[];
  wechat: WechatSimulator;
  wechatpay: WechatPaySimulator;
  startedAt: Date;
  /**
   * Host names (no port) the stack answers besides 127.0.0.1 and localhost: a stack listening on
   * another address of this machine names it here.
   */
  extraHosts?: readonly string[];
}

/**
 * Request bodies are capped as CloudBase caps them (its EXCEED_MAX_PAYLOAD_SIZE error,
 * docs.cloudbase.net/error-code/EXCEED_MAX_PAYLOAD_SIZE): a cloud function's request body at 6 MB
 * (the same as a synchronous invocation's event), every other request at 100 MB. The page also
 * names 100 KB for "text type" function bodies; which calls that means is not stated
 * (UNVERIFIED), so function calls here get the documented 6 MB. A database document is capped
 * at 16 MB by the database itself, not by the HTTP edge.
 */
export const FUNCTION_BODY_LIMIT = 6 * 1024 * 1024;
export const BODY_LIMIT = 100 * 1024 * 1024;

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost'];

/**
 * The local stack's one HTTP front (the public local interface, which tests and tools depend on;
 * docs/local-stack.md documents it):
 *   GET  /health                 liveness and what is loaded
 *   POST /admin                  the CloudBase HTTP protocol (database, functions, storage)
 *   POST /functions/<name>       call a function as a Mini Program user (x-wx-openid, …)
 *   ANY  /http/<path>            the HTTP access service in front of HTTP-triggered functions
 *   PUT|GET /storage/objects/*   object upload and temporary download URLs
 *   ANY  /wechat/*               the WeChat platform simulator (WECHAT_API_BASE), see wechat/server.ts
 *   ANY  /wechatpay/*            the WeChat Pay simulator (WECHATPAY_API_BASE), see wechat/pay/server.ts
 */
export function createServer(parts: ServerParts): FastifyInstance {
  const app = Fastify({ bodyLimit: BODY_LIMIT, logger: false });

  // Identities come from request headers and /admin is the administrator's: a page on another
  // site that rebinds its DNS name to 127.0.0.1 reaches this port with its own name as Host,
  // and is turned away before any route runs.
  const allowedHosts = new Set([...LOOPBACK_HOSTS, ...(parts.extraHosts ?? [])]);
  app.addHook('onRequest', async (request, reply) => {
    const host = hostName(request.headers.host);
    if (host !== undefined && allowedHosts.has(host)) return;
    return reply.code(421).send({
      code: 'HOST_NOT_ALLOWED',
      message: `本地栈只接受发往 127.0.0.1 或 localhost 的请求（收到的 Host：${request.headers.host ?? '无'}）`,
    });
  });

  app.setErrorHandler((error: { code?: string }, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit ?? BODY_LIMIT;
      return reply.code(413).send(payloadTooLarge(limit));
    }
    // Everything else as Fastify answers it by default.
    throw error;
  });

  app.get('/health', async () => ({
    ok: true,
    envId: parts.envId,
    startedAt: parts.startedAt.toISOString(),
    functions: parts.runtime.names(),
    instances: parts.runtime.stats(),
    collections: parts.database.collectionNames().length,
  }));

  app.post('/admin', async (request, reply) => {
    const requestId = randomUUID();
    const body = (request.body ?? {}) as Record<string, unknown>;
    // A client that goes away before hearing its transaction's id must not leave that
    // transaction open (and its documents claimed) until it expires.
    const gone = new AbortController();
    const socket = request.raw.socket;
    const onGone = (): void => gone.abort();
    socket.once('close', onGone);
    reply.raw.once('finish', () => socket.off('close', onGone));
    try {
      const answer = await dispatchAdmin(parts, String(body.action ?? ''), body, gone.signal);
      return reply.send({ requestId, ...answer });
    } catch (error) {
      return sendCloudBaseError(reply, requestId, error);
    }
  });

  app.post<{ Params: { name: string } }>(
    '/functions/:name',
    { bodyLimit: FUNCTION_BODY_LIMIT },
    async (request, reply) => {
      const identity: CallIdentity = {
        OPENID: header(request.headers['x-wx-openid']),
        APPID: header(request.headers['x-wx-appid']),
        UNIONID: header(request.headers['x-wx-unionid']),
        CLIENTIP: header(request.headers['x-wx-clientip']) ?? consumerIp(request.ip),
        CLIENTIPV6: header(request.headers['x-wx-clientipv6']),
        SOURCE: header(request.headers['x-wx-source']) ?? 'wx_client',
      };
      const outcome = await parts.runtime.invoke(request.params.name, request.body ?? {}, identity);
      if (outcome.ok)
        return reply.type('application/json; charset=utf-8').send(JSON.stringify(outcome.result));
      return reply.code(failureStatus(outcome)).send(failureBody(outcome));
    },
  );

  // Raw bodies below: an OA push is XML, a pay callback is signed JSON whose bytes must not change,
  // an upload is a file.
  void app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );

    raw.all('/http/*', { bodyLimit: FUNCTION_BODY_LIMIT }, async (request, reply) => {
      const url = new URL(request.url, 'http://local');
      const path = url.pathname.slice('/http'.length) || '/';
      const route = matchRoute(parts.httpRoutes, path);
      if (!route)
        return reply
          .code(404)
          .send({ errCode: -501000, errMsg: `no HTTP access service path matches ${path}` });
      const event = toIntegrationRequest({
        path,
        method: request.method,
        headers: request.headers,
        search: url.searchParams,
        body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        requestId: randomUUID(),
        sourceIp: request.ip,
        envId: parts.envId,
      });
      const outcome = await parts.runtime.invoke(route.functionName, event, {
        SOURCE: 'wx_http',
        CLIENTIP: request.ip,
      });
      if (!outcome.ok) return reply.code(failureStatus(outcome)).send(failureBody(outcome));
      const response = fromFunctionResult(outcome.result);
      return reply.code(response.statusCode).headers(response.headers).send(response.body);
    });

    raw.put('/storage/objects/*', async (request, reply) => {
      try {
        const content = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        await parts.storage.put(
          objectPath(request.url),
          header(request.headers.authorization),
          content,
        );
        return reply.code(200).send('');
      } catch (error) {
        return sendCosError(reply, error);
      }
    });
  });

  app.get<{ Querystring: { expires?: string; sign?: string } }>(
    '/storage/objects/*',
    async (request, reply) => {
      try {
        const file = await parts.storage.open(
          objectPath(request.url),
          request.query.expires,
          request.query.sign,
        );
        return reply
          .header('content-length', file.size)
          .type('application/octet-stream')
          .send(file.stream);
      } catch (error) {
        return sendCosError(reply, error);
      }
    },
  );

  void app.register(wechatRoutes(parts.wechat), { prefix: '/wechat' });
  void app.register(
    wechatPayRoutes(parts.wechatpay, {
      prefix: '/wechatpay',
      advanceClock: (ms) => parts.wechat.advanceClock(ms),
    }),
    { prefix: '/wechatpay' },
  );

  return app;
}

async function dispatchAdmin(
  parts: ServerParts,
  action: string,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  if (action.startsWith('database.')) return parts.database.handle(action, body, signal);
  if (action.startsWith('storage.')) return parts.storage.handle(action, body);
  if (action === 'functions.invokeFunction') {
    const name = String(body.function_name ?? '');
    let event: unknown = {};
    if (
      typeof body.request_data === 'string' &&
      Buffer.byteLength(body.request_data) > FUNCTION_BODY_LIMIT
    ) {
      const { code, message } = payloadTooLarge(FUNCTION_BODY_LIMIT);
      throw new CloudBaseError(code, message, 413);
    }
    if (typeof body.request_data === 'string' && body.request_data !== '') {
      try {
        event = JSON.parse(body.request_data);
      } catch {
        throw new CloudBaseError(ErrorCode.InvalidParam, 'request_data must be JSON');
      }
    }
    // A function called by another function (or a script) carries no user identity.
    const outcome = await parts.runtime.invoke(name, event, { SOURCE: 'scf' });
    if (outcome.ok) return { data: { response_data: JSON.stringify(outcome.result) } };
    const code =
      outcome.failure === 'notFound'
        ? ErrorCode.FunctionNotFound
        : outcome.failure === 'timeout'
          ? ErrorCode.FunctionTimeout
          : ErrorCode.FunctionExecuteFail;
    throw new CloudBaseError(
      code,
      `${FAILURES[outcome.failure].errCode} ${FAILURES[outcome.failure].label}. ${outcome.message}`,
    );
  }
  throw new CloudBaseError(
    ErrorCode.ActionNotSupported,
    `action ${action || '(empty)'} is not supported by the local emulator`,
  );
}

/** CloudBase's refusal of an oversized body. */
function payloadTooLarge(limit: number): { code: string; message: string } {
  return {
    code: 'EXCEED_MAX_PAYLOAD_SIZE',
    message: `请求体超过 ${Math.round(limit / 1024 / 1024)} MB 上限（与 CloudBase 一致），请减小数据量或改用云存储传递文件`,
  };
}

/** The host name of a Host header, without its port; IPv6 literals keep their brackets. */
function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const match = /^(\[[^\]]*\]|[^:]*)(?::\d*)?$/.exec(host.trim().toLowerCase());
  return match?.[1] || undefined;
}

function failureStatus(outcome: Extract<InvokeOutcome, { ok: false }>): number {
  return outcome.failure === 'notFound' ? 404 : outcome.failure === 'timeout' ? 504 : 502;
}

/** The shape `wx.cloud.callFunction` rejects with on CloudBase. */
function failureBody(outcome: Extract<InvokeOutcome, { ok: false }>): {
  errCode: number;
  errMsg: string;
} {
  const { errCode, label } = FAILURES[outcome.failure];
  return { errCode, errMsg: `cloud.callFunction:fail ${errCode} ${label}. ${outcome.message}` };
}

function sendCloudBaseError(reply: FastifyReply, requestId: string, error: unknown): FastifyReply {
  if (error instanceof CloudBaseError)
    return reply
      .code(error.httpStatus)
      .send({ requestId, code: error.code, message: error.message });
  console.error('[emulator] internal error', error);
  return reply.code(500).send({
    requestId,
    code: 'SYS_ERR',
    message: error instanceof Error ? error.message : String(error),
  });
}

/** Object storage answers in COS's XML error format, which the SDK parses. */
function sendCosError(reply: FastifyReply, error: unknown): FastifyReply {
  const known = error instanceof CloudBaseError;
  const code = known ? error.code : 'InternalError';
  const message = known ? error.message : 'We encountered an internal error. Please try again.';
  return reply
    .code(known ? error.httpStatus : 500)
    .type('application/xml')
    .send(
      `<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${randomUUID()}</RequestId><TraceId>local</TraceId></Error>`,
    );
}

function objectPath(url: string): string {
  const pathname = new URL(url, 'http://local').pathname.slice('/storage/objects/'.length);
  return pathname.split('/').map(decodeURIComponent).join('/');
}

/**
 * What CloudBase reports as CLIENTIP is the consumer's public address. A call from this machine
 * (the preview, curl, a test) comes from loopback or a private network, which no IP database
 * places: it is reported as `LOCAL_CLIENT_IP` (default 116.228.111.118, a Shanghai address), so
 * scans land somewhere on the figures as they would in production. `x-wx-clientip` sets it per
 * call.
 */
export const DEFAULT_LOCAL_CLIENT_IP = '116.228.111.118';

function consumerIp(ip: string): string {
  const local =
    /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$|::ffff:127\.|fc|fd|fe80)/i.test(ip);
  return local ? (process.env.LOCAL_CLIENT_IP ?? DEFAULT_LOCAL_CLIENT_IP) : ip;
}

function header(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
