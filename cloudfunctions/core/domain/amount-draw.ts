/**
 * Drawing one reward's amount from its rule (amount.ts). Money is drawn from a CSPRNG
 * (node:crypto) through a small interface so tests can script it. Every draw is exactly
 * unbiased: a uniform integer below n comes from 32-bit words by rejection sampling (a plain
 * `word % n` favours small values whenever n does not divide 2^32), and a tier is chosen by one
 * such integer below the total weight. Pure rules, no I/O: the claim path asks for an amount,
 * then reserves it from the campaign's budget with a conditional update.
 */
import { randomInt } from 'node:crypto';
import type { AmountRule } from './amount.js';

const TWO_POW_32 = 2 ** 32;

/** A source of uniformly distributed 32-bit words. */
export interface RandomSource {
  /** An integer in [0, 2^32). */
  nextUint32(): number;
}

/** The production source: node:crypto's CSPRNG. Never Math.random: a reward is money. */
export const cryptoRandomSource: RandomSource = {
  nextUint32: () => randomInt(0, TWO_POW_32),
};

/**
 * An unbiased integer in [0, n). Words at or above the largest multiple of n below 2^32 are
 * thrown away and drawn again; at most half of all words can be rejected, so this ends fast.
 */
export function uniformBelow(n: number, random: RandomSource): number {
  if (!Number.isSafeInteger(n) || n <= 0 || n > TWO_POW_32) {
    throw new RangeError(`uniformBelow: n must be an integer in [1, 2^32], got ${n}`);
  }
  const limit = TWO_POW_32 - (TWO_POW_32 % n);
  for (;;) {
    const word = random.nextUint32();
    if (word < limit) return word % n;
  }
}

export interface DrawOptions {
  /**
   * Pay at most this many fen (what is left of the budget): amounts above it are left out and
   * the rest keep their relative odds, so a campaign spends its last fen instead of refusing a
   * claim that a smaller amount would fit. Null when no amount fits.
   */
  capFen?: number;
}

/**
 * The amount of one reward in fen, or null when nothing fits under `capFen`. The rule must have
 * passed validateAmountRule.
 */
export function drawAmount(
  rule: AmountRule,
  random: RandomSource = cryptoRandomSource,
  options: DrawOptions = {},
): number | null {
  const cap = options.capFen ?? Number.POSITIVE_INFINITY;
  switch (rule.kind) {
    case 'fixed':
      return rule.fen <= cap ? rule.fen : null;
    case 'uniform': {
      const max = Math.min(rule.maxFen, cap);
      if (max < rule.minFen) return null;
      return rule.minFen + uniformBelow(max - rule.minFen + 1, random);
    }
    case 'tiers': {
      const tiers = rule.tiers.filter((tier) => tier.fen <= cap);
      if (tiers.length === 0) return null;
      const total = tiers.reduce((sum, tier) => sum + tier.weight, 0);
      let ticket = uniformBelow(total, random);
      for (const tier of tiers) {
        if (ticket < tier.weight) return tier.fen;
        ticket -= tier.weight;
      }
      // Unreachable: ticket < total = the sum of the weights walked above.
      throw new Error('drawAmount: tier walk overran the total weight');
    }
  }
}
