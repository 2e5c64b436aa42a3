import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { usePanelSuite } from './panelSuite';
import { initMessages } from './sessionFixture';

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResult {
  violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
}

describe('webview panel in Chromium: accessibility (axe-core, WCAG 2.1 AA)', function () {
  const s = usePanelSuite();

  for (const theme of ['dark', 'light', 'hc'] as const) {
    it(`has no serious or critical violation, contrast included, in the ${theme} theme`, async () => {
      await s.reopen(theme);
      await s.replay();
      // Open what is collapsed, so its text is checked too: a scoreboard row, a diff, a menu.
      await s.panel.page.locator('.score-row summary').first().click();
      await s.panel.page.locator('.score-row summary').nth(1).click();
      await s.card('groq-llama').locator('details.section-diff summary').click();
      await s.card('gpt-mini').getByText('More', { exact: true }).click();
      await s.panel.page.evaluate(AXE);
      const result = (await s.panel.page.evaluate(() =>
        (globalThis as unknown as { axe: { run(c: unknown, o: unknown): Promise<unknown> } }).axe.run(
          (globalThis as unknown as { document: unknown }).document,
          { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } },
        ),
      )) as AxeResult;
      const serious = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.length} nodes, first ${v.nodes[0]?.target.join(' ')}`);
      assert.deepEqual(serious, []);
    });
  }

  it('shows the first run with nothing set up as two buttons: Try the demo, Add a model', async () => {
    await s.panel.send([
      ...initMessages(),
      { type: 'models/update', models: [], demo: false },
      { type: 'readiness/update', ready: false, unreachable: ['ollama-qwen'] },
    ]);
    const start = s.panel.page.getByTestId('start');
    assert.match(
      (await start.textContent()) ?? '',
      /No model can answer yet\. ollama-qwen: Ollama is not running/,
    );
    assert.ok(await s.panel.page.getByRole('button', { name: 'Run', exact: true }).isDisabled());
    assert.match(
      (await s.panel.page
        .getByRole('button', { name: 'Run', exact: true })
        .getAttribute('aria-description')) ?? '',
      /No model can answer/,
    );
    await s.panel.page.getByRole('button', { name: 'Try the demo' }).click();
    assert.deepEqual(await s.lastPosted(), { type: 'demo/start' });
    await start.getByRole('button', { name: 'Add a model' }).click();
    assert.deepEqual(await s.lastPosted(), { type: 'model/add' });
    // The demo runs: its recorded asks become the buttons, with why they are shown.
    await s.panel.send([
      { type: 'models/update', models: initModels(), demo: true },
      {
        type: 'demo/asks',
        asks: [
          { id: 'is-prime-faster', title: 'Make is_prime faster (sample/primes.py)' },
          { id: 'sum-range-fix', title: 'Fix the off-by-one in sumRange (sample/sumRange.ts)' },
        ],
        reason: 'The demo has recorded answers only for the asks below.',
      },
    ]);
    assert.match((await start.textContent()) ?? '', /recorded answers only for the asks below/);
    await s.panel.page.getByRole('button', { name: /Make is_prime faster/ }).click();
    assert.deepEqual(await s.lastPosted(), { type: 'demo/ask', askId: 'is-prime-faster' });
  });

  it('an ask from outside the form (Quick Fix, keybinding) replaces the form’s intent and instruction', async () => {
    await s.panel.send(initMessages());
    await s.panel.page.getByLabel('Instruction').fill('the previous ask');
    await s.panel.send([
      { type: 'draft/set', instruction: 'Fix the code so these problems go away', intent: 'fix' },
    ]);
    assert.equal(
      await s.panel.page.getByLabel('Instruction').inputValue(),
      'Fix the code so these problems go away',
    );
    assert.equal(await s.panel.page.getByLabel('Intent').inputValue(), 'fix');
  });
});

function initModels(): Extract<ReturnType<typeof initMessages>[number], { type: 'state/init' }>['models'] {
  const init = initMessages().find((m) => m.type === 'state/init');
  return init?.type === 'state/init' ? init.models : [];
}
