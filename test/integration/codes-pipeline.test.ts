/**
 * The code supply pipeline end to end through the local stack and its WeChat simulator, as an
 * operator drives it with the admin actions alone: apply → refresh until FINISH → import → export
 * → activate → a consumer scans → tickettocode resolves to the activated range. Plus the refusals
 * an operator can run into.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../cloudfunctions/core/data/tokens';
import { WeChatApiError } from '../../cloudfunctions/core/wechat/errors';
import { MarketcodeClient } from '../../cloudfunctions/core/wechat/marketcode/client';
import { readPackageRecords } from '../../cloudfunctions/core/wechat/marketcode/package-reader';
import { AccessTokens } from '../../cloudfunctions/core/wechat/oa/access-token';
import { OfficialAccountClient } from '../../cloudfunctions/core/wechat/oa/client';
import { wechatTokenIssuer } from '../../cloudfunctions/core/wechat/oa/token-endpoint';
import { adminClient, type AdminRequest } from '../../local/admin-client';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';

const ADMIN = { openid: 'o-operator' };
const EAN = '6901234567892';

describe('code supply pipeline (admin actions against the WeChat simulator)', () => {
  let stack: TestStack;
  const admin = () => adminClient(stack.url, ADMIN);
  const sim = async (path: string, body?: unknown, method = 'POST') => {
    const response = await fetch(`${stack.url}/wechat/_sim/${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  /** The marketcode client itself, pointed at the simulator (what a `scan` function will use). */
  const directClient = () => {
    const base = `${stack.url}/wechat`;
    const oa = new OfficialAccountClient({
      base,
      tokens: new AccessTokens({
        appid: 'wx-local-oa',
        store: new MemoryTokenStore(),
        issuer: wechatTokenIssuer(base, 'stable_token', {
          appid: 'wx-local-oa',
          secret: 'local-oa-secret',
        }),
      }),
    });
    return new MarketcodeClient(oa);
  };

  beforeAll(async () => {
    stack = await startTestStack({ settings: { ADMIN_OPENIDS: ADMIN.openid } });
    expect((await sim('config', { finishDelayMs: 0 })).status).toBe(200);
  });
  afterAll(() => stack?.destroy());

  let applicationId: string;
  let range: { codeStart: number; codeEnd: number };

  it('applies for codes idempotently by the order id and refreshes until FINISH', async () => {
    const applied = await admin().call('applyCodes', { count: 10_000, isvApplicationId: 'PO-1' });
    expect(applied).toMatchObject({ created: true });
    applicationId = applied.application.applicationId;
    expect(applicationId).toMatch(/^\d+$/);

    const again = await admin().call('applyCodes', { count: 10_000, isvApplicationId: 'PO-1' });
    expect(again).toMatchObject({ created: false, application: { applicationId } });

    let refreshed = await admin().reply('refreshApplication', { applicationId });
    for (let i = 1; i < 20 && !(refreshed.ok && refreshed.data.ready); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      refreshed = await admin().reply('refreshApplication', { applicationId });
    }
    expect(refreshed).toMatchObject({ ok: true, data: { status: 'FINISH', ready: true } });
    assert(refreshed.ok);
    expect(refreshed.data.ranges).toHaveLength(1);
    range = refreshed.data.ranges[0]!;
    expect(range.codeEnd - range.codeStart + 1).toBe(10_000);

    const listed = await admin().call('listApplications');
    expect(listed.applications.map((a) => a.applicationId)).toContain(applicationId);
  });

  it('imports a range all at once, and a second import changes nothing', async () => {
    const imported = await admin().reply('importRange', { applicationId, ...range });
    expect(imported).toEqual({
      ok: true,
      data: {
        applicationId,
        ...range,
        state: 'imported',
        importedCount: 10_000,
        alreadyImported: false,
      },
    });
    const db = sdkFor(stack.url).database();
    const { total } = await db.collection('packageCodes').where({ applicationId }).count();
    expect(total).toBe(10_000);

    const again = await admin().call('importRange', { applicationId, ...range });
    expect(again).toMatchObject({ alreadyImported: true, importedCount: 10_000 });
    expect((await db.collection('packageCodes').where({ applicationId }).count()).total).toBe(
      10_000,
    );
  });

  it('exports a CSV whose temporary link serves exactly the requested rows', async () => {
    const from = range.codeStart + 10;
    const to = from + 99;
    const exported = await admin().call('exportRange', {
      applicationId,
      ...range,
      from,
      to,
      formats: ['csv'],
    });
    expect(exported).toMatchObject({ codeCount: 100, zipped: false });
    expect(exported.files).toHaveLength(1);
    const csv = await (await fetch(exported.files[0]!.url)).text();
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('index,code,url');
    expect(lines).toHaveLength(101);

    const db = sdkFor(stack.url).database();
    const _ = db.command;
    const { data: rows } = await db
      .collection('packageCodes')
      .where({ applicationId, index: _.gte(from).and(_.lte(to)) })
      .orderBy('index', 'asc')
      .limit(100)
      .get();
    expect(lines.slice(1)).toEqual(
      (rows as any[]).map((row) => `${row.index},${row.code},${row.url}`),
    );
  });

  it('exports print images: loose files for a few, a zip beyond that; the QR decodes to the URL', async () => {
    const one = await admin().call('exportRange', {
      applicationId,
      ...range,
      from: range.codeStart,
      to: range.codeStart,
      formats: ['qr'],
    });
    expect(one).toMatchObject({ zipped: false, codeCount: 1 });
    expect(one.files.map((f) => f.name)).toEqual([
      `qr-small/${range.codeStart}.png`,
      `qr-medium/${range.codeStart}.png`,
      `qr-large/${range.codeStart}.png`,
    ]);
    const png = PNG.sync.read(Buffer.from(await (await fetch(one.files[2]!.url)).arrayBuffer()));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    const db = sdkFor(stack.url).database();
    const { data } = await db
      .collection('packageCodes')
      .where({ applicationId, index: range.codeStart })
      .get();
    expect(decoded?.data).toBe((data[0] as any).url);

    const many = await admin().call('exportRange', {
      applicationId,
      ...range,
      from: range.codeStart,
      to: range.codeStart + 2,
      formats: ['csv', 'svg', 'png', 'qr'],
    });
    expect(many).toMatchObject({ zipped: true, codeCount: 3 });
    expect(many.files).toHaveLength(1);
    const zip = Buffer.from(await (await fetch(many.files[0]!.url)).arrayBuffer());
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    expect(zip.includes(Buffer.from(`microcode-svg/${range.codeStart + 2}.svg`))).toBe(true);
  });

  it('activates a range, and queryActivation finds a code of it', async () => {
    const activated = await admin().reply('activateRange', {
      applicationId,
      codeStart: range.codeStart,
      codeEnd: range.codeStart + 999,
      activityName: '春季促销',
      productBrand: '码上',
      productTitle: '矿泉水 550ml',
      productCode: EAN,
      wxaPath: 'pages/landing/index',
    });
    expect(activated).toMatchObject({
      ok: true,
      data: { range: { codeStart: range.codeStart, codeEnd: range.codeStart + 999, wxaType: 0 } },
    });
    expect(activated).toMatchObject({ data: { range: { wxaAppid: 'wx-local-miniprogram' } } });

    const db = sdkFor(stack.url).database();
    const { data } = await db
      .collection('packageCodes')
      .where({ applicationId, index: range.codeStart + 5 })
      .get();
    const code = (data[0] as any).code as string;
    const found = await admin().reply('queryActivation', { code });
    expect(found).toMatchObject({
      ok: true,
      data: {
        code,
        applicationId,
        index: range.codeStart + 5,
        activityName: '春季促销',
        codeStart: range.codeStart,
        codeEnd: range.codeStart + 999,
      },
    });
    const byIndex = await admin().call('queryActivation', {
      applicationId,
      codeIndex: range.codeStart + 5,
    });
    expect(byIndex.code).toBe(code);
  });

  it('resolves a consumer scan through tickettocode to the activated range', async () => {
    const launch = await sim('scan', {
      openid: 'o-consumer',
      // The simulator's control endpoint takes numbers (its ids stay below 2^53).
      applicationId: Number(applicationId),
      index: range.codeStart + 7,
    });
    expect(launch.status).toBe(200);
    expect(launch.body).toMatchObject({ path: 'pages/landing/index', scene: 1124 });
    const ticket = launch.body.query.code_ticket as string;

    const marketcode = directClient();
    const resolved = await marketcode.ticketToCode({ openid: 'o-consumer', codeTicket: ticket });
    expect(resolved).toMatchObject({
      code: launch.body.code,
      applicationId,
      activityName: '春季促销',
      productBrand: '码上',
      codeStart: range.codeStart,
      codeEnd: range.codeStart + 999,
    });
    // The ticket belongs to the user who scanned.
    const stranger = await marketcode
      .ticketToCode({ openid: 'o-someone-else', codeTicket: ticket })
      .catch((error: unknown) => error);
    expect(stranger).toBeInstanceOf(WeChatApiError);
    expect((stranger as WeChatApiError).errcode).toBe(40097);
  });

  it('lists the ranges with their state', async () => {
    const listed = await admin().call('listRanges', { applicationId });
    expect(listed.generated).toEqual([
      { ...range, import: expect.objectContaining({ state: 'imported', importedCount: 10_000 }) },
    ]);
    expect(listed.segments).toEqual([
      expect.objectContaining({
        codeStart: range.codeStart,
        codeEnd: range.codeStart + 999,
        state: 'activated',
        scannedCodes: 0,
      }),
      {
        codeStart: range.codeStart + 1000,
        codeEnd: range.codeEnd,
        state: 'not_activated',
        scannedCodes: 0,
      },
    ]);
  });

  it('imports all or nothing: a failure midway leaves no rows, and a retry succeeds', async () => {
    const applied = await admin().call('applyCodes', { count: 10_000, isvApplicationId: 'PO-2' });
    const second = applied.application.applicationId;
    const refreshed = await admin().call('refreshApplication', { applicationId: second });
    const secondRange = refreshed.ranges[0]!;

    // A code near the end of the package is already taken (as if imported from elsewhere), so the
    // import fails after most of its batches were written.
    const buffer = await directClient().downloadPackage({ applicationId: second, ...secondRange });
    let late: { code: string; url: string; index: number } | undefined;
    for await (const record of readPackageRecords(buffer, 'mashang-localkey')) {
      if (record.index === secondRange.codeStart + 9_000) late = record;
    }
    const db = sdkFor(stack.url).database();
    const codes = db.collection('packageCodes');
    await codes.add({
      data: { ...late!, applicationId: 'elsewhere', rangeStart: 0, importId: 'blocker' },
    });

    const failed = await admin().reply('importRange', { applicationId: second, ...secondRange });
    expect(failed).toEqual({
      ok: false,
      error: { code: 'PACKAGE_DUPLICATE_CODE', message: expect.stringContaining('撤销') },
    });
    expect((await codes.where({ applicationId: second }).count()).total).toBe(0);
    const listed = await admin().call('listRanges', { applicationId: second });
    expect(listed.generated[0]!.import).toMatchObject({
      state: 'import_failed',
      error: expect.stringContaining('撤销'),
    });

    await codes.where({ importId: 'blocker' }).remove();
    const retried = await admin().call('importRange', { applicationId: second, ...secondRange });
    expect(retried).toMatchObject({ importedCount: 10_000, alreadyImported: false });
    expect((await codes.where({ applicationId: second }).count()).total).toBe(10_000);
  });

  describe('refusals', () => {
    it('answers a non-administrator FORBIDDEN for every code action', async () => {
      const visitor = admin().as('o-visitor');
      const attempts = {
        applyCodes: () => visitor.reply('applyCodes', { count: 10_000, isvApplicationId: 'PO-X' }),
        refreshApplication: () => visitor.reply('refreshApplication', { applicationId: '1' }),
        listApplications: () => visitor.reply('listApplications'),
        importRange: () =>
          visitor.reply('importRange', { applicationId: '1', codeStart: 1, codeEnd: 2 }),
        listRanges: () => visitor.reply('listRanges', { applicationId: '1' }),
        queryActivation: () => visitor.reply('queryActivation', { code: '123456789' }),
      };
      for (const [action, attempt] of Object.entries(attempts)) {
        expect(await attempt(), action).toEqual({
          ok: false,
          error: { code: 'FORBIDDEN', message: expect.stringContaining('管理员') },
        });
      }
    });

    it('refuses a count off the 10,000 grid before asking WeChat', async () => {
      for (const count of [12_345, 5_000, 20_010_000]) {
        const reply = await admin().reply('applyCodes', { count, isvApplicationId: `PO-${count}` });
        expect(reply).toEqual({
          ok: false,
          error: { code: 'INVALID_CODE_COUNT', message: expect.stringContaining('1 万') },
        });
      }
    });

    it('refuses to reuse an order id for another count', async () => {
      const reply = await admin().reply('applyCodes', { count: 20_000, isvApplicationId: 'PO-1' });
      expect(reply).toMatchObject({ ok: false, error: { code: 'APPLICATION_CONFLICT' } });
    });

    it('refuses a download before FINISH', async () => {
      await sim('config', { finishDelayMs: 3_600_000 });
      try {
        const applied = await admin().call('applyCodes', {
          count: 10_000,
          isvApplicationId: 'PO-slow',
        });
        const reply = await admin().reply('importRange', {
          applicationId: applied.application.applicationId,
          codeStart: 1,
          codeEnd: 10_000,
        });
        expect(reply).toEqual({
          ok: false,
          error: { code: 'APPLICATION_NOT_READY', message: expect.stringContaining('尚未生成') },
        });
      } finally {
        await sim('config', { finishDelayMs: 0 });
      }
    });

    it('answers an unknown application APPLICATION_NOT_FOUND, here and at WeChat', async () => {
      const local = await admin().reply('importRange', {
        applicationId: '987654321',
        codeStart: 1,
        codeEnd: 2,
      });
      expect(local).toMatchObject({ ok: false, error: { code: 'APPLICATION_NOT_FOUND' } });
      const remote = await admin().reply('refreshApplication', { applicationId: '987654321' });
      expect(remote).toEqual({
        ok: false,
        error: { code: 'APPLICATION_NOT_FOUND', message: expect.any(String) },
      });
      const notANumber = await admin().reply('refreshApplication', { applicationId: '12x' });
      expect(notANumber).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    });

    it('refuses ranges outside the application', async () => {
      const outside = { codeStart: range.codeEnd, codeEnd: range.codeEnd + 1 };
      const imported = await admin().reply('importRange', { applicationId, ...outside });
      expect(imported).toMatchObject({ ok: false, error: { code: 'RANGE_OUTSIDE_APPLICATION' } });
      const activated = await admin().reply('activateRange', {
        applicationId,
        ...outside,
        activityName: 'x',
        productBrand: 'x',
        productTitle: 'x',
        productCode: EAN,
        wxaPath: 'pages/landing/index',
      });
      expect(activated).toMatchObject({ ok: false, error: { code: 'RANGE_OUTSIDE_APPLICATION' } });
      const exported = await admin().reply('exportRange', {
        applicationId,
        ...range,
        from: range.codeEnd,
        to: range.codeEnd + 5,
        formats: ['csv'],
      });
      expect(exported).toMatchObject({ ok: false, error: { code: 'RANGE_OUTSIDE_IMPORT' } });
      const partial = await admin().reply('importRange', {
        applicationId,
        codeStart: range.codeStart,
        codeEnd: range.codeStart + 9,
      });
      expect(partial).toMatchObject({ ok: false, error: { code: 'RANGE_NOT_GENERATED' } });
    });

    it('caps exports with images per call', async () => {
      const reply = await admin().reply('exportRange', {
        applicationId,
        ...range,
        formats: ['png'],
      });
      expect(reply).toMatchObject({ ok: false, error: { code: 'EXPORT_TOO_LARGE' } });
    });

    it('refuses a bad EAN and a bad wxaType with Chinese messages', async () => {
      const base = {
        applicationId,
        codeStart: range.codeStart,
        codeEnd: range.codeStart,
        activityName: 'x',
        productBrand: 'x',
        productTitle: 'x',
        wxaPath: 'pages/landing/index',
      };
      expect(
        await admin().reply('activateRange', { ...base, productCode: '6901234567891' }),
      ).toEqual({
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('条码') },
      });
      // A version the contract's type does not allow (0, 1 or 2), sent anyway: the server's own
      // validation is what is tested.
      const badVersion = { ...base, productCode: EAN, wxaType: 3 };
      expect(
        await admin().reply(
          'activateRange',
          badVersion as unknown as AdminRequest<'activateRange'>,
        ),
      ).toEqual({
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('小程序版本') },
      });
    });
  });
});
