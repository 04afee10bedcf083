/**
 * `npm start`: builds the cloud functions and the Mini Program's npm folder, then runs the local
 * stack on one port and prints `ready http://127.0.0.1:<port>`.
 *
 *   PORT               port to listen on (default 8787)
 *   MASHANG_DATA_DIR   where data lives (default .mashang/ in the project)
 *   MASHANG_ALLOW_REAL_PAY=1   run even though WECHATPAY_API_BASE is not this machine (see
 *                      realPayRefusal: identities here come from request headers)
 */
import path from 'node:path';
import { buildFunctions } from '../cloudfunctions/build';
import { PREVIEW_PREFIX, previewBuild } from './preview';
import { REPO_ROOT, realPayRefusal, startStack } from './stack';
import { seedDemo } from './seed/demo';
import { buildMiniprogramNpm } from './tools/build-miniprogram-npm';

const DEFAULT_PORT = 8787;

async function main(): Promise<void> {
  const port = process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${process.env.PORT}`);
  const dataDir = path.resolve(process.env.MASHANG_DATA_DIR ?? path.join(REPO_ROOT, '.mashang'));
  // Before building anything: a refusal should be the first and only thing printed.
  const refusal = realPayRefusal(process.env);
  if (refusal) throw new Error(refusal);

  buildMiniprogramNpm();
  const built = await buildFunctions();
  console.log(`built ${built.length} cloud functions: ${built.map((fn) => fn.name).join(', ')}`);

  const stack = await startStack({ port, dataDir });
  console.log(`data in ${dataDir}`);
  const wechatBase = stack.settings.WECHAT_API_BASE ?? '';
  console.log(
    wechatBase.startsWith(stack.url)
      ? `WeChat simulator: ${wechatBase} (control: ${wechatBase}/_sim/state)`
      : `WeChat APIs: ${wechatBase} (from WECHAT_API_BASE; the simulator is idle)`,
  );
  console.log(`CloudBase endpoint: TCB_CONTEXT_CNFG='{"URL":"${stack.url}/admin"}'`);
  // Built before the ready line, so the first page view is instant; the stack runs without it.
  await previewBuild().then(
    () => console.log(`preview ${stack.url}${PREVIEW_PREFIX}/`),
    (error: unknown) =>
      console.error(`preview: build failed: ${error instanceof Error ? error.message : error}`),
  );
  console.log(`ready ${stack.url}`);
  // After the ready line, never before it: nothing waits for the demo brand.
  seedDemo(stack).catch((error: unknown) =>
    console.error(`demo: seeding failed: ${error instanceof Error ? error.message : error}`),
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    stack.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
