/**
 * Every WeChat Pay reply classifier held against the replies WeChat documents, field for field.
 * Sources (WeChat Pay's pages for 小程序红包 and 商家转账, with their examples):
 *
 * - v2 sendminiprogramhb 返回示例 (pay.weixin.qq.com/wiki/doc/api/tools/cash_coupon_xcx.php
 *   chapter 18_2): return_code/result_code SUCCESS *and* err_code SUCCESS, err_code_des 发放成功,
 *   then mch_billno … package.
 * - v2 sendredpack 成功示例 (cash_coupon.php chapter 13_4, the cash-envelope page whose error codes
 *   the envelope outcomes follow): err_code `0`, err_code_des `发放成功.`. Which of the two forms
 *   sendminiprogramhb sends in production is UNVERIFIED, so both are read as sent.
 * - v2 gethbinfo 成功示例 (cash_coupon.php chapter 13_6): no err_code, return_msg 获取成功; replies
 *   seen from production (SDK tests) also carry err_code SUCCESS / err_code_des OK — both forms are
 *   a found envelope.
 * - v3 发起转账 应答示例 (pay.weixin.qq.com/doc/v3/merchant/4012716434).
 * - v3 商户单号查询转账单 应答示例 (…/4012716437).
 */
import { describe, expect, it } from 'vitest';
import {
  eventFromV2Query,
  eventFromV2Send,
  eventFromV3Create,
  eventFromV3Query,
} from '../../cloudfunctions/core/domain/payout-provider-events';
import { classifySendReply } from '../../cloudfunctions/core/wechat/pay/v2/outcomes';
import { readQueryReply, readSendReply } from '../../cloudfunctions/core/wechat/pay/v2/red-packet';
import { parseXml } from '../../cloudfunctions/core/wechat/pay/v2/xml';
import {
  readTransferBill,
  readTransferBillDetail,
} from '../../cloudfunctions/core/wechat/pay/v3/transfer-replies';

const DOC_PACKAGE =
  'sendid=242e8abd163d300019b2cae74ba8e8c06e3f0e51ab84d16b3c80decd22a5b672&ver=8' +
  '&sign=4110d649a5aef52dd6b95654ddf91ca7d5411ac159ace4e1a766b2d3f75ee3c2&mchid=10010404' +
  '&appid=wx6fa7e3bab7e15415';

/** sendminiprogramhb 返回示例. */
export const V2_SEND_SUCCESS_DOC = `<xml>
<return_code><![CDATA[SUCCESS]]></return_code>
<return_msg><![CDATA[发放成功]]></return_msg>
<result_code><![CDATA[SUCCESS]]></result_code>
<err_code><![CDATA[SUCCESS]]></err_code>
<err_code_des><![CDATA[发放成功]]></err_code_des>
<mch_billno><![CDATA[0010010404201411170000046545]]></mch_billno>
<mch_id><![CDATA[10010404]]></mch_id>
<wxappid><![CDATA[wx6fa7e3bab7e15415]]></wxappid>
<re_openid><![CDATA[onqOjjmM1tad-3ROpncN-yUfa6uI]]></re_openid>
<total_amount>1</total_amount>
<send_listid><![CDATA[100000000020150520314766074200]]></send_listid>
<package><![CDATA[${DOC_PACKAGE}]]></package>
</xml>`;

/** sendredpack 成功示例's err_code form, with sendminiprogramhb's package. */
const V2_SEND_SUCCESS_ZERO = V2_SEND_SUCCESS_DOC.replace(
  '<err_code><![CDATA[SUCCESS]]></err_code>',
  '<err_code><![CDATA[0]]></err_code>',
).replaceAll('发放成功', '发放成功.');

/** The cash-envelope 失败示例: return_code FAIL with a numeric err_code. */
const V2_SEND_FAIL_DOC = `<xml>
<return_code><![CDATA[FAIL]]></return_code>
<return_msg><![CDATA[系统繁忙,请稍后再试.]]></return_msg>
<result_code><![CDATA[FAIL]]></result_code>
<err_code><![CDATA[268458547]]></err_code>
<err_code_des><![CDATA[系统繁忙,请稍后再试.]]></err_code_des>
<mch_billno><![CDATA[0010010404201411170000046542]]></mch_billno>
<mch_id>10010404</mch_id>
<wxappid><![CDATA[wx6fa7e3bab7e15415]]></wxappid>
<re_openid><![CDATA[onqOjjmM1tad-3ROpncN-yUfa6uI]]></re_openid>
<total_amount>1</total_amount>
</xml>`;

