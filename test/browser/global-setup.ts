import { SKIP_NOTICE, hasChromium } from './chromium';

/**
 * Says out loud, at the start and again at the end of the run, that the browser tests were
 * skipped: a missing browser must never look like a pass. CI (.ci/run installs Chromium) refuses
 * to skip them at all.
 */
export default function setup(): (() => void) | undefined {
  if (hasChromium) return undefined;
  if (process.env.CI) throw new Error(`${SKIP_NOTICE}; CI must run them (.ci/run installs it)`);
  console.log(`\n${SKIP_NOTICE}\n`);
  return () => console.log(`\n${SKIP_NOTICE}`);
}
