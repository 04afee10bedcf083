/**
 * The WeChat platform simulator through HTTP, as the functions and tests see it at
 * `<stack>/wechat`: token semantics, the six marketcode APIs, scans and tickets, fault injection and
 * persistence. Time-dependent rules use the simulator's clock (`/_sim/clock`), not real waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPackageDecipher,
  parsePackageLine,
  type CodeRecord,
} from '../../cloudfunctions/core/wechat/marketcode/package';
import { LOCAL_SETTINGS } from '../../local/stack';
import { startTestStack, type TestStack } from '../support/stack';

const MINUTE = 60_000;
const ACTIVATION = {
  activity_name: '春季扫码有礼',
  product_brand: '码上',
  product_title: '码上矿泉水 550ml',
  product_code: '6901234567892',
  wxa_appid: 'wx-local-miniprogram',
  wxa_path: 'pages/landing/index',
};

interface Wechat {
  get(path: string, query?: Record<string, string>): Promise<any>;
  post(path: string, body?: unknown, query?: Record<string, string>): Promise<any>;
  /** A marketcode API with a fresh stable token. */
  api(name: string, body: unknown): Promise<any>;
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  advance(ms: number): Promise<void>;
}

function wechatOf(stack: TestStack): Wechat {
  const base = `${stack.url}/wechat`;
  const json = async (response: Response) => JSON.parse(await response.text());
  const wechat: Wechat = {
    get: async (path, query = {}) =>
      json(await fetch(`${base}${path}?${new URLSearchParams(query)}`)),
    post: async (path, body = {}, query = {}) =>
      json(
        await fetch(`${base}${path}?${new URLSearchParams(query)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      ),
    api: async (name, body) => {
      const { access_token } = await wechat.post('/cgi-bin/stable_token', credentials());
      return wechat.post(`/intp/marketcode/${name}`, body, { access_token });
    },
    control: async (method, path, body) => {
      const response = await fetch(`${base}/_sim/${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await json(response) };
    },
    advance: async (ms) => {
      const { status } = await wechat.control('POST', 'clock', { advanceMs: ms });
      expect(status).toBe(200);
    },
  };
  return wechat;
}

function credentials(extra: Record<string, unknown> = {}) {
  return {
    grant_type: 'client_credential',
    appid: LOCAL_SETTINGS.OA_APPID,
    secret: LOCAL_SETTINGS.OA_SECRET,
    ...extra,
  };
}

function decryptPackage(buffer: string, key = LOCAL_SETTINGS.MARKETCODE_KEY!): CodeRecord[] {
  const decipher = createPackageDecipher(key);
  const text = Buffer.concat([
    decipher.update(Buffer.from(buffer, 'base64')),
    decipher.final(),
  ]).toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, i) => parsePackageLine(line, i + 1));
}

/** Applies for codes and waits (on the simulator's clock) for FINISH. */
async function finishedApplication(wechat: Wechat, isvId: string, count = 10_000) {
  const applied = await wechat.api('applycode', { code_count: count, isv_application_id: isvId });
  expect(applied.errcode).toBe(0);
  const query = await wechat.api('applycodequery', { application_id: applied.application_id });
  expect(query.status).toBe('FINISH');
  return query as {
    application_id: number;
    code_generate_list: { code_start: number; code_end: number }[];
  };
}

