/**
 * `npm run bench -- oa-push`: how fast the `oa` function answers WeChat's push (issue 11 point 9)
 * when a channel QR code has three replies to send (a text, an image and a link card) and a tag to
 * give, against references measured in the same run on the same stack:
 *
 *   verification   the console's GET with `echostr` (signature only: the floor of a request)
 *   plain follow   a safe-mode `subscribe` with no scene: recorded, nothing to send
 *   new user       a safe-mode `subscribe` with `qrscene_<scene>`: follow, tag, three replies
 *   follower       the same users scanning again (`SCAN`): tag, three replies
 *
 * Pushes come from the WeChat simulator's consumer side (`/wechat/_sim/oa/scan|follow`), which
 * signs and encrypts each event as WeChat does (safe mode) and opens the user's customer-service
 * window; the time is the simulator's, from its POST to /http/oa until our answer (`success`),
 * what WeChat's 5 s limit applies to. Every WeChat OA API call the function makes (tagging, the
 * sends, a media upload) is held back BENCH_DELAY_MS (30) by the simulator, standing in for
 * WeChat's own latency. Database round trips and WeChat calls per push are counted in-process.
 * Knobs: BENCH_PUSHES (200 per kind), BENCH_DELAY_MS (30). No assertion on time: the output is a
 * measurement; the run fails only if the replies were not all sent.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { buildFunctions } from '../../cloudfunctions/build';
import { oaSignature } from '../../cloudfunctions/core/wechat/oa/message-crypto';
import { adminClient } from '../../local/admin-client';
import { startStack } from '../../local/stack';
import { onDatabaseRequest } from '../support/requests';
import { sdkFor } from '../support/sdk';

const PUSHES = Number(process.env.BENCH_PUSHES ?? 200);
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 30);
const ADMIN = 'o-bench-admin';
/** The OA APIs a scan may call, each held back DELAY_MS. */
const DELAYED_APIS = [
  'custom_send',
  'tags_batchtagging',
  'tags_create',
  'tags_get',
  'media_upload',
];

interface Timing {
  ms: number;
  database: number;
  wechat: number;
}

function welcomePng(): Buffer {
  const png = new PNG({ width: 64, height: 64 });
  for (let at = 0; at < png.data.length; at += 4) {
    png.data.set([7, 193, 96, 255], at);
  }
  return PNG.sync.write(png);
}

