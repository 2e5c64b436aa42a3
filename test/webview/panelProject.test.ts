import assert from 'node:assert/strict';
import type { ProjectEvidence, TestClass, TestOutcome } from '../../src/core/project/types';
import type { HostMessage } from '../../src/protocol';
import { usePanelSuite } from './panelSuite';
import { initMessages, sessionMessages } from './sessionFixture';

/** Evidence for one candidate: each test id with its class, as the core's classifier gives it. */
function evidence(candidateId: string, classes: Record<string, TestClass>): ProjectEvidence {
  const outcomes: TestOutcome[] = Object.entries(classes).map(([id, cls]) => ({
    id,
    class: cls,
    baseline: cls === 'fixed' || cls === 'stillFailing' ? 'failed' : 'passed',
    candidate: cls === 'regressed' || cls === 'stillFailing' ? 'failed' : 'passed',
  }));
  const counts = { fixed: 0, regressed: 0, stillFailing: 0, passing: 0, new: 0 };
  for (const o of outcomes) counts[o.class] += 1;
  return {
    candidateId,
    edit: { ok: true, form: 'wholeFile', newText: 'x', diff: '' },
    run: { state: 'ok', exitCode: 1, wallMs: 900, runner: 'pytest', tests: {} },
    outcomes,
    counts,
    fixedIds: outcomes.filter((o) => o.class === 'fixed').map((o) => o.id),
    regressedIds: outcomes.filter((o) => o.class === 'regressed').map((o) => o.id),
    touchesTests: false,
  };
}

describe('webview panel in Chromium: project mode (an edit ask checked by your tests)', function () {
  const s = usePanelSuite();

  it('says "fixes N · breaks M of K" on each card and in the verdict line, with the tests listed', async () => {
    const project: HostMessage[] = [
      evidence('gpt-mini', {
        'test_slug.py::test_spaces': 'fixed',
        'test_slug.py::test_lower': 'passing',
        'test_slug.py::test_empty': 'passing',
        'test_slug.py::test_unicode': 'stillFailing',
      }),
      evidence('groq-llama', {
        'test_slug.py::test_spaces': 'stillFailing',
        'test_slug.py::test_lower': 'regressed',
        'test_slug.py::test_empty': 'passing',
        'test_slug.py::test_unicode': 'stillFailing',
      }),
    ].map((e) => ({
      type: 'session/event',
      event: { type: 'project-evidence', askId: 'ask-1', candidateId: e.candidateId, evidence: e },
    }));
    const live = sessionMessages().flatMap((m) =>
      m.type === 'session/event' && m.event.type === 'verdict'
        ? [
            ...project,
            {
              ...m,
              event: { ...m.event, verdict: { ...m.event.verdict, strategy: 'project-tests' as const } },
            },
          ]
        : [m],
    );
    await s.panel.send([...initMessages(), ...live]);
    const reason = s.panel.page.getByTestId('verdict-reason');
    assert.match(
      (await reason.textContent()) ?? '',
      /^fixes 1 · breaks 0 of 4 of your tests; passes 3\/3 model tests/,
    );
    assert.match(
      (await s.panel.page.getByTestId('verdict-bar').textContent()) ?? '',
      /decided by your project.s tests/,
    );
    assert.deepEqual(await s.badges('gpt-mini'), ['Pick', 'Ran', 'Fixes 1', 'Tests 3/3']);
    assert.deepEqual(await s.badges('groq-llama'), ['Exit 1', 'Breaks 1', 'Fixes 0', 'Tests 1/3']);
    const groq = s.card('groq-llama').locator('details.section-project');
    assert.equal(await groq.locator('summary').textContent(), 'fixes 0 · breaks 1 of 4 project tests');
    assert.notEqual(await groq.getAttribute('open'), null, 'a regression is shown open');
    assert.match((await groq.textContent()) ?? '', /Breaks\s*test_slug\.py::test_lower/);
    const pick = s.card('gpt-mini').locator('details.section-project');
    assert.equal(await pick.getAttribute('open'), null);
    await pick.locator('summary').click();
    assert.match(
      (await pick.textContent()) ?? '',
      /Fixes\s*test_slug\.py::test_spaces.*Still failing\s*test_slug\.py::test_unicode/s,
    );
  });
});
