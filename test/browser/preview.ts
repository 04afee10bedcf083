/**
 * What the browser tests share: the preview page in Chromium with every script error and console
 * error collected, the phone's top page, waiting for what the consumer reads, screenshots in
 * test/artifacts/ (git-ignored), and the local administrator's `admin` actions for test setup.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { adminClient, type AdminClient } from '../../local/admin-client';
import { DEMO } from '../../local/seed/demo';
import { REPO_ROOT } from '../../local/stack';
import { startTestStack, type TestStack } from '../support/stack';
import { launchChromium, type Browser } from './chromium';

export const ARTIFACTS = path.join(REPO_ROOT, 'test/artifacts');
export const WAIT = { timeout: 30_000 };

/** A template class in the phone: simulate prefixes it with its component (`main--start-date`). */
export const cls = (name: string): string =>
  `[class~="${name}"], [class*="--${name} "], [class$="--${name}"]`;

export interface Preview {
  page: Page;
  /** Script errors and failed requests of the shell or a page, as they happened. */
  problems: string[];
  /** The page on top of the phone's page stack. */
  phone(): FrameLocator;
  /** A button in the phone by its whole label (the element vant listens on, not its label). */
  phoneButton(label: string): Locator;
  /** Waits until the phone shows each text (exactly, as one element's text). */
  expectTexts(texts: readonly string[]): Promise<void>;
  /** A screenshot of the whole preview (phone and control bar) as test/artifacts/<name>.png. */
  screenshot(name: string): Promise<void>;
}

export async function previewPage(browser: Browser): Promise<Preview> {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const problems: string[] = [];
  // Any script error or failed request in the shell or a page fails the test at the end.
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await mkdir(ARTIFACTS, { recursive: true });
  const phone = (): FrameLocator => page.frameLocator('iframe.page-frame:not([hidden])');
  return {
    page,
    problems,
    phone,
    phoneButton: (label) =>
      phone()
        .locator('wx-button')
        .filter({ hasText: new RegExp(`^\\s*${label}\\s*$`) }),
    expectTexts: async (texts) => {
      for (const text of texts)
        await phone().getByText(text, { exact: true }).first().waitFor(WAIT);
    },
    screenshot: async (name) => {
      // A click on the control bar (e.g. the admin link) scrolls the preview down: the phone first.
      await page.evaluate(() =>
        (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
      );
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
    },
  };
}

/** The DOM the line count reads in the page (this project's typings have no DOM). */
interface TextBoxes {
  ownerDocument: {
    createTreeWalker(root: unknown, whatToShow: number): { nextNode(): unknown };
    createRange(): {
      selectNodeContents(node: unknown): void;
      setStart(node: unknown, offset: number): void;
      setEnd(node: unknown, offset: number): void;
      getClientRects(): ArrayLike<{ top: number; width: number }>;
    };
  };
}

/**
 * How many lines the element's text takes on the phone: one per distinct line box of its text
 * nodes. 1 for a value that fits; more for one wrapped (e.g. a time broken after its date). With
 * `part`, only that run of its text (e.g. a barcode inside a longer line): 0 when it is not there.
 */
export async function lineCount(locator: Locator, part?: string): Promise<number> {
  return locator.evaluate((element, part) => {
    const node = element as unknown as TextBoxes;
    const document = node.ownerDocument;
    const texts = document.createTreeWalker(node, 4 /* NodeFilter.SHOW_TEXT */);
    const tops = new Set<number>();
    for (let text = texts.nextNode(); text; text = texts.nextNode()) {
      const range = document.createRange();
      const data = (text as { data: string }).data;
      if (part === undefined) range.selectNodeContents(text);
      else {
        const at = data.indexOf(part);
        if (at < 0) continue;
        range.setStart(text, at);
        range.setEnd(text, at + part.length);
      }
      for (const box of Array.from(range.getClientRects()))
        if (box.width > 0) tops.add(Math.round(box.top));
    }
    return tops.size;
  }, part);
}

/** The `admin` function as the stack's administrator calls it from the Mini Program. */
export function demoAdmin(stack: { url: string }): AdminClient {
  return adminClient(stack.url, DEMO.admin);
}

/** What a browser test file works with; set before its first test, stopped after its last. */
export interface PreviewSession {
  stack: TestStack;
  browser: Browser;
  preview: Preview;
  page: Page;
  /**
   * Opens the preview and, once the control bar lists the stack's users, the console as `openid`
   * (the administrator unless told).
   */
  openConsole(openid?: string): Promise<void>;
}

/**
 * Starts a stack (the demo seeded unless `stackOptions` say otherwise) and Chromium side by side
 * before the file's tests, opens the preview page, and stops both after them.
 */
export function previewSession(
  stackOptions: Parameters<typeof startTestStack>[0] = { seed: true },
): PreviewSession {
  const session = {
    openConsole: async (openid: string = DEMO.admin) => {
      await session.page.goto(`${session.stack.url}/preview/`);
      await session.page
        .locator(`#user-select option[value="${openid}"]`)
        .waitFor({ state: 'attached', ...WAIT });
      await session.page.selectOption('#user-select', openid);
      await session.page.click('#admin-link');
    },
  } as PreviewSession;
  beforeAll(async () => {
    [session.stack, session.browser] = await Promise.all([
      startTestStack(stackOptions),
      launchChromium(),
    ]);
    session.preview = await previewPage(session.browser);
    session.page = session.preview.page;
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.stack?.destroy();
  });
  return session;
}
