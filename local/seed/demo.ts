/**
 * The demo brand `npm start` sets up, so a newcomer sees a real landing page within a minute:
 * 码上山泉's 山泉水 550ml, with pictures and a six-step origin trace, on 10,000 activated codes,
 * and a running red-envelope campaign on those codes, claimable in the web preview (what each of
 * them holds: demo-content.ts).
 *
 * Everything goes through the same doors an operator uses: the `admin` function's actions as the
 * local administrator (apply → refresh until FINISH → import → activate → product → bind →
 * campaign → an invite for each demo member, accepted by that member), and the CloudBase storage
 * protocol for the pictures (what `wx.cloud.uploadFile` does from the admin pages). Idempotent:
 * every step finds what an earlier run made (the order id is WeChat's idempotency key, the
 * pictures have fixed paths, the product is found by title and brand, the campaign by name and
 * range; one an operator paused stays paused; a member keeps the role they have).
 *
 *   await seedDemo(stack)                          as `npm start` does, after its ready line
 *   startTestStack({ seed: true })                 the same in a test (test/support/stack.ts),
 *                                                  without the campaign
 *   startTestStack({ seed: { campaign: true } })   with it
 */
import type {
  AdminProductView,
  CampaignView,
  CodeApplicationView,
  MemberRole,
  ProductFields,
} from '../../typings/admin';
import { adminClient, type AdminClient } from '../admin-client';
import { formatYuan } from '../../cloudfunctions/core/domain/amount';
import { campaignRangeId } from '../../cloudfunctions/core/domain/campaign';
import { batchTrace, DEMO, demoCampaignFields, productFields } from './demo-content';
import { DEMO_IMAGE_NAMES, demoImage } from './images';

// DEMO is what the preview and many tests import from here, with the seed.
export { DEMO } from './demo-content';

export interface DemoSeed {
  applicationId: string;
  codeStart: number;
  codeEnd: number;
  productId: string;
  /** Cloud file IDs of the product pictures. */
  images: string[];
  /** The demo campaign (running unless an operator paused it), when the seed made one. */
  campaignId?: string;
}

export interface SeedTarget {
  /** Base URL of a running local stack. */
  url: string;
  /** The functions' settings (for ADMIN_OPENIDS); default: the demo's administrator. */
  settings?: Readonly<Record<string, string>>;
}

export interface SeedOptions {
  log?: (line: string) => void;
  /** How long to wait for WeChat's FINISH (the simulator takes about 2 s). */
  finishTimeoutMs?: number;
  /** Whether to set up the demo reward campaign (default true). */
  campaign?: boolean;
}

export async function seedDemo(stack: SeedTarget, options: SeedOptions = {}): Promise<DemoSeed> {
  const log = options.log ?? ((line: string) => console.log(line));
  const admin = adminCaller(stack);

  const applied = await admin.call('applyCodes', {
    count: DEMO.codeCount,
    isvApplicationId: DEMO.isvApplicationId,
  });
  const application = await untilFinished(
    admin,
    applied.application,
    options.finishTimeoutMs ?? 60_000,
  );
  const { applicationId } = application;
  const generated = application.ranges[0];
  if (!generated) throw new Error(`demo: application ${applicationId} has no code range`);
  const codeStart = generated.codeStart + DEMO.activated.from;
  const codeEnd = generated.codeStart + DEMO.activated.to;

  await admin.call('importRange', { applicationId, ...generated });
  const ranges = await admin.call('listRanges', { applicationId });
  const activated = ranges.segments.some(
    (segment) =>
      segment.activation?.codeStart === codeStart &&
      segment.activation.codeEnd === codeEnd &&
      segment.activation.wxaPath === DEMO.wxaPath,
  );
  if (!activated) {
    await admin.call('activateRange', {
      applicationId,
      codeStart,
      codeEnd,
      activityName: '码上山泉 · 扫码验真',
      productBrand: DEMO.product.brand,
      productTitle: DEMO.product.title,
      productCode: DEMO.product.ean,
      wxaPath: DEMO.wxaPath,
    });
  }

  const images = await uploadImages(stack.url);
  const product = await saveProduct(admin, productFields(images));
  await admin.call('bindProduct', {
    applicationId,
    codeStart,
    productId: product.productId,
    traceSteps: batchTrace(),
  });

  const campaign =
    options.campaign === false ? undefined : await runDemoCampaign(admin, applicationId, codeStart);
  await joinDemoMembers(admin);

  log(
    `demo: application ${applicationId} (order ${DEMO.isvApplicationId}), codes ${codeStart}–${codeEnd} ` +
      `activated → ${DEMO.product.title} (${DEMO.product.brand}), product ${product.productId}`,
  );
  if (campaign) {
    log(
      `demo: campaign 「${campaign.name}」 ${campaign.status} on those codes ` +
        `(${campaign.campaignId}): red envelopes of ` +
        `${formatYuan(DEMO.campaign.minFen)}–${formatYuan(DEMO.campaign.maxFen)} 元, ` +
        `to claim in the preview after a scan`,
    );
  }
  log(
    `demo: console members ${Object.entries(DEMO.members)
      .map(([role, openid]) => `${openid} (${role})`)
      .join(', ')}: pick one in the preview's user list to see the console as that role`,
  );
  log(
    `demo: scan index ${DEMO.activated.from}–${DEMO.activated.to} as ${DEMO.users.alice} or ${DEMO.users.bob}: ` +
      `curl -s -XPOST ${stack.url}/wechat/_sim/scan -H 'content-type: application/json' ` +
      `-d '{"openid":"${DEMO.users.alice}","applicationId":${applicationId},"index":0}'`,
  );
  log(
    `demo: then resolve its code_ticket: curl -s -XPOST ${stack.url}/functions/scan ` +
      `-H 'content-type: application/json' -H 'x-wx-openid: ${DEMO.users.alice}' ` +
      `-d '{"action":"resolve","codeTicket":"<code_ticket>","scene":1124}'`,
  );
  return {
    applicationId,
    codeStart,
    codeEnd,
    productId: product.productId,
    images,
    ...(campaign ? { campaignId: campaign.campaignId } : {}),
  };
}

