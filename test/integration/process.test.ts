import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, startProcess } from '../support/process';
import { adminClient } from '../../local/admin-client';
import { sdkFor } from '../support/sdk';

describe('npm start', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'mashang-process-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('prints the ready line, answers /health, serves the SDK and keeps data across a restart', async () => {
    const first = await startProcess({ PORT: '0', MASHANG_DATA_DIR: dataDir });
    try {
      const health = await fetch(`${first.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        ok: true,
        functions: expect.arrayContaining(['admin', 'scheduler']),
      });
      const me = await adminClient(first.url, 'o-restart').call('me');
      expect(me.visits).toBe(1);
      await sdkFor(first.url)
        .database()
        .collection('products')
        .add({ data: { _id: 'p-1', title: '山泉水 550ml' } });
    } finally {
      first.child.kill('SIGTERM');
      expect(await exited(first.child)).toBe(0);
    }

    const second = await startProcess({ PORT: '0', MASHANG_DATA_DIR: dataDir });
    try {
      const me = await adminClient(second.url, 'o-restart').call('me');
      expect(me.visits).toBe(2);
      const product = await sdkFor(second.url).database().collection('products').doc('p-1').get();
      expect(product.data.title).toBe('山泉水 550ml');
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  });

  it('loses no acknowledged write when killed with SIGKILL in the middle of a write burst', async () => {
    const first = await startProcess({ PORT: '0', MASHANG_DATA_DIR: dataDir });
    const db = sdkFor(first.url).database();
    await db.collection('jobs').add({ data: { name: 'burst-counter', runs: 0 } });
    const acknowledged: string[] = [];
    let increments = 0;
    let killed = false;
    // Eight writers insert and increment as fast as they can until the process dies under them.
    const writer = async (lane: number): Promise<void> => {
      for (let i = 0; !killed; i += 1) {
        const id = `burst-${lane}-${i}`;
        try {
          await db.collection('scans').add({ data: { _id: id, code: `C${lane}${i}`, lane } });
          acknowledged.push(id);
          await db
            .collection('jobs')
            .where({ name: 'burst-counter' })
            .update({ data: { runs: db.command.inc(1) } });
          increments += 1;
        } catch {
          return;
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, lane) => writer(lane));
    while (acknowledged.length < 400) await new Promise((resolve) => setTimeout(resolve, 10));
    first.child.kill('SIGKILL');
    killed = true;
    await Promise.all(writers);
    await exited(first.child);
    expect(acknowledged.length).toBeGreaterThanOrEqual(400);

    const second = await startProcess({ PORT: '0', MASHANG_DATA_DIR: dataDir });
    try {
      const after = sdkFor(second.url).database();
      const _ = after.command;
      const found = new Set<string>();
      for (let offset = 0; offset < acknowledged.length; offset += 500) {
        const batch = acknowledged.slice(offset, offset + 500);
        const { data } = await after
          .collection('scans')
          .where({ _id: _.in(batch) })
          .limit(1000)
          .get();
        for (const doc of data) found.add(String(doc._id));
      }
      expect(acknowledged.filter((id) => !found.has(id))).toEqual([]);
      const { data } = await after.collection('jobs').where({ name: 'burst-counter' }).get();
      // Every acknowledged increment is there; one more may have landed unacknowledged.
      expect(data[0]!.runs).toBeGreaterThanOrEqual(increments);
      expect(data[0]!.runs).toBeLessThanOrEqual(increments + 8);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  });

  it('refuses to start against a real WeChat Pay host unless MASHANG_ALLOW_REAL_PAY=1', async () => {
    await expect(
      startProcess({
        PORT: '0',
        MASHANG_DATA_DIR: dataDir,
        WECHATPAY_API_BASE: 'https://api.mch.weixin.qq.com',
        MASHANG_ALLOW_REAL_PAY: '',
      }),
    ).rejects.toThrow(/exited with 1 before ready:[\s\S]*拒绝启动[\s\S]*MASHANG_ALLOW_REAL_PAY=1/);
  });
});
