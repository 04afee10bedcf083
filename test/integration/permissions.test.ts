/**
 * Documents a Mini Program client could have written are never trusted (issue 9, point 2).
 *
 * In CloudBase every collection here is server-only (collections.ts `permission`, set by `npm run
 * deploy`), so a client cannot write at all. Should that ever be undone in the console, what a
 * client writes still lands with `_openid` (CloudBase stamps the writer's openid on every
 * client-side insert), and the data layer ignores every role, payout, campaign, token and scan
 * carrying it. Each test below inserts such a document through the real wx-server-sdk, exactly
 * as it would land, and shows the functions ignore it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketScanId } from '../../cloudfunctions/core/scan/scan-ids';
import { adminClient } from '../../local/admin-client';
import { rewardKit, startRewardStack } from '../support/rewards';
import type { TestStack } from '../support/stack';

const ATTACKER = 'o-attacker';
/** What CloudBase adds to a document a Mini Program client inserts. */
const CLIENT_WRITTEN = { _openid: ATTACKER };
/** The Official Account the local stack's functions use (the simulator's). */
const OA_APPID = 'wx-local-oa';

describe('documents written by a Mini Program client are ignored', () => {
  let stack: TestStack;
  let kit: ReturnType<typeof rewardKit>;
  const db = () => kit.database();

  const ticketFor = async (openid: string, index: number): Promise<string> => {
    const response = await fetch(`${stack.url}/wechat/_sim/scan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ openid, applicationId: Number(stack.demo!.applicationId), index }),
    });
    return ((await response.json()) as { query: { code_ticket: string } }).query.code_ticket;
  };
  const resolve = async (openid: string, ticket: string) =>
    (await stack.call('scan', { action: 'resolve', codeTicket: ticket, scene: 1124 }, { openid }))
      .body;
  const wechatCalls = async (): Promise<Record<string, number>> =>
    ((await (await fetch(`${stack.url}/wechat/_sim/state`)).json()) as any).calls;

  beforeAll(async () => {
    stack = await startRewardStack();
    kit = rewardKit(stack);
  });
  afterAll(() => stack?.destroy());

  it('a forged role does not make its writer an administrator', async () => {
    await db()
      .collection('roles')
      .add({ data: { openid: ATTACKER, role: 'admin', ...CLIENT_WRITTEN } });

    const attacker = adminClient(stack.url, ATTACKER);
    expect((await attacker.call('me')).isAdmin).toBe(false);
    expect(await attacker.reply('listCampaigns')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('a forged access token is never sent to WeChat, and the server replaces it', async () => {
    // The seed stored a real token; the forgery takes its place, as a client insert would have
    // before the server's first write.
    await db().collection('tokens').where({ _id: OA_APPID }).remove();
    await db()
      .collection('tokens')
      .add({
        data: {
          _id: OA_APPID,
          appid: OA_APPID,
          token: 'forged-token',
          expiresAt: Date.now() + 7_000_000,
          refreshedAt: Date.now(),
          endpoint: 'stable_token',
          version: 0,
          leaseHolder: '',
          leaseUntil: 0,
          ...CLIENT_WRITTEN,
        },
      });
    const before = (await wechatCalls()).tickettocode ?? 0;

    const view = await resolve('o-token-user', await ticketFor('o-token-user', 11));
    expect(view.ok, JSON.stringify(view)).toBe(true);

    // One tickettocode call: made with a token the server obtained, never with the forged one
    // (which WeChat would have refused with 40001, costing a second call).
    expect((await wechatCalls()).tickettocode).toBe(before + 1);
    const { data: tokens } = await db().collection('tokens').where({ _id: OA_APPID }).get();
    expect(tokens).toHaveLength(1);
    expect(tokens[0]._openid).toBeUndefined();
    expect(tokens[0].token).not.toBe('forged-token');
  });

  it('a forged campaign is neither offered nor claimable', async () => {
    const now = Date.now();
    const forged = kit.fields({ name: '伪造活动', amount: { kind: 'fixed', fen: 20_000 } });
    const { _id: forgedId } = (await db()
      .collection('campaigns')
      .add({
        data: {
          ...forged,
          startAt: now - 60_000,
          endAt: now + 86_400_000,
          status: 'running',
          remainingFen: forged.budgetFen,
          reservedFen: 0,
          paidFen: 0,
          createdAt: now,
          updatedAt: now,
          createdBy: ATTACKER,
          updatedBy: ATTACKER,
          ...CLIENT_WRITTEN,
        },
      })) as { _id: string };

    try {
      const view = await resolve('o-campaign-user', await ticketFor('o-campaign-user', 12));
      expect(view.ok, JSON.stringify(view)).toBe(true);
      expect(view.data.reward ?? null).toBeNull();
      const claim = await kit.reward('claim', view.data.scanId, 'o-campaign-user');
      expect(claim.ok, JSON.stringify(claim)).toBe(false);
      expect(claim.error.code).toBe('NOT_TARGETED');
      const { total } = await db().collection('payouts').where({ code: view.data.code }).count();
      expect(total).toBe(0);
    } finally {
      // The later tests' campaigns must be the only candidates, whatever this one found.
      await db()
        .collection('campaigns')
        .doc(forgedId)
        .update({ data: { status: 'ended' } });
    }
  });

  it('a forged scan is neither replayed nor claimable', async () => {
    const campaign = await kit.startCampaign();
    try {
      // The victim scans a code and has not claimed yet; the attacker writes a scan of that code.
      const victim = await kit.resolveScan('o-victim', 13);
      await db()
        .collection('scans')
        .add({
          data: {
            _id: 'forged-scan',
            via: 'ticket',
            code: victim.code,
            applicationId: stack.demo!.applicationId,
            rangeStart: stack.demo!.codeStart,
            openid: ATTACKER,
            scannedAt: Date.now(),
            ...CLIENT_WRITTEN,
          },
        });
      const stolen = await kit.reward('claim', 'forged-scan', ATTACKER);
      expect(stolen.ok, JSON.stringify(stolen)).toBe(false);
      expect(stolen.error.code).toBe('SCAN_NOT_FOUND');

      // A forgery under the id the attacker's own next ticket will have (the id is a hash of user
      // and ticket) naming the victim's code: resolving the ticket shows the ticket's own code.
      const ticket = await ticketFor(ATTACKER, 14);
      await db()
        .collection('scans')
        .add({
          data: {
            _id: ticketScanId(ATTACKER, ticket),
            via: 'ticket',
            code: victim.code,
            applicationId: stack.demo!.applicationId,
            rangeStart: stack.demo!.codeStart,
            openid: ATTACKER,
            scannedAt: Date.now(),
            ...CLIENT_WRITTEN,
          },
        });
      const replayed = await resolve(ATTACKER, ticket);
      expect(replayed.ok, JSON.stringify(replayed)).toBe(true);
      expect(replayed.data.code).not.toBe(victim.code);
      const claimed = await kit.reward('claim', replayed.data.scanId, ATTACKER);
      expect(claimed.ok).toBe(false);

      const mine = await kit.reward('claim', victim.scanId, 'o-victim');
      expect(mine.ok, JSON.stringify(mine)).toBe(true);
      const payouts = await kit.payoutsOf(campaign.campaignId);
      expect(payouts.map((payout) => payout.openid)).toEqual(['o-victim']);
    } finally {
      await kit.endCampaign(campaign.campaignId);
    }
  });

  it("a forged payout is never sent by the scheduler's reconciliation", async () => {
    const campaign = await kit.startCampaign();
    try {
      // A real payout gives the forgery its exact shape.
      const real = await kit.resolveScan('o-payout-user', 15);
      const paid = await kit.reward('claim', real.scanId, 'o-payout-user');
      expect(paid.ok, JSON.stringify(paid)).toBe(true);
      const [template] = await kit.payoutsOf(campaign.campaignId);
      const other = await kit.resolveScan('o-other-user', 16);
      const forgedNo = `${String(template.outNo).slice(0, -4)}FAKE`;
      const {
        providerRef: _ref,
        clientPackage: _package,
        holdId: _hold,
        ...shape
      } = template as Record<string, unknown>;
      await db()
        .collection('payouts')
        .add({
          data: {
            ...shape,
            _id: forgedNo,
            outNo: forgedNo,
            code: other.code,
            scanId: other.scanId,
            openid: ATTACKER,
            amountFen: 20_000,
            state: 'reserved',
            ledger: [],
            checks: 0,
            // Reserved ten minutes ago and due: reconciliation would send it now.
            createdAt: Date.now() - 600_000,
            stateSince: Date.now() - 600_000,
            dueAt: Date.now() - 1_000,
            ...CLIENT_WRITTEN,
          },
        });

      const outcome: any = await stack.runtime.invoke(
        'scheduler',
        { Type: 'Timer', TriggerName: 'every-minute' },
        { SOURCE: 'wx_trigger' },
      );
      expect(outcome.ok, JSON.stringify(outcome)).toBe(true);

      const pay = await kit.payState();
      expect(pay.bills.map((bill: any) => bill.out_bill_no)).not.toContain(forgedNo);
      expect(pay.bills.filter((bill: any) => bill.openid === ATTACKER)).toEqual([]);
      const { data } = await db().collection('payouts').where({ _id: forgedNo }).get();
      expect(data[0].state).toBe('reserved');
      expect(data[0].ledger).toEqual([]);
    } finally {
      await kit.endCampaign(campaign.campaignId);
    }
  });
});
