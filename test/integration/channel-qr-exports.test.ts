/**
 * Scanned users of a channel QR code, their export, audiences and downloads (issue 11 points 5
 * and 6) through the local stack, as the console calls them. Volume comes from scanner rows
 * (what channel-scan.ts writes per scan) written straight into the emulator's `oaQrScanners` with
 * its seeding helper (`stack.database.insertDocuments`, a third of the CPU of SDK adds);
 * the files are fetched through the links the actions answer, as an operator downloads them.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../../local/admin-client';
import type { ChannelQrView } from '../../typings/admin';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';
import { unzip } from '../support/zip';

const ADMIN = 'o-qx-admin';
const OTHER = 'o-qx-admin-2';
const ROWS = 250_000;
const BASE = Date.parse('2026-03-01T00:00:00Z');
/** Three users share each first-scan second: the cursor's tie-break on the id is exercised. */
const firstScanOf = (i: number) => BASE + Math.floor(i / 3) * 1000;
const openidOf = (i: number) => `o-scanner-${String(i).padStart(6, '0')}`;
const STATUSES = ['sent', 'partial', 'failed', 'none'] as const;
const STATUS_WORDS = { sent: '已回复', partial: '部分回复', failed: '回复失败', none: '无回复' };
const HEADER = 'OpenID,粉丝标签,扫码时间,回复状态';

