/**
 * The simulator's HTTP routes, mounted under `/wechat` (so WECHAT_API_BASE = `<stack>/wechat`):
 *
 *   GET  /cgi-bin/token                       access token (each call supersedes the last)
 *   POST /cgi-bin/stable_token                stable access token
 *   POST /intp/marketcode/<api>?access_token  applycode, applycodequery, applycodedownload,
 *                                             codeactive, codeactivequery, tickettocode
 *   /cgi-bin/qrcode/create, /cgi-bin/showqrcode, /cgi-bin/tags/{create,get,delete},
 *   /cgi-bin/tags/members/{batchtagging,batchuntagging}, /cgi-bin/user/info,
 *   /cgi-bin/message/custom/send, /cgi-bin/media/upload, /cgi-bin/draft/batchget
 *                                             the OA APIs of channel QR codes
 *
 * and the control endpoints, which are not WeChat's (JSON in and out, `{ error }` on failure):
 *
 *   POST   /_sim/scan     { openid, code | url | applicationId + index } → the Mini Program launch
 *   POST   /_sim/oa/scan | /_sim/oa/follow | /_sim/oa/unfollow   { openid, scene?, … } → the
 *                        Official Account's event pushed to its server URL (oa-push.ts)
 *   GET    /_sim/oa/chat?openid=   the user's chat: customer-service messages delivered, tags
 *   GET|POST /_sim/oa/drafts { drafts: [] }   the account's drafts (seeded; [] = none)
 *   POST   /_sim/faults   { api, errcode?, errmsg?, status?, delayMs?, times? } queue a fault
 *   GET    /_sim/faults   the queued faults;  DELETE /_sim/faults  clear them
 *   GET|POST /_sim/config { finishDelayMs?, ticketTtlMs?, rangeSize?, notActivatedReply? }
 *   POST   /_sim/clock    { advanceMs } move the simulator's clock forward (tokens, tickets, FINISH)
 *   GET    /_sim/state    applications, token and call counts, live tickets, faults
 *
 * WeChat answers errors as HTTP 200 with `{ errcode, errmsg }`; so does this.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { Readable } from 'node:stream';
import { ScanRefused } from './activations';
import { parseBody, type Body } from './args';
import type { DraftRow } from './oa-drafts';
import { checkConfig } from './config';
import { Errcode, WechatApiError, defaultErrmsg, wechatError } from './errors';
import type { WechatApi } from './faults';
import type { WechatSimulator } from './index';
import { PushRefused, type PushResult } from './oa-push';
import { downloadReply } from './packages';

type MarketcodeApi = Extract<
  WechatApi,
  | 'applycode'
  | 'applycodequery'
  | 'applycodedownload'
  | 'codeactive'
  | 'codeactivequery'
  | 'tickettocode'
>;
type MarketcodeHandler = (appid: string, body: Body) => object | Readable;

export function wechatRoutes(sim: WechatSimulator): FastifyPluginAsync {
  return async (app) => {
    // WeChat reads the body as JSON whatever the content type says (or if it says nothing).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );

    app.route({
      method: ['GET', 'POST'],
      url: '/cgi-bin/token',
      handler: (request, reply) =>
        answer(sim, 'token', reply, () => {
          if (request.method !== 'GET') throw wechatError(Errcode.RequireGet);
          return sim.tokens.token(request.query as Body);
        }),
    });

    app.route({
      method: ['GET', 'POST'],
      url: '/cgi-bin/stable_token',
      handler: (request, reply) =>
        answer(sim, 'stable_token', reply, () => {
          if (request.method !== 'POST') throw wechatError(Errcode.RequirePost);
          return sim.tokens.stableToken(parseBody(request.body));
        }),
    });

    const marketcode: Record<MarketcodeApi, MarketcodeHandler> = {
      applycode: (appid, body) => sim.applications.applycode(appid, body),
      applycodequery: (appid, body) => sim.applications.applycodequery(appid, body),
      applycodedownload: (appid, body) => download(sim, appid, body),
      codeactive: (appid, body) => sim.activations.codeactive(appid, body),
      codeactivequery: (appid, body) => sim.activations.codeactivequery(appid, body),
      tickettocode: (appid, body) => sim.activations.tickettocode(appid, body),
    };
    for (const [api, run] of Object.entries(marketcode) as [MarketcodeApi, MarketcodeHandler][]) {
      app.route({
        method: ['GET', 'POST'],
        url: `/intp/marketcode/${api}`,
        handler: (request, reply) =>
          answer(sim, api, reply, () => {
            if (request.method !== 'POST') throw wechatError(Errcode.RequirePost);
            const appid = sim.tokens.authenticate((request.query as Body).access_token);
            const result = run(appid, parseBody(request.body));
            return result instanceof Readable ? result : { errcode: 0, errmsg: 'ok', ...result };
          }),
      });
    }

    oaRoutes(app, sim);
    controlRoutes(app, sim);
  };
}

type OaHandler = (request: FastifyRequest, file?: UploadedFile) => object;
interface UploadedFile {
  data: Buffer;
  filename: string;
}

/**
 * The Official Account APIs of channel QR codes (oa-apis.ts and its neighbours). Success bodies are WeChat's
 * documented ones: qrcode/create `{ticket, expire_seconds, url}`, tags/create `{tag}`, tags/get
 * `{tags}`, user/info the user's fields, media/upload `{type, media_id, created_at}`, and
 * `{errcode: 0, errmsg: "ok"}` for the rest.
 */
