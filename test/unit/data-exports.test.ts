import { describe, expect, it } from 'vitest';
import {
  codeScannerCsvLine,
  dataFileName,
  payoutCsvLine,
  scanCsvLine,
  yuanOf,
} from '../../cloudfunctions/core/domain/data-exports';

const AT = Date.parse('2026-03-14T21:05:09+08:00');

describe('CRM export rows', () => {
  it('writes money in yuan exactly, from whole fen', () => {
    expect([0, 5, 100, 123_456, 1_000_000_001].map(yuanOf)).toEqual([
      '0.00',
      '0.05',
      '1.00',
      '1234.56',
      '10000000.01',
    ]);
  });

  it('keeps a campaign name from becoming a spreadsheet formula, and quotes its commas', () => {
    const line = payoutCsvLine({
      createdAt: AT,
      campaignId: 'camp-1',
      campaignName: '=HYPERLINK("http://x","春季,红包")',
      code: '000000042',
      openid: 'o-alice',
      amountFen: 150,
      state: 'received',
      stateSince: AT + 60_000,
      outNo: 'MS123',
    });
    expect(line).toBe(
      `2026-03-14 21:05:09,camp-1,"'=HYPERLINK(""http://x"",""春季,红包"")",000000042,o-alice,1.50,已领取,2026-03-14 21:06:09,MS123\r\n`,
    );
  });

  it('reads a ticket scan and a typed code in words, China time, place when granted', () => {
    const base = {
      code: '000000042',
      applicationId: '5000000001',
      rangeStart: 0,
      openid: 'o-bob',
      scannedAt: AT,
    };
    expect(
      scanCsvLine({
        ...base,
        via: 'ticket',
        scene: 1124,
        location: { latitude: 31.23, longitude: 121.47 },
      }),
    ).toBe('2026-03-14 21:05:09,000000042,o-bob,一物一码,5000000001,0,1124,31.23,121.47\r\n');
    expect(scanCsvLine({ ...base, via: 'code' })).toBe(
      '2026-03-14 21:05:09,000000042,o-bob,输入码,5000000001,0,,,\r\n',
    );
    expect(codeScannerCsvLine({ openid: 'o-bob', code: '000000042', firstScannedAt: AT })).toBe(
      'o-bob,000000042,2026-03-14 21:05:09\r\n',
    );
  });

  it('names files by the period in China dates, its end exclusive', () => {
    const from = Date.parse('2026-03-01T00:00:00+08:00');
    const to = Date.parse('2026-04-01T00:00:00+08:00');
    expect(dataFileName('scans', from, to, 0)).toBe('scans-20260301-20260331-01.csv');
    expect(dataFileName('payouts', from, from + 3_600_000, 19)).toBe(
      'payouts-20260301-20260301-20.csv',
    );
  });
});
