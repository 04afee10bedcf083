/**
 * How much a reward pays. Pure rules, no I/O: the claim path asks for an amount, then reserves it
 * from the campaign's budget with a conditional update.
 *
 *   fixed     always the same number of fen.
 *   uniform   an integer number of fen in [minFen, maxFen], every value equally likely.
 *   tiers     a few amounts, each with a positive integer weight: P(tier) = weight / total weight.
 *
 * Money is drawn from a CSPRNG (node:crypto) through a small interface so tests can script it.
 * Every draw is exactly unbiased: a uniform integer below n comes from 32-bit words by rejection
 * sampling (a plain `word % n` favours small values whenever n does not divide 2^32), and a tier
 * is chosen by one such integer below the total weight.
 */
import { randomInt } from 'node:crypto';

export type AmountRule =
  | { kind: 'fixed'; fen: number }
  | { kind: 'uniform'; minFen: number; maxFen: number }
  | { kind: 'tiers'; tiers: AmountTier[] };

export interface AmountTier {
  fen: number;
  /** A positive integer; the tier's probability is weight / the sum of all weights. */
  weight: number;
}

/** A source of uniformly distributed 32-bit words. */
export interface RandomSource {
  /** An integer in [0, 2^32). */
  nextUint32(): number;
}

const TWO_POW_32 = 2 ** 32;

/** The production source: node:crypto's CSPRNG. Never Math.random: a reward is money. */
export const cryptoRandomSource: RandomSource = {
  nextUint32: () => randomInt(0, TWO_POW_32),
};

/** More tiers than this is a lottery table, not a scan reward; it also keeps the card readable. */
export const MAX_TIERS = 20;

/** Weights must sum to at most this, so one 32-bit word can index them without bias. */
export const MAX_TOTAL_WEIGHT = TWO_POW_32;

export interface AmountIssue {
  path: string;
  message: string;
}

/** Shape rules of an amount rule (provider limits are the campaign's business). */
export function validateAmountRule(rule: AmountRule): AmountIssue[] {
  const issues: AmountIssue[] = [];
  const positiveFen = (value: number, path: string, label: string): void => {
    if (!Number.isSafeInteger(value) || value <= 0) {
      issues.push({ path, message: `${label}须为正整数（单位：分）` });
    }
  };
  switch (rule.kind) {
    case 'fixed':
      positiveFen(rule.fen, 'amount.fen', '固定金额');
      break;
    case 'uniform':
      positiveFen(rule.minFen, 'amount.minFen', '最小金额');
      positiveFen(rule.maxFen, 'amount.maxFen', '最大金额');
      if (rule.minFen > rule.maxFen) {
        issues.push({ path: 'amount', message: '最小金额不能大于最大金额' });
      }
      break;
    case 'tiers': {
      if (rule.tiers.length === 0)
        issues.push({ path: 'amount.tiers', message: '请至少设置一档金额' });
      if (rule.tiers.length > MAX_TIERS) {
        issues.push({ path: 'amount.tiers', message: `金额档位最多 ${MAX_TIERS} 档` });
      }
      rule.tiers.forEach((tier, i) => {
        positiveFen(tier.fen, `amount.tiers.${i}.fen`, `第 ${i + 1} 档金额`);
        if (!Number.isSafeInteger(tier.weight) || tier.weight <= 0) {
          issues.push({
            path: `amount.tiers.${i}.weight`,
            message: `第 ${i + 1} 档权重须为正整数`,
          });
        }
      });
      const total = rule.tiers.reduce((sum, tier) => sum + tier.weight, 0);
      if (total > MAX_TOTAL_WEIGHT) {
        issues.push({ path: 'amount.tiers', message: '权重之和过大，请按比例缩小' });
      }
      break;
    }
  }
  return issues;
}

/** The smallest and largest amount a rule can pay. */
export function amountBounds(rule: AmountRule): { minFen: number; maxFen: number } {
  switch (rule.kind) {
    case 'fixed':
      return { minFen: rule.fen, maxFen: rule.fen };
    case 'uniform':
      return { minFen: rule.minFen, maxFen: rule.maxFen };
    case 'tiers': {
      const amounts = rule.tiers.map((tier) => tier.fen);
      return { minFen: Math.min(...amounts), maxFen: Math.max(...amounts) };
    }
  }
}

/** Each tier's probability (for the admin page and the tests), in tier order. */
export function tierProbabilities(tiers: readonly AmountTier[]): number[] {
  const total = tiers.reduce((sum, tier) => sum + tier.weight, 0);
  return tiers.map((tier) => tier.weight / total);
}

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

/** 1234 → "12.34", 100 → "1.00": yuan as shown to consumers. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
