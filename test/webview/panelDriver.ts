/**
 * Drives the harness page: opens it in Chromium with a theme, plays host messages into it the way
 * VS Code does (window `message` events), and reads back what the panel posted. Page-side work
 * goes through the harness hooks in fakeVsCodeApi.js, so these tests need no DOM typings.
 */
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { HostMessage } from '../../src/protocol';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../workbenchBrowser';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

interface HarnessHooks {
  send(messages: unknown[]): Promise<void>;
  frame(): Promise<void>;
  posted(): unknown[];
  stateSaves(): number;
}
/** Page-side callbacks are serialised into the page, so they name the hooks inline, never via a Node closure. */
type H = { __harness: HarnessHooks };

export interface PanelPage {
  readonly page: Page;
  /** Console errors and uncaught exceptions, CSP violations included. */
  readonly errors: string[];
  send(messages: readonly HostMessage[]): Promise<void>;
  posted(): Promise<{ type: string; [k: string]: unknown }[]>;
  stateSaves(): Promise<number>;
  /** Resolves after the panel's next animation frames have rendered. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function openPanel(
  browser: Browser,
  url: string,
  theme: 'dark' | 'light' | 'hc' = 'dark',
): Promise<PanelPage> {
  const context = await browser.newContext({ viewport: { width: 420, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}?theme=${theme}`);
  const panel: PanelPage = {
    page,
    errors,
    send: (messages) =>
      page.evaluate((list) => (globalThis as unknown as H).__harness.send(list), messages as unknown[]),
    posted: () => page.evaluate(() => (globalThis as unknown as H).__harness.posted() as { type: string }[]),
    stateSaves: () => page.evaluate(() => (globalThis as unknown as H).__harness.stateSaves()),
    settle: () => page.evaluate(() => (globalThis as unknown as H).__harness.frame()),
    close: () => context.close(),
  };
  await page.waitForFunction(() => (globalThis as unknown as H).__harness.posted().length > 0);
  return panel;
}
