import assert from 'node:assert/strict';
import type { HostMessage } from '../../src/protocol';
import { ANSWER_CAP } from '../../src/webview/sessionReducer';
import { boundForStorage, restoreViewModel, STORED_OUTPUT_CAP } from '../../src/webview/persist';
import { progressText, reduce, reduceLocal, runnableModelIds } from '../../src/webview/state';
import { initialViewModel, type CandidateView, type ViewModel } from '../../src/webview/viewModel';
import { buildRecord, INSTRUCTION, initMessages, sessionMessages } from './sessionFixture';

const fold = (messages: readonly HostMessage[], from: ViewModel = initialViewModel()): ViewModel =>
  messages.reduce(reduce, from);
const delta = (candidateId: string, text: string): HostMessage => ({
  type: 'session/event',
  event: { type: 'delta', askId: 'ask-1', candidateId, text },
});
/** The parts of a card the user sees; `rev` is bookkeeping and differs between live and replay. */
const visible = ({ rev: _rev, ...rest }: CandidateView): Omit<CandidateView, 'rev'> => rest;

describe('webview state: reducing host messages into the view model', () => {
  it('accumulates streamed deltas per candidate without bumping rev', () => {
    const [started, firstCard, secondCard] = sessionMessages();
    const vm = fold([
      started,
      firstCard,
      secondCard,
      delta('gpt-mini', 'Hel'),
      delta('groq-llama', 'A'),
      delta('gpt-mini', 'lo'),
    ]);
    assert.equal(vm.candidates['gpt-mini'].text, 'Hello');
    assert.equal(vm.candidates['groq-llama'].text, 'A');
    assert.equal(vm.candidates['gpt-mini'].rev, 0);
    assert.deepEqual(vm.order, ['gpt-mini', 'groq-llama']);
    assert.equal(progressText(vm), '0 of 4 answered · waiting for gpt-mini, groq-llama');
  });

  it('says live who answered, who is still answering, what runs and what the judge does', () => {
    const all = sessionMessages();
    const at = (type: string, id?: string): number =>
      all.findIndex(
        (m) =>
          m.type === 'session/event' &&
          m.event.type === type &&
          (id === undefined || ('candidateId' in m.event && m.event.candidateId === id)),
      );
    const upTo = (i: number): ReturnType<typeof fold> => fold([...initMessages(), ...all.slice(0, i + 1)]);
    const afterFirstRun = upTo(at('run-started', 'gpt-mini'));
    assert.match(
      progressText(afterFirstRun),
      /^1 of 4 answered · waiting for .*· running gpt-mini in the sandbox$/,
    );
    const judging = upTo(at('judge-started'));
    assert.match(progressText(judging), /judg/);
  });

  it('a host-set draft (Quick Fix, keybinding, demo button) replaces the form, and readiness filters Run', () => {
    let vm = fold(initMessages());
    vm = reduceLocal(vm, { type: 'draft', instruction: 'old ask', intent: 'generate' });
    vm = reduce(vm, {
      type: 'draft/set',
      instruction: 'Fix the code so these problems go away',
      intent: 'fix',
    });
    assert.deepEqual(vm.draft, { instruction: 'Fix the code so these problems go away', intent: 'fix' });
    assert.equal(vm.draftRev, 1);
    assert.deepEqual(runnableModelIds(vm), ['gpt-mini', 'groq-llama', 'ollama-qwen', 'compat-deepseek']);
    vm = reduce(vm, { type: 'readiness/update', ready: true, unreachable: ['ollama-qwen'] });
    assert.deepEqual(runnableModelIds(vm), ['gpt-mini', 'groq-llama', 'compat-deepseek']);
  });

  it('caps a runaway answer at ANSWER_CAP and marks it', () => {
    const [started, firstCard] = sessionMessages();
    const big = 'y'.repeat(ANSWER_CAP - 10);
    const vm = fold([
      started,
      firstCard,
      delta('gpt-mini', big),
      delta('gpt-mini', 'z'.repeat(50)),
      delta('gpt-mini', 'more'),
    ]);
    const c = vm.candidates['gpt-mini'];
    assert.equal(c.text.length, ANSWER_CAP);
    assert.ok(c.textCapped);
    assert.ok(c.text.endsWith('zzzzzzzzzz'));
  });

  it('folds the whole fixture session: code, runs, the cost the session reported, verdict and diffs', () => {
    const vm = fold([...initMessages(), ...sessionMessages()]);
    const gpt = vm.candidates['gpt-mini'];
    assert.equal(gpt.phase, 'done');
    assert.match(gpt.code ?? '', /^def slugify/);
    assert.equal(gpt.language, 'python');
    assert.equal(gpt.run?.exitCode, 0);
    assert.ok(Math.abs(gpt.costUsd! - (182 * 0.15 + 64 * 0.6) / 1e6) < 1e-12);
    assert.equal(vm.candidates['groq-llama'].costUsd, undefined, 'no price, no cost');
    assert.equal(vm.candidates['compat-deepseek'].phase, 'failed');
    assert.equal(vm.candidates['compat-deepseek'].error?.code, 'rate-limit');
    assert.equal(vm.verdict?.pick, 'gpt-mini');
    assert.equal(vm.diffs['groq-llama']?.length, 4);
    assert.equal(vm.ask?.running, false);
    assert.equal(vm.ask?.instruction, INSTRUCTION);
    assert.equal(progressText(vm), 'Done: gpt-mini picked');
  });

  it('shows a stored RunRecord exactly as the live session showed it', () => {
    const live = fold([...initMessages(), ...sessionMessages('ask-1')]);
    const replayed = fold([
      ...initMessages(),
      { type: 'record/show', record: buildRecord('ask-1', INSTRUCTION) },
    ]);
    assert.deepEqual(replayed.order, live.order);
    for (const id of live.order)
      assert.deepEqual(visible(replayed.candidates[id]), visible(live.candidates[id]), id);
    assert.deepEqual(replayed.verdict, live.verdict);
    assert.equal(replayed.ask?.fromHistory, true);
    assert.equal(live.ask?.fromHistory, false);
  });

  it('a new session clears the previous cards, verdict and diffs', () => {
    const done = fold([...initMessages(), ...sessionMessages('ask-1')]);
    const next = fold(sessionMessages('ask-2').slice(0, 1), done);
    assert.deepEqual(next.order, []);
    assert.equal(next.verdict, undefined);
    assert.deepEqual(next.diffs, {});
    assert.equal(next.ask?.askId, 'ask-2');
    assert.equal(next.ask?.running, true);
  });

  it('a cancelled provider call is shown as cancelled, not as a failure', () => {
    const [started, firstCard] = sessionMessages();
    const vm = fold([
      started,
      firstCard,
      {
        type: 'session/event',
        event: {
          type: 'candidate-failed',
          askId: 'ask-1',
          candidateId: 'gpt-mini',
          error: { code: 'cancelled', message: 'Cancelled', advice: 'Run again.' },
        },
      },
    ]);
    assert.equal(vm.candidates['gpt-mini'].phase, 'cancelled');
  });

  it('local actions: model toggles, draft, and a new diff base dropping stale diffs', () => {
    let vm = fold([...initMessages(), ...sessionMessages()]);
    vm = reduceLocal(vm, { type: 'modelEnabled', modelId: 'groq-llama', enabled: false });
    assert.equal(vm.models.find((m) => m.id === 'groq-llama')?.enabled, false);
    vm = reduceLocal(vm, { type: 'draft', instruction: 'x' });
    assert.deepEqual(vm.draft, { instruction: 'x', intent: 'generate' });
    vm = reduceLocal(vm, { type: 'diffBase', base: 'selection' });
    assert.equal(vm.diffBase, 'selection');
    assert.deepEqual(vm.diffs, {});
  });

  it('keeps only the latest five notices', () => {
    const notices: HostMessage[] = Array.from({ length: 8 }, (_, i) => ({
      type: 'notice/show',
      level: 'info',
      message: `n${i}`,
    }));
    const vm = fold(notices);
    assert.deepEqual(
      vm.notices.map((n) => n.message),
      ['n3', 'n4', 'n5', 'n6', 'n7'],
    );
  });

  it('a cascade counts only the models asked so far, and says which tier it asks', () => {
    const all = sessionMessages();
    const tier = (round: number, modelIds: string[]): HostMessage => ({
      type: 'session/event',
      event: { type: 'tier-started', askId: 'ask-1', round, tier: round, rounds: 3, modelIds },
    });
    const of = (type: string, id: string): HostMessage =>
      all.find(
        (m) =>
          m.type === 'session/event' &&
          m.event.type === type &&
          'candidateId' in m.event &&
          m.event.candidateId === id,
      )!;
    const tierDone: HostMessage = {
      type: 'session/event',
      event: {
        type: 'tier-done',
        askId: 'ask-1',
        round: 1,
        tier: 1,
        stopped: false,
        why: 'confidence 0.40 < 0.75: asking the next tier',
        skipped: [],
      },
    };
    // Four models configured; tier 1 asks one of them.
    const first = fold([
      ...initMessages(),
      all[0],
      tier(1, ['ollama-qwen']),
      of('candidate-started', 'ollama-qwen'),
    ]);
    assert.equal(first.ask?.modelCount, 4);
    assert.equal(
      progressText(first),
      'Cascade: asking tier 1 of 3 · 0 of 1 answered · waiting for ollama-qwen',
    );
    const second = fold(
      [
        of('candidate-done', 'ollama-qwen'),
        tierDone,
        tier(2, ['gpt-mini', 'groq-llama']),
        of('candidate-started', 'gpt-mini'),
        of('candidate-started', 'groq-llama'),
        of('candidate-done', 'gpt-mini'),
      ],
      first,
    );
    assert.equal(
      progressText(second),
      'Cascade: asking tier 2 of 3 (confidence 0.40 < 0.75: asking the next tier) · 2 of 3 answered · waiting for groq-llama',
    );
    const cancelled = reduce(second, {
      type: 'session/event',
      event: {
        type: 'session-done',
        askId: 'ask-1',
        record: buildRecord('ask-1', INSTRUCTION),
        cancelled: true,
      },
    });
    assert.equal(progressText(cancelled), 'Cancelled after 2 of 3 answered');
  });
});