describe('WeChat simulator', () => {
  let stack: TestStack;
  let wechat: Wechat;

  beforeAll(async () => {
    stack = await startTestStack({ wechat: { finishDelayMs: 0 } });
    wechat = wechatOf(stack);
  });
  afterAll(() => stack.destroy());

  it('is what the functions get as WECHAT_API_BASE, with the local OA settings', () => {
    expect(stack.settings.WECHAT_API_BASE).toBe(`${stack.url}/wechat`);
    expect(stack.settings.OA_APPID).toBe('wx-local-oa');
    expect(Buffer.byteLength(stack.settings.MARKETCODE_KEY!)).toBe(16);
  });

  it('steps aside when the developer sets WECHAT_API_BASE', async () => {
    const external = await startTestStack({
      settings: { WECHAT_API_BASE: 'https://api.weixin.qq.com' },
    });
    try {
      expect(external.settings.WECHAT_API_BASE).toBe('https://api.weixin.qq.com');
    } finally {
      await external.destroy();
    }
  });

  describe('access tokens', () => {
    it('checks grant_type, appid and secret', async () => {
      const token = (query: Record<string, string>) =>
        wechat.get('/cgi-bin/token', { grant_type: 'client_credential', ...query });
      expect(await token({ appid: 'wx-other', secret: 'x' })).toMatchObject({ errcode: 40013 });
      expect(
        await token({ appid: LOCAL_SETTINGS.OA_APPID!, secret: 'wrong-secret' }),
      ).toMatchObject({ errcode: 40125 });
      expect(
        await wechat.get('/cgi-bin/token', {
          grant_type: 'password',
          appid: LOCAL_SETTINGS.OA_APPID!,
          secret: LOCAL_SETTINGS.OA_SECRET!,
        }),
      ).toMatchObject({ errcode: 40002 });
      expect(
        await wechat.post('/cgi-bin/stable_token', credentials({ secret: 'wrong-secret' })),
      ).toMatchObject({ errcode: 40125 });
    });

    it('answers wrong methods and non-JSON bodies as WeChat does', async () => {
      expect(await wechat.get('/cgi-bin/stable_token')).toMatchObject({ errcode: 43002 });
      expect(await wechat.post('/cgi-bin/token', {})).toMatchObject({ errcode: 43001 });
      const garbled = await fetch(`${stack.url}/wechat/cgi-bin/stable_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      });
      expect(await garbled.json()).toMatchObject({ errcode: 47001 });
    });

    it('/cgi-bin/token supersedes the previous token after a 5-minute grace, expires after 7200 s', async () => {
      const query = {
        grant_type: 'client_credential',
        appid: LOCAL_SETTINGS.OA_APPID!,
        secret: LOCAL_SETTINGS.OA_SECRET!,
      };
      const first = await wechat.get('/cgi-bin/token', query);
      expect(first).toEqual({ access_token: expect.any(String), expires_in: 7200 });
      expect(first.errcode).toBeUndefined();
      const second = await wechat.get('/cgi-bin/token', query);
      expect(second.access_token).not.toBe(first.access_token);

      const probe = (access_token: string) =>
        wechat.post('/intp/marketcode/applycodequery', { application_id: 1 }, { access_token });
      // Authenticated: the application is unknown (80301), not the token.
      expect((await probe(first.access_token)).errcode).toBe(80301);
      await wechat.advance(5 * MINUTE + 1000);
      expect((await probe(first.access_token)).errcode).toBe(40001);
      expect((await probe(second.access_token)).errcode).toBe(80301);
      await wechat.advance(7200_000);
      expect((await probe(second.access_token)).errcode).toBe(42001);
      expect((await probe('no-such-token')).errcode).toBe(40001);
      expect((await wechat.post('/intp/marketcode/applycodequery', {})).errcode).toBe(41001);
    });

    it('/cgi-bin/stable_token returns the same token while valid, renews in the last 5 minutes, and is isolated', async () => {
      const first = await wechat.post('/cgi-bin/stable_token', credentials());
      expect(first.expires_in).toBe(7200);
      await wechat.advance(100_000);
      const same = await wechat.post('/cgi-bin/stable_token', credentials());
      expect(same.access_token).toBe(first.access_token);
      // 7100 s, or 7099 when a wall-clock millisecond ticked between the calls.
      expect(same.expires_in).toBeGreaterThanOrEqual(7099);
      expect(same.expires_in).toBeLessThanOrEqual(7100);

      // Another /cgi-bin/token does not touch the stable token, even after the grace period.
      await wechat.get('/cgi-bin/token', {
        grant_type: 'client_credential',
        appid: LOCAL_SETTINGS.OA_APPID!,
        secret: LOCAL_SETTINGS.OA_SECRET!,
      });
      await wechat.advance(6 * MINUTE);
      const probe = (access_token: string) =>
        wechat.post('/intp/marketcode/applycodequery', { application_id: 1 }, { access_token });
      expect((await probe(first.access_token)).errcode).toBe(80301);

      // In the last 5 minutes: a new token; the old one lives out its time.
      await wechat.advance(7200_000 - 100_000 - 6 * MINUTE - 4 * MINUTE);
      const renewed = await wechat.post('/cgi-bin/stable_token', credentials());
      expect(renewed.access_token).not.toBe(first.access_token);
      expect(renewed.expires_in).toBe(7200);
      expect((await probe(first.access_token)).errcode).toBe(80301);
      await wechat.advance(4 * MINUTE);
      expect((await probe(first.access_token)).errcode).toBe(42001);

      // force_refresh: a new token at once, the old one invalid at once.
      const forced = await wechat.post(
        '/cgi-bin/stable_token',
        credentials({ force_refresh: true }),
      );
      expect(forced.access_token).not.toBe(renewed.access_token);
      expect((await probe(renewed.access_token)).errcode).toBe(40001);
      expect((await probe(forced.access_token)).errcode).toBe(80301);
    });

    it('counts token requests per endpoint', async () => {
      const before = (await wechat.control('GET', 'state')).body.tokens;
      await Promise.all(
        Array.from({ length: 3 }, () => wechat.post('/cgi-bin/stable_token', credentials())),
      );
      const after = (await wechat.control('GET', 'state')).body.tokens;
      expect(after.stable_token.requests - before.stable_token.requests).toBe(3);
      expect(after.stable_token.issued).toBe(before.stable_token.issued);
      expect(after.token).toEqual(before.token);
    });
  });

  describe('applications', () => {
    it('validates code_count and is idempotent by isv_application_id', async () => {
      for (const code_count of [0, 9_999, 15_000, 20_010_000, '10000x', -10_000]) {
        const answer = await wechat.api('applycode', { code_count, isv_application_id: 'bad' });
        expect(answer.errcode, String(code_count)).toBe(40097);
      }
      expect((await wechat.api('applycode', { code_count: 10_000 })).errcode).toBe(40097);

      const first = await wechat.api('applycode', {
        code_count: 10_000,
        isv_application_id: 'idem-1',
      });
      expect(first).toEqual({ errcode: 0, errmsg: 'ok', application_id: expect.any(Number) });
      expect(first.application_id).toBeGreaterThan(2 ** 32);
      expect(Number.isSafeInteger(first.application_id)).toBe(true);
      const again = await wechat.api('applycode', {
        code_count: 10_000,
        isv_application_id: 'idem-1',
      });
      expect(again.application_id).toBe(first.application_id);
      const conflicting = await wechat.api('applycode', {
        code_count: 20_000,
        isv_application_id: 'idem-1',
      });
      expect(conflicting.errcode).toBe(40097);
      expect(conflicting.errmsg).toContain('idem-1');
    });

    it('moves to FINISH after the configured delay; downloads and activations wait for it', async () => {
      await wechat.control('POST', 'config', { finishDelayMs: 2000 });
      try {
        const { application_id } = await wechat.api('applycode', {
          code_count: 10_000,
          isv_application_id: 'slow-1',
        });
        const pending = await wechat.api('applycodequery', { isv_application_id: 'slow-1' });
        expect(pending).toMatchObject({ errcode: 0, status: 'INIT', code_generate_list: [] });
        expect(pending.create_time).toBe(Math.floor(pending.create_time));
        const early = await wechat.api('applycodedownload', {
          application_id,
          code_start: 0,
          code_end: 9_999,
        });
        expect(early.errcode).toBe(40097);
        expect(early.errmsg).toContain('FINISH');
        expect(
          (
            await wechat.api('codeactive', {
              application_id,
              ...ACTIVATION,
              code_start: 0,
              code_end: 9,
            })
          ).errcode,
        ).toBe(40097);

        await wechat.advance(1000);
        expect((await wechat.api('applycodequery', { application_id })).status).toBe('PROCESSING');
        await wechat.advance(1000);
        const done = await wechat.api('applycodequery', { application_id: String(application_id) });
        expect(done).toMatchObject({
          errcode: 0,
          status: 'FINISH',
          application_id,
          isv_application_id: 'slow-1',
          code_generate_list: [{ code_start: 0, code_end: 9_999 }],
        });
        expect(done.update_time).toBeGreaterThanOrEqual(done.create_time + 2);
      } finally {
        await wechat.control('POST', 'config', { finishDelayMs: 0 });
      }
    });

    it('answers 80301 for an unknown application', async () => {
      expect((await wechat.api('applycodequery', { application_id: 123 })).errcode).toBe(80301);
      expect(
        (await wechat.api('applycodedownload', { application_id: 123, code_start: 0, code_end: 9 }))
          .errcode,
      ).toBe(80301);
    });

    it('downloads a range as an encrypted package of unique, invertible codes', async () => {
      await wechat.control('POST', 'config', { rangeSize: 10_000 });
      const app = await finishedApplication(wechat, 'download-1', 20_000);
      await wechat.control('POST', 'config', { rangeSize: 100_000 });
      expect(app.code_generate_list).toEqual([
        { code_start: 0, code_end: 9_999 },
        { code_start: 10_000, code_end: 19_999 },
      ]);
      const notARange = await wechat.api('applycodedownload', {
        application_id: app.application_id,
        code_start: 0,
        code_end: 19_999,
      });
      expect(notARange.errcode).toBe(40097);

      const reply = await wechat.api('applycodedownload', {
        application_id: app.application_id,
        code_start: 10_000,
        code_end: 19_999,
      });
      expect(reply).toEqual({ errcode: 0, errmsg: 'ok', buffer: expect.any(String) });
      const rows = decryptPackage(reply.buffer);
      expect(rows.map((row) => row.index)).toEqual(
        Array.from({ length: 10_000 }, (_, i) => 10_000 + i),
      );
      expect(new Set(rows.map((row) => row.code)).size).toBe(10_000);
      expect(new Set(rows.map((row) => row.url)).size).toBe(10_000);
      for (const row of rows) {
        expect(row.code).toMatch(/^[0-9A-Z$%*+\-./:]{9}$/);
        expect(row.url).toMatch(/^P\.URL\.CN\/0[0-9A-Z$%*+\-./:]{18}$/);
      }
      // The same range downloads to the same rows; a wrong key cannot read it.
      const again = await wechat.api('applycodedownload', {
        application_id: app.application_id,
        code_start: 10_000,
        code_end: 19_999,
      });
      expect(decryptPackage(again.buffer)[123]).toEqual(rows[123]);
      expect(() => decryptPackage(reply.buffer, 'another-key-16by')).toThrow();

      // Codes are unique across applications too.
      const other = await finishedApplication(wechat, 'download-2', 10_000);
      const otherRows = decryptPackage(
        (
          await wechat.api('applycodedownload', {
            application_id: other.application_id,
            code_start: 0,
            code_end: 9_999,
          })
        ).buffer,
      );
      const codes = new Set(rows.map((row) => row.code));
      expect(otherRows.some((row) => codes.has(row.code))).toBe(false);
    });
  });

  describe('activation', () => {
    let applicationId: number;
    let rows: CodeRecord[];

    beforeAll(async () => {
      const app = await finishedApplication(wechat, 'activate-1', 10_000);
      applicationId = app.application_id;
      rows = decryptPackage(
        (
          await wechat.api('applycodedownload', {
            application_id: applicationId,
            code_start: 0,
            code_end: 9_999,
          })
        ).buffer,
      );
    });

    it('rejects bad activations', async () => {
      const activate = (fields: Record<string, unknown>) =>
        wechat.api('codeactive', {
          application_id: applicationId,
          ...ACTIVATION,
          code_start: 0,
          code_end: 99,
          ...fields,
        });
      expect((await activate({ application_id: 42 })).errcode).toBe(80301);
      expect((await activate({ code_start: 100, code_end: 99 })).errcode).toBe(40097);
      expect((await activate({ code_end: 10_000 })).errcode).toBe(40097);
      expect((await activate({ wxa_type: 3 })).errcode).toBe(40097);
      expect((await activate({ code_start: undefined })).errcode).toBe(40097);
      for (const field of Object.keys(ACTIVATION)) {
        const answer = await activate({ [field]: undefined });
        expect(answer.errcode, field).toBe(40097);
        expect(answer.errmsg).toContain(field);
      }
      const query = await wechat.api('codeactivequery', {
        application_id: applicationId,
        code_index: 5,
      });
      expect(query.errcode).toBe(40097);
      expect(query.errmsg).toContain('not activated');
    });

    it('activates a segment and answers queries by index, code and URL', async () => {
      const activated = await wechat.api('codeactive', {
        application_id: applicationId,
        ...ACTIVATION,
        wxa_type: 2,
        code_start: 100,
        code_end: 199,
      });
      expect(activated).toEqual({ errcode: 0, errmsg: 'ok' });
      const expected = {
        errcode: 0,
        errmsg: 'ok',
        code: rows[150]!.code,
        application_id: applicationId,
        isv_application_id: 'activate-1',
        ...ACTIVATION,
        wxa_type: 2,
        code_start: 100,
        code_end: 199,
      };
      expect(
        await wechat.api('codeactivequery', { application_id: applicationId, code_index: 150 }),
      ).toEqual(expected);
      expect(await wechat.api('codeactivequery', { code: rows[150]!.code })).toEqual(expected);
      expect(await wechat.api('codeactivequery', { code_url: rows[150]!.url })).toEqual(expected);

      expect(
        (await wechat.api('codeactivequery', { application_id: applicationId, code_index: 99 }))
          .errmsg,
      ).toContain('not activated');
      expect(
        (await wechat.api('codeactivequery', { application_id: applicationId, code_index: 10_000 }))
          .errcode,
      ).toBe(40097);
      const unknown = await wechat.api('codeactivequery', { code: 'AAAAAAAAA' });
      expect(unknown.errcode).toBe(40097);
      expect(unknown.errmsg).toContain('not exist');
      const alteredUrl = rows[150]!.url.slice(0, -1) + (rows[150]!.url.endsWith('A') ? 'B' : 'A');
      expect((await wechat.api('codeactivequery', { code_url: alteredUrl })).errmsg).toContain(
        'not exist',
      );
    });

    it('lets a later activation replace an earlier one where they overlap', async () => {
      await wechat.api('codeactive', {
        application_id: applicationId,
        ...ACTIVATION,
        activity_name: '第二期',
        code_start: 180,
        code_end: 299,
      });
      const overlap = await wechat.api('codeactivequery', { code: rows[190]!.code });
      expect(overlap).toMatchObject({ activity_name: '第二期', code_start: 180, code_end: 299 });
      const earlier = await wechat.api('codeactivequery', { code: rows[120]!.code });
      expect(earlier).toMatchObject({ activity_name: ACTIVATION.activity_name, code_start: 100 });
    });

    it('scans a code into a Mini Program launch whose ticket resolves for that openid only', async () => {
      await wechat.api('codeactive', {
        application_id: applicationId,
        ...ACTIVATION,
        wxa_path: 'pages/landing/index?from=pack',
        code_start: 500,
        code_end: 599,
      });
      const scan = await wechat.control('POST', 'scan', {
        openid: 'o-alice',
        code: rows[510]!.code,
      });
      expect(scan.status).toBe(200);
      expect(scan.body).toEqual({
        code: rows[510]!.code,
        path: 'pages/landing/index',
        query: { from: 'pack', code_ticket: expect.stringMatching(/^[0-9a-f]{32}$/) },
        scene: 1124,
      });
      const ticket = scan.body.query.code_ticket;
      const resolved = await wechat.api('tickettocode', { openid: 'o-alice', code_ticket: ticket });
      expect(resolved).toMatchObject({
        errcode: 0,
        code: rows[510]!.code,
        application_id: applicationId,
        product_code: ACTIVATION.product_code,
        wxa_type: 0,
        code_start: 500,
        code_end: 599,
      });
      const stranger = await wechat.api('tickettocode', { openid: 'o-bob', code_ticket: ticket });
      expect(stranger).toEqual({
        errcode: 40097,
        errmsg: 'invalid args, 无效的code_ticket或与openid不对应',
      });

      // By URL and by index too; each scan gets its own ticket.
      const byUrl = await wechat.control('POST', 'scan', {
        openid: 'o-alice',
        url: rows[511]!.url,
      });
      const byIndex = await wechat.control('POST', 'scan', {
        openid: 'o-alice',
        applicationId,
        index: 511,
      });
      expect(byUrl.body.code).toBe(rows[511]!.code);
      expect(byIndex.body.code).toBe(rows[511]!.code);
      expect(byIndex.body.query.code_ticket).not.toBe(byUrl.body.query.code_ticket);

      // Not activated, unknown: WeChat would not open the Mini Program.
      expect(
        (await wechat.control('POST', 'scan', { openid: 'o-alice', code: rows[5]!.code })).status,
      ).toBe(409);
      expect(
        (await wechat.control('POST', 'scan', { openid: 'o-alice', code: 'AAAAAAAAA' })).status,
      ).toBe(404);
      expect((await wechat.control('POST', 'scan', { code: rows[510]!.code })).status).toBe(400);
    });

    it('expires tickets after the configured TTL', async () => {
      await wechat.control('POST', 'config', { ticketTtlMs: 60_000 });
      const scan = await wechat.control('POST', 'scan', {
        openid: 'o-carol',
        code: rows[150]!.code,
      });
      const exchange = () =>
        wechat.api('tickettocode', { openid: 'o-carol', code_ticket: scan.body.query.code_ticket });
      expect((await exchange()).errcode).toBe(0);
      await wechat.advance(60_000);
      expect(await exchange()).toMatchObject({ errcode: 40097 });
      await wechat.control('POST', 'config', { ticketTtlMs: 10 * MINUTE });
    });
  });

  describe('fault injection', () => {
    it('answers an injected errcode the given number of times, then the real answer', async () => {
      const added = await wechat.control('POST', 'faults', {
        api: 'applycode',
        errcode: 45009,
        times: 2,
      });
      expect(added.status).toBe(200);
      const apply = () =>
        wechat.api('applycode', { code_count: 10_000, isv_application_id: 'fault-1' });
      expect(await apply()).toEqual({ errcode: 45009, errmsg: expect.any(String) });
      expect((await apply()).errcode).toBe(45009);
      expect((await apply()).errcode).toBe(0);
    });

    it('injects HTTP errors, any-API faults and latency, and clears them', async () => {
      await wechat.control('POST', 'faults', { api: 'stable_token', status: 503 });
      const failed = await fetch(`${stack.url}/wechat/cgi-bin/stable_token`, {
        method: 'POST',
        body: JSON.stringify(credentials()),
      });
      expect(failed.status).toBe(503);
      expect((await wechat.post('/cgi-bin/stable_token', credentials())).access_token).toBeTypeOf(
        'string',
      );

      const { access_token } = await wechat.post('/cgi-bin/stable_token', credentials());
      await wechat.control('POST', 'faults', { api: '*', errcode: -1 });
      const query = { application_id: 1 };
      expect(
        (await wechat.post('/intp/marketcode/applycodequery', query, { access_token })).errcode,
      ).toBe(-1);
      expect(
        (await wechat.post('/intp/marketcode/applycodequery', query, { access_token })).errcode,
      ).toBe(80301);

      await wechat.control('POST', 'faults', { api: 'codeactivequery', delayMs: 300 });
      const started = Date.now();
      const slow = await wechat.api('codeactivequery', { code: 'AAAAAAAAA' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(slow.errmsg).toContain('not exist');

      await wechat.control('POST', 'faults', { api: 'tickettocode', errcode: 40001, times: 5 });
      expect((await wechat.control('GET', 'faults')).body.faults).toHaveLength(1);
      expect((await wechat.control('DELETE', 'faults')).body).toEqual({ cleared: 1 });
      expect((await wechat.control('POST', 'faults', { api: 'nope', errcode: 1 })).status).toBe(
        400,
      );
    });
  });

  it('keeps its state across a restart', async () => {
    const app = await finishedApplication(wechat, 'persist-1', 10_000);
    await wechat.api('codeactive', {
      application_id: app.application_id,
      ...ACTIVATION,
      code_start: 0,
      code_end: 9_999,
    });
    const { access_token } = await wechat.post('/cgi-bin/stable_token', credentials());
    const scan = await wechat.control('POST', 'scan', {
      openid: 'o-dave',
      applicationId: app.application_id,
      index: 42,
    });
    const before = await wechat.control('GET', 'state');

    const dataDir = stack.dataDir;
    await stack.close();
    stack = await startTestStack({ dataDir });
    wechat = wechatOf(stack);

    const after = await wechat.control('GET', 'state');
    expect(after.body.applications).toEqual(before.body.applications);
    expect(after.body.config).toEqual(before.body.config);
    expect(after.body.now).toBeGreaterThanOrEqual(before.body.now);
    const resolved = await wechat.post(
      '/intp/marketcode/tickettocode',
      { openid: 'o-dave', code_ticket: scan.body.query.code_ticket },
      { access_token },
    );
    expect(resolved).toMatchObject({ errcode: 0, code: scan.body.code });
    // The next application continues the code space: no code is handed out twice.
    const next = await finishedApplication(wechat, 'persist-2', 10_000);
    const rows = decryptPackage(
      (
        await wechat.api('applycodedownload', {
          application_id: next.application_id,
          code_start: 0,
          code_end: 9_999,
        })
      ).buffer,
    );
    expect(rows.some((row) => row.code === scan.body.code)).toBe(false);
  });
});
