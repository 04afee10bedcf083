/**
 * Durability: a restart keeps documents and indexes, and a SIGKILL in the middle of a write
 * burst loses no write that was acknowledged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../cloudfunctions/core/data/collections.js';
import { openDatabase } from '../../local/cloudbase/database/index.js';
import { killedWriter } from './crash-writer-run.js';
import { startDatabaseServer, wxDatabase, type DatabaseServer } from './harness.js';
import { errorOf } from './helpers.js';
import type { SdkDatabase } from './sdk-types.js';

let server: DatabaseServer;
let db: SdkDatabase;

beforeAll(async () => {
  server = await startDatabaseServer();
  db = wxDatabase(server.url);
});

afterAll(async () => {
  await server.close();
});

// A restart replaces the HTTP server too, so each check after one uses a freshly loaded SDK: the
// old one's pooled keep-alive sockets point at the stopped server.
describe('restart', () => {
  it('keeps documents, runtime-created collections and unique indexes across a reopen', async () => {
    await db
      .collection('codes')
      .add({ data: { _id: 'p1', code: 'KEEP', at: new Date('2024-03-04T05:06:07Z') } });
    await db.createCollection('runtime_made');
    await db.collection('runtime_made').add({ data: { _id: 'r1' } });
    await server.restart();
    db = wxDatabase(server.url);
    expect((await db.collection('codes').doc('p1').get()).data).toEqual({
      _id: 'p1',
      code: 'KEEP',
      at: new Date('2024-03-04T05:06:07Z'),
    });
    expect((await db.collection('runtime_made').doc('r1').get()).data).toEqual({ _id: 'r1' });
    expect((await errorOf(db.collection('codes').add({ data: { code: 'KEEP' } }))).errMsg).toMatch(
      /duplicate key/,
    );
  });

  it('rolls back a transaction left open by a restart', async () => {
    const transaction = await db.startTransaction();
    await transaction.collection('codes').add({ data: { _id: 'uncommitted', code: 'TX' } });
    await server.restart();
    db = wxDatabase(server.url);
    expect((await db.collection('codes').where({ _id: 'uncommitted' }).count()).total).toBe(0);
  });
});

describe('crash', () => {
  const directory = mkdtempSync(join(tmpdir(), 'mashang-crash-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('loses no acknowledged write when the process is killed mid-burst', async () => {
    const file = join(directory, 'crash.sqlite');
    const acknowledged = await killedWriter(file, 'plain', 300);
    const reopened = openDatabase({ file, collections: COLLECTIONS });
    try {
      const stored = new Set(
        (await reopened.findDocuments('scans')).map((document) => String(document._id)),
      );
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
    } finally {
      reopened.close();
    }
  }, 30_000);
});
