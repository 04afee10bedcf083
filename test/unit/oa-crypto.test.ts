/**
 * The OA server URL's signatures and safe-mode encryption (WeChat's 接入指南 and 消息加解密 pages), held
 * against Tencent's published WXBizMsgCrypt samples for the Official Account message encryption:
 * - the Python sample (Sample.py, "WXBizMsgCrypt 使用demo文件", 2014): token `spamtest`,
 *   EncodingAESKey `abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG`, appid `wx2c2769f8efd9abc2`,
 *   timestamp 1409735669, nonce 1320562132, its msg_signature and Encrypt;
 * - the Java sample's test (WXBizMsgCryptTest): the same key, appid `wxb11529c136998cb6`, random
 *   prefix `aaaabbbbccccdddd`, message `我是中文abcd123` and its published ciphertext.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeAesKey,
  decryptMessage,
  encryptMessage,
  OaCryptoError,
  oaSignature,
  signatureMatches,
} from '../../cloudfunctions/core/wechat/oa/message-crypto';

const SAMPLE_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

const PYTHON_SAMPLE = {
  token: 'spamtest',
  appid: 'wx2c2769f8efd9abc2',
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  encrypt:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
};

const JAVA_SAMPLE = {
  appid: 'wxb11529c136998cb6',
  random: 'aaaabbbbccccdddd',
  message: '我是中文abcd123',
  encrypt:
    'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
};

describe('OA message signatures', () => {
  it("reproduces the Python sample's msg_signature over token, timestamp, nonce and Encrypt", () => {
    const { token, timestamp, nonce, encrypt, msgSignature } = PYTHON_SAMPLE;
    expect(oaSignature(token, timestamp, nonce, encrypt)).toBe(msgSignature);
    // The parts are sorted before hashing: their order in the call does not matter.
    expect(oaSignature(encrypt, nonce, token, timestamp)).toBe(msgSignature);
  });

  it('matches signatures in constant time, case-insensitively, and refuses anything else', () => {
    const expected = oaSignature('t', '1', '2');
    expect(signatureMatches(expected, expected)).toBe(true);
    expect(signatureMatches(expected.toUpperCase(), expected)).toBe(true);
    expect(signatureMatches(undefined, expected)).toBe(false);
    const lastFlipped = `${expected.slice(0, -1)}${expected.endsWith('0') ? '1' : '0'}`;
    expect(signatureMatches(lastFlipped, expected)).toBe(false);
    expect(signatureMatches(expected.slice(1), expected)).toBe(false);
    expect(signatureMatches(oaSignature('other-token', '1', '2'), expected)).toBe(false);
  });
});

describe('OA safe-mode encryption', () => {
  it("decrypts the Python sample's Encrypt to its message and appid", () => {
    const opened = decryptMessage(PYTHON_SAMPLE.encrypt, SAMPLE_KEY);
    expect(opened.appid).toBe(PYTHON_SAMPLE.appid);
    expect(opened.xml).toContain('<Content><![CDATA[abcdteT]]></Content>');
    expect(opened.xml).toContain('<MsgId>6054768590064713728</MsgId>');
    expect(opened.xml.startsWith('<xml>')).toBe(true);
    expect(opened.xml.endsWith('</xml>')).toBe(true);
  });

  it("encrypts the Java sample's message to its published ciphertext (known random prefix)", () => {
    const encrypt = encryptMessage(
      JAVA_SAMPLE.message,
      SAMPLE_KEY,
      JAVA_SAMPLE.appid,
      Buffer.from(JAVA_SAMPLE.random),
    );
    expect(encrypt).toBe(JAVA_SAMPLE.encrypt);
    expect(decryptMessage(encrypt, SAMPLE_KEY)).toEqual({
      xml: JAVA_SAMPLE.message,
      appid: JAVA_SAMPLE.appid,
    });
  });

  it('pads to 32-byte blocks and round-trips with a fresh random prefix each time', () => {
    const xml = '<xml><Event><![CDATA[subscribe]]></Event></xml>';
    const first = encryptMessage(xml, SAMPLE_KEY, 'wx-local-oa');
    const second = encryptMessage(xml, SAMPLE_KEY, 'wx-local-oa');
    expect(first).not.toBe(second);
    for (const encrypt of [first, second]) {
      expect(Buffer.from(encrypt, 'base64').length % 32).toBe(0);
      expect(decryptMessage(encrypt, SAMPLE_KEY)).toEqual({ xml, appid: 'wx-local-oa' });
    }
    // A plaintext that fills whole blocks still gets a full block of padding (32 × 0x20).
    const exact = 'x'.repeat(64 - 20 - 'wx-local-oa'.length);
    expect(Buffer.from(encryptMessage(exact, SAMPLE_KEY, 'wx-local-oa'), 'base64').length).toBe(96);
  });

  it('refuses keys that are not 43 characters of [A-Za-z0-9]', () => {
    expect(decodeAesKey(SAMPLE_KEY)).toHaveLength(32);
    for (const key of ['', SAMPLE_KEY.slice(1), `${SAMPLE_KEY}A`, `${SAMPLE_KEY.slice(1)}+`]) {
      expect(() => decodeAesKey(key)).toThrow(OaCryptoError);
    }
  });

  it('never yields a message from a ciphertext under another key, or cut or not whole', () => {
    const encrypt = encryptMessage('<xml/>', SAMPLE_KEY, 'wx-local-oa');
    const otherKey = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
    const attempts = [
      () => decryptMessage(encrypt, otherKey),
      () => decryptMessage(encrypt.slice(0, 20), SAMPLE_KEY),
      () => decryptMessage('', SAMPLE_KEY),
    ];
    for (const attempt of attempts) {
      let opened: { xml: string; appid: string } | undefined;
      try {
        opened = attempt();
      } catch (error) {
        expect(error).toBeInstanceOf(OaCryptoError);
      }
      // A wrong key that happens to unpad still cannot name our appid.
      if (opened) expect(opened.appid).not.toBe('wx-local-oa');
    }
  });
});
