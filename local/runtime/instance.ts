import { buildSync } from 'esbuild';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  mergeModuleCache,
  moduleCacheFile,
  readModuleCache,
  writeModuleCache,
  type ModuleCache,
} from './module-cache';
import type { InstanceMessage, InvokeMessage } from './protocol';

/** What became of one invocation. */
export type InvokeOutcome =
  | { ok: true; result: unknown; durationMs: number }
  | { ok: false; failure: FailureKind; message: string; durationMs: number };

/**
 * How an invocation failed, with the code a Mini Program's `wx.cloud.callFunction` reports for it
 * on CloudBase.
 */
export const FAILURES = {
  notFound: { errCode: -501000, label: 'function not found' },
  executeFail: { errCode: -504002, label: 'functions execute fail' },
  timeout: { errCode: -504003, label: 'functions time limit exceeded' },
} as const;
export type FailureKind = keyof typeof FAILURES;

export interface InstanceOptions {
  functionName: string;
  entry: string;
  env: Record<string, string>;
  envId: string;
  memoryMb: number;
  onLog: (stream: 'stdout' | 'stderr', line: string) => void;
}

let entryCode: string | undefined;

/**
 * What instances learned loading their code (module-cache.ts), handed to every later cold start:
 * read from the project's cache file at the first one, saved back a moment after it grows.
 */
const MODULE_CACHE_FILE = moduleCacheFile(path.resolve(__dirname, '../..'));
let moduleCache: ModuleCache | undefined;
let savingModuleCache: NodeJS.Timeout | undefined;

function learnedModules(learned: ModuleCache): void {
  if (!moduleCache || !mergeModuleCache(moduleCache, learned) || savingModuleCache) return;
  savingModuleCache = setTimeout(() => {
    savingModuleCache = undefined;
    if (moduleCache) writeModuleCache(MODULE_CACHE_FILE, moduleCache);
  }, 1_000);
  savingModuleCache.unref();
}

/** The instance program, compiled once per process (workers cannot run TypeScript themselves). */
function instanceEntryCode(): string {
  entryCode ??= buildSync({
    entryPoints: [path.join(__dirname, 'instance-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  }).outputFiles[0]!.text;
  return entryCode;
}

/**
 * One warm instance of a function: a worker thread with its own environment that serves one
 * invocation at a time. A crash or a timeout ends it; the pool then starts a fresh one.
 */
export class FunctionInstance {
  private current?: {
    requestId: string;
    startedAt: number;
    settle: (outcome: InvokeOutcome) => void;
    timer: NodeJS.Timeout;
  };
  private ended = false;
  lastUsedAt = Date.now();

  private constructor(
    private readonly worker: Worker,
    private readonly options: InstanceOptions,
  ) {
    worker.on('message', (message: InstanceMessage) => this.onMessage(message));
    worker.on('error', (error) => this.end(`${options.functionName} crashed: ${error.message}`));
    worker.on('exit', (code) =>
      this.end(`${options.functionName} instance exited with code ${code}`),
    );
  }

  /** Cold start: resolves once the function's code has loaded, rejects when it cannot load. */
  static start(options: InstanceOptions): Promise<FunctionInstance> {
    moduleCache ??= readModuleCache(MODULE_CACHE_FILE);
    const worker = new Worker(instanceEntryCode(), {
      eval: true,
      workerData: {
        entry: options.entry,
        functionName: options.functionName,
        envId: options.envId,
        memoryMb: options.memoryMb,
        moduleCache,
      },
      env: options.env,
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
    });
    pipeLines(worker.stdout, (line) => options.onLog('stdout', line));
    pipeLines(worker.stderr, (line) => options.onLog('stderr', line));
    return new Promise((resolve, reject) => {
      const fail = (error: Error): void => {
        void worker.terminate();
        reject(new Error(`${options.functionName} failed to start: ${error.message}`));
      };
      worker.once('error', fail);
      worker.once('exit', (code) => fail(new Error(`exited with code ${code}`)));
      worker.once('message', (message: InstanceMessage) => {
        if (message.type !== 'ready') return;
        if (message.learned) learnedModules(message.learned);
        worker.removeAllListeners('error');
        worker.removeAllListeners('exit');
        worker.removeAllListeners('message');
        resolve(new FunctionInstance(worker, options));
      });
    });
  }

  get alive(): boolean {
    return !this.ended;
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  invoke(message: Omit<InvokeMessage, 'type'>): Promise<InvokeOutcome> {
    if (this.current || this.ended) throw new Error('instance is busy or ended');
    return new Promise((settle) => {
      const startedAt = Date.now();
      const timer = setTimeout(() => {
        const seconds = Math.round(message.timeoutMs / 100) / 10;
        this.finish({
          ok: false,
          failure: 'timeout',
          message: `Invoking task timed out after ${seconds} seconds`,
          durationMs: Date.now() - startedAt,
        });
        // A timed-out instance may still be running user code: it is not reused.
        void this.terminate();
      }, message.timeoutMs);
      this.current = { requestId: message.requestId, startedAt, settle, timer };
      this.worker.postMessage({ type: 'invoke', ...message } satisfies InvokeMessage);
    });
  }

  async terminate(): Promise<void> {
    this.ended = true;
    await this.worker.terminate();
  }

  private onMessage(message: InstanceMessage): void {
    const current = this.current;
    if (!current || message.type === 'ready' || message.requestId !== current.requestId) return;
    const durationMs = Date.now() - current.startedAt;
    if (message.type === 'result') {
      this.finish({
        ok: true,
        result: message.value === undefined ? null : JSON.parse(message.value),
        durationMs,
      });
    } else {
      this.finish({ ok: false, failure: 'executeFail', message: message.message, durationMs });
    }
  }

  private end(reason: string): void {
    if (this.ended && !this.current) return;
    this.ended = true;
    const current = this.current;
    if (current)
      this.finish({
        ok: false,
        failure: 'executeFail',
        message: reason,
        durationMs: Date.now() - current.startedAt,
      });
  }

  private finish(outcome: InvokeOutcome): void {
    const current = this.current;
    if (!current) return;
    clearTimeout(current.timer);
    this.current = undefined;
    this.lastUsedAt = Date.now();
    current.settle(outcome);
  }
}

function pipeLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
  });
}
