import { SKIP_NOTICE, hasChromium } from './chromium';

/**
 * Says out loud, at the start and again at the end of the run, that the browser tests were
 * skipped: a missing browser must never look like a pass.
 */
export default function setup(): (() => void) | undefined {
  if (hasChromium) return undefined;
  console.log(`\n${SKIP_NOTICE}\n`);
  return () => console.log(`\n${SKIP_NOTICE}`);
}
