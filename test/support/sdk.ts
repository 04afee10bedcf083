import { createRequire } from 'node:module';
import type { PromiseStyle } from '../../cloudfunctions/core/cloud';

/** wx-server-sdk as we use it: promises only (see PromiseStyle). */
export type LocalSdk = PromiseStyle<typeof import('wx-server-sdk')>;

const requireFresh = createRequire(__filename);

/** One SDK instance per stack address and environment (loading one costs ~0.1 s of CPU). */
const loaded = new Map<string, LocalSdk>();

/**
 * Loads the real wx-server-sdk pointed at a local stack, the way any script would: through
 * `TCB_CONTEXT_CNFG` and nothing else (read by the SDK at each request, so it is set again on
 * every call). Each stack address gets its own module, so stacks on other ports do not share one
 * SDK instance; calls for the same stack share one.
 */
export function sdkFor(url: string, envId = 'local'): LocalSdk {
  Object.assign(process.env, {
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${url}/admin` }),
    TENCENTCLOUD_SECRETID: 'local',
    TENCENTCLOUD_SECRETKEY: 'local',
    TCB_ENV: envId,
    TENCENTCLOUD: 'true',
    SILENCE: 'true',
  });
  const instance = `${envId} ${url}`;
  const known = loaded.get(instance);
  if (known) return known;
  for (const key of Object.keys(requireFresh.cache)) {
    if (key.includes(`${'node_modules'}/wx-server-sdk/`) || key.includes('@cloudbase/'))
      delete requireFresh.cache[key];
  }
  const cloud = requireFresh('wx-server-sdk') as typeof import('wx-server-sdk');
  cloud.init({ env: envId });
  loaded.set(instance, cloud as unknown as LocalSdk);
  return cloud as unknown as LocalSdk;
}
