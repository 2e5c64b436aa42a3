import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { isWebviewMessage, type HostMessage } from '../../src/protocol';
import { buildPanelBundle, REPO, startHarnessServer } from './harnessServer';
import { launchChromium, openPanel, type PanelPage } from './panelDriver';
import { buildRecord, initMessages, INSTRUCTION, sessionMessages, XSS_PROSE } from './sessionFixture';

const SHOTS = join(REPO, '.test-output/screenshots');

describe('webview panel in Chromium', function () {
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
    // Every message the panel ever posted must pass the host's guard, and nothing may log errors
    // (a CSP violation from an inline style or script would show up here).
    const posted = await panel.posted();
    for (const m of posted) assert.ok(isWebviewMessage(m), `invalid message posted: ${JSON.stringify(m)}`);
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });

  const card = (modelId: string): Locator => panel.page.locator(`article[data-candidate-id="${modelId}"]`);
  const badges = (modelId: string): Promise<string[]> => card(modelId).locator('.badge').allTextContents();
  const lastPosted = async (): Promise<Record<string, unknown>> => (await panel.posted()).at(-1)!;
  const replay = (): Promise<void> => panel.send([...initMessages(), ...sessionMessages()]);

  it('says webview/ready first', async () => {
    const posted = await panel.posted();
    assert.deepEqual(posted[0], { type: 'webview/ready' });
  });

  it('renders one card per candidate with the right badges and metrics', async () => {
    await replay();
    assert.equal(await panel.page.locator('article[data-candidate-id]').count(), 4);
    assert.equal(await card('gpt-mini').getAttribute('aria-label'), 'Candidate gpt-mini');
    assert.deepEqual(await badges('gpt-mini'), ['Pick', 'Passed']);
    assert.deepEqual(await badges('groq-llama'), ['Failed']);
    assert.deepEqual(await badges('ollama-qwen'), ['Timed out']);
    assert.deepEqual(await badges('compat-deepseek'), ['Provider error']);
    assert.match((await card('compat-deepseek').locator('.advice').textContent()) ?? '', /Wait a minute/);
    assert.equal(await panel.page.locator('article.is-pick').count(), 1);
    assert.match((await card('gpt-mini').getAttribute('class')) ?? '', /\bis-pick\b/);
    const metrics = (await card('gpt-mini').locator('.metrics').textContent()) ?? '';
    assert.match(metrics, /TTFT310 ms/);
    assert.match(metrics, /Tokens182 in \/ 64 out/);
    assert.match(metrics, /Cost\$0\.00007/);
    assert.match(metrics, /Score0\.93/);
    assert.match((await card('groq-llama').locator('.matrix-row').textContent()) ?? '', /Tests 1\/3/);
    assert.match((await card('groq-llama').locator('.section-run').textContent()) ?? '', /AssertionError/);
    assert.ok(await panel.page.locator('[data-testid="demo-banner"]').isVisible());
    assert.match(
      (await panel.page.locator('[data-testid="demo-banner"]').textContent()) ?? '',
      /Recorded demo answers — not live models.*Set API Key.*Ollama/,
    );
    assert.equal(await panel.page.locator('[data-testid="progress"]').textContent(), 'Done: gpt-mini picked');
  });

  it('shows the verdict with strategy, confidence, reasons and an accessible matrix table', async () => {
    await replay();
    const verdict = panel.page.locator('[data-testid="verdict"]');
    assert.ok(await verdict.isVisible());
    const text = (await verdict.textContent()) ?? '';
    assert.match(text, /Pickgpt-mini/);
    assert.match(text, /Cross-tests \(CodeT\)/);
    assert.match(text, /82%/);
    assert.match(text, /ollama-qwen timed out/);
    assert.match(text, /LLM judge \(gpt-4o-mini\) picks gpt-mini/);
    assert.equal(await verdict.locator('.unverified').count(), 0);
    assert.equal(await verdict.locator('table th[scope="col"]').count(), 4);
    assert.deepEqual(await verdict.locator('table th[scope="row"]').allTextContents(), [
      'gpt-mini',
      'groq-llama',
      'ollama-qwen',
    ]);
    assert.deepEqual(await verdict.locator('tbody tr:nth-child(2) td').allTextContents(), [
      'fail',
      'fail',
      'pass',
    ]);
  });

  it('renders model text as literal text and never creates elements from it', async () => {
    const hostile = '<img src=x onerror="window.__pwned=3"><script>window.__pwned=4</script>';
    await replay();
    await panel.send([
      { type: 'notice/show', level: 'warning', message: hostile },
      { type: 'history/update', history: [{ askId: 'a', startedAt: 'x', instruction: hostile }] },
      { type: 'selection/update', selection: { text: hostile, file: hostile, wholeFile: true } },
    ]);
    const prose = (await card('ollama-qwen').locator('.section-prose').textContent()) ?? '';
    assert.ok(prose.includes(XSS_PROSE), prose);
    assert.ok(((await panel.page.locator('.notice').textContent()) ?? '').includes(hostile));
    assert.ok(((await panel.page.locator('.history-list').textContent()) ?? '').includes(hostile));
    assert.equal(await panel.page.locator('img').count(), 0);
    assert.equal(await panel.page.locator('script').count(), 2, 'only the harness API and the bundle');
    assert.equal(await panel.page.evaluate('window.__pwned'), undefined);
  });

  it('highlights code as spans of text with the exact code preserved', async () => {
    await replay();
    const code = card('gpt-mini').locator('.code code');
    assert.equal(
      await code.textContent(),
      'def slugify(text):\n    # lower-case, words joined by dashes\n    return "-".join(text.lower().split())\n',
    );
    assert.deepEqual(await code.locator('.tok-kw').allTextContents(), ['def', 'return']);
    assert.deepEqual(await code.locator('.tok-com').allTextContents(), [
      '# lower-case, words joined by dashes',
    ]);
    assert.deepEqual(await code.locator('.tok-str').allTextContents(), ['"-"']);
  });

  it('Run posts a valid ask/start with the instruction, intent and enabled keyed models', async () => {
    await panel.send(initMessages());
    await panel.page.getByLabel('Instruction').fill('Make it handle unicode');
    await panel.page.getByLabel('Intent').selectOption('fix');
    await panel.page.getByRole('button', { name: 'Run', exact: true }).click();
    const ask = await lastPosted();
    assert.ok(isWebviewMessage(ask));
    assert.deepEqual(ask, {
      type: 'ask/start',
      instruction: 'Make it handle unicode',
      intent: 'fix',
      modelIds: ['gpt-mini', 'groq-llama', 'ollama-qwen', 'compat-deepseek'],
    });
    await panel.page.getByRole('checkbox', { name: /gpt-mini/ }).uncheck();
    assert.deepEqual(await lastPosted(), { type: 'model/toggle', modelId: 'gpt-mini', enabled: false });
    await panel.page.getByLabel('Instruction').press('Control+Enter');
    const second = await lastPosted();
    assert.equal(second.type, 'ask/start');
    assert.deepEqual(second.modelIds, ['groq-llama', 'ollama-qwen', 'compat-deepseek']);
  });

  it('disables Run while an ask runs and Cancel posts ask/cancel', async () => {
    await panel.send(initMessages());
    const run = panel.page.getByRole('button', { name: 'Run', exact: true });
    const cancel = panel.page.getByRole('button', { name: 'Cancel', exact: true });
    assert.ok(await cancel.isDisabled());
    await panel.send(sessionMessages().slice(0, 3));
    assert.ok(await run.isDisabled());
    await cancel.click();
    assert.deepEqual(await lastPosted(), { type: 'ask/cancel' });
  });

  it('offers "needs key" for a model without a key, posting apiKey/set', async () => {
    await panel.send(initMessages());
    assert.ok(await panel.page.getByRole('checkbox', { name: /groq-kimi/ }).isDisabled());
    await panel.page.getByRole('button', { name: 'Set API key for groq-kimi' }).click();
    assert.deepEqual(await lastPosted(), { type: 'apiKey/set', modelId: 'groq-kimi' });
  });

  it('per-card actions post candidate messages; cards without code disable them', async () => {
    await replay();
    const click = async (modelId: string, label: string): Promise<Record<string, unknown>> => {
      await card(modelId).getByRole('button', { name: label, exact: true }).click();
      return lastPosted();
    };
    assert.deepEqual(await click('gpt-mini', 'Insert at Cursor'), {
      type: 'candidate/insert',
      candidateId: 'gpt-mini',
      mode: 'cursor',
    });
    assert.deepEqual(await click('groq-llama', 'Replace Selection'), {
      type: 'candidate/insert',
      candidateId: 'groq-llama',
      mode: 'replace',
    });
    assert.deepEqual(await click('gpt-mini', 'Copy'), { type: 'candidate/copy', candidateId: 'gpt-mini' });
    assert.deepEqual(await click('gpt-mini', 'Re-run'), { type: 'candidate/rerun', candidateId: 'gpt-mini' });
    assert.deepEqual(await click('gpt-mini', 'Open as Untitled File'), {
      type: 'candidate/openUntitled',
      candidateId: 'gpt-mini',
    });
    assert.deepEqual(await click('ollama-qwen', 'Open in Diff Editor'), {
      type: 'candidate/openDiff',
      candidateId: 'ollama-qwen',
      base: 'pick',
    });
    assert.ok(await card('compat-deepseek').getByRole('button', { name: 'Insert at Cursor' }).isDisabled());
  });

  it('renders diffs inline with gutters, and switching the base posts diff/setBase', async () => {
    await replay();
    const diff = card('groq-llama').locator('.diff');
    assert.equal(await diff.locator('.diff-add').count(), 1);
    assert.equal(await diff.locator('.diff-del').count(), 2);
    assert.deepEqual(await diff.locator('.gutter').allTextContents(), [' ', '-', '-', '+']);
    assert.equal(await card('gpt-mini').locator('.diff').count(), 0, 'the pick has no diff against itself');
    await panel.page.getByRole('radio', { name: 'the selection' }).check();
    assert.deepEqual(await lastPosted(), { type: 'diff/setBase', base: 'selection' });
    assert.equal(await panel.page.locator('.diff').count(), 0, 'diffs against the old base are dropped');
    await panel.send([
      { type: 'diff/update', base: 'selection', diffs: { 'gpt-mini': [{ kind: 'add', text: 'x = 1' }] } },
    ]);
    assert.match(
      (await card('gpt-mini').locator('.diff').textContent()) ?? '',
      /\+1 -0 against the selection/,
    );
    await card('ollama-qwen').getByRole('button', { name: 'Open in Diff Editor' }).click();
    assert.equal((await lastPosted()).base, 'selection');
  });

  it('restores cards, verdict and draft from setState after a reload', async () => {
    await replay();
    await panel.page.getByLabel('Instruction').fill('draft in progress');
    await panel.page.waitForFunction(
      () => (globalThis as unknown as { __stateSaves: number }).__stateSaves > 0,
      undefined,
      { polling: 100 },
    );
    // The save is debounced; wait until a save includes the draft.
    await panel.page.waitForTimeout(700);
    await panel.page.reload();
    await panel.page.waitForSelector('article[data-candidate-id]');
    await panel.settle();
    assert.deepEqual(await panel.posted(), [{ type: 'webview/ready' }], 'a fresh page, nothing replayed');
    assert.equal(await panel.page.locator('article[data-candidate-id]').count(), 4);
    assert.deepEqual(await badges('gpt-mini'), ['Pick', 'Passed']);
    assert.deepEqual(await badges('ollama-qwen'), ['Timed out']);
    assert.ok(await panel.page.locator('[data-testid="verdict"]').isVisible());
    assert.equal(await panel.page.getByLabel('Instruction').inputValue(), 'draft in progress');
  });

  it('record/show replays a past run through the same reducer; history and export post messages', async () => {
    await panel.send(initMessages());
    await panel.send([
      { type: 'record/show', record: buildRecord('ask-old', 'An older ask') },
      {
        type: 'history/update',
        history: [{ askId: 'ask-old', startedAt: '2026-11-24T10:00:00.000Z', instruction: 'An older ask' }],
      },
    ]);
    assert.equal(await panel.page.locator('article[data-candidate-id]').count(), 4);
    assert.deepEqual(await badges('gpt-mini'), ['Pick', 'Passed']);
    assert.deepEqual(await badges('groq-llama'), ['Failed']);
    assert.deepEqual(await badges('compat-deepseek'), ['Provider error']);
    assert.ok(await panel.page.getByText('saved run').isVisible());
    await panel.page.getByRole('button', { name: /An older ask/ }).click();
    assert.deepEqual(await lastPosted(), { type: 'history/open', askId: 'ask-old' });
    await panel.page.getByRole('button', { name: 'Export Run' }).click();
    assert.deepEqual(await lastPosted(), { type: 'run/export' });
  });

  it('streams deltas live and caps a long answer behind "show more"', async () => {
    await panel.send(initMessages());
    const [started, first] = sessionMessages();
    const firstStart = first as Extract<HostMessage, { type: 'session/event' }>;
    const piece = 'x'.repeat(49) + '\n';
    const deltas: HostMessage[] = Array.from({ length: 3000 }, (_, i) => ({
      type: 'session/event',
      event: { type: 'delta', candidateId: 'gpt-mini', text: i === 2999 ? 'THE END' : piece },
    }));
    await panel.send([started, firstStart, ...deltas]);
    const stream = card('gpt-mini').locator('pre.stream');
    const shown = (await stream.textContent()) ?? '';
    assert.ok(shown.endsWith('THE END'), 'the newest text is visible while streaming');
    assert.ok(shown.length <= 4_001, `rendered ${shown.length} characters`);
    assert.deepEqual(await badges('gpt-mini'), ['Streaming']);
    const answer = piece.repeat(2999) + 'THE END';
    await panel.send([
      {
        type: 'session/event',
        event: {
          type: 'candidate-done',
          candidateId: 'gpt-mini',
          answer,
          extraction: { main: null, tests: null, blocks: [], language: null, prose: answer },
          timing: { latencyMs: 900 },
          incomplete: true,
        },
      },
    ]);
    assert.deepEqual(await badges('gpt-mini'), ['Incomplete stream', 'No code']);
    const pre = card('gpt-mini').locator('.answer pre');
    assert.equal(((await pre.textContent()) ?? '').length, 4_000);
    await card('gpt-mini')
      .getByRole('button', { name: /Show more/ })
      .click();
    assert.equal(await pre.textContent(), answer);
  });

  it('five parallel streams update one text node per card while the user keeps typing', async () => {
    await panel.send(initMessages());
    const ids = ['m1', 'm2', 'm3', 'm4', 'm5'];
    const models = ids.map((id) => ({ id, kind: 'ollama' as const, model: `model-${id}`, enabled: true }));
    const ev = (event: Extract<HostMessage, { type: 'session/event' }>['event']): HostMessage => ({
      type: 'session/event',
      event,
    });
    await panel.send([
      ev({ type: 'session-started', askId: 'five', models }),
      ...models.map((m) => ev({ type: 'candidate-started', candidateId: m.id, model: m })),
      ...ids.map((id) => ev({ type: 'delta', candidateId: id, text: 'start ' })),
    ]);
    const badge = await card('m3').locator('.badge').elementHandle();
    // The user keeps typing the next instruction while answers stream in.
    await panel.page.getByLabel('Instruction').fill('next question');
    const burst: HostMessage[] = [];
    for (let i = 0; i < 400; i++)
      for (const id of ids) burst.push(ev({ type: 'delta', candidateId: id, text: `${i} ` }));
    await panel.send(burst);
    const connected = await badge.evaluate((n) => (n as unknown as { isConnected: boolean }).isConnected);
    assert.equal(connected, true, 'deltas did not rebuild the card header');
    assert.equal(
      await panel.page.evaluate('document.activeElement.getAttribute("aria-label")'),
      'Instruction',
    );
    assert.equal(await panel.page.getByLabel('Instruction').inputValue(), 'next question');
    for (const id of ids) {
      const text = (await card(id).locator('pre.stream').textContent()) ?? '';
      assert.ok(text.startsWith('start 0 1 2 ') && text.endsWith('398 399 '), id);
    }
  });

  it('card actions form one toolbar tab stop with arrow-key navigation', async () => {
    await replay();
    const toolbar = card('gpt-mini').getByRole('toolbar');
    assert.equal(await toolbar.locator('button[tabindex="0"]').count(), 1);
    await toolbar.getByRole('button', { name: 'Insert at Cursor' }).focus();
    await panel.page.keyboard.press('ArrowRight');
    await panel.page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(), {
      type: 'candidate/insert',
      candidateId: 'gpt-mini',
      mode: 'replace',
    });
    await panel.page.keyboard.press('End');
    await panel.page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(), {
      type: 'candidate/openDiff',
      candidateId: 'gpt-mini',
      base: 'pick',
    });
    await panel.page.keyboard.press('ArrowRight');
    assert.equal(
      await panel.page.evaluate('document.activeElement.getAttribute("aria-label")'),
      'Insert at Cursor',
      'wraps around',
    );
  });

  it('in Restricted Mode shows the trust banner and "not executed" instead of a run', async () => {
    const [init] = initMessages();
    await panel.send([{ ...(init as Extract<HostMessage, { type: 'state/init' }>), trusted: false }]);
    assert.match(
      (await panel.page.locator('[data-testid="trust-banner"]').textContent()) ?? '',
      /Restricted Mode: models can be asked, but code is not executed/,
    );
    const live = sessionMessages().filter(
      (m) => m.type !== 'session/event' || !['run-started', 'run-done'].includes(m.event.type),
    );
    await panel.send(live);
    assert.deepEqual(await badges('groq-llama'), ['Not executed (untrusted)']);
    assert.ok(await card('gpt-mini').getByRole('button', { name: 'Re-run' }).isDisabled());
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`looks like a native panel in the ${theme} theme (screenshot)`, async () => {
      await panel.close();
      panel = await openPanel(browser, server.url, theme);
      await replay();
      await panel.page.getByLabel('Instruction').fill(INSTRUCTION);
      await card('groq-llama').locator('.section-prose summary').click();
      // Font glyphs (codicons) load asynchronously; the screenshot must show icons, not boxes.
      await panel.page.evaluate(
        () =>
          (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts
            .ready,
      );
      const background = await panel.page.evaluate(() => {
        const g = globalThis as unknown as {
          getComputedStyle(e: unknown): { backgroundColor: string };
          document: { body: unknown };
        };
        return g.getComputedStyle(g.document.body).backgroundColor;
      });
      assert.equal(background, theme === 'dark' ? 'rgb(24, 24, 24)' : 'rgb(248, 248, 248)');
      mkdirSync(SHOTS, { recursive: true });
      const file = join(SHOTS, `webview-${theme}.png`);
      await panel.page.screenshot({ path: file, fullPage: true });
      assert.ok(statSync(file).size > 20_000);
    });
  }
});