/** The demo application's id on a running stack, or undefined before the seed made it. */
export async function demoApplicationId(stack: SeedTarget): Promise<string | undefined> {
  const admin = adminCaller(stack);
  for (let offset = 0; ; offset += 100) {
    const { applications } = await admin.call('listApplications', {
      limit: 100,
      offset,
    });
    const found = applications.find((a) => a.isvApplicationId === DEMO.isvApplicationId);
    if (found) return found.applicationId;
    if (applications.length < 100) return undefined;
  }
}

/**
 * Each demo member joins with an invite for its role (createInvite as the administrator,
 * acceptInvite as the member). Idempotent: a member who already has a role keeps it (an operator
 * may have changed it on purpose); only one who is not a member is invited.
 */
async function joinDemoMembers(admin: AdminClient): Promise<void> {
  for (const [role, openid] of Object.entries(DEMO.members) as [MemberRole, string][]) {
    const member = admin.as(openid);
    const me = await member.call('me');
    if (me.role !== null) continue;
    const invite = await admin.call('createInvite', { role });
    await member.call('acceptInvite', { inviteCode: invite.inviteCode });
  }
}

/** The seed acts as the first of the stack's ADMIN_OPENIDS, else as the demo's administrator. */
function adminCaller(stack: SeedTarget): AdminClient {
  const openid =
    (stack.settings?.ADMIN_OPENIDS ?? '')
      .split(',')
      .map((id) => id.trim())
      .find(Boolean) ?? DEMO.admin;
  return adminClient(stack.url, openid);
}

async function untilFinished(
  admin: AdminClient,
  application: CodeApplicationView,
  timeoutMs: number,
): Promise<CodeApplicationView> {
  const deadline = Date.now() + timeoutMs;
  let current = application;
  while (!current.ready) {
    if (Date.now() > deadline) {
      throw new Error(`demo: application ${current.applicationId} is still ${current.status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    current = await admin.call('refreshApplication', {
      applicationId: current.applicationId,
    });
  }
  return current;
}

/**
 * The demo campaign on the demo range: the one an earlier run made while it can still run (a
 * draft is started, a paused one left paused), else a new one, started.
 */
async function runDemoCampaign(
  admin: AdminClient,
  applicationId: string,
  codeStart: number,
): Promise<CampaignView> {
  const rangeId = campaignRangeId({ applicationId, codeStart });
  const now = Date.now();
  const found: CampaignView[] = [];
  for (let offset = 0; ; offset += 100) {
    const { campaigns } = await admin.call('listCampaigns', { limit: 100, offset });
    found.push(...campaigns);
    if (campaigns.length < 100) break;
  }
  const existing = found.find(
    (campaign) =>
      campaign.name === DEMO.campaign.name &&
      campaign.targeting.rangeIds.includes(rangeId) &&
      campaign.status !== 'ended' &&
      Date.parse(campaign.endAt) > now &&
      campaign.budget.remainingFen >= DEMO.campaign.maxFen,
  );
  if (existing && existing.status !== 'draft') return existing;
  const campaignId =
    existing?.campaignId ??
    (await admin.call('createCampaign', { ...demoCampaignFields(rangeId, now) })).campaign
      .campaignId;
  const started = await admin.call('setCampaignStatus', {
    campaignId,
    status: 'running',
  });
  return started.campaign;
}

async function saveProduct(admin: AdminClient, fields: ProductFields): Promise<AdminProductView> {
  const { products } = await admin.call('listProducts', { limit: 100 });
  const existing = products.find((p) => p.title === fields.title && p.brand === fields.brand);
  const saved = existing
    ? await admin.call('updateProduct', { productId: existing.productId, ...fields })
    : await admin.call('createProduct', { ...fields });
  return saved.product;
}

/**
 * Uploads the pictures through the CloudBase storage protocol (getUploadMetadata, then a PUT to
 * the URL it hands out), unless they are there from an earlier run. Returns their file IDs.
 */
async function uploadImages(url: string): Promise<string[]> {
  const storage = async (action: string, body: Record<string, unknown>) => {
    const response = await fetch(`${url}/admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action, ...body }),
    });
    const reply = (await response.json()) as { data?: Record<string, unknown>; message?: string };
    if (!response.ok || !reply.data) throw new Error(`demo: ${action} failed: ${reply.message}`);
    return reply.data;
  };
  const fileIds: string[] = [];
  for (const name of DEMO_IMAGE_NAMES) {
    const path = `${DEMO.imageFolder}/${name}`;
    const target = (await storage('storage.getUploadMetadata', { path })) as {
      url: string;
      authorization: string;
      fileId: string;
    };
    const { download_list: found } = (await storage('storage.batchGetDownloadUrl', {
      file_list: [{ fileid: target.fileId, max_age: 60 }],
    })) as { download_list: { tempFileURL?: string }[] };
    if (!found[0]?.tempFileURL) {
      const put = await fetch(target.url, {
        method: 'PUT',
        headers: { authorization: target.authorization, 'content-type': 'image/png' },
        body: await demoImage(name),
      });
      if (!put.ok) throw new Error(`demo: uploading ${path} failed: HTTP ${put.status}`);
    }
    fileIds.push(target.fileId);
  }
  return fileIds;
}
