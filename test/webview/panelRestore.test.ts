import assert from 'node:assert/strict';
import { usePanelSuite } from './panelSuite';
import { buildRecord, initMessages } from './sessionFixture';

describe('webview panel in Chromium: restoring and replaying runs', function () {
  const s = usePanelSuite();

  it('restores cards, verdict and draft from setState after a reload', async () => {
    await s.replay();
    await s.panel.page.getByLabel('Instruction').fill('draft in progress');
    await s.panel.page.waitForFunction(
      () => (globalThis as unknown as { __stateSaves: number }).__stateSaves > 0,
      undefined,
      { polling: 100 },
    );
    // The save is debounced; wait until a save includes the draft.
    await s.panel.page.waitForTimeout(700);
    await s.panel.page.reload();
    await s.panel.page.waitForSelector('article[data-candidate-id]');
    await s.panel.settle();
    assert.deepEqual(await s.panel.posted(), [{ type: 'webview/ready' }], 'a fresh page, nothing replayed');
    assert.equal(await s.panel.page.locator('article[data-candidate-id]').count(), 4);
    assert.deepEqual(await s.badges('gpt-mini'), ['Pick', 'Ran', 'Tests 3/3']);
    assert.deepEqual(await s.badges('ollama-qwen'), ['Timed out', 'Tests 0/3']);
    assert.ok(await s.panel.page.locator('[data-testid="verdict"]').isVisible());
    assert.equal(await s.panel.page.getByLabel('Instruction').inputValue(), 'draft in progress');
  });

  it('record/show replays a past run through the same reducer; history and export post messages', async () => {
    await s.panel.send(initMessages());
    await s.panel.send([
      { type: 'record/show', record: buildRecord('ask-old', 'An older ask') },
      {
        type: 'history/update',
        history: [{ askId: 'ask-old', startedAt: '2026-11-24T10:00:00.000Z', instruction: 'An older ask' }],
      },
    ]);
    assert.equal(await s.panel.page.locator('article[data-candidate-id]').count(), 4);
    assert.deepEqual(await s.badges('gpt-mini'), ['Pick', 'Ran', 'Tests 3/3']);
    assert.deepEqual(await s.badges('groq-llama'), ['Exit 1', 'Tests 1/3']);
    assert.deepEqual(await s.badges('compat-deepseek'), ['Provider error']);
    assert.ok(await s.panel.page.getByText('saved run').isVisible());
    await s.panel.page.getByRole('button', { name: /An older ask/ }).click();
    assert.deepEqual(await s.lastPosted(), { type: 'history/open', askId: 'ask-old' });
    await s.panel.page.getByRole('button', { name: 'Export Run' }).click();
    assert.deepEqual(await s.lastPosted(), { type: 'run/export' });
  });
});
