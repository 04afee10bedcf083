/**
 * Test harness: a minimal `POST /admin` server over the emulated database, and the real SDKs
 * pointed at it through the same environment variables a developer would set.
 *
 * `startDatabaseServer()` is the one seam to swap for the project's real emulator server later:
 * it returns where the server listens, how to stop it and how to restart its database on the same
 * file (to prove persistence).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { COLLECTIONS, type CollectionSpec } from '../../cloudfunctions/core/data/collections.js';
import { CloudBaseError } from '../../local/cloudbase/errors.js';
import {
  openDatabase,
  type DatabaseOptions,
  type EmulatedDatabase,
} from '../../local/cloudbase/database/index.js';
import type { SdkDatabase } from './sdk-types.js';

export interface DatabaseServerOptions {
  collections?: readonly CollectionSpec[];
  now?: () => Date;
  transactionTimeoutMs?: number;
}

export interface DatabaseServer {
  /** The `/admin` endpoint the SDKs post to. */
  url: string;
  /** The database behind the server, for direct checks. */
  database(): EmulatedDatabase;
  /** Closes and reopens the database on the same file (the HTTP endpoint stays). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Collections the suite uses for generic behaviour besides the declared ones. They are created
 * over the wire (`database.addCollection`, i.e. db.createCollection), so any server that speaks
 * the protocol can stand in for the harness.
 */
export const TEST_COLLECTION_NAMES: readonly string[] = ['items', 'counters'];

/** Creates collections through `POST /admin`, accepting ones that already exist. */
export async function ensureCollections(url: string, names: readonly string[]): Promise<void> {
  for (const collectionName of names) {
    const response = await fetch(`${url}?env=local`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'database.addCollection', envName: 'local', collectionName }),
    });
    const reply = (await response.json()) as { code?: string; message?: string };
    if (reply.code && reply.code !== 'DATABASE_COLLECTION_ALREADY_EXIST') {
      throw new Error(
        `cannot create collection ${collectionName}: ${reply.code} ${reply.message ?? ''}`,
      );
    }
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `CONFORMANCE_SERVER=stack` runs the suite against the project's real local stack
 * (local/stack.ts) instead of the minimal server below; options it cannot take (clock,
 * transaction timeout, custom collections) are then ignored and the tests needing them skip.
 */
export const RUNS_AGAINST_STACK = process.env.CONFORMANCE_SERVER === 'stack';

async function startStackServer(): Promise<DatabaseServer> {
  const { startStack } = await import('../../local/stack.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'mashang-stack-'));
  let stack = await startStack({ dataDir, timers: false, log: () => undefined });
  const port = stack.port;
  const url = `${stack.url}/admin`;
  await ensureCollections(url, TEST_COLLECTION_NAMES);
  return {
    url,
    database: () => stack.database,
    async restart() {
      await stack.close();
      stack = await startStack({ dataDir, port, timers: false, log: () => undefined });
    },
    async close() {
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startDatabaseServer(
  options: DatabaseServerOptions = {},
): Promise<DatabaseServer> {
  if (RUNS_AGAINST_STACK) return startStackServer();
  const directory = mkdtempSync(join(tmpdir(), 'mashang-db-'));
  const databaseOptions: DatabaseOptions = {
    file: join(directory, 'cloudbase.sqlite'),
    collections: options.collections ?? COLLECTIONS,
    now: options.now,
    transactionTimeoutMs: options.transactionTimeoutMs,
  };
  let database = openDatabase(databaseOptions);

  const server: Server = createServer((request, response) => {
    void (async () => {
      const requestId = randomUUID();
      let reply: Record<string, unknown>;
      try {
        const body = JSON.parse(await readBody(request)) as Record<string, unknown>;
        reply = { requestId, ...(await database.handle(String(body.action), body)) };
      } catch (error) {
        if (!(error instanceof CloudBaseError)) {
          console.error('database handler crashed', error);
          reply = { requestId, code: 'SYS_ERR', message: String(error) };
        } else {
          reply = { requestId, code: error.code, message: error.message };
        }
      }
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(reply));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/admin`;
  await ensureCollections(url, TEST_COLLECTION_NAMES);

  return {
    url,
    database: () => database,
    async restart() {
      database.close();
      database = openDatabase(databaseOptions);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      database.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Environment the SDKs read to reach a local server instead of Tencent Cloud. */
export function pointSdkAt(url: string): void {
  Object.assign(process.env, {
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: url }),
    TENCENTCLOUD_SECRETID: 'local-secret-id',
    TENCENTCLOUD_SECRETKEY: 'local-secret-key',
    TCB_ENV: 'local',
    TENCENTCLOUD: 'true',
    SILENCE: 'true',
  });
}

const requireFromHere = createRequire(import.meta.url);

/** The real wx-server-sdk, initialised against `url` (one instance per test file). */
export function wxServerSdk(url: string): typeof import('wx-server-sdk') {
  pointSdkAt(url);
  const cloud = requireFromHere('wx-server-sdk') as typeof import('wx-server-sdk');
  cloud.init({ env: 'local' });
  return cloud;
}

/** The real wx-server-sdk's database, seen through the suite's promise-only typing. */
export function wxDatabase(url: string): SdkDatabase {
  return wxServerSdk(url).database() as unknown as SdkDatabase;
}

/** The real @cloudbase/node-sdk, initialised against `url`. */
export function cloudbaseNodeSdk(url: string) {
  pointSdkAt(url);
  const tcb = requireFromHere('@cloudbase/node-sdk') as typeof import('@cloudbase/node-sdk');
  return tcb.init({ env: 'local' });
}
