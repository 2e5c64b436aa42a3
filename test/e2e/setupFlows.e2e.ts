/**
 * Issue 17's flows as a person does them in the real workbench (headless Chromium), with a loopback
 * replay server standing in for an OpenAI-compatible server: Add Model from the command palette picks
 * from the server's own model list, the panel shows what an ask sends and its estimated input cost
 * before Run, and Apply… opens the diff preview whose Accept (editor title) writes the file.
 * Screenshots for the README go to docs/ (add-model.png, spend-line.png, apply-preview.png).
 * The sandbox is off here: none of these flows needs Docker.
 */
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { startReplayServer, type ReplayServer } from '../../src/demo/replayServer';
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
  candidateCards,
  cursorToEnd,
  openFile,
  openViewContainer,
  quorumPanel,
  runCommand,
  saveActiveEditor,
} from './workbenchActions';

const OUT = join(TEST_OUTPUT_DIR, 'e2e-setup');
const DOCS = join(REPO_ROOT, 'docs');
const TARGET = 'primes.py';
const NEW_CODE = 'def is_prime(n):\n    return n > 1 and all(n % d for d in range(2, int(n**0.5) + 1))\n';
const ANSWER = `A faster check stops at the square root.\n\n\`\`\`python\n${NEW_CODE}\`\`\`\n`;

/** Polls a yes/no probe (waitUntil polls for a value). */
async function until(
  probe: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  await waitUntil(what, async () => ((await probe()) ? true : undefined), timeoutMs);
}