async function main(): Promise<void> {
  await buildFunctions();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mashang-bench-oa-push-'));
  const stack = await startStack({
    port: 0,
    dataDir: dir,
    timers: false,
    log: () => {},
    settings: { ADMIN_OPENIDS: ADMIN },
  });
  try {
    const admin = adminClient(stack.url, ADMIN);
    const post = async (url: string, body: unknown) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
      return (await response.json()) as any;
    };

    // The code: one tag, three replies (the image also serves as the link card's thumbnail).
    const { fileID } = await sdkFor(stack.url).uploadFile({
      cloudPath: 'oa-materials/bench/welcome.png',
      fileContent: welcomePng(),
    });
    const { material } = await admin.call('addMaterial', {
      kind: 'image',
      fileId: fileID,
      name: '欢迎图',
    });
    const { qr } = await admin.call('createChannelQr', {
      name: '基准门店',
      type: 'permanent',
      tagNames: ['基准新客'],
      replies: {
        enabled: true,
        items: [
          { kind: 'text', text: '欢迎关注！\n到店出示本消息领取新人礼' },
          { kind: 'image', materialId: material.materialId },
          {
            kind: 'link',
            title: '新人礼',
            url: 'https://example.com/welcome',
            description: '到店领取',
            thumbMaterialId: material.materialId,
          },
        ],
      },
    });

    const counts = { database: 0, wechat: 0 };
    onDatabaseRequest(stack, (_action, collection) => {
      if (collection !== 'tokens') counts.database += 1;
    });
    const countCall = stack.wechat.countCall.bind(stack.wechat);
    stack.wechat.countCall = (api) => {
      if (api !== 'scan') counts.wechat += 1;
      countCall(api);
    };
    for (const api of DELAYED_APIS) {
      await post(`${stack.url}/wechat/_sim/faults`, {
        api,
        delayMs: DELAY_MS,
        times: 1_000_000_000,
      });
    }

    const measured = async (run: () => Promise<number>): Promise<Timing> => {
      const before = { ...counts };
      const ms = await run();
      return {
        ms,
        database: counts.database - before.database,
        wechat: counts.wechat - before.wechat,
      };
    };
    /** One push through the simulator; the time of its (single) delivery to /http/oa. */
    const push = async (kind: 'scan' | 'follow', body: object): Promise<number> => {
      const result = await post(`${stack.url}/wechat/_sim/oa/${kind}`, body);
      const [delivery] = result.deliveries as { status?: number; body?: string; ms: number }[];
      if (result.mode !== 'safe' || delivery?.status !== 200 || delivery.body !== 'success')
        throw new Error(`push not answered success: ${JSON.stringify(result)}`);
      return delivery.ms;
    };
    const verification = async (): Promise<number> => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = String(Math.floor(Math.random() * 1e9));
      const signature = oaSignature(stack.settings.OA_TOKEN!, timestamp, nonce);
      const started = Date.now();
      const response = await fetch(
        `${stack.url}/http/oa?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&echostr=${nonce}`,
      );
      const text = await response.text();
      if (text !== nonce) throw new Error(`verification answered ${response.status} ${text}`);
      return Date.now() - started;
    };

    // Warm the function (cold start, token read, the media's first upload, the tag's creation).
    for (let i = 0; i < 5; i += 1) {
      await verification();
      await push('scan', { openid: `o-bench-warm-${i}`, ticket: qr.ticket });
      await push('follow', { openid: `o-bench-warm-plain-${i}` });
    }

    const kinds: { name: string; timings: Timing[] }[] = [];
    const run = async (name: string, one: (i: number) => Promise<number>) => {
      const timings: Timing[] = [];
      for (let i = 0; i < PUSHES; i += 1) timings.push(await measured(() => one(i)));
      kinds.push({ name, timings });
    };
    await run('verification (GET echostr)', () => verification());
    await run('plain follow, nothing to send', (i) =>
      push('follow', { openid: `o-bench-plain-${i}` }),
    );
    const firstScans = Date.now();
    await run('new user: subscribe + qrscene_, 1 tag, 3 replies', (i) =>
      push('scan', { openid: `o-bench-user-${i}`, ticket: qr.ticket }),
    );
    // A user's events are told apart by their CreateTime (seconds): the scan again a second later.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, 1_100 - (Date.now() - firstScans))),
    );
    await run('follower: SCAN, 1 tag, 3 replies', (i) =>
      push('scan', { openid: `o-bench-user-${i}`, ticket: qr.ticket }),
    );

    const { metrics } = await admin.call('getChannelQr', { qrId: qr.qrId });

    const percentile = (timings: Timing[], q: number): number => {
      const sorted = timings.map((t) => t.ms).sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    };
    const range = (values: number[]) =>
      Math.min(...values) === Math.max(...values)
        ? String(values[0])
        : `${Math.min(...values)}–${Math.max(...values)}`;
    /** WeChat's simulated share of a push: its sends, one after another (tagging runs beside). */
    const sendsLatency = (timings: Timing[]) =>
      Math.max(0, Math.min(...timings.map((t) => t.wechat)) - 1) * DELAY_MS;
    const reference = kinds[1]!;
    const refP50 = percentile(reference.timings, 0.5);
    const refP99 = percentile(reference.timings, 0.99);
    console.log(
      `\noa push answer time at /http/oa (safe mode), ${PUSHES} pushes per kind, one at a time; ` +
        `each WeChat OA call held back ${DELAY_MS} ms by the simulator\n`,
    );
    console.log(
      '| push | p50 ms | p99 ms | p50 × plain follow | p99 × plain follow | ours at p50 ms | database round trips | WeChat calls |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const { name, timings } of kinds) {
      const p50 = percentile(timings, 0.5);
      const p99 = percentile(timings, 0.99);
      console.log(
        `| ${name} | ${p50} | ${p99} | ${(p50 / Math.max(1, refP50)).toFixed(2)} | ${(
          p99 / Math.max(1, refP99)
        ).toFixed(
          2,
        )} | ${p50 - sendsLatency(timings)} | ${range(timings.map((t) => t.database))} | ${range(
          timings.map((t) => t.wechat),
        )} |`,
      );
    }
    console.log(
      `\nOf a scan's answer, about 3 × ${DELAY_MS} = ${3 * DELAY_MS} ms is WeChat's simulated ` +
        `latency: the three sends go one after another (order matters), tagging beside them. ` +
        `WeChat gives up on an answer after 5,000 ms; the issue's target is a p99 under 500 ms.`,
    );
    console.log(
      `metrics after the run: ${metrics.scans} scans, ${metrics.scanners} scanners, ` +
        `${metrics.newFollowers} new followers, ${metrics.repliesSent} replies sent`,
    );
    // The run measured nothing if the welcome did not go out.
    const expectedScans = 2 * PUSHES + 5;
    if (metrics.scans !== expectedScans || metrics.repliesSent !== expectedScans) {
      console.error(`expected ${expectedScans} scans with their replies sent`);
      process.exitCode = 1;
    }
  } finally {
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
