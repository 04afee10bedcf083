/**
 * The plan `npm run deploy` carries out (deploy.ts), and the dry run prints: built from the
 * checked-in declarations, none of it written here:
 * - collections, their indexes and their permission: cloudfunctions/core/data/collections.ts
 *   (every collection 仅管理端可读写, `ADMINONLY`: see CollectionPermission there);
 * - functions (runtime, handler, timeout, memory, environment variable names), HTTP access
 *   routes (`httpService`): cloudbaserc.json;
 * - timer triggers: each function's config.json.
 * It reads files only: no credentials, no network.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  COLLECTIONS,
  type CollectionPermission,
  type CollectionSpec,
  type IndexSpec,
} from '../../cloudfunctions/core/data/collections';

export const ROOT = path.resolve(__dirname, '../..');

/** The oldest runtime the bundles may run on (they use `fetch` and `AbortSignal.timeout`). */
export const MIN_NODE_MAJOR = 18;

export interface FunctionPlan {
  name: string;
  /** The deployable folder: the built `index.js`, `package.json` and `config.json`. */
  folder: string;
  runtime: string;
  handler: string;
  /** Seconds. */
  timeout: number;
  /** MB. */
  memorySize: number;
  installDependency: boolean;
  ignore: string[];
  triggers: { name: string; type: string; config: string }[];
  /** Environment variable names, in the order cloudbaserc.json declares them. */
  envVariables: string[];
}

export interface RoutePlan {
  path: string;
  function: string;
}

export interface CollectionPlan {
  name: string;
  permission: CollectionPermission;
  indexes: IndexSpec[];
}

export interface DeployPlan {
  /** From CLOUDBASE_ENV_ID or ENV_ID; undefined in a dry run without it. */
  envId?: string;
  collections: CollectionPlan[];
  functions: FunctionPlan[];
  routes: RoutePlan[];
  /** Every environment variable name some function declares, sorted. */
  settings: string[];
  /** Of those, the ones the deployer's environment does not set. */
  unsetHere: string[];
}

/** The subset of cloudbaserc.json the plan reads. */
interface CloudbaseRc {
  functionRoot?: string;
  functions: {
    name: string;
    runtime?: string;
    handler?: string;
    timeout?: number;
    memorySize?: number;
    installDependency?: boolean;
    ignore?: string[];
    envVariables?: Record<string, string>;
  }[];
  httpService?: { path: string; function: string }[];
}

interface FunctionConfigJson {
  triggers?: { name: string; type: string; config: string }[];
}

/** `{{env.NAME}}` → NAME; anything else in cloudbaserc.json would be a committed value. */
function settingName(key: string, value: string, fn: string): string {
  const match = /^\{\{env\.([A-Z][A-Z0-9_]*)\}\}$/.exec(value);
  if (!match) {
    throw new Error(
      `cloudbaserc.json: ${fn}.envVariables.${key} must be "{{env.${key}}}" (values are never committed)`,
    );
  }
  return match[1]!;
}

function runtimeMajor(runtime: string): number {
  const match = /^Nodejs(\d+)/.exec(runtime);
  return match ? Number(match[1]) : 0;
}

/** Builds the plan from the declarations; reads files, never the network. */
export async function buildDeployPlan(
  options: {
    root?: string;
    collections?: readonly CollectionSpec[];
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<DeployPlan> {
  const root = options.root ?? ROOT;
  const env = options.env ?? process.env;
  const rc = JSON.parse(await readFile(path.join(root, 'cloudbaserc.json'), 'utf8')) as CloudbaseRc;
  const functionRoot = path.resolve(root, rc.functionRoot ?? 'cloudfunctions');

  const functions: FunctionPlan[] = [];
  for (const fn of rc.functions) {
    const folder = path.join(functionRoot, fn.name);
    const config = JSON.parse(
      await readFile(path.join(folder, 'config.json'), 'utf8'),
    ) as FunctionConfigJson;
    const runtime = fn.runtime ?? '';
    if (runtimeMajor(runtime) < MIN_NODE_MAJOR) {
      throw new Error(
        `cloudbaserc.json: ${fn.name}.runtime "${runtime}" must be Nodejs${MIN_NODE_MAJOR} or later`,
      );
    }
    functions.push({
      name: fn.name,
      folder,
      runtime,
      handler: fn.handler ?? 'index.main',
      timeout: fn.timeout ?? 3,
      memorySize: fn.memorySize ?? 256,
      installDependency: fn.installDependency ?? true,
      ignore: fn.ignore ?? [],
      triggers: (config.triggers ?? []).map(({ name, type, config: spec }) => ({
        name,
        type,
        config: spec,
      })),
      envVariables: Object.entries(fn.envVariables ?? {}).map(([key, value]) =>
        settingName(key, value, fn.name),
      ),
    });
  }

  const names = new Set(functions.map((fn) => fn.name));
  const routes = (rc.httpService ?? []).map((route) => {
    if (!names.has(route.function)) {
      throw new Error(
        `cloudbaserc.json: route ${route.path} names unknown function ${route.function}`,
      );
    }
    return { path: route.path, function: route.function };
  });

  const settings = [...new Set(functions.flatMap((fn) => fn.envVariables))].sort();
  const envId = env.CLOUDBASE_ENV_ID || env.ENV_ID || undefined;
  return {
    ...(envId ? { envId } : {}),
    collections: (options.collections ?? COLLECTIONS).map((collection) => ({
      name: collection.name,
      permission: collection.permission,
      indexes: collection.indexes,
    })),
    functions,
    routes,
    settings,
    unsetHere: settings.filter((name) => !env[name]),
  };
}

const direction = (value: 1 | -1): string => (value === 1 ? '↑' : '↓');

/** The plan as the dry run prints it (names only; never a value). */
export function renderPlan(plan: DeployPlan): string {
  const lines: string[] = [];
  lines.push(`deploy plan for CloudBase environment ${plan.envId ?? '(CLOUDBASE_ENV_ID not set)'}`);
  lines.push('', `collections (${plan.collections.length}), each ${SERVER_ONLY_TEXT}:`);
  for (const collection of plan.collections) {
    lines.push(`  ${collection.name}  permission ${collection.permission}`);
    for (const index of collection.indexes) {
      const keys = Object.entries(index.keys)
        .map(([field, order]) => `${field} ${direction(order)}`)
        .join(', ');
      lines.push(`    index ${index.name}: ${keys}${index.unique ? ' (unique)' : ''}`);
    }
  }
  lines.push('', `functions (${plan.functions.length}):`);
  for (const fn of plan.functions) {
    lines.push(
      `  ${fn.name}  runtime ${fn.runtime}, handler ${fn.handler}, timeout ${fn.timeout} s, memory ${fn.memorySize} MB, folder ${path.relative(ROOT, fn.folder) || fn.folder}`,
    );
    for (const trigger of fn.triggers) {
      lines.push(`    trigger ${trigger.name}: ${trigger.type} "${trigger.config}"`);
    }
    lines.push(`    env ${fn.envVariables.join(', ') || '—'}`);
  }
  lines.push('', `HTTP access routes (${plan.routes.length}):`);
  for (const route of plan.routes) lines.push(`  ${route.path} → ${route.function}`);
  lines.push('', `settings (${plan.settings.length}): ${plan.settings.join(', ')}`);
  lines.push(
    plan.unsetHere.length === 0
      ? 'every setting has a value in this environment'
      : `unset in this environment (the console's values are kept, if any): ${plan.unsetHere.join(', ')}`,
  );
  return lines.join('\n');
}

const SERVER_ONLY_TEXT = '仅管理端可读写 (no Mini Program client reads or writes)';
