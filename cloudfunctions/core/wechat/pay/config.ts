/**
 * WeChat Pay settings, read from environment variables on use (like core/config.ts) so tests and
 * the local stack can point them elsewhere. The reward function wires credentials from its own
 * environment; only the base URL is shared by both payout products.
 */
const DEFAULT_WECHATPAY_API_BASE = 'https://api.mch.weixin.qq.com';

/** Where WeChat Pay's APIs live (v2 and v3 share the host); a simulator stands in locally. */
export function wechatPayApiBase(): string {
  const base = process.env.WECHATPAY_API_BASE?.trim() || DEFAULT_WECHATPAY_API_BASE;
  return base.replace(/\/+$/, '');
}

/**
 * A PEM from an environment variable. Console fields and .env files often hold it on one line
 * with literal `\n`; PEM parsers need real line breaks.
 */
export function pemFromEnv(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  return trimmed.includes('\\n') ? trimmed.replace(/\\n/g, '\n') : trimmed;
}
