import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** A timer trigger from a function's config.json (CloudBase cron: 7 fields, seconds first). */
export interface TimerTrigger {
  name: string;
  cron: string;
}

/** One deployable function as CloudBase would run it. */
export interface FunctionDefinition {
  name: string;
  /** The built `index.js`. */
  entry: string;
  timeoutMs: number;
  memoryMb: number;
  /** Names of the environment variables cloudbaserc.json declares for it. */
  envNames: string[];
  timers: TimerTrigger[];
}

/** An HTTP access service route: requests under `path` go to `functionName`. */
export interface HttpRoute {
  path: string;
  functionName: string;
}

export interface ProjectFunctions {
  functions: Map<string, FunctionDefinition>;
  httpRoutes: HttpRoute[];
}

interface CloudbaseRc {
  functions?: {
    name: string;
    timeout?: number;
    memorySize?: number;
    envVariables?: Record<string, string>;
  }[];
  httpService?: { path: string; function: string }[];
}

interface FunctionConfig {
  triggers?: { name: string; type: string; config: string }[];
}

/** CloudBase's defaults when cloudbaserc.json says nothing. */
const DEFAULT_TIMEOUT_S = 3;
const DEFAULT_MEMORY_MB = 256;

/**
 * Reads what CloudBase reads at deploy time: the built function folders under `functionsRoot`,
 * their config.json (triggers), and cloudbaserc.json (timeouts, memory, environment variable
 * names, HTTP access service paths).
 */
export function loadProjectFunctions(
  functionsRoot: string,
  cloudbaseRcFile?: string,
): ProjectFunctions {
  const rc: CloudbaseRc =
    cloudbaseRcFile && existsSync(cloudbaseRcFile)
      ? (JSON.parse(readFileSync(cloudbaseRcFile, 'utf8')) as CloudbaseRc)
      : {};
  const declared = new Map((rc.functions ?? []).map((fn) => [fn.name, fn]));
  const functions = new Map<string, FunctionDefinition>();
  for (const entry of readdirSync(functionsRoot, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(functionsRoot, entry.name);
    const built = path.join(dir, 'index.js');
    if (!existsSync(built) || !existsSync(path.join(dir, 'package.json'))) continue;
    const configFile = path.join(dir, 'config.json');
    const config: FunctionConfig = existsSync(configFile)
      ? (JSON.parse(readFileSync(configFile, 'utf8')) as FunctionConfig)
      : {};
    const settings = declared.get(entry.name);
    functions.set(entry.name, {
      name: entry.name,
      entry: built,
      timeoutMs: (settings?.timeout ?? DEFAULT_TIMEOUT_S) * 1000,
      memoryMb: settings?.memorySize ?? DEFAULT_MEMORY_MB,
      envNames: Object.keys(settings?.envVariables ?? {}),
      timers: (config.triggers ?? [])
        .filter((trigger) => trigger.type === 'timer')
        .map((trigger) => ({ name: trigger.name, cron: trigger.config })),
    });
  }
  const httpRoutes = (rc.httpService ?? []).map((route) => ({
    path: normalisePath(route.path),
    functionName: route.function,
  }));
  return { functions, httpRoutes };
}

function normalisePath(routePath: string): string {
  const trimmed = `/${routePath.replace(/^\/+|\/+$/g, '')}`;
  return trimmed === '/' ? '/' : trimmed;
}
