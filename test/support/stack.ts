import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { seedDemo, type DemoSeed } from '../../local/seed/demo';
import { startStack, type Stack, type StackOptions } from '../../local/stack';
import { CREDENTIALS_FILE } from '../../local/wechat/pay/credentials';
import { RUN_MERCHANT_ENV } from './merchant';

export const FIXTURES = path.join(__dirname, '../fixtures');

export interface TestStack extends Stack {
  /** Calls a function as a Mini Program user would, through `POST /functions/<name>`. */
  call(
    name: string,
    event?: unknown,
    user?: { openid?: string; appid?: string; unionid?: string; clientIp?: string },
  ): Promise<{ status: number; body: any }>;
  /** Stops the stack and deletes its data. */
  destroy(): Promise<void>;
  /** What the demo seed made (`seed: true`). */
  demo?: DemoSeed;
}

/**
 * A stack on a free port over a fresh data folder; quiet unless a test asks for logs. `seed: true`
 * seeds the demo brand of `npm start` (local/seed/demo.ts) before returning, without its reward
 * campaign (tests that count money run their own on the demo codes); `seed: { campaign: true }`
 * adds the campaign as `npm start` does.
 */
export async function startTestStack(
  options: Partial<StackOptions> & {
    fixtures?: boolean;
    seed?: boolean | { campaign: boolean };
  } = {},
): Promise<TestStack> {
  const { fixtures, seed, ...rest } = options;
  const dataDir = rest.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'mashang-test-')));
  // The run's local merchant (global-setup.ts) instead of new keys for every stack.
  const runMerchant = process.env[RUN_MERCHANT_ENV];
  if (!rest.dataDir && runMerchant && existsSync(runMerchant))
    await copyFile(runMerchant, path.join(dataDir, CREDENTIALS_FILE));
  const stack = await startStack({
    port: 0,
    timers: false,
    log: () => {},
    ...(fixtures
      ? {
          functionsRoot: path.join(FIXTURES, 'functions'),
          cloudbaseRc: path.join(FIXTURES, 'cloudbaserc.json'),
        }
      : {}),
    ...rest,
    dataDir,
  });
  let demo: DemoSeed | undefined;
  if (seed) {
    try {
      demo = await seedDemo(stack, {
        log: () => {},
        campaign: typeof seed === 'object' && seed.campaign,
      });
    } catch (error) {
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }
  return {
    ...stack,
    demo,
    call: (name, event = {}, user = {}) => callFunction(stack.url, name, event, user),
    destroy: async () => {
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function callFunction(
  url: string,
  name: string,
  event: unknown,
  user: { openid?: string; appid?: string; unionid?: string; clientIp?: string },
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (user.openid) headers['x-wx-openid'] = user.openid;
  if (user.appid) headers['x-wx-appid'] = user.appid;
  if (user.unionid) headers['x-wx-unionid'] = user.unionid;
  if (user.clientIp) headers['x-wx-clientip'] = user.clientIp;
  const response = await fetch(`${url}/functions/${name}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(event),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}
