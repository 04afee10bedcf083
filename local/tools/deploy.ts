/**
 * `npm run deploy`: the whole backend to one CloudBase environment, in one command.
 *
 *   npm run deploy                 build the functions, then create or update everything below
 *   npm run deploy -- --dry-run    print the plan only: no credentials, no network (--json: as data)
 *
 * The plan comes from the checked-in declarations, never from this file (deploy-plan.ts reads
 * them): collections.ts for the collections, their indexes and permission; cloudbaserc.json for
 * the functions and HTTP access routes; each function's config.json for its timer triggers.
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
import path from 'node:path';
import { buildDeployPlan, renderPlan, ROOT, type DeployPlan } from './deploy-plan';

// @cloudbase/manager-node is a devDependency loaded only here.

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
