/**
 * `rows` scanners of one channel QR code, written straight into `oaQrScanners` in batches of 1,000,
 * shaped as a channel scan records them (core/data/oa-qr-scanners.ts): user i first and last
 * scanned at `from + i × 10 ms`, followed from the code, the welcome sent. The export benchmarks'
 * data: millions of rows in seconds instead of millions of pushes.
 */
import { sdkFor } from './sdk';

export async function seedQrScanners(
  url: string,
  qrId: string,
  rows: number,
  from: number,
): Promise<void> {
  const scanners = sdkFor(url).database().collection('oaQrScanners');
  for (let start = 0; start < rows; start += 1000) {
    const data = [];
    for (let i = start; i < Math.min(rows, start + 1000); i += 1) {
      const openid = `o${String(i).padStart(27, '0')}`;
      data.push({
        _id: `${qrId}:${openid}`,
        qrId,
        openid,
        firstScanAt: from + i * 10,
        lastScanAt: from + i * 10,
        scans: 1,
        followedFromQr: true,
        received: true,
        lastReplyStatus: 'sent',
      });
    }
    await scanners.add({ data });
  }
}
