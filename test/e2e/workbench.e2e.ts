/**
 * Quorum used like a person uses it, in a real VS Code (server build) in headless Chromium: first
 * run with no key offers the recorded demo, an ask fills one card per model, the sandbox runs each
 * answer, the judge marks a pick, Insert at Cursor changes the file, and the panel is captured in
 * dark and light themes under .test-output/screenshots/.
 *
 * Needs: npm run build, bash scripts/installVscodeServer.sh, the offline sandbox images
 * (bash scripts/buildSandboxImages.sh) and a Docker engine. Set QUORUM_E2E_VSIX=dist/quorum.vsix to
 * test the packaged extension instead of this checkout, or QUORUM_E2E_EXTENSION_DIR to load another
 * built copy of it as the development extension.
 */
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { DEMO_MODELS, DEMO_PROMPT } from '../../src/demo/recordings';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';
import {
  REPO_ROOT,
  TEST_OUTPUT_DIR,
  e2eServerOptions,
  startVscodeServer,
  type RunningVscodeServer,
} from '../vscodeServer';
import { openWorkbench, type WorkbenchBrowser } from '../workbenchBrowser';
import { prepareWorkspace, testUserSettings, type TestWorkspace } from '../workspaceFixture';
import { waitUntil } from './waitUntil';
import {
  answerNotification,
  candidateCards,
  cursorToEnd,
  openFile,
  openViewContainer,
  runCommand,
  quorumPanel,
  saveActiveEditor,
  themeKind,
  widenSideBar,
} from './workbenchActions';

const OUT = join(TEST_OUTPUT_DIR, 'e2e');
const SHOTS = join(TEST_OUTPUT_DIR, 'screenshots');
const TARGET = 'primes.py';
const DEMO_MODEL_COUNT = DEMO_MODELS('http://127.0.0.1:1').length;

