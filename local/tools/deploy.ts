/**
 * `npm run deploy`: the whole backend to one CloudBase environment, in one command.
 *
 *   npm run deploy                 build the functions, then create or update everything below
 *   npm run deploy -- --dry-run    print the plan only: no credentials, no network (--json: as data)
 *
 * The plan comes from the checked-in declarations, never from this file:
 * - collections, their indexes and their permission: cloudfunctions/core/data/collections.ts
 *   (every collection 仅管理端可读写, `ADMINONLY`: see CollectionPermission there);
 * - functions (runtime, handler, timeout, memory, environment variable names), HTTP access
 *   routes (`httpService`): cloudbaserc.json;
 * - timer triggers: each function's config.json.
 *
 * Credentials and the target come from the deployer's environment: `TENCENTCLOUD_SECRETID`,
 * `TENCENTCLOUD_SECRETKEY` (and `TENCENTCLOUD_SESSIONTOKEN` for temporary keys), and the
 * environment id in `CLOUDBASE_ENV_ID` (or `ENV_ID`, the name cloudbaserc.json uses). The
 * functions' settings (`{{env.NAME}}` in cloudbaserc.json) take their values from variables of the
 * same names; a name unset here keeps the value the console already holds, and the report lists
 * every setting still unset after the deploy. Values are never printed.
 *
 * Nothing is deleted: an index or route the declarations no longer name stays until removed in
 * the console (a deploy must not drop what a running system may still read).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  COLLECTIONS,
  type CollectionPermission,
  type CollectionSpec,
  type IndexSpec,
} from '../../cloudfunctions/core/data/collections';

const ROOT = path.resolve(__dirname, '../..');

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

// ---------------------------------------------------------------------------------------------
// The real deploy. @cloudbase/manager-node is a devDependency loaded only here.

type Manager = InstanceType<typeof import('@cloudbase/manager-node')>;

export interface DeployCredentials {
  secretId: string;
  secretKey: string;
  token?: string;
  envId: string;
}

/** The credentials from the environment, or the names that are missing. */
export function credentialsFrom(
  env: NodeJS.ProcessEnv,
): { ok: true; credentials: DeployCredentials } | { ok: false; missing: string[] } {
  const secretId = env.TENCENTCLOUD_SECRETID;
  const secretKey = env.TENCENTCLOUD_SECRETKEY;
  const envId = env.CLOUDBASE_ENV_ID || env.ENV_ID;
  const missing = [
    ...(secretId ? [] : ['TENCENTCLOUD_SECRETID']),
    ...(secretKey ? [] : ['TENCENTCLOUD_SECRETKEY']),
    ...(envId ? [] : ['CLOUDBASE_ENV_ID']),
  ];
  if (!secretId || !secretKey || !envId) return { ok: false, missing };
  return {
    ok: true,
    credentials: {
      secretId,
      secretKey,
      envId,
      ...(env.TENCENTCLOUD_SESSIONTOKEN ? { token: env.TENCENTCLOUD_SESSIONTOKEN } : {}),
    },
  };
}

async function deployCollections(manager: Manager, plan: DeployPlan, envId: string, log: Log) {
  const tcb = manager.commonService('tcb', '2018-06-08');
  for (const collection of plan.collections) {
    const created = await manager.database.createCollectionIfNotExists(collection.name);
    const described = await manager.database.describeCollection(collection.name);
    const existing = new Set((described.Indexes ?? []).map((index) => index.Name));
    const missing = collection.indexes.filter((index) => !existing.has(index.name));
    if (missing.length > 0) {
      await manager.database.updateCollection(collection.name, {
        CreateIndexes: missing.map((index) => ({
          IndexName: index.name,
          MgoKeySchema: {
            MgoIndexKeys: Object.entries(index.keys).map(([field, order]) => ({
              Name: field,
              Direction: String(order),
            })),
            MgoIsUnique: index.unique === true,
          },
        })),
      });
    }
    // ModifyDatabaseACL (Tencent Cloud API tcb 2018-06-08): AclTag ADMINONLY = 仅管理员可读写.
    await tcb.call({
      Action: 'ModifyDatabaseACL',
      Param: { EnvId: envId, CollectionName: collection.name, AclTag: collection.permission },
    });
    log(
      `collection ${collection.name}: ${created.IsCreated ? 'created' : 'exists'}, ` +
        `${missing.length} index(es) added, permission ${collection.permission}`,
    );
  }
}

