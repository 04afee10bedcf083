/**
 * Test harness: the project's local stack (local/stack.ts) on a free port, and the real SDKs
 * pointed at its `POST /admin` through the same environment variables a developer would set. The
 * suite thus exercises exactly what `npm start` serves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatedDatabase } from '../../local/cloudbase/database/index.js';
import { startStack, type Stack } from '../../local/stack.js';
import type { SdkDatabase } from './sdk-types.js';

export interface DatabaseServerOptions {
  now?: () => Date;
  transactionTimeoutMs?: number;
}

export interface DatabaseServer {
  /** The `/admin` endpoint the SDKs post to. */
  url: string;
  /** The database behind the server, for direct checks. */
  database(): EmulatedDatabase;
  /** Stops the stack and starts it again on the same data and port (to prove persistence). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Collections the suite uses for generic behaviour besides the declared ones. They are created
 * over the wire (`database.addCollection`, i.e. db.createCollection), as any client would.
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

export async function startDatabaseServer(
  options: DatabaseServerOptions = {},
): Promise<DatabaseServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mashang-conformance-'));
  const start = (port = 0): Promise<Stack> =>
    startStack({ dataDir, port, timers: false, database: options, log: () => undefined });
  let stack = await start();
  const url = `${stack.url}/admin`;
  await ensureCollections(url, TEST_COLLECTION_NAMES);
  return {
    url,
    database: () => stack.database,
    async restart() {
      await stack.close();
      stack = await start(stack.port);
    },
    async close() {
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
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

/**
 * A freshly loaded module: the SDKs keep connections alive in module-level agents, and a client
 * made after a server restart must not reuse sockets to the stopped server.
 */
function requireFresh<T>(name: string): T {
  for (const key of Object.keys(requireFromHere.cache)) {
    if (key.includes('/node_modules/wx-server-sdk/') || key.includes('/node_modules/@cloudbase/')) {
      delete requireFromHere.cache[key];
    }
  }
  return requireFromHere(name) as T;
}

/** The real wx-server-sdk, initialised against `url`. */
export function wxServerSdk(url: string): typeof import('wx-server-sdk') {
  pointSdkAt(url);
  const cloud = requireFresh<typeof import('wx-server-sdk')>('wx-server-sdk');
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
  const tcb = requireFresh<typeof import('@cloudbase/node-sdk')>('@cloudbase/node-sdk');
  return tcb.init({ env: 'local' });
}
