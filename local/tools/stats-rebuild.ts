/**
 * `npm run stats:rebuild [-- --url http://127.0.0.1:8787]`: recomputes the figures' rollups from
 * raw scans, codes, payouts and refusals (cloudfunctions/core/stats/rebuild.ts) and replaces
 * them. Against the local stack by `--url`; against CloudBase with the usual environment
 * (`TCB_ENV`, `TENCENTCLOUD_SECRETID`/`TENCENTCLOUD_SECRETKEY`), which wx-server-sdk reads.
 * Run it when scans are quiet: a scan counted while it runs may be missing from the result.
 */
import { parseArgs } from 'node:util';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' } } });
  if (values.url) {
    Object.assign(process.env, {
      TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${values.url.replace(/\/$/, '')}/admin` }),
      TENCENTCLOUD_SECRETID: process.env.TENCENTCLOUD_SECRETID ?? 'local',
      TENCENTCLOUD_SECRETKEY: process.env.TENCENTCLOUD_SECRETKEY ?? 'local',
      TCB_ENV: process.env.TCB_ENV ?? 'local',
      TENCENTCLOUD: 'true',
      SILENCE: 'true',
    });
  }
  // Loaded after the environment is set: the SDK reads it when initialised.
  const { rebuildRollups } = await import('../../cloudfunctions/core/stats/rebuild');
  const started = Date.now();
  const outcome = await rebuildRollups();
  console.log(
    `rebuilt from ${outcome.scans} scans, ${outcome.payouts} payouts, ${outcome.refusals} refusals: ` +
      `${outcome.scanDocuments} + ${outcome.rewardDocuments} rollup documents, ${outcome.marks} users' marks ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(JSON.stringify(outcome));
}

main().catch((error: unknown) => {
  console.error(`stats:rebuild failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