function oaRoutes(app: FastifyInstance, sim: WechatSimulator): void {
  // Media arrive as multipart: read them as bytes, not through the JSON catch-all.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  const ok = { errcode: 0, errmsg: 'ok' };
  const json = (request: FastifyRequest) => parseBody(request.body);
  const routes: [WechatApi, 'GET' | 'POST', string, OaHandler][] = [
    ['qrcode_create', 'POST', '/cgi-bin/qrcode/create', (r) => sim.oa.qrcodeCreate(json(r))],
    ['tags_create', 'POST', '/cgi-bin/tags/create', (r) => sim.oa.tagsCreate(json(r))],
    ['tags_get', 'GET', '/cgi-bin/tags/get', () => sim.oa.tagsGet()],
    [
      'tags_delete',
      'POST',
      '/cgi-bin/tags/delete',
      (r) => ({ ...ok, ...sim.oa.tagsDelete(json(r)) }),
    ],
    [
      'tags_batchtagging',
      'POST',
      '/cgi-bin/tags/members/batchtagging',
      (r) => ({ ...ok, ...sim.oa.batchTagging(json(r), true) }),
    ],
    [
      'tags_batchuntagging',
      'POST',
      '/cgi-bin/tags/members/batchuntagging',
      (r) => ({ ...ok, ...sim.oa.batchTagging(json(r), false) }),
    ],
    ['user_info', 'GET', '/cgi-bin/user/info', (r) => sim.oa.userInfo(r.query as Body)],
    [
      'custom_send',
      'POST',
      '/cgi-bin/message/custom/send',
      (r) => ({ ...ok, ...sim.oa.messages.customSend(json(r)) }),
    ],
    ['draft_batchget', 'POST', '/cgi-bin/draft/batchget', (r) => sim.oa.drafts.batchget(json(r))],
    [
      'media_upload',
      'POST',
      '/cgi-bin/media/upload',
      (r, file) => sim.oa.media.upload((r.query as Body).type as string | undefined, file),
    ],
  ];
  for (const [api, method, url, run] of routes) {
    app.route({
      method: ['GET', 'POST'],
      url,
      handler: async (request, reply) => {
        // The multipart body is read first (reading changes nothing); the call itself runs in
        // answer(), after any injected fault, like every other API.
        const file = api === 'media_upload' ? await readMedia(request) : undefined;
        return answer(sim, api, reply, () => {
          if (request.method !== method)
            throw wechatError(method === 'GET' ? Errcode.RequireGet : Errcode.RequirePost);
          sim.tokens.authenticate((request.query as Body).access_token);
          return run(request, file);
        });
      },
    });
  }

  // No token: the ticket is the credential. An unknown or expired ticket is a 404, as WeChat's.
  app.get('/cgi-bin/showqrcode', async (request, reply) => {
    const png = await sim.oa.qrImage((request.query as Body).ticket as string | undefined);
    if (!png)
      return reply.code(404).type('text/html; charset=utf-8').send('<html><body>404</body></html>');
    return reply.type('image/png').send(png);
  });
}

/** The multipart field `media`, as WeChat reads it; undefined when there is none. */
async function readMedia(request: FastifyRequest): Promise<UploadedFile | undefined> {
  const contentType = String(request.headers['content-type'] ?? '');
  if (!contentType.startsWith('multipart/form-data') || !Buffer.isBuffer(request.body))
    return undefined;
  const form = await new Response(new Uint8Array(request.body), {
    headers: { 'content-type': contentType },
  })
    .formData()
    .catch(() => undefined);
  const media = form?.get('media');
  if (!media || typeof media === 'string') return undefined;
  return { data: Buffer.from(await media.arrayBuffer()), filename: media.name };
}

/**
 * One WeChat API call: count it, apply a queued fault, run it, and turn a WechatApiError into
 * WeChat's error body. Anything else is a simulator bug, answered as WeChat's -1 "system error".
 */
async function answer(
  sim: WechatSimulator,
  api: WechatApi,
  reply: FastifyReply,
  work: () => object | Readable,
): Promise<FastifyReply> {
  sim.countCall(api);
  const fault = sim.faults.take(api);
  if (fault?.delayMs) await sleep(fault.delayMs);
  if (fault && (fault.errcode !== undefined || fault.status !== undefined)) {
    sim.log(`[wechat] ${api} → injected ${fault.errcode ?? `HTTP ${fault.status}`}`);
    if (fault.errcode === undefined)
      return reply
        .code(fault.status!)
        .type('text/html; charset=utf-8')
        .send(`<html><body><h1>${fault.status} (simulated)</h1></body></html>`);
    return reply
      .code(fault.status ?? 200)
      .send({ errcode: fault.errcode, errmsg: fault.errmsg ?? defaultErrmsg(fault.errcode) });
  }
  try {
    const result = work();
    sim.log(`[wechat] ${api} → 0`);
    if (result instanceof Readable)
      return reply.type('application/json; charset=utf-8').send(result);
    return reply.send(result);
  } catch (error) {
    if (error instanceof WechatApiError) {
      sim.log(`[wechat] ${api} → ${error.errcode} ${error.errmsg}`);
      return reply.send({ errcode: error.errcode, errmsg: error.errmsg });
    }
    sim.log(`[wechat] ! ${api} failed: ${error instanceof Error ? error.stack : String(error)}`);
    return reply.send({ errcode: Errcode.SystemBusy, errmsg: defaultErrmsg(Errcode.SystemBusy) });
  }
}

