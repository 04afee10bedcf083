/**
 * How much a reward pays: the rule a campaign sets, its shape checks and the amounts it can pay.
 * Pure rules, no I/O, no imports: the contract (typings/admin.ts) re-exports AmountRule, so the
 * Mini Program's type check reads this file. Drawing an amount is amount-draw.ts's.
 *
 *   fixed     always the same number of fen.
 *   uniform   an integer number of fen in [minFen, maxFen], every value equally likely.
 *   tiers     a few amounts, each with a positive integer weight: P(tier) = weight / total weight.
 */
export type AmountRule =
  | { kind: 'fixed'; fen: number }
  | { kind: 'uniform'; minFen: number; maxFen: number }
  | { kind: 'tiers'; tiers: AmountTier[] };

export interface AmountTier {
  fen: number;
  /** A positive integer; the tier's probability is weight / the sum of all weights. */
  weight: number;
}

const TWO_POW_32 = 2 ** 32;

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

/** 1234 → "12.34", 100 → "1.00": yuan as shown to consumers. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
