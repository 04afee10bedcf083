/**
 * The marketcode client's input rules (checked before anything is sent), its uint64 handling,
 * and the pure range and export rules it relies on.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../cloudfunctions/core/data/tokens';
import { MAX_IMAGE_CODES, planExport } from '../../cloudfunctions/core/domain/export-plan';
import {
  checkProductCode,
  isCovered,
  normaliseApplicationId,
  requireGeneratedRange,
  requireWithinApplication,
  segmentRanges,
} from '../../cloudfunctions/core/domain/marketcode';
import { AppError } from '../../cloudfunctions/core/errors';
import { parseWeChatJson } from '../../cloudfunctions/core/wechat/http';
import { MarketcodeClient } from '../../cloudfunctions/core/wechat/marketcode/client';
import { AccessTokens } from '../../cloudfunctions/core/wechat/oa/access-token';
import { OfficialAccountClient } from '../../cloudfunctions/core/wechat/oa/client';

/** A fake marketcode endpoint: records each request body and answers with the next raw text. */
let server: Server;
let base = '';
const received: { path: string; body: any }[] = [];
const answers: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://x');
      response.setHeader('content-type', 'application/json');
      if (url.pathname === '/cgi-bin/stable_token') {
        response.end(JSON.stringify({ access_token: 'tok', expires_in: 7200 }));
        return;
      }
      received.push({ path: url.pathname, body: JSON.parse(text) });
      response.end(answers.shift() ?? '{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  received.length = 0;
  answers.length = 0;
});

