import { describe, expect, it } from 'vitest';
import { Hash } from 'wechatpay-axios-plugin';
import { PayProtocolError } from '../../cloudfunctions/core/wechat/pay/errors';
import {
  classifySendReply,
  isTerminalRedPacketStatus,
  RED_PACKET_ERROR_TABLE,
  transportOutcome,
} from '../../cloudfunctions/core/wechat/pay/v2/outcomes';
import {
  buildBizRedPacketParams,
  signV2,
  verifyV2,
} from '../../cloudfunctions/core/wechat/pay/v2/sign';
import { buildXml, parseXml } from '../../cloudfunctions/core/wechat/pay/v2/xml';

// The worked example of WeChat Pay's v2 signing rules (安全规范 / 签名算法, chapter 4_3).
const DOC_PARAMS = {
  appid: 'wxd930ea5d5a258f4f',
  mch_id: '10000100',
  device_info: '1000',
  body: 'test',
  nonce_str: 'ibuaiVcKdpRxkhJA',
};
const DOC_KEY = '192006250b4c09247ec02edce69f6a2d';

describe('v2 signature', () => {
  it('reproduces the MD5 and HMAC-SHA256 signs of the documentation example', () => {
    expect(signV2(DOC_PARAMS, DOC_KEY, 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(signV2(DOC_PARAMS, DOC_KEY, 'HMAC-SHA256')).toBe(
      '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6',
    );
  });

  it('skips empty values and sign, and ignores key order', () => {
    const shuffled = {
      sign: 'WHATEVER',
      nonce_str: 'ibuaiVcKdpRxkhJA',
      empty: '',
      missing: undefined,
      body: 'test',
      mch_id: 10000100,
      device_info: '1000',
      appid: 'wxd930ea5d5a258f4f',
    };
    expect(signV2(shuffled, DOC_KEY)).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
  });

  it('agrees with an independent implementation (wechatpay-axios-plugin)', () => {
    const params = {
      mch_billno: '10000100202601010000000001',
      total_amount: 100,
      wishing: '恭喜发财 & 好运',
    };
    expect(signV2(params, DOC_KEY, 'MD5')).toBe(Hash.sign('MD5', params, DOC_KEY));
    expect(signV2(params, DOC_KEY, 'HMAC-SHA256')).toBe(Hash.sign('HMAC-SHA256', params, DOC_KEY));
  });

  it('verifies a correct sign in either case and rejects a wrong one or none', () => {
    expect(verifyV2({ ...DOC_PARAMS, sign: '9A0A8659F005D6984697E2CA0A9CF3B7' }, DOC_KEY)).toBe(
      true,
    );
    expect(verifyV2({ ...DOC_PARAMS, sign: '9a0a8659f005d6984697e2ca0a9cf3b7' }, DOC_KEY)).toBe(
      true,
    );
    expect(
      verifyV2({ ...DOC_PARAMS, body: 'tset', sign: '9A0A8659F005D6984697E2CA0A9CF3B7' }, DOC_KEY),
    ).toBe(false);
    expect(verifyV2(DOC_PARAMS, DOC_KEY)).toBe(false);
    expect(verifyV2({ ...DOC_PARAMS, sign: 'short' }, DOC_KEY)).toBe(false);
  });

  it('builds sendBizRedPacket arguments: URL-encoded package, MD5 paySign over the four fields', () => {
    const pkg =
      'sendid=242e8abd163d300019b2cae74ba8e8c06e3f0e51ab84d16b3c80decd22a5b672&ver=8&sign=4110d649a5aef52dd6b95654ddf91ca7d5411ac159ace4e1a766b7d3967a1c3dfe1d256811445a4abda2d9cfa4a9b377a829258bd00d90313c6c346f2349fe5d&mchid=11475856&appid=wxd27ebc41b85ce36d';
    const params = buildBizRedPacketParams({
      appId: 'wxd27ebc41b85ce36d',
      package: pkg,
      apiKey: DOC_KEY,
      timeStamp: '1700000000',
      nonceStr: 'abc123',
    });
    expect(params.package).toBe(encodeURIComponent(pkg));
    expect(params.package).not.toContain('&');
    expect(params.signType).toBe('MD5');
    expect(params.timeStamp).toBe('1700000000');
    const base = `appId=wxd27ebc41b85ce36d&nonceStr=abc123&package=${encodeURIComponent(pkg)}&timeStamp=1700000000&key=${DOC_KEY}`;
    expect(params.paySign).toBe(Hash.md5(base).toUpperCase());
    expect(Object.keys(params).sort()).toEqual([
      'nonceStr',
      'package',
      'paySign',
      'signType',
      'timeStamp',
    ]);
  });

  it('defaults to a string timestamp and a 32-character nonce', () => {
    const params = buildBizRedPacketParams({ appId: 'wx1', package: 'a=b', apiKey: DOC_KEY });
    expect(params.timeStamp).toMatch(/^\d{10}$/);
    expect(params.nonceStr).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('v2 XML', () => {
  it('round-trips fields through CDATA, keeping text that looks like numbers or markup', () => {
    const fields = {
      mch_billno: '0012345',
      total_amount: 100,
      wishing: '恭喜 <b>&amp;</b> 发财',
      remark: 'tricky ]]> end',
      skipped: '',
    };
    const xml = buildXml(fields);
    expect(xml).toContain('<mch_billno><![CDATA[0012345]]></mch_billno>');
    expect(xml).not.toContain('skipped');
    expect(parseXml('/t', xml)).toEqual({
      mch_billno: '0012345',
      total_amount: '100',
      wishing: '恭喜 <b>&amp;</b> 发财',
      remark: 'tricky ]]> end',
    });
  });

  it('refuses names that are not XML names', () => {
    expect(() => buildXml({ 'a><b': 'x' })).toThrow(/not an XML name/);
  });

  it('refuses a DOCTYPE (XXE) outright', () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
      '<xml><return_code>&xxe;</return_code></xml>';
    expect(() => parseXml('/t', xxe)).toThrow(PayProtocolError);
    const lol =
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><xml><a>&lol2;</a></xml>';
    expect(() => parseXml('/t', lol)).toThrow(/DOCTYPE/);
  });

  it('never expands entity references, even predefined ones outside CDATA', () => {
    expect(parseXml('/t', '<xml><a>&xxe;</a><b>&lt;x&gt;</b></xml>')).toEqual({
      a: '&xxe;',
      b: '&lt;x&gt;',
    });
  });

  it('rejects non-XML and replies without an <xml> root', () => {
    expect(() => parseXml('/t', '<html><body>502 Bad Gateway</body></html>')).toThrow(/root/);
    expect(() => parseXml('/t', 'upstream timeout')).toThrow(/not XML/);
    expect(() => parseXml('/t', '<xml><a>1</b></xml>')).toThrow(PayProtocolError);
  });

  it('reads gethbinfo receivers as a list even when there is one', () => {
    const xml =
      '<xml><hblist><hbinfo><openid>o1</openid><amount>100</amount></hbinfo></hblist></xml>';
    expect(parseXml('/t', xml)).toEqual({ hblist: { hbinfo: [{ openid: 'o1', amount: '100' }] } });
  });
});

describe('red envelope outcome table', () => {
  const fail = (err_code: string, err_code_des = '') =>
    classifySendReply({ return_code: 'SUCCESS', result_code: 'FAIL', err_code, err_code_des });

  it('maps every documented error code', () => {
    const expected: Record<string, [string, boolean, boolean]> = {
      SYSTEMERROR: ['retry-same-billno', false, false],
      PROCESSING: ['reconcile', false, false],
      FATAL_ERROR: ['reconcile', false, true],
      SEND_FAILED: ['not-sent', false, false],
      NOTENOUGH: ['not-sent', true, true],
      SENDNUM_LIMIT: ['not-sent', true, false],
      FREQ_LIMIT: ['not-sent', true, false],
      SECOND_OVER_LIMITED: ['not-sent', true, false],
      DAY_OVER_LIMITED: ['not-sent', true, true],
      MONEY_LIMIT: ['not-sent', false, true],
      NO_AUTH: ['not-sent', false, false],
      CA_ERROR: ['not-sent', false, true],
      SIGN_ERROR: ['not-sent', false, true],
      XML_ERROR: ['not-sent', false, true],
      PARAM_ERROR: ['not-sent', false, true],
      OPENID_ERROR: ['not-sent', false, false],
      ILLEGAL_APPID: ['not-sent', false, true],
    };
    expect(Object.keys(RED_PACKET_ERROR_TABLE).sort()).toEqual(Object.keys(expected).sort());
    for (const [code, [kind, retryLater, operatorAction]] of Object.entries(expected)) {
      const outcome = fail(code);
      expect({
        code,
        kind: outcome.kind,
        retryLater: outcome.retryLater,
        operatorAction: outcome.operatorAction,
      }).toEqual({ code, kind, retryLater, operatorAction });
      expect(outcome.code).toBe(code);
      expect(outcome.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('decides by err_code even under return_code FAIL, and tolerates "DAY_ OVER_LIMITED"', () => {
    expect(
      classifySendReply({
        return_code: 'FAIL',
        return_msg: '帐号余额不足',
        result_code: 'FAIL',
        err_code: 'NOTENOUGH',
      }).kind,
    ).toBe('not-sent');
    expect(fail('DAY_ OVER_LIMITED').code).toBe('DAY_OVER_LIMITED');
    expect(fail('systemerror').kind).toBe('retry-same-billno');
  });

  it('is sent only with SUCCESS, no err_code and a package', () => {
    expect(
      classifySendReply({ return_code: 'SUCCESS', result_code: 'SUCCESS', package: 'sendid=1' })
        .kind,
    ).toBe('sent');
    const noPackage = classifySendReply({ return_code: 'SUCCESS', result_code: 'SUCCESS' });
    expect(noPackage).toMatchObject({ kind: 'reconcile', code: 'MALFORMED_REPLY' });
  });

  it('reads a success that carries err_code SUCCESS or 0 (as WeChat documents it) as sent', () => {
    const documented = {
      return_code: 'SUCCESS',
      return_msg: '发放成功',
      result_code: 'SUCCESS',
      err_code: 'SUCCESS',
      err_code_des: '发放成功',
      package: 'sendid=1&ver=8&sign=x&mchid=1&appid=wx1',
    };
    expect(classifySendReply(documented)).toMatchObject({ kind: 'sent', code: 'SUCCESS' });
    expect(classifySendReply({ ...documented, err_code: '0' }).kind).toBe('sent');
    // A business error under result_code SUCCESS is still read by its err_code.
    expect(classifySendReply({ ...documented, err_code: 'SYSTEMERROR' }).kind).toBe(
      'retry-same-billno',
    );
  });

  it('never lets an unknown situation release the billno', () => {
    expect(fail('SOMETHING_NEW')).toMatchObject({
      kind: 'reconcile',
      cause: 'unknown',
      operatorAction: true,
    });
    expect(classifySendReply({ return_code: 'FAIL', return_msg: '签名错误' })).toMatchObject({
      kind: 'reconcile',
      code: 'RETURN_FAIL',
    });
    expect(classifySendReply({})).toMatchObject({ kind: 'reconcile' });
    expect(fail('PARAM_ERROR', '该订单已经过期,请更换商户单号')).toMatchObject({
      kind: 'reconcile',
      cause: 'billno-expired',
    });
    expect(transportOutcome('TRANSPORT').kind).toBe('retry-same-billno');
    expect(transportOutcome('MALFORMED_REPLY').kind).toBe('reconcile');
  });

  it('knows which gethbinfo statuses are final', () => {
    expect(
      ['SENDING', 'SENT', 'RFUND_ING'].map((s) => isTerminalRedPacketStatus(s as never)),
    ).toEqual([false, false, false]);
    expect(
      ['FAILED', 'RECEIVED', 'REFUND'].map((s) => isTerminalRedPacketStatus(s as never)),
    ).toEqual([true, true, true]);
  });
});
