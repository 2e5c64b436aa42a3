import assert from 'node:assert/strict';
import { isWebviewMessage } from '../../src/protocol';
import { usePanelSuite } from './panelSuite';
import { initMessages, sessionMessages } from './sessionFixture';

describe('webview panel in Chromium: what it posts', function () {
  const s = usePanelSuite();

  it('says webview/ready first', async () => {
    const posted = await s.panel.posted();
    assert.deepEqual(posted[0], { type: 'webview/ready' });
  });

  it('Run posts a valid ask/start with the instruction, intent and enabled keyed models', async () => {
    await s.panel.send(initMessages());
    await s.panel.page.getByLabel('Instruction').fill('Make it handle unicode');
    await s.panel.page.getByLabel('Intent').selectOption('fix');
    await s.panel.page.getByRole('button', { name: 'Run', exact: true }).click();
    const ask = await s.lastPosted();
    assert.ok(isWebviewMessage(ask));
    assert.deepEqual(ask, {
      type: 'ask/start',
      instruction: 'Make it handle unicode',
      intent: 'fix',
      modelIds: ['gpt-mini', 'groq-llama', 'ollama-qwen', 'compat-deepseek'],
    });
    // The host refuses (say, no key): Run is enabled again.
    await s.panel.send([{ type: 'ask/refused', reason: 'No API key stored.' }]);
    await s.panel.page.getByRole('checkbox', { name: /gpt-mini/ }).uncheck();
    assert.deepEqual(await s.lastPosted(), { type: 'model/toggle', modelId: 'gpt-mini', enabled: false });
    await s.panel.page.getByLabel('Instruction').press('Control+Enter');
    const second = await s.lastPosted();
    assert.equal(second.type, 'ask/start');
    assert.deepEqual(second.modelIds, ['groq-llama', 'ollama-qwen', 'compat-deepseek']);
  });

  it('Run pressed twice within 50 ms (click, then Ctrl+Enter) posts one ask/start, and Cancel is live at once', async () => {
    await s.panel.send(initMessages());
    const run = s.panel.page.getByRole('button', { name: 'Run', exact: true });
    const cancel = s.panel.page.getByRole('button', { name: 'Cancel', exact: true });
    await s.panel.page.getByLabel('Instruction').fill('twice');
    // Three presses in one task (well within 50 ms): click, Ctrl+Enter, click.
    await s.panel.page.evaluate(`(() => {
      const run = [...document.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Run');
      const box = document.querySelector('textarea');
      run.click();
      box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
      run.click();
    })()`);
    const asks = (await s.panel.posted()).filter((m) => m.type === 'ask/start');
    assert.equal(asks.length, 1, 'one ask/start for three presses');
    await s.panel.settle();
    assert.ok(await run.isDisabled(), 'Run is disabled before the host confirmed anything');
    assert.ok(!(await cancel.isDisabled()));
  });

  it('disables Run while an ask runs and Cancel posts ask/cancel', async () => {
    await s.panel.send(initMessages());
    const run = s.panel.page.getByRole('button', { name: 'Run', exact: true });
    const cancel = s.panel.page.getByRole('button', { name: 'Cancel', exact: true });
    assert.ok(await cancel.isDisabled());
    await s.panel.send(sessionMessages().slice(0, 3));
    assert.ok(await run.isDisabled());
    await cancel.click();
    assert.deepEqual(await s.lastPosted(), { type: 'ask/cancel' });
  });

  it('offers "needs key" for a model without a key, posting apiKey/set', async () => {
    await s.panel.send(initMessages());
    assert.ok(await s.panel.page.getByRole('checkbox', { name: /groq-kimi/ }).isDisabled());
    await s.panel.page.getByRole('button', { name: 'Set API key for groq-kimi' }).click();
    assert.deepEqual(await s.lastPosted(), { type: 'apiKey/set', modelId: 'groq-kimi' });
  });

  it('per-card actions: a labelled Apply… and a More menu of labelled items; no code disables them, saying why', async () => {
    await s.replay();
    const click = async (modelId: string, label: string): Promise<Record<string, unknown>> => {
      await s.card(modelId).getByText('More', { exact: true }).click();
      await s.card(modelId).getByRole('menuitem', { name: label, exact: true }).click();
      return s.lastPosted();
    };
    await s.card('gpt-mini').getByRole('button', { name: 'Apply…' }).click();
    assert.deepEqual(await s.lastPosted(), { type: 'candidate/apply', candidateId: 'gpt-mini' });
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
    const apply = s.card('compat-deepseek').getByRole('button', { name: 'Apply…' });
    assert.ok(await apply.isDisabled());
    assert.equal(await apply.getAttribute('aria-description'), 'This answer has no code.');
    await s.card('compat-deepseek').getByText('More', { exact: true }).click();
    assert.ok(
      await s.card('compat-deepseek').getByRole('menuitem', { name: 'Insert at Cursor' }).isDisabled(),
    );
  });

  it("the verdict bar's Apply pick is the first stop after the form; the pick's card comes first", async () => {
    await s.replay();
    const bar = s.panel.page.getByTestId('verdict-bar');
    assert.match((await bar.textContent()) ?? '', /Pick: gpt-mini/);
    assert.equal(await bar.getByTestId('verdict-reason').textContent(), 'passes 3/3 model tests');
    assert.match((await bar.textContent()) ?? '', /decided by cross-tests \(CodeT\)/);
    // From the verdict bar, Tab once reaches Apply pick (the target: at most 3).
    await bar.focus();
    await s.panel.page.keyboard.press('Tab');
    assert.equal(
      await s.panel.page.evaluate('document.activeElement.getAttribute("data-testid")'),
      'apply-pick',
    );
    await s.panel.page.keyboard.press('Enter');
    assert.deepEqual(await s.lastPosted(), { type: 'candidate/apply', candidateId: 'gpt-mini' });
    await s.panel.page.keyboard.press('Tab');
    await s.panel.page.keyboard.press('Enter');
    assert.deepEqual(await s.lastPosted(), {
      type: 'candidate/openDiff',
      candidateId: 'gpt-mini',
      base: 'selection',
    });
    await bar.getByRole('button', { name: 'Re-run' }).click();
    const rerun = await s.lastPosted();
    assert.equal(rerun.type, 'ask/start');
    assert.deepEqual(rerun.modelIds, ['gpt-mini', 'groq-llama', 'ollama-qwen', 'compat-deepseek']);
    // Cards by rank, the pick first; the model that did not answer last.
    const ids = await s.panel.page
      .locator('.cards article[data-candidate-id]')
      .evaluateAll((nodes) =>
        nodes.map((n) =>
          (n as unknown as { getAttribute(a: string): string | null }).getAttribute('data-candidate-id'),
        ),
      );
    assert.deepEqual(ids, ['gpt-mini', 'groq-llama', 'ollama-qwen', 'compat-deepseek']);
  });

  it('the More menu works from the keyboard and closes on Escape', async () => {
    await s.replay();
    const more = s.card('gpt-mini').locator('summary.more-button');
    await more.focus();
    await s.panel.page.keyboard.press('Enter');
    assert.ok(await s.card('gpt-mini').getByRole('menu').isVisible());
    await s.panel.page.keyboard.press('Tab');
    assert.equal(await s.panel.page.evaluate('document.activeElement.textContent'), 'Insert at Cursor');
    await s.panel.page.keyboard.press('Escape');
    assert.equal(await s.card('gpt-mini').getByRole('menu').isVisible(), false);
    assert.equal(
      await s.panel.page.evaluate('document.activeElement.getAttribute("aria-label")'),
      'More actions',
    );
  });
});
