import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outcomeOf, type AskOutcome } from '../../src/core/records/modelRecord';
import { recordsView } from '../../src/core/records/recordsView';
import type { HostMessage } from '../../src/protocol';
import { runRecord } from '../unit/records/recordFixtures';
import { REPO } from './harnessServer';
import { usePanelSuite } from './panelSuite';
import { initMessages, MODEL_VIEWS } from './sessionFixture';

const SHOTS = join(REPO, '.test-output/screenshots');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/** What the page-side callbacks read (these tests have no DOM typings). */
type Attr = { getAttribute(name: string): string | null };
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

/**
 * 14 asks over two weeks, 10 of them in /work/app: gpt-mini (priced) is picked in most, ollama-qwen
 * (local, free) in the rest, groq-llama never; a fourth model's name is markup.
 */
function outcomes(): AskOutcome[] {
  const out: AskOutcome[] = [];
  for (let i = 0; i < 14; i++) {
    const day = String(1 + i).padStart(2, '0');
    const pick = i % 3 === 0 ? 'ollama-qwen' : 'gpt-mini';
    const record = runRecord(
      `ask-${i}`,
      `2026-11-${day}T09:00:00.000Z`,
      [
        {
          id: 'gpt-mini',
          price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
          tokens: { input: 2000, output: 800 },
          exit: 0,
          latencyMs: 1400,
        },
        { id: 'ollama-qwen', kind: 'ollama', exit: i % 2, latencyMs: 2600 },
        { id: 'groq-llama', kind: 'groq', exit: 1, latencyMs: 900 },
        ...(i < 3 ? [{ id: 'odd', kind: 'openai-compatible' as const, model: HOSTILE, exit: 1 }] : []),
      ],
      { pick },
    );
    out.push(outcomeOf(record, { workspace: i < 10 ? '/work/app' : '/work/other' })!);
  }
  return out;
}

function recordsMessage(workspace = '/work/app'): HostMessage {
  const enabled = new Set(MODEL_VIEWS.filter((m) => m.enabled).map((m) => m.id));
  return { type: 'records/update', records: recordsView(outcomes(), { workspace, enabled }) };
}

