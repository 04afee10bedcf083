/**
 * `npm run deploy` (issue 9, point 10): its plan holds every declaration — every collection with
 * its indexes and its server-only permission (collections.ts), every function with its runtime,
 * timeout, memory, timer triggers and environment variable names (cloudbaserc.json and each
 * config.json), every HTTP access route — and the dry run prints it with no credentials.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { listFunctionSources } from '../../cloudfunctions/build';
import { COLLECTIONS } from '../../cloudfunctions/core/data/collections';
import { deploy } from '../../local/tools/deploy';
import { buildDeployPlan, type DeployPlan } from '../../local/tools/deploy-plan';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

interface Rc {
  functions: {
    name: string;
    runtime: string;
    timeout: number;
    memorySize: number;
    envVariables: Record<string, string>;
  }[];
  httpService: { path: string; function: string }[];
}

const readJson = async <T>(file: string): Promise<T> =>
  JSON.parse(await readFile(path.join(ROOT, file), 'utf8')) as T;

/** The deployer's environment without any credential or setting. */
const bareEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^(TENCENTCLOUD_|CLOUDBASE_|ENV_ID$|WX|OA_|MP_|MARKETCODE|ADMIN_|WECHAT)/.test(key),
    ),
  );

describe('deploy plan', () => {
  it('declares every collection server-only (仅管理端可读写)', () => {
    for (const collection of COLLECTIONS) expect(collection.permission).toBe('ADMINONLY');
  });

  it('holds every collection, index and permission of collections.ts', async () => {
    const plan = await buildDeployPlan({ env: {} });
    expect(plan.collections).toEqual(
      COLLECTIONS.map(({ name, indexes }) => ({ name, indexes, permission: 'ADMINONLY' })),
    );
  });

  it('holds every function of cloudbaserc.json with its runtime, timeout, memory, triggers and variable names', async () => {
    const rc = await readJson<Rc>('cloudbaserc.json');
    const plan = await buildDeployPlan({ env: {} });
    // Every function the build makes is deployed, and nothing else.
    expect(plan.functions.map((fn) => fn.name).sort()).toEqual(
      (await listFunctionSources()).sort(),
    );
    expect(plan.functions.map((fn) => fn.name)).toEqual(rc.functions.map((fn) => fn.name));
    for (const declared of rc.functions) {
      const fn = plan.functions.find((entry) => entry.name === declared.name)!;
      const config = await readJson<{ triggers?: unknown[] }>(
        `cloudfunctions/${declared.name}/config.json`,
      );
      expect(fn).toMatchObject({
        runtime: declared.runtime,
        timeout: declared.timeout,
        memorySize: declared.memorySize,
        handler: 'index.main',
        folder: path.join(ROOT, 'cloudfunctions', declared.name),
        triggers: config.triggers ?? [],
        envVariables: Object.keys(declared.envVariables),
      });
      expect(Number(/^Nodejs(\d+)/.exec(fn.runtime)?.[1])).toBeGreaterThanOrEqual(18);
    }
    // The scheduler runs on its timer.
    expect(plan.functions.find((fn) => fn.name === 'scheduler')!.triggers).toEqual([
      { name: 'every-minute', type: 'timer', config: '0 * * * * * *' },
    ]);
  });

  it('holds every HTTP access route and lists the settings still unset', async () => {
    const rc = await readJson<Rc>('cloudbaserc.json');
    const plan = await buildDeployPlan({ env: { CLOUDBASE_ENV_ID: 'prod-1', WXPAY_MCH_ID: '19' } });
    expect(plan.routes).toEqual(rc.httpService);
    expect(plan.routes).toContainEqual({ path: '/paynotify', function: 'paynotify' });
    expect(plan.routes).toContainEqual({ path: '/oa', function: 'oa' });
    const names = [...new Set(rc.functions.flatMap((fn) => Object.keys(fn.envVariables)))].sort();
    expect(plan.settings).toEqual(names);
    expect(plan.envId).toBe('prod-1');
    expect(plan.unsetHere).toEqual(names.filter((name) => name !== 'WXPAY_MCH_ID'));
  });

  it('refuses a cloudbaserc.json that commits a value instead of {{env.NAME}}', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'mashang-deploy-'));
    try {
      await mkdir(path.join(root, 'cloudfunctions/admin'), { recursive: true });
      await writeFile(path.join(root, 'cloudfunctions/admin/config.json'), '{}');
      const rc = {
        functions: [
          {
            name: 'admin',
            runtime: 'Nodejs18.15',
            envVariables: { OA_SECRET: 'a-real-secret' },
          },
        ],
      };
      await writeFile(path.join(root, 'cloudbaserc.json'), JSON.stringify(rc));
      await expect(buildDeployPlan({ root, env: {} })).rejects.toThrow(/OA_SECRET/);
      rc.functions[0]!.envVariables = { OA_SECRET: '{{env.OA_SECRET}}' };
      rc.functions[0]!.runtime = 'Nodejs16.13';
      await writeFile(path.join(root, 'cloudbaserc.json'), JSON.stringify(rc));
      await expect(buildDeployPlan({ root, env: {} })).rejects.toThrow(/Nodejs18 or later/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('npm run deploy', () => {
  it('-- --dry-run prints the whole plan with no credentials', async () => {
    const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
    const env = bareEnv();
    const { stdout } = await run(tsx, ['local/tools/deploy.ts', '--dry-run'], { cwd: ROOT, env });
    const plan = await buildDeployPlan({ env });
    for (const collection of plan.collections) {
      expect(stdout).toContain(`  ${collection.name}  permission ADMINONLY`);
      for (const index of collection.indexes) expect(stdout).toContain(`index ${index.name}:`);
    }
    for (const fn of plan.functions) {
      expect(stdout).toContain(`  ${fn.name}  runtime ${fn.runtime}`);
      expect(stdout).toContain(`timeout ${fn.timeout} s, memory ${fn.memorySize} MB`);
    }
    for (const route of plan.routes) expect(stdout).toContain(`${route.path} → ${route.function}`);
    for (const name of plan.settings) expect(stdout).toContain(name);
    expect(stdout).toContain(`unset in this environment`);

    const json = await run(tsx, ['local/tools/deploy.ts', '--dry-run', '--json'], {
      cwd: ROOT,
      env,
    });
    const printed = JSON.parse(json.stdout) as DeployPlan;
    expect(printed.collections).toEqual(plan.collections);
    expect(printed.routes).toEqual(plan.routes);
    expect(printed.functions.map((fn) => fn.folder)).toEqual(
      plan.functions.map((fn) => `cloudfunctions/${fn.name}`),
    );
  }, 60_000);

  it('without credentials names what to set and touches nothing', async () => {
    const lines: string[] = [];
    expect(await deploy({}, (line) => lines.push(line))).toBe(2);
    expect(lines.join('\n')).toMatch(
      /TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY, CLOUDBASE_ENV_ID/,
    );
  });
});
