import { Cron } from 'croner';
import { randomUUID } from 'node:crypto';
import { FunctionInstance, type InvokeOutcome } from './instance';
import type { CallIdentity } from './protocol';
import type { FunctionDefinition } from './registry';

export interface RuntimeOptions {
  functions: Map<string, FunctionDefinition>;
  /** CloudBase environment id the functions see (`TCB_ENV`). */
  envId: string;
  /** Environment every instance starts with (SDK endpoint, credentials, settings). */
  baseEnv: Record<string, string>;
  /** Values of the variables cloudbaserc.json declares, by name. */
  settings: Record<string, string | undefined>;
  /** Most instances of one function alive at once; further calls wait for a free one. */
  maxInstancesPerFunction?: number;
  /** An idle instance is stopped after this long (CloudBase reclaims idle instances too). */
  idleTimeoutMs?: number;
  log?: (functionName: string, stream: 'stdout' | 'stderr', line: string) => void;
}

/**
 * Runs built functions the way CloudBase does: per function a pool of warm instances, each serving
 * one invocation at a time, started on demand (cold start) and replaced when one crashes or times
 * out. Timer triggers fire on their schedule.
 */
export class FunctionRuntime {
  private readonly pools = new Map<string, InstancePool>();
  private timers: Cron[] = [];

  constructor(private readonly options: RuntimeOptions) {}

  has(name: string): boolean {
    return this.options.functions.has(name);
  }

  names(): string[] {
    return [...this.options.functions.keys()].sort();
  }

  async invoke(name: string, event: unknown, identity: CallIdentity): Promise<InvokeOutcome> {
    const pool = this.pool(name);
    if (!pool)
      return {
        ok: false,
        failure: 'notFound',
        message: `FunctionName parameter could not be found: ${name}`,
        durationMs: 0,
      };
    return pool.invoke(event, identity);
  }

  /** Starts every timer trigger declared in the functions' config.json. */
  startTimers(onFired?: (name: string, trigger: string, outcome: InvokeOutcome) => void): void {
    for (const fn of this.options.functions.values()) {
      for (const timer of fn.timers) {
        this.timers.push(
          new Cron(timer.cron, { protect: false }, async () => {
            const event = {
              Type: 'Timer',
              TriggerName: timer.name,
              Time: new Date().toISOString(),
              Message: '',
            };
            const outcome = await this.invoke(fn.name, event, { SOURCE: 'wx_trigger' });
            onFired?.(fn.name, timer.name, outcome);
          }),
        );
      }
    }
  }

  /** Live instance counts per function, for /health and tests. */
  stats(): Record<string, { instances: number; busy: number; waiting: number }> {
    return Object.fromEntries([...this.pools].map(([name, pool]) => [name, pool.stats()]));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) timer.stop();
    this.timers = [];
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }

  private pool(name: string): InstancePool | undefined {
    const definition = this.options.functions.get(name);
    if (!definition) return undefined;
    let pool = this.pools.get(name);
    if (!pool) {
      pool = new InstancePool(definition, this.options);
      this.pools.set(name, pool);
    }
    return pool;
  }
}

const DEFAULT_MAX_INSTANCES = 64;
const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;

class InstancePool {
  private readonly idle: FunctionInstance[] = [];
  private readonly live = new Set<FunctionInstance>();
  private starting = 0;
  private readonly waiting: ((instance: FunctionInstance | Error) => void)[] = [];
  private readonly reaper: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly definition: FunctionDefinition,
    private readonly options: RuntimeOptions,
  ) {
    const idleTimeout = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.reaper = setInterval(() => this.reapIdle(idleTimeout), Math.min(idleTimeout, 60_000));
    this.reaper.unref();
  }

  async invoke(event: unknown, identity: CallIdentity): Promise<InvokeOutcome> {
    let instance: FunctionInstance;
    try {
      instance = await this.acquire();
    } catch (error) {
      return {
        ok: false,
        failure: 'executeFail',
        message: (error as Error).message,
        durationMs: 0,
      };
    }
    const outcome = await instance.invoke({
      requestId: randomUUID(),
      event,
      identity,
      timeoutMs: this.definition.timeoutMs,
    });
    this.release(instance);
    return outcome;
  }

  stats(): { instances: number; busy: number; waiting: number } {
    return {
      instances: this.live.size,
      busy: this.live.size - this.idle.length,
      waiting: this.waiting.length,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    for (const waiter of this.waiting.splice(0)) waiter(new Error('runtime is shutting down'));
    await Promise.all([...this.live].map((instance) => instance.terminate()));
    this.live.clear();
    this.idle.length = 0;
  }

  private async acquire(): Promise<FunctionInstance> {
    if (this.closed) throw new Error('runtime is shutting down');
    // An idle instance can die between calls (a stray timer throwing, say): skip the dead.
    for (let warm = this.idle.pop(); warm; warm = this.idle.pop()) {
      if (warm.alive) return warm;
      this.live.delete(warm);
    }
    const max = this.options.maxInstancesPerFunction ?? DEFAULT_MAX_INSTANCES;
    if (this.live.size + this.starting < max) return this.coldStart();
    const next = await new Promise<FunctionInstance | Error>((resolve) =>
      this.waiting.push(resolve),
    );
    if (next instanceof Error) throw next;
    return next;
  }

  private async coldStart(): Promise<FunctionInstance> {
    this.starting += 1;
    try {
      const instance = await FunctionInstance.start({
        functionName: this.definition.name,
        entry: this.definition.entry,
        env: this.instanceEnv(),
        envId: this.options.envId,
        memoryMb: this.definition.memoryMb,
        onLog: (stream, line) => this.options.log?.(this.definition.name, stream, line),
      });
      this.live.add(instance);
      return instance;
    } finally {
      this.starting -= 1;
    }
  }

  private release(instance: FunctionInstance): void {
    if (!instance.alive || this.closed) {
      this.live.delete(instance);
      // Someone waiting for a slot gets a fresh instance in place of the one that died.
      const waiter = this.waiting.shift();
      if (waiter) this.coldStart().then(waiter, waiter);
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter(instance);
    else this.idle.push(instance);
  }

  private reapIdle(idleTimeoutMs: number): void {
    const cutoff = Date.now() - idleTimeoutMs;
    for (let i = this.idle.length - 1; i >= 0; i -= 1) {
      const instance = this.idle[i]!;
      if (instance.lastUsedAt < cutoff) {
        this.idle.splice(i, 1);
        this.live.delete(instance);
        void instance.terminate();
      }
    }
  }

  private instanceEnv(): Record<string, string> {
    const env: Record<string, string> = {
      ...this.options.baseEnv,
      SCF_FUNCTIONNAME: this.definition.name,
    };
    for (const name of this.definition.envNames) {
      const value = this.options.settings[name];
      if (value !== undefined) env[name] = value;
    }
    return env;
  }
}