describe('webview panel in Chromium: each model’s record', function () {
  const s = usePanelSuite();
  const open = async (): Promise<void> => {
    await s.panel.page.locator('[data-testid="records-view"] summary').click();
    await s.panel.settle();
  };

  it('shows the table and both charts as inline SVG, this workspace first, all workspaces on a click', async () => {
    await s.panel.send([...initMessages(), recordsMessage()]);
    await open();
    const view = s.panel.page.locator('[data-testid="records-view"]');
    assert.match((await view.locator('.records-summary').textContent()) ?? '', /^10 asks recorded in app;/);
    const row = (id: string) =>
      view
        .locator(`[data-testid="records-table"] tr[data-model-id="${id}"]`)
        .locator('th, td')
        .allTextContents();
    // gpt-mini: picked in 6 of the 10 asks here; 2000 in at $0.15/M + 800 out at $0.60/M = $0.00078 per ask
    assert.deepEqual(await row('gpt-mini'), [
      'gpt-mini',
      '10',
      '6',
      '60%',
      '10',
      '—',
      '1400 ms',
      '$0.0008',
      '769',
    ]);
    assert.deepEqual(await row('ollama-qwen'), [
      'ollama-qwen',
      '10',
      '4',
      '40%',
      '5',
      '—',
      '2600 ms',
      '$0',
      'free',
    ]);
    assert.deepEqual(await row('groq-llama'), ['groq-llama', '10', '0', '0%', '0', '—', '900 ms', '—', '—']);

    const cost = view.locator('svg[data-testid="records-cost-chart"]');
    assert.equal(await cost.getAttribute('role'), 'img');
    assert.deepEqual(
      await cost
        .locator('.chart-point')
        .evaluateAll((gs) => gs.map((g) => (g as unknown as Attr).getAttribute('data-model-id'))),
      ['gpt-mini', 'ollama-qwen'],
      'a model without a price is not plotted',
    );
    assert.match((await view.locator('figcaption').first().textContent()) ?? '', /not plotted: groq-llama/);
    // the free model sits at $0 (left), the priced one further right; y is the win rate
    const [gx, qx] = await cost
      .locator('.chart-point circle')
      .evaluateAll((cs) => cs.map((c) => Number((c as unknown as Attr).getAttribute('cx'))));
    assert.ok(qx < gx, `free model left of the priced one (${qx} < ${gx})`);
    const time = view.locator('svg[data-testid="records-time-chart"]');
    assert.equal(
      await time.locator('.chart-line[data-model-id="gpt-mini"] circle').count(),
      10,
      'one point a day',
    );

    await view.getByRole('button', { name: 'All workspaces' }).click();
    await s.panel.settle();
    assert.match((await view.locator('.records-summary').textContent()) ?? '', /^14 asks recorded;/);
    assert.equal((await row('odd'))[1], '3');
    assert.equal(
      await view.getByRole('button', { name: 'All workspaces' }).getAttribute('aria-pressed'),
      'true',
    );
    mkdirSync(SHOTS, { recursive: true });
    await view.screenshot({ path: join(SHOTS, 'panel-records-dark.png') });
  });

  it('renders model names as text, never as markup', async () => {
    await s.panel.send([...initMessages(), recordsMessage()]);
    await open();
    const view = s.panel.page.locator('[data-testid="records-view"]');
    await view.getByRole('button', { name: 'All workspaces' }).click();
    await s.panel.settle();
    assert.equal(
      await view.locator('tr[data-model-id="odd"] th').getAttribute('title'),
      `openai-compatible · ${HOSTILE}`,
    );
    assert.equal(await s.panel.page.locator('img').count(), 0);
    assert.equal(
      await s.panel.page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned),
      undefined,
    );
  });

  it('suggests disabling a model never picked, and Disable goes through model/toggle', async () => {
    // live models: the demo's are fixed, so it suggests nothing there
    const live: HostMessage = { type: 'models/update', models: MODEL_VIEWS, demo: false };
    await s.panel.send([...initMessages(), live, recordsMessage()]);
    await open();
    const suggestion = s.panel.page.locator('.records-suggestion');
    assert.equal(await suggestion.count(), 1);
    assert.equal(await suggestion.getAttribute('data-model-id'), 'groq-llama');
    assert.match((await suggestion.textContent()) ?? '', /groq-llama was never picked in 14 judged asks/);
    await suggestion.getByRole('button', { name: 'Disable groq-llama' }).click();
    assert.deepEqual(await s.lastPosted(), { type: 'model/toggle', modelId: 'groq-llama', enabled: false });
    await s.panel.settle();
    assert.equal(await suggestion.count(), 0, 'a disabled model is not suggested again');
    assert.equal(
      await s.panel.page.locator('input[type="checkbox"][data-model-id="groq-llama"]').isChecked(),
      false,
      "the prompt's model checkbox follows",
    );
    await s.panel.page.getByRole('button', { name: 'Export Model Records (CSV)' }).click();
    assert.deepEqual(await s.lastPosted(), { type: 'records/export' });
  });

  for (const theme of ['dark', 'light', 'hc'] as const) {
    it(`has no serious or critical axe violation with the records open, in the ${theme} theme`, async () => {
      await s.reopen(theme);
      const live: HostMessage = { type: 'models/update', models: MODEL_VIEWS, demo: false };
      await s.panel.send([...initMessages(), live, recordsMessage()]);
      await open();
      await s.panel.page.evaluate(AXE);
      const result = (await s.panel.page.evaluate(() =>
        (globalThis as unknown as { axe: { run(c: unknown, o: unknown): Promise<unknown> } }).axe.run(
          (
            globalThis as unknown as { document: { querySelector(q: string): unknown } }
          ).document.querySelector('[data-testid="records-view"]'),
          { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } },
        ),
      )) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
      const serious = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.length} nodes, first ${v.nodes[0]?.target.join(' ')}`);
      assert.deepEqual(serious, []);
      if (theme !== 'dark')
        await s.panel.page.locator('[data-testid="records-view"]').screenshot({
          path: join(SHOTS, `panel-records-${theme}.png`),
        });
    });
  }

  it('says so when nothing is recorded yet', async () => {
    const enabled = new Set<string>();
    await s.panel.send([
      ...initMessages(),
      { type: 'records/update', records: recordsView([], { enabled }) },
    ]);
    await open();
    assert.match(
      (await s.panel.page.locator('[data-testid="records-view"] .records-body').textContent()) ?? '',
      /No asks recorded yet/,
    );
    assert.equal(await s.panel.page.locator('svg.records-chart').count(), 0);
  });
});