describe('webview state: asks never mix', () => {
  it('drops every event of an ask that is not the current one, whatever its candidate ids', () => {
    const first = sessionMessages('ask-1');
    const second = sessionMessages('ask-2');
    // The second ask starts while the first still streams: the first's late events interleave.
    const interleaved: HostMessage[] = [];
    const firstLate = first.slice(4);
    interleaved.push(...first.slice(0, 4), second[0]);
    for (let i = 1; i < Math.max(second.length, firstLate.length + 1); i++) {
      if (firstLate[i - 1]) interleaved.push(firstLate[i - 1]);
      if (second[i]) interleaved.push(second[i]);
    }
    const mixed = fold([...initMessages(), ...interleaved]);
    const alone = fold([...initMessages(), ...second]);
    assert.equal(mixed.ask?.askId, 'ask-2');
    assert.deepEqual(
      mixed.order.map((id) => visible(mixed.candidates[id])),
      alone.order.map((id) => visible(alone.candidates[id])),
      'the cards are exactly those of the second ask alone',
    );
    assert.deepEqual(mixed.verdict, alone.verdict);
    assert.equal(mixed.ask?.running, false);
  });

  it('disables Run from the click until the host starts or refuses the ask', () => {
    let vm = fold(initMessages());
    vm = reduceLocal(vm, { type: 'askRequested' });
    assert.equal(vm.pending, true);
    assert.equal(progressText(vm), 'Starting…');
    const refused = reduce(vm, { type: 'ask/refused', reason: 'No API key stored for gpt-mini.' });
    assert.equal(refused.pending, false);
    assert.match(refused.notices.at(-1)?.message ?? '', /No API key/);
    const started = fold(sessionMessages().slice(0, 1), vm);
    assert.equal(started.pending, false);
    assert.equal(started.ask?.running, true);
  });

  it("says how long the verdict took after the last answer, from the record's timeline", () => {
    const messages = sessionMessages().map((m): HostMessage =>
      m.type === 'session/event' && m.event.type === 'session-done'
        ? {
            ...m,
            event: {
              ...m.event,
              record: {
                ...m.event.record,
                timeline: { lastAnswerMs: 4200, lastRunMs: 4230, verdictMs: 4320 },
              },
            },
          }
        : m,
    );
    const vm = fold([...initMessages(), ...messages]);
    assert.equal(progressText(vm), 'Done: gpt-mini picked · verdict +120 ms after the last answer');
  });

  it('shows a judge failure as the reason there is no verdict', () => {
    const messages = sessionMessages().filter(
      (m) => !(m.type === 'session/event' && (m.event.type === 'verdict' || m.event.type === 'session-done')),
    );
    const vm = fold([
      ...initMessages(),
      ...messages,
      {
        type: 'session/event',
        event: {
          type: 'judge-failed',
          askId: 'ask-1',
          error: { message: 'The judge could not run: engine gone', advice: 'Start Docker.' },
        },
      },
    ]);
    assert.equal(vm.verdict, undefined);
    assert.equal(vm.ask?.judging, false);
    assert.match(vm.ask?.judgeError?.message ?? '', /engine gone/);
  });
});