/** The values a function's variables already hold in the cloud (kept where unset here). */
async function cloudValues(manager: Manager, name: string): Promise<Record<string, string>> {
  try {
    const detail = (await manager.functions.getFunctionDetail(name)) as unknown as {
      Environment?: { Variables?: { Key: string; Value: string }[] };
    };
    return Object.fromEntries(
      (detail.Environment?.Variables ?? []).map((variable) => [variable.Key, variable.Value]),
    );
  } catch {
    // Not deployed yet: nothing to keep.
    return {};
  }
}

async function deployFunctions(
  manager: Manager,
  plan: DeployPlan,
  env: NodeJS.ProcessEnv,
  log: Log,
): Promise<Set<string>> {
  const stillUnset = new Set<string>();
  for (const fn of plan.functions) {
    const kept = await cloudValues(manager, fn.name);
    const envVariables: Record<string, string> = {};
    for (const name of fn.envVariables) {
      const value = env[name] || kept[name];
      if (value) envVariables[name] = value;
      else stillUnset.add(name);
    }
    await manager.functions.createFunction({
      func: {
        name: fn.name,
        runtime: fn.runtime,
        handler: fn.handler,
        timeout: fn.timeout,
        memorySize: fn.memorySize,
        installDependency: fn.installDependency,
        ignore: fn.ignore,
        envVariables,
        triggers: fn.triggers,
      },
      functionRootPath: path.dirname(fn.folder),
      force: true,
    });
    log(
      `function ${fn.name}: deployed (${fn.runtime}, ${fn.timeout} s, ${fn.memorySize} MB, ${fn.triggers.length} trigger(s))`,
    );
  }
  return stillUnset;
}

async function deployRoutes(manager: Manager, plan: DeployPlan, log: Log): Promise<void> {
  const { APISet } = await manager.access.getAccessList();
  const existing = new Set((APISet ?? []).map((api) => api.Path));
  for (const route of plan.routes) {
    if (existing.has(route.path)) {
      log(`route ${route.path}: exists`);
      continue;
    }
    // type 1: the route serves a cloud function.
    await manager.access.createAccess({ name: route.function, path: route.path, type: 1 });
    log(`route ${route.path} → ${route.function}: created`);
  }
}

type Log = (line: string) => void;

export async function deploy(env: NodeJS.ProcessEnv, log: Log): Promise<number> {
  const found = credentialsFrom(env);
  if (!found.ok) {
    log(`deploy: set ${found.missing.join(', ')} (see docs/deploy.md)`);
    return 2;
  }
  const { credentials } = found;
  const plan = await buildDeployPlan({ env });
  const { buildFunctions } = await import('../../cloudfunctions/build');
  await buildFunctions();
  log(`built ${plan.functions.length} function bundle(s)`);

  const { default: CloudBase } = await import('@cloudbase/manager-node');
  const manager = new CloudBase({
    secretId: credentials.secretId,
    secretKey: credentials.secretKey,
    envId: credentials.envId,
    ...(credentials.token ? { token: credentials.token } : {}),
  });
  await deployCollections(manager, plan, credentials.envId, log);
  const stillUnset = await deployFunctions(manager, plan, env, log);
  await deployRoutes(manager, plan, log);
  log(
    stillUnset.size === 0
      ? 'deploy: done; every setting has a value'
      : `deploy: done; still unset (set them in the console, 云函数 → 函数配置 → 环境变量, or export them and deploy again): ${[...stillUnset].sort().join(', ')}`,
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const log: Log = (line) => console.log(line);
  if (argv.includes('--help')) {
    log('usage: npm run deploy [-- --dry-run]   (see the header of local/tools/deploy.ts)');
    return 0;
  }
  if (argv.includes('--dry-run')) {
    const plan = await buildDeployPlan();
    // --json: the plan as data, for tools and tests (paths relative to the repository).
    if (argv.includes('--json')) {
      const portable = plan.functions.map((fn) => ({
        ...fn,
        folder: path.relative(ROOT, fn.folder),
      }));
      log(JSON.stringify({ ...plan, functions: portable }, null, 2));
    } else log(renderPlan(plan));
    return 0;
  }
  return deploy(process.env, log);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // Manager errors carry a code and a request id, never the secrets.
      console.error(`deploy failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
