/**
 * Counts and money as every console page shows them: `12,345` and `1,234.50 元`. One place, so
 * the same budget never reads `1000.00 元` on one page and `1,000.00 元` on the next. A regex
 * rather than `toLocaleString`: not every Mini Program runtime ships Intl.
 */

/** `12,345`: thousands separated, as people read long counts on a phone. */
export function countText(count: number): string {
  const whole = Math.trunc(count);
  return `${whole < 0 ? '-' : ''}${String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

/** `1,234.50 元`, from integer fen (no floating point on money). */
export function yuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${countText(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')} 元`;
}

/**
 * A span of minutes in the largest whole unit it fills, as people say it: `30 天`, `2 小时`,
 * `90 分钟` (never `43200 分钟`).
 */
export function minutesText(minutes: number): string {
  const whole = Math.trunc(minutes);
  if (whole !== 0 && whole % (24 * 60) === 0) return `${countText(whole / (24 * 60))} 天`;
  if (whole !== 0 && whole % 60 === 0) return `${countText(whole / 60)} 小时`;
  return `${countText(whole)} 分钟`;
}

/**
 * The unit each figure is counted in, one word for the same figure on every page (工作台's today
 * and 数据's range alike): a first scan counts codes, a claim counts attempts, a payout counts
 * transfers.
 */
export const FIGURE_UNITS = {
  scans: '次',
  firstScans: '个码',
  claims: '次',
  paid: '笔',
  refused: '次',
} as const;