/** gethbinfo 成功示例 (the official example is a GROUP envelope; ours are NORMAL). */
const V2_QUERY_DOC = `<xml>
<return_code><![CDATA[SUCCESS]]></return_code>
<return_msg><![CDATA[获取成功]]></return_msg>
<result_code><![CDATA[SUCCESS]]></result_code>
<mch_id>10000098</mch_id>
<appid><![CDATA[wxe062425f740c30d8]]></appid>
<detail_id><![CDATA[1000000000201503283103439304]]></detail_id>
<mch_billno><![CDATA[1000005901201407261446939628]]></mch_billno>
<status><![CDATA[RECEIVED]]></status>
<send_type><![CDATA[API]]></send_type>
<hb_type><![CDATA[GROUP]]></hb_type>
<total_num>4</total_num>
<total_amount>650</total_amount>
<send_time><![CDATA[2015-04-21 20:00:00]]></send_time>
<wishing><![CDATA[开开心心]]></wishing>
<remark><![CDATA[福利]]></remark>
<act_name><![CDATA[福利测试]]></act_name>
<hblist>
<hbinfo>
<openid><![CDATA[ohO4GtzOAAYMp2yapORH3dQB3W18]]></openid>
<status><![CDATA[RECEIVED]]></status>
<amount>1</amount>
<rcv_time><![CDATA[2015-04-21 20:00:00]]></rcv_time>
</hbinfo>
</hblist>
</xml>`;

/** A gethbinfo reply as production sends it for a NORMAL envelope (err_code SUCCESS, OK). */
const V2_QUERY_OBSERVED = `<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg><result_code><![CDATA[SUCCESS]]></result_code><err_code><![CDATA[SUCCESS]]></err_code><err_code_des><![CDATA[OK]]></err_code_des><mch_billno><![CDATA[9010080799701411170000046603]]></mch_billno><mch_id><![CDATA[11475856]]></mch_id><detail_id><![CDATA[10000417012016080830956240040]]></detail_id><status><![CDATA[RECEIVED]]></status><send_type><![CDATA[ACTIVITY]]></send_type><hb_type><![CDATA[NORMAL]]></hb_type><total_num>1</total_num><total_amount>100</total_amount><send_time><![CDATA[2016-08-08 21:49:22]]></send_time><hblist><hbinfo><openid><![CDATA[oHkLxtzmyHXX6FW_cAWo_orTSRXs]]></openid><amount>100</amount><rcv_time><![CDATA[2016-08-08 21:49:46]]></rcv_time></hbinfo></hblist></xml>`;

/** 发起转账 应答示例. */
export const V3_CREATE_DOC = {
  out_bill_no: 'plfk2020042013',
  transfer_bill_no: '1330000071100999991182020050700019480001',
  create_time: '2015-05-20T13:29:35.120+08:00',
  state: 'ACCEPTED',
  fail_reason: 'PAYEE_ACCOUNT_ABNORMAL',
  package_info: 'affffddafdfafddffda==',
};

/** 商户单号查询转账单 应答示例. */
export const V3_QUERY_DOC = {
  mch_id: '1900001109',
  out_bill_no: 'plfk2020042013',
  transfer_bill_no: '1330000071100999991182020050700019480001',
  appid: 'wxf636efh567hg4356',
  state: 'ACCEPTED',
  transfer_amount: 400000,
  transfer_remark: '2020年4月报销',
  fail_reason: 'PAYEE_ACCOUNT_ABNORMAL',
  openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
  user_name: '757b340b45ebef5467rter35gf464344v3542sdf4t6re4tb4f54ty45t4yyry45',
  create_time: '2015-05-20T13:29:35.120+08:00',
  update_time: '2015-05-20T13:29:35.120+08:00',
};