function download(sim: WechatSimulator, appid: string, body: Body): Readable {
  const plan = sim.applications.planDownload(appid, body);
  const key = sim.packageKey();
  try {
    return downloadReply(plan, key ?? '');
  } catch (error) {
    // A developer's MARKETCODE_KEY that AES cannot use: say so instead of a bare -1.
    throw new WechatApiError(
      Errcode.SystemBusy,
      `system error, MARKETCODE_KEY unusable: ${error instanceof Error ? error.message : error}`,
    );
  }
}

function controlRoutes(app: FastifyInstance, sim: WechatSimulator): void {
  app.post('/_sim/scan', (request, reply) =>
    control(reply, () => {
      sim.countCall('scan');
      try {
        const launch = sim.activations.scan(parseBody(request.body));
        sim.log(`[wechat] scan ${launch.code} → ${launch.path}`);
        return launch;
      } catch (error) {
        if (error instanceof ScanRefused)
          return reply.code(error.status).send({ error: error.message });
        throw error;
      }
    }),
  );

  const pushes: Record<string, (body: Body) => Promise<PushResult>> = {
    scan: (body) => sim.oaPushes.scan(body),
    follow: (body) => sim.oaPushes.follow(body),
    unfollow: (body) => sim.oaPushes.unfollow(body),
  };
  for (const [name, push] of Object.entries(pushes)) {
    app.post(`/_sim/oa/${name}`, async (request, reply) => {
      try {
        return await push(parseBody(request.body));
      } catch (error) {
        if (error instanceof PushRefused)
          return reply.code(error.status).send({ error: error.message });
        if (error instanceof WechatApiError) return reply.code(400).send({ error: error.errmsg });
        throw error;
      }
    });
  }

  // The user's chat with the Official Account: every customer-service message delivered, in order.
  app.get('/_sim/oa/chat', (request, reply) => {
    const openid = (request.query as Body).openid;
    if (typeof openid !== 'string' || openid === '')
      return reply.code(400).send({ error: 'openid is required' });
    return {
      openid,
      following: sim.oaPushes.following(openid),
      tags: sim.oa.userTagNames(openid),
      messages: sim.oa.messages.chat(openid),
    };
  });

  app.get('/_sim/oa/drafts', () => ({ drafts: sim.oa.drafts.list() }));
  app.post('/_sim/oa/drafts', (request, reply) =>
    control(reply, () => {
      const { drafts } = parseBody(request.body);
      if (!Array.isArray(drafts)) return reply.code(400).send({ error: 'drafts must be a list' });
      sim.oa.drafts.replace(drafts as DraftRow[]);
      return { drafts: sim.oa.drafts.list() };
    }),
  );

  app.post('/_sim/faults', (request, reply) =>
    control(reply, () => {
      const fault = sim.faults.add(parseBody(request.body));
      if (typeof fault === 'string') return reply.code(400).send({ error: fault });
      return { fault, pending: sim.faults.pending() };
    }),
  );
  app.get('/_sim/faults', () => ({ faults: sim.faults.pending() }));
  app.delete('/_sim/faults', () => {
    const cleared = sim.faults.pending().length;
    sim.faults.clear();
    return { cleared };
  });

  app.get('/_sim/config', () => ({ config: sim.config() }));
  app.post('/_sim/config', (request, reply) =>
    control(reply, () => {
      const changes = checkConfig(parseBody(request.body));
      if (typeof changes === 'string') return reply.code(400).send({ error: changes });
      return { config: sim.configure(changes) };
    }),
  );

  app.post('/_sim/clock', (request, reply) =>
    control(reply, () => {
      const { advanceMs } = parseBody(request.body);
      if (!Number.isSafeInteger(advanceMs) || (advanceMs as number) < 0)
        return reply.code(400).send({ error: 'advanceMs must be a whole number ≥ 0' });
      return { now: sim.advanceClock(advanceMs as number) };
    }),
  );

  app.get('/_sim/state', () => sim.state());
}

/** Control endpoints answer `{ error }` with 400 for a body that is not a JSON object. */
async function control(
  reply: FastifyReply,
  work: () => object | FastifyReply,
): Promise<FastifyReply | object> {
  try {
    return work();
  } catch (error) {
    if (error instanceof WechatApiError) return reply.code(400).send({ error: error.errmsg });
    throw error;
  }
}
