/**
 * The code of one function instance, run in a worker thread. It loads the built function once
 * (cold start) and then serves one invocation at a time, as a CloudBase instance does. Identity
 * travels in this thread's own copy of `process.env`, which is where `cloud.getWXContext()` reads
 * it, so concurrent calls as different users never see each other.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { installModuleCache, type ModuleCache } from './module-cache';
import type { InstanceMessage, InvokeMessage } from './protocol';

/**
 * On CloudBase the database runs on its own machines; here it is the stack's main thread, on the
 * same cores as every instance. With 50 instances runnable, a fair scheduler gives the main thread
 * a 51st of the CPU and every instance then waits on it: each instance thread runs at a lower
 * priority (nice 10), so the emulator is served first and the instances share what it leaves.
 * Linux only (a thread's id from /proc/thread-self); elsewhere instances keep the default.
 */
const INSTANCE_NICE = 10;
try {
  const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, INSTANCE_NICE);
} catch {
  // Not Linux, or not allowed: the instance runs at the stack's priority.
}

interface InstanceData {
  entry: string;
  functionName: string;
  envId: string;
  memoryMb: number;
  moduleCache: ModuleCache;
}

const { entry, functionName, envId, memoryMb, moduleCache } = workerData as InstanceData;
const modules = installModuleCache(moduleCache);
const port = parentPort;
if (!port) throw new Error('instance-entry must run in a worker thread');

const IDENTITY_KEYS = ['OPENID', 'APPID', 'UNIONID', 'CLIENTIP', 'CLIENTIPV6'] as const;

type Main = (event: unknown, context: unknown) => unknown;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loaded = require(entry) as { main?: Main };
if (typeof loaded.main !== 'function') {
  throw new Error(`${functionName}: index.js exports no main function`);
}
const main = loaded.main;

function post(message: InstanceMessage): void {
  port!.postMessage(message);
}

port.on('message', (message: InvokeMessage) => {
  void serve(message);
});
post({ type: 'ready', learned: modules.learned() });

async function serve({ requestId, event, identity, timeoutMs }: InvokeMessage): Promise<void> {
  for (const key of IDENTITY_KEYS) {
    const value = identity[key];
    if (value) process.env[`WX_${key}`] = value;
    else delete process.env[`WX_${key}`];
  }
  // Every key is listed whether or not this call has it: the SDK skips unset ones, and with an
  // empty list it would report no ENV or SOURCE either.
  process.env.WX_CONTEXT_KEYS = IDENTITY_KEYS.map((key) => `WX_${key}`).join(',');
  process.env.TCB_SOURCE = identity.SOURCE;
  const context = {
    callbackWaitsForEmptyEventLoop: false,
    memory_limit_in_mb: memoryMb,
    time_limit_in_ms: timeoutMs,
    request_id: requestId,
    function_name: functionName,
    function_version: '$LATEST',
    namespace: envId,
    tencentcloud_region: 'ap-shanghai',
    environment: JSON.stringify({
      TCB_ENV: envId,
      SCF_NAMESPACE: envId,
      TCB_SOURCE: identity.SOURCE,
    }),
  };
  try {
    const value = await main(event, context);
    // CloudBase hands the caller the JSON of the return value, so Dates become strings etc.
    post({
      type: 'result',
      requestId,
      value: value === undefined ? undefined : JSON.stringify(value),
    });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    post({ type: 'failure', requestId, message: failure.message, stack: failure.stack });
  }
}