describe('Quorum setup and apply flows in the VS Code workbench (browser)', function () {
  this.bail(true);
  let replay: ReplayServer;
  let server: RunningVscodeServer;
  let browser: WorkbenchBrowser;
  let workspace: TestWorkspace;
  let page: Page;
  let panel: FrameLocator;

  before(async function () {
    this.timeout(300_000);
    assert.ok(
      existsSync(join(REPO_ROOT, 'dist/extension.js')),
      'dist/extension.js is missing: run npm run build',
    );
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    replay = await startReplayServer({
      models: ['replay-coder', 'qwen2.5-coder:7b', 'llama-3.3-70b'],
      answers: () => ({ text: ANSWER }),
      chunkDelayMs: 0,
      ttftMs: 0,
    });
    workspace = prepareWorkspace();
    server = await startVscodeServer({
      ...e2eServerOptions(),
      userSettings: testUserSettings({
        'workbench.colorTheme': 'Default Dark Modern',
        'quorum.sandbox.enabled': false,
        // One priced model on the replay server; Add Model adds the second.
        'quorum.models': [
          {
            id: 'priced-coder',
            kind: 'openai-compatible',
            model: 'replay-coder',
            baseUrl: `${replay.url}/v1`,
            price: { inputPerMTok: 3, outputPerMTok: 15 },
          },
        ],
      }),
      logFile: join(OUT, 'server.log'),
    });
    const url = server.workbenchUrl(workspace.folder, { extensionDevelopmentPath: REPO_ROOT });
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
    await replay?.close();
  });

  it("Add Model lists the server's own models and adds the pick to the panel", async function () {
    this.timeout(180_000);
    await openFile(page, TARGET);
    await cursorToEnd(page); // Apply… inserts there (nothing is selected)
    await openViewContainer(page, 'Quorum');
    panel = await quorumPanel(page);
    await runCommand(page, 'Quorum: Add Model');
    const input = page.locator('.quick-input-widget input');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'OpenAI-compatible server' })
      .first()
      .click();
    await page.locator('.quick-input-widget', { hasText: 'base URL' }).waitFor({ timeout: 30_000 });
    await input.fill(`${replay.url}/v1`);
    await page.keyboard.press('Enter');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'qwen2.5-coder:7b' }).first();
    await row.waitFor({ timeout: 30_000 });
    assert.ok(replay.requests.some((r) => r.method === 'GET' && r.path === '/v1/models'));
    await page.screenshot({
      path: join(DOCS, 'add-model.png'),
      clip: { x: 300, y: 0, width: 1000, height: 420 },
    });
    await row.click();
    // The last step: the cascade tier, its default (local: a server on this machine) highlighted.
    await page
      .locator('.quick-input-widget', { hasText: 'tier for the cascade strategy' })
      .waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await panel.locator('[data-testid="models-view"] [data-model-id="local-qwen2.5-coder-7b"]').waitFor({
      state: 'attached',
      timeout: 30_000,
    });
  });

  it('shows what the ask sends and its estimated input cost before Run', async function () {
    this.timeout(120_000);
    await panel.locator('textarea[aria-label="Instruction"]').fill('Make is_prime faster');
    const line = panel.locator('[data-testid="spend-line"]');
    // The line follows the draft and the models (debounced): wait for the one with both models.
    await until(async () => /to 2 models/.test(await line.innerText()), 30_000, 'the spend line');
    const text = await line.innerText();
    assert.match(text, new RegExp(`Sends ${TARGET.replace('.', '\\.')} \\(whole file`));
    assert.match(
      text,
      /to 2 models: [\d,]+ input tokens \(estimated: characters \/ 4\), about \$[\d.e-]+ input/,
    );
    await page.locator('.part.sidebar').screenshot({ path: join(DOCS, 'spend-line.png') });
  });

  it('Apply… opens the diff preview, and Accept in the editor title writes the file', async function () {
    this.timeout(180_000);
    await panel.locator('button[aria-label="Run"]').click();
    const cards = candidateCards(panel);
    await until(async () => (await cards.count()) === 2, 60_000, 'two cards');
    const apply = cards.first().locator('button[aria-label^="Apply…"]');
    await until(() => apply.isEnabled(), 60_000, 'the answer to finish');
    assert.match(
      await panel.locator('[data-testid="actual-cost"]').innerText(),
      /Actual cost of this run: \$/,
    );
    await apply.click();
    await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30_000 });
    const accept = page.locator('.editor-actions a[aria-label^="Accept Applied Change"]').first();
    await accept.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(DOCS, 'apply-preview.png') });
    const before = readFileSync(join(workspace.folder, TARGET), 'utf8');
    assert.ok(!before.includes('int(n**0.5)'), 'nothing written before Accept');
    await accept.click();
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'detached', timeout: 30_000 });
    await saveActiveEditor(page);
    await until(
      () => readFileSync(join(workspace.folder, TARGET), 'utf8').includes('int(n**0.5)'),
      30_000,
      'the accepted change on disk',
    );
    const after = readFileSync(join(workspace.folder, TARGET), 'utf8');
    assert.ok(after.startsWith(before), 'inserted at the cursor (the end); the rest is untouched');
  });

  it('edits the sandbox limits and images field by field in the Settings UI (no "Edit in settings.json")', async function () {
    this.timeout(120_000);
    await runCommand(page, 'Preferences: Open User Settings');
    // The search box is an input on older workbenches and a small Monaco editor on newer ones:
    // focus it by clicking and type as a user does.
    const search = page
      .locator('.settings-editor .suggest-input-container, .settings-editor .search-container')
      .first();
    await search.waitFor({ timeout: 30_000 });
    for (const key of ['quorum.sandbox.limits', 'quorum.sandbox.images']) {
      await search.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(`@id:${key}`);
      const item = page.locator('.settings-editor .setting-item-contents', { hasText: 'Sandbox' }).first();
      await item.waitFor({ timeout: 30_000 });
      await until(
        async () => (await item.locator('.setting-list-object-widget').count()) > 0,
        30_000,
        `${key}'s object widget`,
      );
      assert.equal(await item.locator('a', { hasText: 'Edit in settings.json' }).count(), 0, key);
    }
    await page.locator('.part.editor').screenshot({ path: join(OUT, 'settings-images.png') });
  });
});