describe('webview state: what setState stores', () => {
  it('bounds long outputs and survives a JSON round trip', () => {
    let vm = fold([...initMessages(), ...sessionMessages()]);
    const huge = 'o'.repeat(STORED_OUTPUT_CAP * 3);
    vm = fold(
      [
        {
          type: 'session/event',
          event: {
            type: 'run-done',
            askId: 'ask-1',
            candidateId: 'gpt-mini',
            run: { ...vm.candidates['gpt-mini'].run!, stdout: huge },
          },
        },
      ],
      vm,
    );
    const stored = JSON.parse(JSON.stringify(boundForStorage(vm))) as unknown;
    const restored = restoreViewModel(stored);
    assert.ok(restored);
    const stdout = restored.candidates['gpt-mini'].run!.stdout;
    assert.ok(stdout.length < STORED_OUTPUT_CAP + 40 && stdout.length > STORED_OUTPUT_CAP);
    assert.deepEqual(restored.order, vm.order);
    assert.deepEqual(restored.verdict, vm.verdict);
    assert.ok(JSON.stringify(stored).length < JSON.stringify(vm).length);
  });

  it('never restores an ask as still running (the host replays a live one from its start)', () => {
    const [started, firstCard, secondCard] = sessionMessages();
    const midway = fold([...initMessages(), started, firstCard, secondCard, delta('gpt-mini', 'partial')]);
    assert.equal(midway.ask?.running, true);
    const restored = restoreViewModel(JSON.parse(JSON.stringify(boundForStorage(midway))))!;
    assert.equal(restored.ask?.running, false);
    assert.equal(restored.ask?.cancelled, true);
    assert.equal(restored.candidates['gpt-mini'].phase, 'cancelled');
    assert.equal(restored.candidates['gpt-mini'].text, 'partial');
    // Said plainly, not as a failure: nobody had finished when it stopped.
    assert.equal(progressText(restored), 'Cancelled after 0 of 4 answered');
  });

  it('rejects state of another version or a corrupted shape', () => {
    const good = boundForStorage(fold([...initMessages(), ...sessionMessages()]));
    assert.equal(restoreViewModel(undefined), undefined);
    assert.equal(restoreViewModel({ ...good, version: 0 }), undefined);
    assert.equal(restoreViewModel({ ...good, order: ['missing-card'] }), undefined);
    assert.equal(restoreViewModel({ ...good, candidates: null }), undefined);
    assert.ok(restoreViewModel(good));
  });
});
