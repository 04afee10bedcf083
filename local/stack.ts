import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { COLLECTIONS } from '../cloudfunctions/core/data/collections';
import { openDatabase, type DatabaseOptions, type EmulatedDatabase } from './cloudbase/database';
import { FileStorage } from './cloudbase/storage';
import { loadProjectFunctions, type HttpRoute } from './runtime/registry';
import { FunctionRuntime } from './runtime/runtime';
import { PREVIEW_PREFIX, previewRoutes } from './preview';
import { createServer } from './server';
import { WechatSimulator } from './wechat';
import { WechatPaySimulator } from './wechat/pay';
import { credentialSettings, loadOrCreateCredentials } from './wechat/pay/credentials';
import type { SimulatorConfig } from './wechat/config';

export const REPO_ROOT = path.resolve(__dirname, '..');

/** Values the functions get locally for settings the developer has not set. Nothing secret. */
export const LOCAL_SETTINGS: Readonly<Record<string, string>> = {
  ADMIN_OPENIDS: 'o-local-admin',
  MP_APPID: 'wx-local-miniprogram',
  // The Official Account the WeChat simulator plays, and its code-package key (16 bytes).
  OA_APPID: 'wx-local-oa',
  OA_SECRET: 'local-oa-secret',
  // The OA server URL's Token and safe-mode key the simulator signs and encrypts pushes with.
  OA_TOKEN: 'local-oa-token',
  OA_ENCODING_AES_KEY: 'LocalOfficialAccountSafeModeKey0123456789ab',
  MARKETCODE_KEY: 'mashang-localkey',
};

export interface StackOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  dataDir: string;
  envId?: string;
  /** Folder of built function folders; defaults to the project's cloudfunctions/. */
  functionsRoot?: string;
  cloudbaseRc?: string;
  /** Overrides of the functions' settings (environment variables). */
  settings?: Record<string, string>;
  /** Run timer triggers (on by default). */
  timers?: boolean;
  maxInstancesPerFunction?: number;
  /** Emulator knobs for tests: the clock behind serverDate, the abandoned-transaction timeout. */
  database?: Pick<DatabaseOptions, 'now' | 'transactionTimeoutMs'>;
  /** WeChat simulator knobs (finish delay, ticket TTL, range size); stored with its data. */
  wechat?: Partial<SimulatorConfig>;
  /** Storage knobs for tests: the clock upload and download expiries are read against. */
  storage?: { now?: () => number };
  log?: (line: string) => void;
}

