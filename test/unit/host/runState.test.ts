// Pure (no `vscode`): the host's view of a run, and the diffs it sends, also with plain mocha.
import { strict as assert } from 'node:assert';
import type { Extraction, ModelConfig, SessionEventBody } from '../../../src/core/types';
import { candidateDiffs } from '../../../src/host/candidateDiffs';
import { RunState } from '../../../src/host/runState';

const model = (id: string): ModelConfig => ({ id, kind: 'ollama', model: id, enabled: true });
const extraction = (code: string): Extraction => ({
  main: { code, language: 'python', info: 'python', unterminated: false },
  tests: null,
  blocks: [{ code, language: 'python', info: 'python', unterminated: false }],
  language: 'python',
  prose: '',
});

function play(state: RunState, events: SessionEventBody[]): void {
  for (const e of events) state.apply({ ...e, askId: 'ask-1' });
}

describe('run state and candidate diffs', () => {
  const events: SessionEventBody[] = [
    { type: 'session-started', models: [model('a'), model('b'), model('c')] },
    { type: 'candidate-started', candidateId: 'a', model: model('a') },
    { type: 'candidate-started', candidateId: 'b', model: model('b') },
    { type: 'candidate-started', candidateId: 'c', model: model('c') },
    {
      type: 'candidate-done',
      candidateId: 'a',
      answer: '',
      extraction: extraction('x = 1\nprint(x)'),
      timing: { latencyMs: 5 },
      incomplete: false,
    },
    {
      type: 'candidate-done',
      candidateId: 'b',
      answer: '',
      extraction: extraction('x = 2\nprint(x)'),
      timing: { latencyMs: 5 },
      incomplete: false,
    },
    {
      type: 'candidate-failed',
      candidateId: 'c',
      error: { code: 'auth', message: 'no', advice: 'key' },
    },
  ];

  it("knows each candidate's code from the live events; failed ones have none", () => {
    const state = new RunState();
    state.begin('ask-1', 'x = 0\nprint(x)');
    play(state, events);
    assert.equal(state.askId, 'ask-1');
    assert.equal(state.candidate('a')?.code, 'x = 1\nprint(x)');
    assert.equal(state.candidate('c'), undefined);
    assert.deepEqual(
      state.candidates().map((c) => c.id),
      ['a', 'b'],
    );
  });

  it('diffs every other candidate against the pick once there is a verdict', () => {
    const state = new RunState();
    state.begin('ask-1', undefined);
    play(state, events);
    assert.deepEqual(candidateDiffs(state, 'pick'), {}, 'no pick yet: no diffs');
    state.apply({
      type: 'verdict',
      askId: 'ask-1',
      verdict: {
        pick: 'a',
        strategy: 'consensus',
        confidence: 1,
        ranking: [],
        reasons: [],
        unverified: false,
      },
    });
    assert.deepEqual(candidateDiffs(state, 'pick'), {
      b: [
        { kind: 'del', text: 'x = 1' },
        { kind: 'add', text: 'x = 2' },
        { kind: 'same', text: 'print(x)' },
      ],
    });
  });

  it('diffs every candidate against the selection the ask was about', () => {
    const state = new RunState();
    state.begin('ask-1', 'x = 1\nprint(x)');
    play(state, events);
    const diffs = candidateDiffs(state, 'selection');
    assert.deepEqual(Object.keys(diffs), ['a', 'b']);
    assert.ok(diffs.a.every((l) => l.kind === 'same'));
  });
});