describe('Quorum in the VS Code workbench (browser)', function () {
  this.bail(true); // each step builds on the previous one
  let server: RunningVscodeServer;
  let browser: WorkbenchBrowser;
  let workspace: TestWorkspace;
  let page: Page;
  let panel: FrameLocator;
  let original: string;
  const settings = testUserSettings({
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.preferredDarkColorTheme': 'Default Dark Modern',
    'workbench.preferredLightColorTheme': 'Default Light Modern',
    // One hosted model and no key: nothing can answer, so Quorum must offer the demo.
    'quorum.models': [{ id: 'openai-mini', kind: 'openai', model: 'gpt-4o-mini', enabled: true }],
    'quorum.sandbox.images': OFFLINE_IMAGES,
    'quorum.sandbox.pull': false,
  });

  before(async function () {
    this.timeout(300_000);
    assert.ok(
      existsSync(join(process.env.QUORUM_E2E_EXTENSION_DIR ?? REPO_ROOT, 'dist/extension.js')),
      'dist/extension.js is missing: run npm run build',
    );
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    workspace = prepareWorkspace();
    original = readFileSync(join(workspace.folder, TARGET), 'utf8');
    const vsix = process.env.QUORUM_E2E_VSIX ? resolve(process.env.QUORUM_E2E_VSIX) : undefined;
    server = await startVscodeServer({
      ...e2eServerOptions(),
      userSettings: settings,
      installExtensions: vsix ? [vsix] : [],
      logFile: join(OUT, 'server.log'),
    });
    const extensionDevelopmentPath = resolve(process.env.QUORUM_E2E_EXTENSION_DIR ?? REPO_ROOT);
    const url = server.workbenchUrl(workspace.folder, vsix ? undefined : { extensionDevelopmentPath });
    browser = await openWorkbench(url, {
      consoleLog: join(OUT, 'browser-console.log'),
      viewport: { width: 1600, height: 1000 },
    });
    page = browser.page;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await page.screenshot({ path: join(OUT, 'failure.png') }).catch(() => undefined);
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (server) {
      const logs = join(server.userDataDir, 'logs');
      if (existsSync(logs)) cpSync(logs, join(OUT, 'logs'), { recursive: true });
      await server.close();
    }
    workspace?.remove();
  });

  it('opens the Quorum view and, with no key and no Ollama, offers the recorded demo', async function () {
    this.timeout(120_000);
    await openFile(page, TARGET);
    await cursorToEnd(page);
    await openViewContainer(page, 'Quorum');
    panel = await quorumPanel(page);
    await answerNotification(page, 'Try the demo', 'Start Demo');
    const banner = panel.locator('[data-testid="demo-banner"]');
    await banner.waitFor({ timeout: 30_000 });
    assert.match(await banner.innerText(), /recorded/i);
  });

  it('runs an ask: one card per model, each run in the sandbox, and the judge marks one pick', async function () {
    this.timeout(240_000);
    await panel.locator('textarea[aria-label="Instruction"]').fill(DEMO_PROMPT);
    await panel.locator('button[aria-label="Run"]').click();
    const cards = candidateCards(panel);
    await waitUntil(
      'a card per demo model',
      async () => ((await cards.count()) === DEMO_MODEL_COUNT ? true : undefined),
      60_000,
    );
    await panel.locator('[data-testid="verdict"]').waitFor({ timeout: 180_000 });
    const pick = panel.locator('article[data-candidate-id].is-pick');
    await pick.waitFor({ timeout: 30_000 });
    assert.equal(await pick.count(), 1);
    assert.match(await pick.innerText(), /\bPick\b/);
    const labels: (string | null)[] = [];
    for (let i = 0; i < DEMO_MODEL_COUNT; i++) labels.push(await cards.nth(i).getAttribute('aria-label'));
    assert.ok(
      labels.every((l) => l?.startsWith('Candidate ')),
      `card labels: ${labels.join(', ')}`,
    );
  });

  it('inserts the pick at the cursor and the file text changes accordingly', async function () {
    this.timeout(60_000);
    const pick = panel.locator('article[data-candidate-id].is-pick');
    const code = (await pick.locator('pre[aria-label^="Code"]').first().innerText()).trim();
    assert.ok(code.length > 0, 'the pick shows no code');
    await pick.locator('button[aria-label="Insert at Cursor"]').click();
    const firstLine = code.split('\n')[0].trim();
    await waitUntil('the editor to show the inserted code', async () => {
      // Monaco renders spaces as no-break spaces.
      const shown = (
        await page.locator('.editor-instance .monaco-editor .view-lines').first().innerText()
      ).replace(/\u00a0/g, ' ');
      return shown.includes(firstLine) ? true : undefined;
    });
    await saveActiveEditor(page);
    const saved = await waitUntil('the saved file to differ', () => {
      const text = readFileSync(join(workspace.folder, TARGET), 'utf8');
      return text !== original ? text : undefined;
    });
    assert.ok(saved.startsWith(original.trimEnd()), 'the original text before the cursor was changed');
    assert.ok(saved.includes(code), `the pick's code is not in the file:\n${saved}`);
  });

  it('follows the theme: screenshots of the panel in dark and light', async function () {
    this.timeout(120_000);
    const sidebar = page.locator('.part.sidebar');
    const bodyClass = async (): Promise<string> => (await panel.locator('body').getAttribute('class')) ?? '';
    await widenSideBar(page, 260);
    await panel.locator('textarea[aria-label="Instruction"]').scrollIntoViewIfNeeded();
    assert.equal(await themeKind(page), 'dark');
    assert.match(await bodyClass(), /\bvscode-dark\b/);
    await sidebar.screenshot({ path: join(SHOTS, 'panel-dark.png') });
    await page.screenshot({ path: join(SHOTS, 'workbench-dark.png') });

    // The theme picker searches the marketplace as you type (offline here), so use the toggle.
    await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
    await waitUntil('the light theme', async () => ((await themeKind(page)) === 'light' ? true : undefined));
    await waitUntil('the panel to follow the theme', async () =>
      /\bvscode-light\b/.test(await bodyClass()) ? true : undefined,
    );
    await sidebar.screenshot({ path: join(SHOTS, 'panel-light.png') });
    await page.screenshot({ path: join(SHOTS, 'workbench-light.png') });
  });

  it('Run pressed twice within 50 ms (double click, then Ctrl+Enter) gives one ask: one set of cards, one verdict', async function () {
    this.timeout(240_000);
    const status = panel.locator('[data-testid="progress"]');
    const instruction = panel.locator('textarea[aria-label="Instruction"]');
    await instruction.fill(DEMO_PROMPT);
    await panel.locator('button[aria-label="Run"]').dblclick();
    await instruction.press('Control+Enter');
    await panel.locator('button[aria-label="Cancel"]:not([disabled])').waitFor({ timeout: 10_000 });
    await waitUntil(
      'the ask to end',
      async () => (/^(Done|Cancelled)/.test((await status.innerText()).trim()) ? true : undefined),
      180_000,
    );
    assert.match((await status.innerText()).trim(), /^Done/, 'the ask was not cancelled by a second one');
    const cards = candidateCards(panel);
    assert.equal(await cards.count(), DEMO_MODEL_COUNT);
    assert.equal(await panel.locator('article[data-candidate-id].is-pick').count(), 1);
    const badges = await panel.locator('article[data-candidate-id] .badge').allInnerTexts();
    assert.ok(!badges.some((b) => /cancel/i.test(b)), `badges: ${badges.join(', ')}`);
  });
});
