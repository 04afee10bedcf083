/**
 * The scheduler's jobs share a tick without starving each other: a token endpoint that hangs
 * does not keep reconciliation from running in the same invocation.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/stack';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';

/** The scheduler's timeout in these tests: short, so a hung job would end the whole tick. */
const SCHEDULER_TIMEOUT_S = 12;

describe('scheduler', () => {
  let stack: TestStack;
  let rcDir: string;

  beforeAll(async () => {
    // The project's own manifest, with the scheduler's timeout shortened.
    rcDir = await mkdtemp(path.join(os.tmpdir(), 'mashang-scheduler-rc-'));
    const rc = JSON.parse(await readFile(path.join(REPO_ROOT, 'cloudbaserc.json'), 'utf8')) as {
      functions: { name: string; timeout: number }[];
    };
    rc.functions.find((fn) => fn.name === 'scheduler')!.timeout = SCHEDULER_TIMEOUT_S;
    await writeFile(path.join(rcDir, 'cloudbaserc.json'), JSON.stringify(rc));
    stack = await startTestStack({ cloudbaseRc: path.join(rcDir, 'cloudbaserc.json') });
  });
  afterAll(async () => {
    await stack?.destroy();
    await rm(rcDir, { recursive: true, force: true });
  });

  const tick = () =>
    stack.runtime.invoke(
      'scheduler',
      { Type: 'Timer', TriggerName: 'every-minute' },
      { SOURCE: 'wx_trigger' },
    );

  const jobRecord = async (name: string): Promise<any> => {
    const { data } = await sdkFor(stack.url).database().collection('jobs').where({ name }).get();
    return data[0];
  };

  it('reconciles payouts in the same tick while the token endpoint hangs', async () => {
    // No token is stored, so the oaToken job asks WeChat, whose every answer now takes 30 s.
    const fault = await fetch(`${stack.url}/wechat/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: '*', delayMs: 30_000, times: 20 }),
    });
    expect(fault.status).toBe(200);
    try {
      const outcome: any = await tick();
      expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
      const jobs = new Map<string, any>(
        outcome.result.jobs.map((job: any) => [job.name, job] as const),
      );
      expect(jobs.get('payouts')).toMatchObject({ ok: true, result: { examined: 0 } });
      expect(jobs.get('holds')).toMatchObject({ ok: true });
      expect(jobs.get('heartbeat')).toMatchObject({ ok: true });
      // The hung job is cut off and said to be, not waited for.
      expect(jobs.get('oaToken')).toMatchObject({ ok: false, code: 'JOB_TIMEOUT' });
      expect(await jobRecord('payouts')).toMatchObject({ runs: 1, lastOutcome: { ok: true } });
      expect(await jobRecord('oaToken')).toMatchObject({
        runs: 1,
        lastOutcome: { ok: false, code: 'JOB_TIMEOUT' },
      });
    } finally {
      await fetch(`${stack.url}/wechat/_sim/faults`, { method: 'DELETE' });
    }
  }, 60_000);

  it('deletes rate-limit windows that have ended, and keeps the live ones', async () => {
    const limits = sdkFor(stack.url).database().collection('rateLimits');
    const now = Date.now();
    await limits.add({
      data: { _id: 'scan:o-old:0', bucket: 'scan', count: 30, expiresAt: now - 60_000 },
    });
    await limits.add({
      data: { _id: 'scan:o-live:1', bucket: 'scan', count: 1, expiresAt: now + 600_000 },
    });
    const outcome: any = await tick();
    const job = outcome.result.jobs.find((entry: any) => entry.name === 'rateLimits');
    expect(job).toMatchObject({ ok: true, result: { removed: 1 } });
    const { data } = await limits.get();
    expect(data.map((window: any) => window._id)).toEqual(['scan:o-live:1']);
  }, 60_000);
});
