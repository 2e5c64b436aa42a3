import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionEventBody, Verdict } from '../../src/core/types';
import type { HostMessage } from '../../src/protocol';
import { REPO } from './harnessServer';
import { usePanelSuite } from './panelSuite';
import {
  buildRecord,
  initMessages,
  INSTRUCTION,
  sessionMessages,
  VERDICT,
  XSS_PROSE,
} from './sessionFixture';

const SHOTS = join(REPO, '.test-output/screenshots');

describe('webview panel in Chromium: what it shows', function () {
  const s = usePanelSuite();

  it('renders one card per candidate with the right badges and metrics', async () => {
    await s.replay();
    assert.equal(await s.panel.page.locator('article[data-candidate-id]').count(), 4);
    assert.equal(await s.card('gpt-mini').getAttribute('aria-label'), 'Candidate gpt-mini');
    assert.deepEqual(await s.badges('gpt-mini'), ['Pick', 'Ran', 'Tests 3/3']);
    assert.deepEqual(await s.badges('groq-llama'), ['Exit 1', 'Tests 1/3']);
    assert.deepEqual(await s.badges('ollama-qwen'), ['Timed out', 'Tests 0/3']);
    assert.deepEqual(await s.badges('compat-deepseek'), ['Provider error']);
    assert.match((await s.card('compat-deepseek').locator('.advice').textContent()) ?? '', /Wait a minute/);
    assert.equal(await s.panel.page.locator('article.is-pick').count(), 1);
    assert.match((await s.card('gpt-mini').getAttribute('class')) ?? '', /\bis-pick\b/);
    const metrics = (await s.card('gpt-mini').locator('.metrics').textContent()) ?? '';
    assert.match(metrics, /TTFT310 ms/);
    assert.match(metrics, /Tokens182 in \/ 64 out/);
    assert.match(metrics, /Cost\$0\.00007/);
    assert.match(metrics, /Score0\.93/);
    assert.match((await s.card('groq-llama').locator('.matrix-row').textContent()) ?? '', /Tests 1\/3/);
    assert.match((await s.card('groq-llama').locator('.section-run').textContent()) ?? '', /AssertionError/);
    assert.ok(await s.panel.page.locator('[data-testid="demo-banner"]').isVisible());
    assert.match(
      (await s.panel.page.locator('[data-testid="demo-banner"]').textContent()) ?? '',
      /Recorded demo answers — not live models.*Set API Key.*Ollama/,
    );
    assert.equal(
      await s.panel.page.locator('[data-testid="progress"]').textContent(),
      'Done: gpt-mini picked',
    );
  });

  it('a cascade: the progress says which tier is asked and counts its models; the outcome line after', async () => {
    const all = sessionMessages();
    const ev = (event: SessionEventBody): HostMessage => ({
      type: 'session/event',
      event: { ...event, askId: 'ask-1' },
    });
    const started = all.find(
      (m) =>
        m.type === 'session/event' &&
        m.event.type === 'candidate-started' &&
        m.event.candidateId === 'ollama-qwen',
    )!;
    await s.panel.send([
      ...initMessages(),
      all[0],
      ev({ type: 'tier-started', round: 1, tier: 1, rounds: 3, modelIds: ['ollama-qwen'] }),
      started,
    ]);
    const page = s.panel.page;
    await page.getByTestId('progress').filter({ hasText: 'waiting for' }).waitFor();
    assert.equal(
      await page.getByTestId('progress').textContent(),
      'Cascade: asking tier 1 of 3 · 0 of 1 answered · waiting for ollama-qwen',
    );
    assert.equal(await page.getByTestId('strategy-line').isVisible(), false, 'said once, in the progress');
    const record = {
      ...buildRecord('ask-1', INSTRUCTION),
      strategy: {
        strategy: 'cascade' as const,
        threshold: 0.75,
        tierCount: 3,
        answeredTier: 1,
        pickTier: 1,
        tiers: [{ round: 1, tier: 1, modelIds: ['ollama-qwen'], stopped: true, why: 'verified' }],
        skipped: [],
      },
    };
    await s.panel.send([ev({ type: 'session-done', record, cancelled: false })]);
    await page.getByTestId('strategy-line').waitFor({ state: 'visible' });
    assert.match(
      (await page.getByTestId('strategy-line').textContent()) ?? '',
      /^Tier 1 of 3 answered \(verified\)/,
    );
    assert.doesNotMatch((await page.getByTestId('progress').textContent()) ?? '', /Cascade: asking/);
  });

  it('shows a scoreboard (tests bar, latency, cost per model, failing tests on expand) and why, collapsed', async () => {
    await s.replay();
    const verdict = s.panel.page.locator('[data-testid="verdict"]');
    assert.ok(await verdict.isVisible());
    const board = verdict.getByTestId('scoreboard');
    assert.deepEqual(await board.locator('.score-model').allTextContents(), [
      'gpt-mini',
      'groq-llama',
      'ollama-qwen',
    ]);
    assert.deepEqual(await board.locator('.score-count').allTextContents(), ['3/3', '1/3', '0/3']);
    assert.deepEqual(
      await board
        .locator('.bar')
        .evaluateAll((nodes) =>
          nodes.map((n) =>
            (n as unknown as { getAttribute(a: string): string | null }).getAttribute('aria-label'),
          ),
        ),
      ['3 of 3 tests passed', '1 of 3 tests passed', '0 of 3 tests passed'],
    );
    assert.match((await board.locator('.score-facts').first().textContent()) ?? '', /\$0\.00007/);
    assert.match((await board.textContent()) ?? '', /3 test cases; 3 tell the answers apart/);
    // The failing tests of a row, on expand: groq-llama fails the two gpt-mini cases.
    const groq = board.locator('.score-row[data-candidate-id="groq-llama"]');
    assert.equal(await groq.locator('ul.failing').isVisible(), false, 'collapsed by default');
    await groq.locator('summary').click();
    assert.deepEqual(await groq.locator('ul.failing code').allTextContents(), [
      'assert slugify("Hello World") == "hello-world"',
      'assert slugify("a  b") == "a-b"',
    ]);
    assert.deepEqual(await groq.locator('.fail-word').allTextContents(), ['fails', 'fails']);
    await board.getByRole('button', { name: 'Open the full test matrix in an editor tab' }).click();
    assert.deepEqual(await s.lastPosted(), { type: 'matrix/open' });
    // Why: strategy, confidence, reasons and the LLM opinion, behind one disclosure.
    const why = verdict.locator('details.why');
    assert.equal(await why.getAttribute('open'), null);
    await why.locator('summary').click();
    const text = (await why.textContent()) ?? '';
    assert.match(text, /Pickgpt-mini/);
    assert.match(text, /Cross-tests \(CodeT\)/);
    assert.match(text, /82%/);
    assert.match(text, /ollama-qwen timed out/);
    assert.match(text, /LLM judge \(gpt-4o-mini\) picks gpt-mini/);
    assert.equal(await verdict.locator('.unverified').count(), 0);
    assert.equal(await s.panel.page.locator('table').count(), 0, 'no 20-column table in the sidebar');
  });

  it("warns when the verdict is unverified and shows a model's reasoning collapsed", async () => {
    const messages = [...initMessages(), ...sessionMessages()].map((m): HostMessage => {
      if (m.type !== 'session/event') return m;
      const e = m.event;
      if (e.type === 'verdict') return { ...m, event: { ...e, verdict: { ...e.verdict, unverified: true } } };
      if (e.type === 'candidate-done' && e.candidateId === 'groq-llama') {
        return { ...m, event: { ...e, extraction: { ...e.extraction, reasoning: 'First, <b>think</b>.' } } };
      }
      return m;
    });
    await s.panel.send(messages);
    const warning = s.panel.page.locator('[data-testid="verdict"] .unverified');
    assert.match(
      (await s.panel.page.getByTestId('verdict-reason').textContent()) ?? '',
      /Nothing ran successfully: the least bad answer, not a tested one/,
    );
    assert.match((await warning.textContent()) ?? '', /Unverified: nothing ran successfully/);
    assert.equal(await warning.getAttribute('role'), 'alert');
    const reasoning = s.card('groq-llama').locator('details.section-reasoning');
    assert.equal(await reasoning.getAttribute('open'), null, 'collapsed by default');
    assert.equal(await reasoning.locator('pre').textContent(), 'First, <b>think</b>.');
    assert.equal(await s.panel.page.locator('b').count(), 0);
  });

  it('renders model text as literal text and never creates elements from it', async () => {
    const hostile = '<img src=x onerror="window.__pwned=3"><script>window.__pwned=4</script>';
    await s.replay();
    await s.panel.send([
      { type: 'notice/show', level: 'warning', message: hostile },
      { type: 'history/update', history: [{ askId: 'a', startedAt: 'x', instruction: hostile }] },
      { type: 'selection/update', selection: { text: hostile, file: hostile, wholeFile: true } },
    ]);
    const prose = (await s.card('ollama-qwen').locator('.section-prose').textContent()) ?? '';
    assert.ok(prose.includes(XSS_PROSE), prose);
    assert.ok(((await s.panel.page.locator('.notice').textContent()) ?? '').includes(hostile));
    assert.ok(((await s.panel.page.locator('.history-list').textContent()) ?? '').includes(hostile));
    assert.equal(await s.panel.page.locator('img').count(), 0);
    assert.equal(await s.panel.page.locator('script').count(), 2, 'only the harness API and the bundle');
    assert.equal(await s.panel.page.evaluate('window.__pwned'), undefined);
  });

  it('highlights code as spans of text with the exact code preserved', async () => {
    await s.replay();
    const code = s.card('gpt-mini').locator('.code code');
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

  it('renders diffs inline with gutters, and switching the base posts diff/setBase', async () => {
    await s.replay();
    const section = s.card('groq-llama').locator('details.section-diff');
    assert.equal(await section.getAttribute('open'), null, 'diffs are collapsed by default');
    await section.locator('summary').click();
    const diff = s.card('groq-llama').locator('.diff');
    assert.ok(await diff.isVisible());
    assert.equal(await diff.locator('.diff-add').count(), 1);
    assert.equal(await diff.locator('.diff-del').count(), 2);
    assert.deepEqual(await diff.locator('.gutter').allTextContents(), [' ', '-', '-', '+']);
    assert.equal(await s.card('gpt-mini').locator('.diff').count(), 0, 'the pick has no diff against itself');
    await s.panel.page.getByRole('radio', { name: 'the selection' }).check();
    assert.deepEqual(await s.lastPosted(), { type: 'diff/setBase', base: 'selection' });
    await s.panel.settle();
    assert.equal(await s.panel.page.locator('.diff').count(), 0, 'diffs against the old base are dropped');
    await s.panel.send([
      { type: 'diff/update', base: 'selection', diffs: { 'gpt-mini': [{ kind: 'add', text: 'x = 1' }] } },
    ]);
    assert.match(
      (await s.card('gpt-mini').locator('.diff').textContent()) ?? '',
      /\+1 -0 against the selection/,
    );
    await s.card('ollama-qwen').getByRole('group').getByText('More').click();
    await s.card('ollama-qwen').getByRole('menuitem', { name: 'Open in Diff Editor' }).click();
    assert.equal((await s.lastPosted()).base, 'selection');
  });

  it("marks the user's examples in the matrix and says what the chosen group passed", async () => {
    await s.panel.send(initMessages());
    const trusted = {
      id: 'examples.1',
      testId: 'examples',
      code: 'assert slugify("Hello World") == "hello-world"',
      trusted: true as const,
      source: 'prompt' as const,
    };
    const verdict: Verdict = {
      ...VERDICT,
      matrix: {
        cases: [trusted, ...(VERDICT.matrix?.cases ?? [])],
        cells: Object.fromEntries(
          Object.entries(VERDICT.matrix?.cells ?? {}).map(([id, row]) => [
            id,
            { ...row, 'examples.1': id === 'gpt-mini' ? 'pass' : 'fail' },
          ]),
        ),
      },
      evidence: {
        casesPassed: 4,
        casesTotal: 4,
        trustedPassed: 1,
        trustedTotal: 1,
        groupSize: 1,
        posterior: 0.9,
      },
    };
    await s.panel.send(
      sessionMessages().map((m) =>
        m.type === 'session/event' && m.event.type === 'verdict'
          ? { ...m, event: { ...m.event, verdict } }
          : m,
      ),
    );
    const board = s.panel.page.getByTestId('scoreboard');
    assert.match(
      (await board.locator('.scoreboard-caption').textContent()) ?? '',
      /4 test cases \(1 yours\)/,
    );
    const groq = board.locator('.score-row[data-candidate-id="groq-llama"]');
    await groq.locator('summary').click();
    assert.equal(
      await groq.locator('ul.failing li').first().locator('.tag').textContent(),
      'your example from the prompt',
    );
    assert.match(
      (await s.panel.page.getByTestId('verdict-reason').textContent()) ?? '',
      /passes 4\/4 model tests; 1 of 1 of your examples; 1 of 3 agree/,
    );
    const facts = (await s.panel.page.getByTestId('verdict').locator('dl.facts').textContent()) ?? '';
    assert.match(facts, /Your examples\s*1 of 1 pass/);
    assert.match(facts, /Cases passed\s*4 of 4/);
    assert.match(facts, /no other candidate behaves the same/);
  });

  it('shows a judge failure in the verdict area, as text, instead of a verdict', async () => {
    await s.panel.send(initMessages());
    const messages = sessionMessages().filter(
      (m) => !(m.type === 'session/event' && (m.event.type === 'verdict' || m.event.type === 'session-done')),
    );
    await s.panel.send([
      ...messages,
      {
        type: 'session/event',
        event: {
          type: 'judge-failed',
          askId: 'ask-1',
          error: { message: 'The judge could not run: <b>engine</b> gone.', advice: 'Start Docker.' },
        },
      },
    ]);
    const banner = s.panel.page.getByTestId('judge-failed');
    await banner.waitFor();
    assert.equal(
      ((await banner.textContent()) ?? '').trim(),
      'The judge could not run: <b>engine</b> gone. Start Docker.',
      'shown as text, never as markup',
    );
  });

  it('streams deltas live and caps a long answer behind "show more"', async () => {
    await s.panel.send(initMessages());
    const [started, first] = sessionMessages();
    const firstStart = first as Extract<HostMessage, { type: 'session/event' }>;
    const piece = 'x'.repeat(49) + '\n';
    const deltas: HostMessage[] = Array.from({ length: 3000 }, (_, i) => ({
      type: 'session/event',
      event: { type: 'delta', askId: 'ask-1', candidateId: 'gpt-mini', text: i === 2999 ? 'THE END' : piece },
    }));
    await s.panel.send([started, firstStart, ...deltas]);
    const stream = s.card('gpt-mini').locator('pre.stream');
    const shown = (await stream.textContent()) ?? '';
    assert.ok(shown.endsWith('THE END'), 'the newest text is visible while streaming');
    assert.ok(shown.length <= 4_001, `rendered ${shown.length} characters`);
    assert.deepEqual(await s.badges('gpt-mini'), ['Streaming']);
    const answer = piece.repeat(2999) + 'THE END';
    await s.panel.send([
      {
        type: 'session/event',
        event: {
          type: 'candidate-done',
          askId: 'ask-1',
          candidateId: 'gpt-mini',
          answer,
          extraction: { main: null, tests: null, blocks: [], language: null, prose: answer },
          timing: { latencyMs: 900 },
          incomplete: true,
        },
      },
    ]);
    assert.deepEqual(await s.badges('gpt-mini'), ['Incomplete stream', 'No code']);
    const pre = s.card('gpt-mini').locator('.answer pre');
    assert.equal(((await pre.textContent()) ?? '').length, 4_000);
    await s
      .card('gpt-mini')
      .getByRole('button', { name: /Show more/ })
      .click();
    assert.equal(await pre.textContent(), answer);
  });

  it('five parallel streams update one text node per card while the user keeps typing', async () => {
    await s.panel.send(initMessages());
    const ids = ['m1', 'm2', 'm3', 'm4', 'm5'];
    const models = ids.map((id) => ({ id, kind: 'ollama' as const, model: `model-${id}`, enabled: true }));
    const ev = (event: SessionEventBody): HostMessage => ({
      type: 'session/event',
      event: { ...event, askId: 'five' },
    });
    await s.panel.send([
      ev({ type: 'session-started', models }),
      ...models.map((m) => ev({ type: 'candidate-started', candidateId: m.id, model: m })),
      ...ids.map((id) => ev({ type: 'delta', candidateId: id, text: 'start ' })),
    ]);
    const badge = await s.card('m3').locator('.badge').elementHandle();
    // The user keeps typing the next instruction while answers stream in.
    await s.panel.page.getByLabel('Instruction').fill('next question');
    const burst: HostMessage[] = [];
    for (let i = 0; i < 400; i++)
      for (const id of ids) burst.push(ev({ type: 'delta', candidateId: id, text: `${i} ` }));
    await s.panel.send(burst);
    const connected = await badge.evaluate((n) => (n as unknown as { isConnected: boolean }).isConnected);
    assert.equal(connected, true, 'deltas did not rebuild the card header');
    assert.equal(
      await s.panel.page.evaluate('document.activeElement.getAttribute("aria-label")'),
      'Instruction',
    );
    assert.equal(await s.panel.page.getByLabel('Instruction').inputValue(), 'next question');
    for (const id of ids) {
      const text = (await s.card(id).locator('pre.stream').textContent()) ?? '';
      assert.ok(text.startsWith('start 0 1 2 ') && text.endsWith('398 399 '), id);
    }
  });

  it('in Restricted Mode shows the trust banner and "not executed" instead of a run', async () => {
    const [init] = initMessages();
    await s.panel.send([{ ...(init as Extract<HostMessage, { type: 'state/init' }>), trusted: false }]);
    assert.match(
      (await s.panel.page.locator('[data-testid="trust-banner"]').textContent()) ?? '',
      /Restricted Mode: models can be asked, but code is not executed/,
    );
    const live = sessionMessages().filter(
      (m) => m.type !== 'session/event' || !['run-started', 'run-done'].includes(m.event.type),
    );
    await s.panel.send(live);
    assert.deepEqual(await s.badges('groq-llama'), ['Not executed (untrusted)']);
    await s.card('gpt-mini').getByText('More', { exact: true }).click();
    const rerun = s.card('gpt-mini').getByRole('menuitem', { name: 'Re-run' });
    assert.ok(await rerun.isDisabled());
    assert.match((await rerun.getAttribute('aria-description')) ?? '', /Restricted Mode/);
    // One banner, with the button that changes it; no red alert beside it.
    assert.equal(await s.panel.page.locator('.banner').count(), 2, 'the demo banner and the trust banner');
    assert.equal(await s.panel.page.locator('[role="alert"]').count(), 0);
    await s.panel.page.getByRole('button', { name: 'Manage Workspace Trust' }).click();
    assert.deepEqual(await s.lastPosted(), { type: 'trust/manage' });
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`looks like a native panel in the ${theme} theme (screenshot)`, async () => {
      await s.reopen(theme);
      await s.replay();
      await s.panel.page.getByLabel('Instruction').fill(INSTRUCTION);
      await s.card('groq-llama').locator('.section-prose summary').click();
      // Font glyphs (codicons) load asynchronously; the screenshot must show icons, not boxes.
      await s.panel.page.evaluate(
        () =>
          (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts
            .ready,
      );
      const background = await s.panel.page.evaluate(() => {
        const g = globalThis as unknown as {
          getComputedStyle(e: unknown): { backgroundColor: string };
          document: { body: unknown };
        };
        return g.getComputedStyle(g.document.body).backgroundColor;
      });
      assert.equal(background, theme === 'dark' ? 'rgb(24, 24, 24)' : 'rgb(248, 248, 248)');
      mkdirSync(SHOTS, { recursive: true });
      const file = join(SHOTS, `webview-${theme}.png`);
      await s.panel.page.screenshot({ path: file, fullPage: true });
      assert.ok(statSync(file).size > 20_000);
    });
  }
});
