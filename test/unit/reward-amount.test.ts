/**
 * The amount rules (core/domain/amount.ts): validation, exact draws at the edges of the
 * rejection sampling, rough distributions from a seeded source, the budget cap, and node:crypto
 * as the default source.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

// Wrap randomInt so the test can see the default source go through it.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, randomInt: vi.fn(actual.randomInt) };
});

import { randomInt } from 'node:crypto';
import {
  amountBounds,
  formatYuan,
  tierProbabilities,
  validateAmountRule,
  type AmountRule,
} from '../../cloudfunctions/core/domain/amount';
import {
  cryptoRandomSource,
  drawAmount,
  uniformBelow,
  type RandomSource,
} from '../../cloudfunctions/core/domain/amount-draw';

const TWO_POW_32 = 2 ** 32;

/** Hands out the given words in order; fails the test if the draw wants more. */
function scripted(...words: number[]): RandomSource & { used: () => number } {
  let i = 0;
  return {
    nextUint32: () => {
      if (i >= words.length) throw new Error('scripted source exhausted');
      return words[i++];
    },
    used: () => i,
  };
}

/** mulberry32: a small seeded generator, good enough to check rough frequencies. */
function seeded(seed: number): RandomSource {
  let state = seed >>> 0;
  return {
    nextUint32: () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (t ^ (t >>> 14)) >>> 0;
    },
  };
}

const rejectionLimit = (n: number): number => TWO_POW_32 - (TWO_POW_32 % n);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('validateAmountRule', () => {
  it('accepts well-formed rules', () => {
    expect(validateAmountRule({ kind: 'fixed', fen: 100 })).toEqual([]);
    expect(validateAmountRule({ kind: 'uniform', minFen: 100, maxFen: 100 })).toEqual([]);
    expect(
      validateAmountRule({
        kind: 'tiers',
        tiers: [
          { fen: 100, weight: 7 },
          { fen: 500, weight: 3 },
        ],
      }),
    ).toEqual([]);
  });

  it('refuses zero, negative and fractional fen', () => {
    for (const fen of [0, -1, 1.5, Number.NaN]) {
      expect(validateAmountRule({ kind: 'fixed', fen })).toEqual([
        { path: 'amount.fen', message: '固定金额须为正整数（单位：分）' },
      ]);
    }
  });

  it('refuses min above max', () => {
    expect(validateAmountRule({ kind: 'uniform', minFen: 200, maxFen: 100 })).toEqual([
      { path: 'amount', message: '最小金额不能大于最大金额' },
    ]);
  });

  it('refuses empty, oversized and badly weighted tier tables', () => {
    expect(validateAmountRule({ kind: 'tiers', tiers: [] })).toContainEqual({
      path: 'amount.tiers',
      message: '请至少设置一档金额',
    });
    const many = Array.from({ length: 21 }, () => ({ fen: 100, weight: 1 }));
    expect(validateAmountRule({ kind: 'tiers', tiers: many })).toContainEqual({
      path: 'amount.tiers',
      message: '金额档位最多 20 档',
    });
    const issues = validateAmountRule({
      kind: 'tiers',
      tiers: [
        { fen: 100, weight: 0 },
        { fen: 200, weight: 0.5 },
        { fen: 300, weight: -2 },
      ],
    });
    expect(issues.map((issue) => issue.message)).toEqual([
      '第 1 档权重须为正整数',
      '第 2 档权重须为正整数',
      '第 3 档权重须为正整数',
    ]);
    expect(
      validateAmountRule({
        kind: 'tiers',
        tiers: [
          { fen: 100, weight: TWO_POW_32 },
          { fen: 200, weight: 1 },
        ],
      }),
    ).toContainEqual({ path: 'amount.tiers', message: '权重之和过大，请按比例缩小' });
  });
});

describe('amountBounds and tierProbabilities', () => {
  it('gives the smallest and largest possible amount', () => {
    expect(amountBounds({ kind: 'fixed', fen: 88 })).toEqual({ minFen: 88, maxFen: 88 });
    expect(amountBounds({ kind: 'uniform', minFen: 100, maxFen: 300 })).toEqual({
      minFen: 100,
      maxFen: 300,
    });
    expect(
      amountBounds({
        kind: 'tiers',
        tiers: [
          { fen: 500, weight: 1 },
          { fen: 100, weight: 1 },
          { fen: 300, weight: 1 },
        ],
      }),
    ).toEqual({ minFen: 100, maxFen: 500 });
  });

  it('turns weights into probabilities', () => {
    expect(
      tierProbabilities([
        { fen: 1, weight: 3 },
        { fen: 2, weight: 1 },
      ]),
    ).toEqual([0.75, 0.25]);
  });
});

describe('uniformBelow', () => {
  it('maps the lowest and the highest accepted word to 0 and n − 1', () => {
    const n = 401;
    expect(uniformBelow(n, scripted(0))).toBe(0);
    expect(uniformBelow(n, scripted(rejectionLimit(n) - 1))).toBe(n - 1);
  });

  it('throws away words at or above the rejection limit and draws again', () => {
    const n = 3;
    const source = scripted(rejectionLimit(n), TWO_POW_32 - 1, 7);
    expect(uniformBelow(n, source)).toBe(7 % 3);
    expect(source.used()).toBe(3);
  });

  it('rejects nothing when n divides 2^32', () => {
    expect(uniformBelow(4, scripted(TWO_POW_32 - 1))).toBe(3);
    expect(uniformBelow(TWO_POW_32, scripted(TWO_POW_32 - 1))).toBe(TWO_POW_32 - 1);
    expect(uniformBelow(1, scripted(123456))).toBe(0);
  });

  it('refuses a range it cannot draw from without bias', () => {
    for (const n of [0, -1, 2.5, TWO_POW_32 + 1]) {
      expect(() => uniformBelow(n, scripted())).toThrow(RangeError);
    }
  });
});

