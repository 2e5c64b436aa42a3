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
    await s.panel.page.waitForFunction(
      `[...document.querySelectorAll('button')].some((b) => b.getAttribute('aria-label') === 'Cancel' && !b.disabled)`,
    );
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

  it('per-card actions post candidate messages; cards without code disable them', async () => {
    await s.replay();
    const click = async (modelId: string, label: string): Promise<Record<string, unknown>> => {
      await s.card(modelId).getByRole('button', { name: label, exact: true }).click();
      return s.lastPosted();
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
    assert.ok(await s.card('compat-deepseek').getByRole('button', { name: 'Insert at Cursor' }).isDisabled());
  });

  it('card actions form one toolbar tab stop with arrow-key navigation', async () => {
    await s.replay();
    const toolbar = s.card('gpt-mini').getByRole('toolbar');
    assert.equal(await toolbar.locator('button[tabindex="0"]').count(), 1);
    await toolbar.getByRole('button', { name: 'Insert at Cursor' }).focus();
    await s.panel.page.keyboard.press('ArrowRight');
    await s.panel.page.keyboard.press('Enter');
    assert.deepEqual(await s.lastPosted(), {
      type: 'candidate/insert',
      candidateId: 'gpt-mini',
      mode: 'replace',
    });
    await s.panel.page.keyboard.press('End');
    await s.panel.page.keyboard.press('Enter');
    assert.deepEqual(await s.lastPosted(), {
      type: 'candidate/openDiff',
      candidateId: 'gpt-mini',
      base: 'pick',
    });
    await s.panel.page.keyboard.press('ArrowRight');
    assert.equal(
      await s.panel.page.evaluate('document.activeElement.getAttribute("aria-label")'),
      'Insert at Cursor',
      'wraps around',
    );
  });
});