function client(): MarketcodeClient {
  const tokens = new AccessTokens({
    appid: 'wx-oa',
    store: new MemoryTokenStore(),
    issuer: {
      endpoint: 'stable_token',
      issue: async () => ({ token: 'tok', expiresInSeconds: 7200 }),
    },
  });
  return new MarketcodeClient(new OfficialAccountClient({ base, tokens }));
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('applycode', () => {
  it.each([0, 9_999, 10_001, 15_000, 20_010_000, 30_000_000, 10_000.5, -10_000])(
    'refuses code_count %d without calling WeChat',
    async (count) => {
      const error = await refusal(client().applyCode({ codeCount: count, isvApplicationId: 'a' }));
      expect(error.code).toBe('INVALID_CODE_COUNT');
      expect(error.message).toMatch(/1 万/);
      expect(received).toEqual([]);
    },
  );

  it.each([10_000, 20_000, 20_000_000])('accepts code_count %d', async (count) => {
    answers.push('{"errcode":0,"errmsg":"ok","application_id":12345}');
    expect(await client().applyCode({ codeCount: count, isvApplicationId: 'PO-1' })).toEqual({
      applicationId: '12345',
    });
    expect(received[0]).toEqual({
      path: '/intp/marketcode/applycode',
      body: { code_count: count, isv_application_id: 'PO-1' },
    });
  });

  it('refuses an order id that is empty, too long or not visible ASCII', async () => {
    for (const id of ['', 'x'.repeat(129), '订单1', 'a b']) {
      const error = await refusal(client().applyCode({ codeCount: 10_000, isvApplicationId: id }));
      expect(error.code).toBe('INVALID_ARGUMENT');
    }
    expect(received).toEqual([]);
  });
});

describe('application ids (uint64)', () => {
  it('keeps an id above 2^53 exact, both ways', async () => {
    answers.push(
      '{"errcode":0,"errmsg":"ok","status":"FINISH","application_id":18446744073709551615,' +
        '"isv_application_id":"PO-9","code_generate_list":[{"code_start":1,"code_end":10000}],' +
        '"create_time":1700000000,"update_time":1700000100}',
    );
    const status = await client().queryApplication({ applicationId: '18446744073709551615' });
    expect(status).toEqual({
      status: 'FINISH',
      applicationId: '18446744073709551615',
      isvApplicationId: 'PO-9',
      ranges: [{ codeStart: 1, codeEnd: 10_000 }],
      createTime: 1_700_000_000,
      updateTime: 1_700_000_100,
    });
    // Sent as a string, as WeChat's own example does.
    expect(received[0]!.body).toEqual({ application_id: '18446744073709551615' });
  });

  it('accepts an exact number, refuses one that already lost precision, or anything else', () => {
    expect(normaliseApplicationId(42)).toBe('42');
    expect(normaliseApplicationId('007'.replace(/^0+/, ''))).toBe('7');
    for (const bad of [2 ** 53, -1, 1.5, '01', '18446744073709551616', 'abc', '']) {
      expect(() => normaliseApplicationId(bad)).toThrow(AppError);
    }
  });

  it('only rewrites uint64 fields in key position, never inside strings', () => {
    const parsed = parseWeChatJson(
      'x',
      '{"errmsg":"\\"application_id\\": 123 is odd","application_id": 9007199254740993,"n":9007199254740993}',
      ['application_id'],
    );
    expect(parsed.application_id).toBe('9007199254740993');
    expect(parsed.errmsg).toBe('"application_id": 123 is odd');
    expect(parsed.n).toBe(9007199254740992); // a field not declared uint64 is a plain number
  });

  it('refuses a code index WeChat sends beyond exact numbers rather than rounding it', async () => {
    answers.push(
      '{"errcode":0,"status":"FINISH","application_id":1,"isv_application_id":"x",' +
        '"code_generate_list":[{"code_start":9007199254740993,"code_end":9007199254740999}]}',
    );
    await expect(client().queryApplication({ applicationId: '1' })).rejects.toThrow(/not exact/);
  });
});

describe('download and activation inputs', () => {
  const activation = {
    applicationId: '1',
    codeStart: 1,
    codeEnd: 100,
    activityName: '活动',
    productBrand: '品牌',
    productTitle: '商品',
    productCode: '6901234567892',
    wxaAppid: 'wx-mp',
    wxaPath: 'pages/landing/index',
  };

  it('ranges are inclusive and must not run backwards', async () => {
    answers.push('{"errcode":0,"buffer":"QUJD"}');
    expect(await client().downloadPackage({ applicationId: '1', codeStart: 5, codeEnd: 5 })).toBe(
      'QUJD',
    );
    const error = await refusal(
      client().downloadPackage({ applicationId: '1', codeStart: 6, codeEnd: 5 }),
    );
    expect(error.code).toBe('INVALID_RANGE');
    const negative = await refusal(client().activate({ ...activation, codeStart: -1 }));
    expect(negative.code).toBe('INVALID_ARGUMENT');
    expect(received).toHaveLength(1);
  });

  it('wxa_type is 0, 1 or 2, and omitted when not given (WeChat defaults to release)', async () => {
    await client().activate(activation);
    expect(received[0]!.body).not.toHaveProperty('wxa_type');
    for (const wxaType of [0, 1, 2] as const) await client().activate({ ...activation, wxaType });
    expect(received.map((r) => r.body.wxa_type)).toEqual([undefined, 0, 1, 2]);
    const error = await refusal(client().activate({ ...activation, wxaType: 3 as 0 }));
    expect(error.message).toContain('小程序版本');
    expect(received).toHaveLength(4);
  });

  it('checks the EAN check digit and the text fields', async () => {
    expect(() => checkProductCode('6901234567891')).toThrow(/条码/);
    expect(checkProductCode('96385074')).toBe('96385074');
    const blank = await refusal(client().activate({ ...activation, activityName: '  ' }));
    expect(blank.code).toBe('INVALID_ARGUMENT');
    expect(received).toEqual([]);
  });

  it('keeps the raw code a string, leading zeros and symbols included', async () => {
    answers.push(
      JSON.stringify({
        errcode: 0,
        code: '0436Z31$0',
        application_id: 7,
        isv_application_id: 'PO',
        activity_name: 'a',
        product_brand: 'b',
        product_title: 't',
        product_code: '6901234567892',
        wxa_appid: 'wx',
        wxa_path: 'p',
        wxa_type: 0,
        code_start: 0,
        code_end: 99,
      }),
    );
    const found = await client().queryActivation({ code: '0436Z31$0' });
    expect(found).toMatchObject({
      code: '0436Z31$0',
      applicationId: '7',
      codeStart: 0,
      codeEnd: 99,
    });
    expect(received[0]!.body).toEqual({ code: '0436Z31$0' });
    expect((await refusal(client().queryActivation({ code: '123' }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect((await refusal(client().queryActivation({ codeUrl: 'P.URL.CN/short' }))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('range rules', () => {
  const generated = [
    { codeStart: 1, codeEnd: 100 },
    { codeStart: 101, codeEnd: 200 },
    { codeStart: 301, codeEnd: 400 },
  ];

  it('a range must lie inside the generated ranges (adjacent ranges join)', () => {
    expect(isCovered(generated, { codeStart: 50, codeEnd: 150 })).toBe(true);
    expect(isCovered(generated, { codeStart: 150, codeEnd: 301 })).toBe(false);
    expect(isCovered(generated, { codeStart: 0, codeEnd: 5 })).toBe(false);
    expect(() => requireWithinApplication(generated, { codeStart: 390, codeEnd: 401 })).toThrow(
      expect.objectContaining({ code: 'RANGE_OUTSIDE_APPLICATION' }),
    );
    expect(() => requireGeneratedRange(generated, { codeStart: 1, codeEnd: 50 })).toThrow(
      expect.objectContaining({ code: 'RANGE_NOT_GENERATED' }),
    );
    expect(() => requireGeneratedRange(generated, { codeStart: 101, codeEnd: 200 })).not.toThrow();
  });

  it('splits ranges into activated segments and gaps, the newest activation winning', () => {
    const segments = segmentRanges(
      [{ codeStart: 1, codeEnd: 100 }],
      [
        { codeStart: 10, codeEnd: 50, activatedAt: 1, name: 'old' },
        { codeStart: 40, codeEnd: 60, activatedAt: 2, name: 'new' },
      ],
    );
    expect(segments.map((s) => [s.codeStart, s.codeEnd, s.activation?.name ?? '-'])).toEqual([
      [1, 9, '-'],
      [10, 39, 'old'],
      [40, 60, 'new'],
      [61, 100, '-'],
    ]);
  });

  it('plans exports within their caps and zips many files', () => {
    const range = { codeStart: 1, codeEnd: 10_000 };
    expect(planExport(range, { formats: ['csv'] })).toMatchObject({
      codeCount: 10_000,
      fileCount: 1,
      zipped: false,
    });
    expect(planExport(range, { from: 1, to: 2, formats: ['qr'] })).toMatchObject({
      fileCount: 6,
      zipped: false,
    });
    expect(
      planExport(range, { from: 1, to: 3, formats: ['csv', 'svg', 'png', 'qr'] }),
    ).toMatchObject({ fileCount: 16, zipped: true });
    expect(() => planExport(range, { to: MAX_IMAGE_CODES + 1, formats: ['svg'] })).toThrow(
      expect.objectContaining({ code: 'EXPORT_TOO_LARGE' }),
    );
    expect(() => planExport(range, { from: 0, formats: ['csv'] })).toThrow(
      expect.objectContaining({ code: 'RANGE_OUTSIDE_IMPORT' }),
    );
  });
});

/**
 * WeChat's documented example replies (the examples of WeChat's six 一物一码 API pages),
 * each read as sent: uint64 fields as JSON numbers, `code` a string, `product_code` present in
 * the examples though missing from the field tables.
 */
describe("WeChat's documented example replies", () => {
  const EXAMPLE_ACTIVATION =
    '{"errcode":0,"errmsg":"ok","code":"012345678","application_id":581865877,' +
    '"isv_application_id":"testid124","activity_name":"活动A","product_brand":"品牌A",' +
    '"product_title":"商品A","product_code":"test_code","wxa_appid":"wx1234567890",' +
    '"wxa_path":"pages/index/index","wxa_type":0,"code_start":0,"code_end":200}';
  const ACTIVATION_READ = {
    code: '012345678',
    applicationId: '581865877',
    isvApplicationId: 'testid124',
    activityName: '活动A',
    productBrand: '品牌A',
    productTitle: '商品A',
    productCode: 'test_code',
    wxaAppid: 'wx1234567890',
    wxaPath: 'pages/index/index',
    wxaType: 0,
    codeStart: 0,
    codeEnd: 200,
  };

  it('applycode', async () => {
    answers.push('{"errcode":0,"errmsg":"ok","application_id":581865877}');
    expect(await client().applyCode({ codeCount: 10_000, isvApplicationId: 'testid124' })).toEqual({
      applicationId: '581865877',
    });
  });

  it('applycodequery', async () => {
    answers.push(
      '{"errcode":0,"errmsg":"ok","status":"FINISH","application_id":581865877,' +
        '"isv_application_id":"testid124","code_generate_list":[{"code_start":0,"code_end":9999}],' +
        '"create_time":1611047541,"update_time":1611047600}',
    );
    expect(await client().queryApplication({ applicationId: '581865877' })).toEqual({
      status: 'FINISH',
      applicationId: '581865877',
      isvApplicationId: 'testid124',
      ranges: [{ codeStart: 0, codeEnd: 9999 }],
      createTime: 1611047541,
      updateTime: 1611047600,
    });
  });

  it('applycodedownload', async () => {
    answers.push('{"errcode":0,"errmsg":"ok","buffer":"QkFTRTY0"}');
    expect(
      await client().downloadPackage({ applicationId: '581865877', codeStart: 0, codeEnd: 9999 }),
    ).toBe('QkFTRTY0');
  });

  it('codeactive', async () => {
    answers.push('{"errcode":0,"errmsg":"ok"}');
    await expect(
      client().activate({
        applicationId: '581865877',
        activityName: '活动A',
        productBrand: '品牌A',
        productTitle: '商品A',
        productCode: '6901234567892',
        wxaAppid: 'wx1234567890',
        wxaPath: 'pages/index/index',
        codeStart: 0,
        codeEnd: 9999,
      }),
    ).resolves.toBeUndefined();
  });

  it('codeactivequery of an activated code', async () => {
    answers.push(EXAMPLE_ACTIVATION);
    expect(await client().lookupActivation({ code: '012345678' })).toEqual({
      state: 'activated',
      activation: ACTIVATION_READ,
    });
    answers.push(EXAMPLE_ACTIVATION);
    expect(await client().queryActivation({ code: '012345678' })).toEqual(ACTIVATION_READ);
  });

  it('codeactivequery of a code that exists but is not activated: errcode 0, no activation fields', async () => {
    const bare =
      '{"errcode":0,"errmsg":"ok","code":"012345678","application_id":581865877,"isv_application_id":"testid124"}';
    answers.push(bare);
    expect(await client().lookupActivation({ code: '012345678' })).toEqual({
      state: 'not_activated',
      code: '012345678',
      applicationId: '581865877',
    });
    answers.push(bare);
    const error = await refusal(client().queryActivation({ code: '012345678' }));
    expect(error.code).toBe('NOT_ACTIVATED');
  });

  it('codeactivequery of a code that is not activated or unknown: errcode 40097', async () => {
    answers.push('{"errcode":40097,"errmsg":"code not activated"}');
    expect(await client().lookupActivation({ code: '012345678' })).toEqual({
      state: 'not_activated',
    });
    answers.push('{"errcode":40097,"errmsg":"invalid args"}');
    expect(await client().lookupActivation({ code: '012345678' })).toEqual({ state: 'unknown' });
  });

  it('tickettocode: the same fields (wxa_type may be missing), code as a string or a number', async () => {
    answers.push(EXAMPLE_ACTIVATION.replace('"wxa_type":0,', ''));
    expect(await client().ticketToCode({ openid: 'o1', codeTicket: 't1' })).toEqual({
      ...ACTIVATION_READ,
      wxaType: undefined,
    });
    // The tickettocode page's example shows the code as a bare number.
    answers.push(EXAMPLE_ACTIVATION.replace('"code":"012345678"', '"code":8'));
    expect((await client().ticketToCode({ openid: 'o1', codeTicket: 't1' })).code).toBe('8');
  });

  it('the documented error form is an error of every API', async () => {
    answers.push(
      '{"errcode":40001,"errmsg":"invalid credential access_token isinvalid or not latest"}',
      '{"errcode":40001,"errmsg":"invalid credential access_token isinvalid or not latest"}',
    );
    await expect(
      client().applyCode({ codeCount: 10_000, isvApplicationId: 'testid124' }),
    ).rejects.toMatchObject({ errcode: 40001 });
  });
});