describe('drawAmount', () => {
  const uniform: AmountRule = { kind: 'uniform', minFen: 100, maxFen: 500 };
  const tiers: AmountRule = {
    kind: 'tiers',
    tiers: [
      { fen: 100, weight: 1 },
      { fen: 500, weight: 2 },
      { fen: 2000, weight: 1 },
    ],
  };

  it('pays a fixed amount without touching the random source', () => {
    const source = scripted();
    expect(drawAmount({ kind: 'fixed', fen: 188 }, source)).toBe(188);
    expect(source.used()).toBe(0);
  });

  it('draws uniform amounts exactly at both ends', () => {
    expect(drawAmount(uniform, scripted(0))).toBe(100);
    expect(drawAmount(uniform, scripted(rejectionLimit(401) - 1))).toBe(500);
    // A rejected word never becomes an amount: the next one decides.
    expect(drawAmount(uniform, scripted(rejectionLimit(401), 5))).toBe(105);
  });

  it('walks the tiers by cumulative weight', () => {
    // Total weight 4: tickets 0 | 1 2 | 3.
    expect([0, 1, 2, 3].map((word) => drawAmount(tiers, scripted(word)))).toEqual([
      100, 500, 500, 2000,
    ]);
  });

  it('draws roughly uniformly from a seeded source', () => {
    const source = seeded(42);
    const counts = new Map<number, number>();
    const draws = 50_000;
    for (let i = 0; i < draws; i++) {
      const fen = drawAmount({ kind: 'uniform', minFen: 1, maxFen: 10 }, source)!;
      counts.set(fen, (counts.get(fen) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const count of counts.values()) expect(Math.abs(count / draws - 0.1)).toBeLessThan(0.01);
  });

  it('draws tiers with their probabilities from a seeded source', () => {
    const rule: AmountRule = {
      kind: 'tiers',
      tiers: [
        { fen: 100, weight: 70 },
        { fen: 500, weight: 25 },
        { fen: 5000, weight: 5 },
      ],
    };
    const source = seeded(7);
    const counts: Record<number, number> = { 100: 0, 500: 0, 5000: 0 };
    const draws = 50_000;
    for (let i = 0; i < draws; i++) counts[drawAmount(rule, source)!]++;
    expect(Math.abs(counts[100] / draws - 0.7)).toBeLessThan(0.01);
    expect(Math.abs(counts[500] / draws - 0.25)).toBeLessThan(0.01);
    expect(Math.abs(counts[5000] / draws - 0.05)).toBeLessThan(0.005);
  });

  it('keeps under the budget cap, and says when nothing fits', () => {
    expect(drawAmount({ kind: 'fixed', fen: 100 }, scripted(), { capFen: 100 })).toBe(100);
    expect(drawAmount({ kind: 'fixed', fen: 100 }, scripted(), { capFen: 99 })).toBeNull();
    // Capped at 150: 51 values, the highest accepted word gives the cap itself.
    expect(drawAmount(uniform, scripted(rejectionLimit(51) - 1), { capFen: 150 })).toBe(150);
    expect(drawAmount(uniform, scripted(), { capFen: 99 })).toBeNull();
    // Capped at 600: only 100 (weight 1) and 500 (weight 2) remain, total 3.
    expect([0, 1, 2].map((word) => drawAmount(tiers, scripted(word), { capFen: 600 }))).toEqual([
      100, 500, 500,
    ]);
    expect(drawAmount(tiers, scripted(), { capFen: 50 })).toBeNull();
  });

  it('uses node:crypto randomInt by default, never Math.random', () => {
    const mathRandom = vi.spyOn(Math, 'random');
    const calls = vi.mocked(randomInt).mock.calls.length;
    for (let i = 0; i < 100; i++) {
      const fen = drawAmount(uniform)!;
      expect(fen).toBeGreaterThanOrEqual(100);
      expect(fen).toBeLessThanOrEqual(500);
      expect(Number.isInteger(fen)).toBe(true);
    }
    expect(vi.mocked(randomInt).mock.calls.length).toBeGreaterThanOrEqual(calls + 100);
    expect(vi.mocked(randomInt)).toHaveBeenLastCalledWith(0, TWO_POW_32);
    expect(mathRandom).not.toHaveBeenCalled();
    const word = cryptoRandomSource.nextUint32();
    expect(Number.isInteger(word) && word >= 0 && word < TWO_POW_32).toBe(true);
  });
});

describe('formatYuan', () => {
  it('shows fen as yuan with two decimals', () => {
    expect([1, 10, 100, 1234, 20000, -5].map(formatYuan)).toEqual([
      '0.01',
      '0.10',
      '1.00',
      '12.34',
      '200.00',
      '-0.05',
    ]);
  });
});
