/**
 * The landing page's reward offer (core/rewards/offer.ts): which campaign is offered for a code,
 * and the per-instance list of running campaigns that keeps a scan's and a claim's round trips
 * fixed (core/rewards/running-campaigns.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import type { Campaign } from '../../cloudfunctions/core/domain/campaign';
import { rewardOffer, type OfferedCode } from '../../cloudfunctions/core/rewards/offer';
import { ExpiringList } from '../../cloudfunctions/core/rewards/running-campaigns';

const NOW = Date.parse('2025-03-10T12:00:00+08:00');
const DAY = 24 * 3_600_000;

function campaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    id: 'camp-1',
    name: '扫码有礼',
    status: 'running',
    startAt: NOW - DAY,
    endAt: NOW + 30 * DAY,
    createdAt: NOW - 2 * DAY,
    budgetFen: 1_000_000,
    amount: { kind: 'fixed', fen: 100 },
    firstScanOnly: false,
    allowTypedCodes: false,
    amountDisplay: 'shown',
    targeting: { productIds: ['p-tea'], rangeIds: [] },
    limits: { perCode: 1, perUserPerDay: 3, perUserPerCampaign: 10 },
    payout: {
      provider: 'v2-redpacket',
      sendName: '码上茶业',
      wishing: '感谢您的购买',
      actName: '扫码有礼',
      remark: '每个码限领一次',
    },
    risk: { openidBlacklist: [], maxClaimsPerIpPerHour: null, excludeSuspicious: true },
    ...overrides,
  };
}

const CODE: OfferedCode = {
  code: 'A1B2C3D4E',
  via: 'ticket',
  applicationId: '7001',
  codeStart: 0,
  productId: 'p-tea',
  verdict: 'GENUINE_REPEAT',
};

describe('rewardOffer', () => {
  it('offers the best ranked campaign: a range campaign before a product one', () => {
    const offer = rewardOffer(
      [
        campaign({ id: 'by-product', endAt: NOW + DAY }),
        campaign({
          id: 'by-range',
          name: '本批次红包',
          amount: { kind: 'uniform', minFen: 50, maxFen: 200 },
          targeting: { productIds: [], rangeIds: ['7001:0'] },
        }),
      ],
      CODE,
      NOW,
    );
    expect(offer).toEqual({
      campaignId: 'by-range',
      name: '本批次红包',
      amountDisplay: 'shown',
      amountText: '0.50–2.00',
      provider: 'v2-redpacket',
    });
  });

  it('hides the amount when the campaign says so', () => {
    const offer = rewardOffer([campaign({ amountDisplay: 'hidden-until-opened' })], CODE, NOW);
    expect(offer).toEqual({
      campaignId: 'camp-1',
      name: '扫码有礼',
      amountDisplay: 'hidden-until-opened',
      provider: 'v2-redpacket',
    });
  });

  it('offers nothing outside status, window and targeting; the rest waits for the claim', () => {
    expect(rewardOffer([campaign({ status: 'paused' })], CODE, NOW)).toBeUndefined();
    expect(rewardOffer([campaign({ startAt: NOW + 1 })], CODE, NOW)).toBeUndefined();
    expect(rewardOffer([campaign({ endAt: NOW })], CODE, NOW)).toBeUndefined();
    expect(rewardOffer([campaign()], { ...CODE, productId: 'p-other' }, NOW)).toBeUndefined();
    const { productId: _productId, ...unbound } = CODE;
    expect(rewardOffer([campaign()], unbound, NOW)).toBeUndefined();
    // A suspicious code or a first-scan-only campaign on a repeat scan: the claim refuses them.
    expect(
      rewardOffer([campaign({ firstScanOnly: true })], { ...CODE, verdict: 'SUSPICIOUS' }, NOW),
    ).toMatchObject({ campaignId: 'camp-1' });
  });

  it('offers a typed code only campaigns that let typed codes claim', () => {
    const typed: OfferedCode = { ...CODE, via: 'code' };
    expect(rewardOffer([campaign()], typed, NOW)).toBeUndefined();
    expect(
      rewardOffer([campaign(), campaign({ id: 'typed-ok', allowTypedCodes: true })], typed, NOW),
    ).toMatchObject({ campaignId: 'typed-ok' });
  });
});

describe('ExpiringList', () => {
  function list(ttlMs = 60_000) {
    let now = 0;
    const load = vi.fn(async () => [`read at ${now}`]);
    const expiring = new ExpiringList(load, ttlMs, 'items', () => now);
    return { expiring, load, advance: (ms: number) => (now += ms) };
  }

  it('reads once, then answers from memory until the TTL is up', async () => {
    const { expiring, load, advance } = list();
    expect((await expiring.read()).items).toEqual(['read at 0']);
    advance(59_999);
    expect((await expiring.read()).items).toEqual(['read at 0']);
    expect(load).toHaveBeenCalledTimes(1);
    advance(1);
    expect((await expiring.read()).items).toEqual(['read at 60000']);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('lets a caller see the list it holds without reading, only while it is fresh', async () => {
    const { expiring, load, advance } = list();
    expect(expiring.peek()).toBeUndefined();
    expect(load).not.toHaveBeenCalled();
    await expiring.read();
    advance(59_999);
    expect(expiring.peek()).toEqual(['read at 0']);
    advance(1);
    expect(expiring.peek()).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('shares one read among concurrent callers', async () => {
    const { expiring, load } = list();
    const answers = await Promise.all([expiring.read(), expiring.read(), expiring.read()]);
    expect(answers.map((answer) => answer.items)).toEqual([
      ['read at 0'],
      ['read at 0'],
      ['read at 0'],
    ]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('never rejects: a failed read answers the last list, and the next caller reads again', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let now = 0;
    const load = vi.fn<() => Promise<string[]>>().mockRejectedValueOnce(new Error('boom'));
    const expiring = new ExpiringList(load, 1_000, 'items', () => now);
    expect((await expiring.read()).items).toEqual([]);
    load.mockResolvedValueOnce(['fresh']);
    expect((await expiring.read()).items).toEqual(['fresh']);
    now = 1_000;
    load.mockRejectedValueOnce(new Error('down again'));
    expect((await expiring.read()).items).toEqual(['fresh']);
    expect(load).toHaveBeenCalledTimes(3);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('reading items failed'));
    warn.mockRestore();
  });

  it('a load that throws at once still lets the next caller read again', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const load = vi
      .fn<() => Promise<string[]>>()
      .mockImplementationOnce(() => {
        throw new Error('sync');
      })
      .mockResolvedValueOnce(['ok']);
    const expiring = new ExpiringList(load, 1_000, 'items', () => 0);
    expect((await expiring.read()).items).toEqual([]);
    expect((await expiring.read()).items).toEqual(['ok']);
    warn.mockRestore();
  });

  it('reads now when asked for a fresh list, keeps it, and says when each list was read', async () => {
    const { expiring, load, advance } = list();
    expect(await expiring.read()).toEqual({ items: ['read at 0'], loadedAt: 0 });
    advance(10);
    expect(await expiring.fresh()).toEqual({ items: ['read at 10'], loadedAt: 10 });
    advance(10);
    expect(await expiring.read()).toEqual({ items: ['read at 10'], loadedAt: 10 });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('a fresh read that fails rejects, and keeps the last list', async () => {
    let now = 0;
    const load = vi.fn<() => Promise<string[]>>().mockResolvedValueOnce(['kept']);
    const expiring = new ExpiringList(load, 1_000, 'items', () => now);
    await expiring.read();
    now = 5;
    load.mockRejectedValueOnce(new Error('down'));
    await expect(expiring.fresh()).rejects.toThrow('down');
    expect(await expiring.read()).toEqual({ items: ['kept'], loadedAt: 0 });
  });

  it('a forgotten list is read again by the next caller, TTL or not', async () => {
    const { expiring, load, advance } = list();
    await expiring.read();
    advance(1);
    expiring.forget();
    expect((await expiring.read()).items).toEqual(['read at 1']);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