export interface Stack {
  url: string;
  port: number;
  envId: string;
  dataDir: string;
  database: EmulatedDatabase;
  runtime: FunctionRuntime;
  storage: FileStorage;
  httpRoutes: readonly HttpRoute[];
  /** The WeChat platform simulator served under `/wechat`. */
  wechat: WechatSimulator;
  /** The WeChat Pay simulator served under `/wechatpay` (local/wechat/pay). */
  wechatpay: WechatPaySimulator;
  /** The functions' effective settings (LOCAL_SETTINGS < environment < options.settings). */
  settings: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * Starts the local CloudBase: emulator (database, storage, functions protocol) and the function
 * runtime behind one HTTP port. Functions must be built first (see cloudfunctions/build.ts).
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const envId = options.envId ?? 'local';
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.dataDir, { recursive: true });
  const log = options.log ?? ((line: string) => console.log(line));

  const database = openDatabase({
    ...options.database,
    file: path.join(options.dataDir, 'cloudbase.sqlite'),
    collections: COLLECTIONS,
  });
  let url = '';
  const storage = new FileStorage(
    path.join(options.dataDir, 'storage'),
    envId,
    stackSecret(options.dataDir),
    () => url,
    options.storage?.now,
  );
  const project = loadProjectFunctions(
    options.functionsRoot ?? path.join(REPO_ROOT, 'cloudfunctions'),
    options.cloudbaseRc ?? path.join(REPO_ROOT, 'cloudbaserc.json'),
  );
  const settings = { ...LOCAL_SETTINGS, ...pickDefined(process.env), ...options.settings };
  const refusal = realPayRefusal(settings);
  if (refusal) {
    database.close();
    throw new Error(refusal);
  }
  // The local merchant (generated once per data folder) for every WXPAY_* the developer left unset.
  const payCredentials = loadOrCreateCredentials(options.dataDir);
  for (const [name, value] of Object.entries(credentialSettings(payCredentials)))
    if (!settings[name]) settings[name] = value;
  const baseEnv: Record<string, string> = {
    TCB_ENV: envId,
    SCF_NAMESPACE: envId,
    TENCENTCLOUD_SECRETID: 'local',
    TENCENTCLOUD_SECRETKEY: 'local',
    // Tells the SDK it runs in the cloud, so it does not probe for instance metadata.
    TENCENTCLOUD: 'true',
    SILENCE: 'true',
    TZ: process.env.TZ ?? 'Asia/Shanghai',
    PATH: process.env.PATH ?? '',
  };
  const wechat = new WechatSimulator({
    file: path.join(options.dataDir, 'wechat.sqlite'),
    settings: () => settings,
    config: options.wechat,
    log,
  });
  const wechatpay = new WechatPaySimulator({
    file: path.join(options.dataDir, 'wechatpay.sqlite'),
    settings: () => settings,
    credentials: payCredentials,
    now: () => wechat.now(),
    log,
  });
  const runtime = new FunctionRuntime({
    functions: project.functions,
    envId,
    baseEnv,
    settings,
    maxInstancesPerFunction: options.maxInstancesPerFunction,
    log: (name, stream, line) => log(`[${name}]${stream === 'stderr' ? ' !' : ''} ${line}`),
  });
  const app = createServer({
    envId,
    database,
    storage,
    runtime,
    httpRoutes: project.httpRoutes,
    wechat,
    wechatpay,
    startedAt: new Date(),
    // Listening on a specific other address (a LAN address for a phone) makes it a valid Host.
    extraHosts: ['0.0.0.0', '::', '127.0.0.1', 'localhost'].includes(host)
      ? []
      : [host.includes(':') ? `[${host}]` : host],
  });
  void app.register(previewRoutes({ database, settings: () => settings }), {
    prefix: PREVIEW_PREFIX,
  });

  try {
    await app.listen({ port: options.port ?? 0, host });
  } catch (error) {
    database.close();
    wechat.close();
    wechatpay.close();
    throw error;
  }
  const port = (app.server.address() as AddressInfo).port;
  url = `http://${host}:${port}`;
  // The functions reach the emulator exactly as they reach CloudBase: through the SDK's endpoint.
  baseEnv.TCB_CONTEXT_CNFG = JSON.stringify({ URL: `${url}/admin` });
  // WeChat is the built-in simulator unless the developer points WECHAT_API_BASE elsewhere.
  if (!settings.WECHAT_API_BASE) settings.WECHAT_API_BASE = `${url}/wechat`;
  if (!settings.WECHATPAY_API_BASE) settings.WECHATPAY_API_BASE = `${url}/wechatpay`;
  // 商家转账 results come back to the `paynotify` function through the HTTP access service.
  if (!settings.WXPAY_NOTIFY_URL) settings.WXPAY_NOTIFY_URL = `${url}/http/paynotify`;
  // The Official Account's server URL, where the simulator pushes follow and scan events.
  if (!settings.OA_SERVER_URL) settings.OA_SERVER_URL = `${url}/http/oa`;
  if (options.timers !== false) {
    runtime.startTimers((name, trigger, outcome) => {
      if (!outcome.ok) log(`[${name}] ! timer ${trigger} failed: ${outcome.message}`);
    });
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    envId,
    dataDir: options.dataDir,
    database,
    runtime,
    storage,
    httpRoutes: project.httpRoutes,
    wechat,
    wechatpay,
    settings,
    close: () => {
      closing ??= (async () => {
        await runtime.close();
        app.server.closeAllConnections();
        await app.close();
        database.close();
        wechat.close();
        wechatpay.close();
      })();
      return closing;
    },
  };
}

/**
 * The local stack takes identities from request headers (x-wx-openid…): anyone who reaches it is
 * whoever they say. Pointed at a real WeChat Pay host, that would let any caller send real money,
 * so it refuses unless the developer says so with MASHANG_ALLOW_REAL_PAY=1. A reason, or nothing.
 */
export function realPayRefusal(
  settings: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const base = settings.WECHATPAY_API_BASE;
  if (!base || settings.MASHANG_ALLOW_REAL_PAY === '1') return undefined;
  let host: string;
  try {
    host = new URL(base).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return `WECHATPAY_API_BASE is not a URL: ${base}`;
  }
  if (isLoopback(host)) return undefined;
  return (
    `拒绝启动：WECHATPAY_API_BASE 指向 ${host}，不是本机的微信支付模拟器。` +
    `本地栈按请求头（x-wx-openid）认人，任何能访问它的人都能以任意身份领取真实的钱。` +
    `如确需连接真实或远程的微信支付，请设置 MASHANG_ALLOW_REAL_PAY=1。` +
    `\nRefusing to start: WECHATPAY_API_BASE points at ${host}, not a local WeChat Pay simulator, while identities come from request headers; set MASHANG_ALLOW_REAL_PAY=1 to allow it.`
  );
}

function isLoopback(host: string): boolean {
  const name = host.toLowerCase();
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}

/** A random key per data folder for signing storage URLs; kept so URLs survive a restart. */
function stackSecret(dataDir: string): string {
  const file = path.join(dataDir, 'storage-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function pickDefined(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