describe('v2 sendminiprogramhb, as WeChat documents it', () => {
  it('reads the documented success reply (err_code SUCCESS, 发放成功) as sent, with its package', () => {
    const reply = parseXml('/send', V2_SEND_SUCCESS_DOC);
    const result = readSendReply(reply);
    expect(result.outcome).toMatchObject({ kind: 'sent', code: 'SUCCESS' });
    expect(result.package).toBe(DOC_PACKAGE);
    expect(result.sendListId).toBe('100000000020150520314766074200');
    expect(result.mchId).toBe('10010404');
    expect(result.reOpenid).toBe('onqOjjmM1tad-3ROpncN-yUfa6uI');
    expect(result.totalAmount).toBe(1);
  });

  it('reads the cash-envelope form (err_code 0, 发放成功.) as sent too', () => {
    const result = readSendReply(parseXml('/send', V2_SEND_SUCCESS_ZERO));
    expect(result.outcome.kind).toBe('sent');
    expect(result.package).toBe(DOC_PACKAGE);
  });

  it('still reads SUCCESS without a package as unknown (nothing to open)', () => {
    const reply = parseXml('/send', V2_SEND_SUCCESS_DOC.replace(/<package>.*<\/package>/, ''));
    expect(readSendReply(reply).outcome.kind).toBe('reconcile');
  });

  it('reads the documented failure (an unknown numeric err_code) as unknown, never failed', () => {
    const result = readSendReply(parseXml('/send', V2_SEND_FAIL_DOC));
    expect(result.outcome).toMatchObject({ kind: 'reconcile', code: '268458547' });
    expect(
      classifySendReply({ return_code: 'SUCCESS', result_code: 'SUCCESS', err_code: 'SUCCESS' })
        .kind,
    ).toBe('reconcile');
  });

  it('turns the documented success into an issued payout event', () => {
    expect(
      eventFromV2Send({
        kind: 'outcome',
        outcome: readSendReply(parseXml('/s', V2_SEND_SUCCESS_DOC)).outcome,
      }),
    ).toMatchObject({ type: 'issued' });
  });
});

describe('v2 gethbinfo, as WeChat documents it', () => {
  it('reads the documented example: found, its status, amount, merchant and receiver', () => {
    const result = readQueryReply(parseXml('/q', V2_QUERY_DOC), '1000005901201407261446939628');
    expect(result).toMatchObject({
      found: true,
      mchId: '10000098',
      appid: 'wxe062425f740c30d8',
      mchBillno: '1000005901201407261446939628',
      detailId: '1000000000201503283103439304',
      status: 'RECEIVED',
      totalAmount: 650,
      sendTime: '2015-04-21 20:00:00',
      receivers: [
        { openid: 'ohO4GtzOAAYMp2yapORH3dQB3W18', amount: 1, rcvTime: '2015-04-21 20:00:00' },
      ],
    });
  });

  it('reads a production reply carrying err_code SUCCESS / OK the same way', () => {
    const result = readQueryReply(
      parseXml('/q', V2_QUERY_OBSERVED),
      '9010080799701411170000046603',
    );
    expect(result).toMatchObject({
      found: true,
      status: 'RECEIVED',
      totalAmount: 100,
      mchId: '11475856',
    });
    expect(
      eventFromV2Query({
        kind: 'response',
        returnCode: 'SUCCESS',
        resultCode: 'SUCCESS',
        status: 'RECEIVED',
      }),
    ).toMatchObject({ type: 'received' });
  });
});

describe('v3 transfer-bills, as WeChat documents it', () => {
  it('reads the documented create reply', () => {
    const bill = readTransferBill('/create', V3_CREATE_DOC);
    expect(bill).toEqual({
      outBillNo: 'plfk2020042013',
      transferBillNo: '1330000071100999991182020050700019480001',
      createTime: '2015-05-20T13:29:35.120+08:00',
      state: 'ACCEPTED',
      failReason: 'PAYEE_ACCOUNT_ABNORMAL',
      packageInfo: 'affffddafdfafddffda==',
    });
    expect(
      eventFromV3Create({ kind: 'response', httpStatus: 200, state: bill.state }),
    ).toMatchObject({
      type: 'issued',
    });
  });

  it('reads the documented query reply, every field', () => {
    const detail = readTransferBillDetail('/query', V3_QUERY_DOC);
    expect(detail).toEqual({
      mchId: '1900001109',
      outBillNo: 'plfk2020042013',
      transferBillNo: '1330000071100999991182020050700019480001',
      appid: 'wxf636efh567hg4356',
      state: 'ACCEPTED',
      transferAmount: 400000,
      transferRemark: '2020年4月报销',
      failReason: 'PAYEE_ACCOUNT_ABNORMAL',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      userName: '757b340b45ebef5467rter35gf464344v3542sdf4t6re4tb4f54ty45t4yyry45',
      createTime: '2015-05-20T13:29:35.120+08:00',
      updateTime: '2015-05-20T13:29:35.120+08:00',
    });
    expect(
      eventFromV3Query({ kind: 'response', httpStatus: 200, state: detail.state }),
    ).toMatchObject({
      type: 'issued',
    });
  });

  it('accepts the merchant as mchid as well as mch_id (the callback spells it mchid)', () => {
    const { mch_id: mchId, ...rest } = V3_QUERY_DOC;
    expect(readTransferBillDetail('/query', { ...rest, mchid: mchId }).mchId).toBe('1900001109');
  });
});