describe('channel QR scanners, exports, audiences and downloads', () => {
  let stack: TestStack;
  let big: ChannelQrView;
  let small: ChannelQrView;

  const as = (openid: string) => adminClient(stack.url, openid);
  const admin = () => as(ADMIN);
  const database = () => sdkFor(stack.url).database();
  const tick = () =>
    stack.runtime.invoke(
      'scheduler',
      { Type: 'Timer', TriggerName: 'every-minute' },
      { SOURCE: 'wx_trigger' },
    );
  const download = async (url: string) => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };
  const csvLines = (bytes: Buffer) => {
    const text = bytes.toString('utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    return text.slice(1).split('\r\n').slice(0, -1);
  };
  const createQr = async (name: string, tagNames: string[] = []) => {
    return (await admin().call('createChannelQr', { name, type: 'permanent', tagNames })).qr;
  };
  const insertScanners = async (qrId: string, count: number, first = 0) => {
    for (let start = first; start < first + count; start += 10_000) {
      const data = [];
      for (let i = start; i < Math.min(first + count, start + 10_000); i += 1) {
        data.push({
          _id: `${qrId}:${openidOf(i)}`,
          qrId,
          openid: openidOf(i),
          firstScanAt: firstScanOf(i),
          lastScanAt: firstScanOf(i) + 60_000,
          scans: 1 + (i % 5),
          followedFromQr: i % 2 === 0,
          received: STATUSES[i % 4] === 'sent',
          lastReplyStatus: STATUSES[i % 4],
        });
      }
      await stack.database.insertDocuments('oaQrScanners', data);
    }
    // What channel-scan.ts counts with each new scanner (one SDK instance: its commands are its own).
    const db = database();
    const _ = db.command;
    await db
      .collection('oaQrcodes')
      .where({ _id: qrId })
      .update({ data: { metrics: { scanners: _.inc(count) } } });
  };

  beforeAll(async () => {
    stack = await startTestStack({ settings: { ADMIN_OPENIDS: `${ADMIN},${OTHER}` } });
    big = await createQr('直播间', ['直播', '新客']);
    small = await createQr('包裹卡');
    await insertScanners(big.qrId, ROWS);
    await insertScanners(small.qrId, 5);
  }, 240_000);
  afterAll(() => stack?.destroy());

  describe('scanned users', () => {
    it('lists them by first scan time either way, paged, with tags and reply status', async () => {
      const newest = await admin().call('listQrScanners', {
        qrId: big.qrId,
        order: 'desc',
        limit: 4,
      });
      // The last second holds users 249999 (alone: 250,000 = 3 × 83,333 + 1); then 249996–249998.
      expect(newest.scanners.map((s) => s.openid)).toEqual([
        openidOf(249_999),
        openidOf(249_996),
        openidOf(249_997),
        openidOf(249_998),
      ]);
      expect(newest.scanners[0]).toEqual({
        openid: openidOf(249_999),
        tags: ['直播', '新客'],
        firstScanAt: new Date(firstScanOf(249_999)).toISOString(),
        lastScanAt: new Date(firstScanOf(249_999) + 60_000).toISOString(),
        scans: 5,
        followedFromQr: false,
        replyStatus: 'none',
      });
      const oldest = await admin().call('listQrScanners', {
        qrId: big.qrId,
        order: 'asc',
        limit: 3,
      });
      expect(oldest.scanners.map((s) => s.openid)).toEqual([0, 1, 2].map(openidOf));
      const page2 = await admin().call('listQrScanners', {
        qrId: big.qrId,
        order: 'asc',
        limit: 3,
        offset: 3,
      });
      expect(page2.scanners.map((s) => s.openid)).toEqual([3, 4, 5].map(openidOf));
    });

    it('finds one user by exact OpenID, and nobody by part of one', async () => {
      const found = await admin().call('listQrScanners', {
        qrId: big.qrId,
        openid: openidOf(1234),
        order: 'desc',
      });
      expect(found.scanners).toHaveLength(1);
      expect(found.scanners[0]).toMatchObject({
        openid: openidOf(1234),
        replyStatus: 'failed',
      });
      const partial = await admin().call('listQrScanners', {
        qrId: big.qrId,
        openid: 'o-scanner-00123',
        order: 'desc',
      });
      expect(partial.scanners).toEqual([]);
      const unknownQr = await admin().reply('listQrScanners', { qrId: 'nope', order: 'desc' });
      expect(unknownQr).toMatchObject({ ok: false, error: { code: 'QR_NOT_FOUND' } });
    });
  });

  describe('export', () => {
    let exportId: string;

    it('starts in the background, one file done at once, and refuses a second export', async () => {
      exportId = (await admin().call('exportQrScanners', { qrId: big.qrId, order: 'desc' }))
        .exportId;
      // The action's own run stops after its first file: the rest waits for the scheduler.
      const progress = await admin().call('getExport', { exportId });
      expect(progress).toMatchObject({
        state: 'running',
        rowsDone: 100_000,
        filesDone: 1,
        rowsPlanned: ROWS,
      });
      expect(progress.files).toHaveLength(1);

      const second = await admin().reply('exportQrScanners', { qrId: small.qrId, order: 'asc' });
      expect(second).toMatchObject({
        ok: false,
        error: { code: 'EXPORT_IN_PROGRESS', message: expect.stringMatching(/导出正在进行/) },
      });
      // Another operator is not held up by it.
      const other = await as(OTHER).call('exportQrScanners', { qrId: small.qrId, order: 'asc' });
      expect(await admin().call('getExport', { exportId: other.exportId })).toMatchObject({
        state: 'done',
        rowsDone: 5,
        filesDone: 1,
      });
    }, 120_000);

    it('is finished by the scheduler: 3 files of exactly 100,000, 100,000 and 50,000 rows', async () => {
      // A user who first scans after the export started is not in it.
      await database()
        .collection('oaQrScanners')
        .add({
          data: {
            _id: `${big.qrId}:o-late`,
            qrId: big.qrId,
            openid: 'o-late',
            firstScanAt: Date.now() + 1000,
            lastScanAt: Date.now() + 1000,
            scans: 1,
            followedFromQr: true,
            received: false,
            lastReplyStatus: 'none',
          },
        });
      const outcome: any = await tick();
      const job = outcome.result.jobs.find((j: any) => j.name === 'exportJobs');
      expect(job, JSON.stringify(outcome)).toMatchObject({
        ok: true,
        result: { exports: 1, files: 2 },
      });
      const progress = await admin().call('getExport', { exportId });
      expect(progress).toMatchObject({ state: 'done', rowsDone: ROWS, filesDone: 3 });
      expect(Date.parse(progress.linksExpireAt!) - Date.now()).toBeGreaterThan(23 * 3600_000);

      const seen = new Set<string>();
      const expectedSizes = [100_000, 100_000, 50_000];
      let previous = Number.POSITIVE_INFINITY;
      for (const [index, file] of progress.files.entries()) {
        expect(file.name).toBe(`scanners-${big.qrId}-0${index + 1}.csv`);
        const lines = csvLines(await download(file.url));
        expect(lines[0]).toBe(HEADER);
        expect(lines.length - 1).toBe(expectedSizes[index]);
        for (const line of lines.slice(1)) {
          const [openid, tags, time, status] = line.split(',');
          seen.add(openid!);
          expect(tags).toBe('直播|新客');
          const at = Date.parse(`${time!.replace(' ', 'T')}+08:00`);
          expect(at).toBeLessThanOrEqual(previous);
          previous = at;
          const i = Number(openid!.slice('o-scanner-'.length));
          expect(status).toBe(STATUS_WORDS[STATUSES[i % 4]!]);
          expect(at).toBe(firstScanOf(i));
        }
      }
      expect(seen.size).toBe(ROWS);
      expect(seen.has('o-late')).toBe(false);

      // Done: the user may export again.
      const again = await admin().call('exportQrScanners', {
        qrId: big.qrId,
        openid: openidOf(7),
        order: 'asc',
      });
      const one = await admin().call('getExport', { exportId: again.exportId });
      expect(one).toMatchObject({ state: 'done', rowsDone: 1, filesDone: 1 });
      expect(csvLines(await download(one.files[0].url))).toEqual([
        HEADER,
        `${openidOf(7)},直播|新客,2026-03-01 08:00:02,${STATUS_WORDS.none}`,
      ]);
    }, 240_000);

    it('answers an unknown export with its own code', async () => {
      expect(await admin().reply('getExport', { exportId: 'nope' })).toMatchObject({
        ok: false,
        error: { code: 'EXPORT_NOT_FOUND' },
      });
    });
  });

  describe('audiences', () => {
    it('freezes the scanners of the moment: a later scan does not join it', async () => {
      const created = await admin().call('createAudience', {
        qrId: small.qrId,
        name: '包裹卡首批',
      });
      expect(created).toMatchObject({
        audience: { name: '包裹卡首批', state: 'ready', size: 5, qrId: small.qrId },
      });
      const audienceId = created.audience.audienceId;

      // A real scan by a new user, through WeChat's push.
      const scanned = await fetch(`${stack.url}/wechat/_sim/oa/scan`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ openid: 'o-after', scene: small.sceneStr, ticket: small.ticket }),
      });
      expect(scanned.status).toBe(200);
      const after = await admin().call('listQrScanners', {
        qrId: small.qrId,
        order: 'desc',
        limit: 10,
      });
      expect(after.scanners.map((s) => s.openid)).toContain('o-after');
      expect(after.scanners).toHaveLength(6);

      const listed = await admin().call('listAudiences', { qrId: small.qrId });
      expect(listed.audiences).toEqual([
        expect.objectContaining({ audienceId, size: 5, state: 'ready' }),
      ]);
      const { data: chunks } = await database()
        .collection('audienceMembers')
        .where({ audienceId })
        .get();
      expect(chunks.flatMap((chunk: any) => chunk.openids).sort()).toEqual(
        [0, 1, 2, 3, 4].map(openidOf),
      );
    });

    it('holds a large list in chunks, built on by the scheduler', async () => {
      const created = await admin().call('createAudience', { qrId: big.qrId, name: '直播间全部' });
      expect(created.audience).toMatchObject({ state: 'building', size: 100_000 });
      await tick();
      const listed = await admin().call('listAudiences', { qrId: big.qrId });
      // o-late first scanned before this audience's moment: it is in.
      expect(listed.audiences[0]).toMatchObject({ state: 'ready', size: ROWS + 1 });
      const count = await database()
        .collection('audienceMembers')
        .where({ audienceId: created.audience.audienceId })
        .count();
      expect(count.total).toBe(Math.ceil((ROWS + 1) / 1000));
    }, 240_000);
  });

  describe('downloads', () => {
    const decode = (bytes: Buffer) => {
      const png = PNG.sync.read(bytes);
      return {
        width: png.width,
        text: jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data,
      };
    };

    it('renders the QR at each size, with and without the logo, and it still scans', async () => {
      for (const [size, px] of [
        ['small', 258],
        ['medium', 430],
        ['large', 1280],
        [100, 100],
        [777, 777],
      ] as const) {
        for (const logo of [false, true]) {
          const reply = await admin().call('qrImage', { qrId: big.qrId, size, logo });
          const image = decode(await download(reply.file.url));
          expect(image, `${size} logo=${logo}`).toEqual({ width: px, text: big.url });
        }
      }
      const tooLarge = await admin().reply('qrImage', { qrId: big.qrId, size: 3001 });
      expect(tooLarge).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }, 120_000);

    it('puts many codes in one zip, one PNG each', async () => {
      const third = await createQr('门店海报');
      const ids = [big.qrId, small.qrId, third.qrId];
      const reply = await admin().call('qrImagesZip', { qrIds: ids, size: 'small', logo: true });
      const entries = unzip(await download(reply.file.url));
      expect(entries).toHaveLength(3);
      const texts = entries.map((entry) => {
        expect(entry.name).toMatch(/\.png$/);
        return decode(entry.content).text;
      });
      expect(texts.sort()).toEqual([big.url, small.url, third.url].sort());
    });

    it('exports the links as CSV', async () => {
      const reply = await admin().call('exportQrLinks', { qrIds: [big.qrId, small.qrId] });
      const lines = csvLines(await download(reply.file.url));
      expect(lines[0]).toBe('公众号名称,二维码类型,二维码名称,二维码ID,二维码链接,有效期');
      expect(lines).toHaveLength(3);
      expect(lines.some((line) => line.includes(`,直播间,${big.qrId},${big.url},永久`))).toBe(true);
      expect(lines.some((line) => line.includes(`,包裹卡,${small.qrId},${small.url},永久`))).toBe(
        true,
      );
    });
  });
});
