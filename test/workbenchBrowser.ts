/**
 * Opens the VS Code workbench in headless Chromium (the Debian package, driven by
 * playwright-core, so no browser download is needed) and keeps its console for debugging.
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Flags for headless Chromium on a machine with no internet (no background connections). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const CHROMIUM_PATH = process.env.QUORUM_CHROMIUM ?? '/usr/bin/chromium';

export interface WorkbenchBrowser {
  readonly browser: Browser;
  readonly page: Page;
  close(): Promise<void>;
}

export interface WorkbenchBrowserOptions {
  /** Browser console messages and page errors are appended here. */
  readonly consoleLog: string;
  readonly viewport?: { width: number; height: number };
}

/** Launches Chromium and loads `url`, resolving once the workbench shell has rendered. */
export async function openWorkbench(
  url: string,
  options: WorkbenchBrowserOptions,
): Promise<WorkbenchBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium, or set QUORUM_CHROMIUM.`);
  }
  mkdirSync(dirname(options.consoleLog), { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
  const page = await context.newPage();
  const note = (line: string): void =>
    appendFileSync(options.consoleLog, `${new Date().toISOString()} ${line}\n`);
  page.on('console', (message) => note(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => note(`[pageerror] ${error.stack ?? error.message}`));
  try {
    await page.goto(url);
    // Generous: on a loaded 2-core machine the first workbench load has taken over a minute.
    await page.locator('.monaco-workbench').waitFor({ timeout: 180_000 });
  } catch (error) {
    await browser.close(); // an open browser would keep the test process alive
    throw error;
  }
  return { browser, page, close: () => browser.close() };
}
