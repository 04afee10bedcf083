/**
 * Debian's Chromium driven by playwright-core (never `npx playwright install`: it downloads).
 * `apt-get install -y chromium fonts-noto-cjk` provides both the browser and the Chinese fonts the
 * screenshots need; .ci/run installs them, so CI always runs the browser tests.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const hasChromium = existsSync(CHROMIUM);

export const SKIP_NOTICE = `[browser] SKIPPED the browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM_PATH)`;

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile and a touch screen (j-component taps on touch events). */
export async function launchChromium(): Promise<Browser> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'mashang-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
    hasTouch: true,
    viewport: { width: 900, height: 760 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
