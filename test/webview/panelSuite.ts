/**
 * Shared mocha hooks for the browser suites: one bundle build, loopback server and Chromium per
 * file, a fresh page per test, and after every test the two invariants that always hold: each
 * posted message passes the host's guard, and nothing logged an error (CSP violations included).
 */
import assert from 'node:assert/strict';
import type { Browser, Locator } from 'playwright-core';
import { isWebviewMessage } from '../../src/protocol';
import { buildPanelBundle, startHarnessServer } from './harnessServer';
import { launchChromium, openPanel, type PanelPage } from './panelDriver';
import { initMessages, sessionMessages } from './sessionFixture';

export interface PanelSuite {
  readonly panel: PanelPage;
  card(modelId: string): Locator;
  badges(modelId: string): Promise<string[]>;
  lastPosted(): Promise<Record<string, unknown>>;
  /** Plays the fixture's state/init and the whole live session. */
  replay(): Promise<void>;
  /** Replaces the current page with a fresh one in another theme. */
  reopen(theme: 'dark' | 'light' | 'hc'): Promise<void>;
}

export function usePanelSuite(): PanelSuite {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startHarnessServer>>;
  let panel: PanelPage;

  before(async () => {
    await buildPanelBundle();
    server = await startHarnessServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    panel = await openPanel(browser, server.url);
  });
  afterEach(async () => {
    const posted = await panel.posted();
    for (const m of posted) assert.ok(isWebviewMessage(m), `invalid message posted: ${JSON.stringify(m)}`);
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });

  const card = (modelId: string): Locator => panel.page.locator(`article[data-candidate-id="${modelId}"]`);
  return {
    get panel() {
      return panel;
    },
    card,
    badges: (modelId) => card(modelId).locator('.badge').allTextContents(),
    // spend/estimate is the spend line's background query, not a user action: skip it.
    lastPosted: async () => (await panel.posted()).filter((m) => m.type !== 'spend/estimate').at(-1)!,
    replay: () => panel.send([...initMessages(), ...sessionMessages()]),
    async reopen(theme) {
      await panel.close();
      panel = await openPanel(browser, server.url, theme);
    },
  };
}
