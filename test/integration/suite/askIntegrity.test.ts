// Runs inside the real extension host: asks that race each other never mix. Each case ends with one
// consistent set of cards (the events the panel got, replayed) and one verdict, against the replay
// server through the real SDKs and real Docker.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import * as vscode from 'vscode';
import type { RunRecord, SessionEvent } from '../../../src/core/types';
import { DEMO_MODELS, DEMO_PROMPT } from '../../../src/demo/recordings';
import { startReplayServer } from '../../../src/demo/replayServer';
import type { ReplayServer } from '../../../src/demo/replayServer';
import type { QuorumTestApi } from '../../../src/host/testApi';
import { OFFLINE_IMAGES, quorumApi, setQuorumSettings, until } from './quorumApi';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** This extension host's sandbox containers (labelled with its host:pid), running or not. */
function ownContainers(): string[] {
  const owner = `dev.quorum.owner=${hostname()}:${process.pid}`;
  const out = execFileSync('docker', ['ps', '-aq', '--filter', `label=${owner}`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

/**
 * The asks a freshly loaded panel would be shown: the live events' ask ids while one runs, the
 * record's once it is done.
 */
async function shownAsks(api: QuorumTestApi): Promise<string[]> {
  const ids = (await api.panelState()).flatMap((m) =>
    m.type === 'session/event' ? [m.event.askId] : m.type === 'record/show' ? [m.record.askId] : [],
  );
  return [...new Set(ids)];
}

describe('asks never mix (real extension host)', function () {
  this.timeout(240_000);
  let server: ReplayServer;
  let api: QuorumTestApi;
  let events: SessionEvent[] = [];
  let subscription: { dispose(): void };
  const chats = (): number => server.requests.filter((r) => r.method === 'POST').length;
  const models = (): ReturnType<typeof DEMO_MODELS> => DEMO_MODELS(server.url);

  before(async () => {
    server = await startReplayServer();
    await setQuorumSettings({
      models: models(),
      'sandbox.enabled': true,
      'sandbox.images': OFFLINE_IMAGES,
      'sandbox.pull': false,
    });
    api = await quorumApi();
    for (const m of models()) if (m.kind === 'openai' || m.kind === 'groq') await api.secrets.set(m.id, 'k');
    await until(() => api.models().length === models().length && api.executionAllowed(), 5000, 'settings');
    subscription = api.onSessionEvent((e) => events.push(e));
  });
  beforeEach(() => {
    events = [];
    server.reset();
  });
  after(async () => {
    subscription?.dispose();
    await server?.close();
  });

  /** Every event relayed belongs to `record`'s ask, and there is exactly one verdict for it. */
  function assertOneConsistentAsk(record: RunRecord): void {
    const foreign = events.filter((e) => e.askId !== record.askId);
    assert.deepEqual(
      foreign.map((e) => `${e.askId}:${e.type}`),
      [],
      'no event of another ask reached the panel after this one began',
    );
    assert.equal(events.filter((e) => e.type === 'session-started').length, 1);
    assert.equal(events.filter((e) => e.type === 'verdict').length, 1, 'one verdict');
    assert.ok(record.verdict?.pick, 'the ask ends in a pick');
    assert.deepEqual(
      record.candidates.map((c) => c.status),
      models().map(() => 'done'),
    );
  }

  it('Run pressed twice within 50 ms: the first is replaced before any model is asked', async () => {
    const first = api.panelAsk(DEMO_PROMPT);
    await sleep(20);
    const second = api.panelAsk(DEMO_PROMPT);
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a, undefined, 'the first Run never started');
    assert.ok(b);
    assert.equal(chats(), models().length, 'only the second ask reached the models');
    assertOneConsistentAsk(b);
  });

  it('Run while streaming: the first ask is cancelled and none of its events reach the cards', async () => {
    for (const m of models()) server.setFault(m.model, { chunkDelayMs: 40 });
    const first = api.panelAsk(DEMO_PROMPT);
    await until(() => events.some((e) => e.type === 'delta'), 20_000, 'the first ask to stream');
    const firstId = api.currentAskId();
    for (const m of models()) server.setFault(m.model, undefined);
    const beforeSecond = events.length;
    const second = api.panelAsk(DEMO_PROMPT);
    const [a, b] = await Promise.all([first, second]);
    assert.ok(
      a?.candidates.some((c) => c.status === 'cancelled'),
      'the first ask was cancelled',
    );
    assert.ok(b && b.askId !== firstId);
    events = events.slice(beforeSecond);
    assertOneConsistentAsk(b);
    assert.deepEqual(await shownAsks(api), [b.askId], 'a reloaded panel shows only the second ask');
  });

  it('Cancel then Run at once: the new ask runs to its verdict', async () => {
    for (const m of models()) server.setFault(m.model, { chunkDelayMs: 40 });
    const first = api.panelAsk(DEMO_PROMPT);
    await until(() => events.some((e) => e.type === 'delta'), 20_000, 'the first ask to stream');
    for (const m of models()) server.setFault(m.model, undefined);
    api.cancel();
    const beforeSecond = events.length;
    const second = api.panelAsk(DEMO_PROMPT);
    const [a, b] = await Promise.all([first, second]);
    assert.ok(a?.candidates.every((c) => c.status !== 'streaming'));
    assert.ok(b);
    events = events.slice(beforeSecond);
    assertOneConsistentAsk(b);
  });

  it('the panel hidden and shown again mid-ask: the ask goes on and the panel replays it whole', async () => {
    await api.openPanelAndWaitReady(60_000);
    for (const m of models()) server.setFault(m.model, { chunkDelayMs: 30 });
    const ask = api.panelAsk(DEMO_PROMPT);
    await until(() => events.some((e) => e.type === 'delta'), 20_000, 'the ask to stream');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await sleep(300);
    await vscode.commands.executeCommand('quorum.panel.focus');
    await api.openPanelAndWaitReady(60_000);
    const replay = (await api.panelState()).flatMap((m) => (m.type === 'session/event' ? [m.event] : []));
    assert.equal(replay[0]?.type, 'session-started', 'the re-shown panel replays the ask from its start');
    assert.deepEqual([...new Set(replay.map((e) => e.askId))], [api.currentAskId()]);
    for (const m of models()) server.setFault(m.model, undefined);
    const record = await ask;
    assert.ok(record);
    assertOneConsistentAsk(record);
    assert.deepEqual(await shownAsks(api), [record.askId]);
  });

  it('settings changed mid-ask: the ask finishes in the sandbox it started with', async () => {
    for (const m of models()) server.setFault(m.model, { chunkDelayMs: 30 });
    const ask = api.panelAsk(DEMO_PROMPT);
    await until(() => events.some((e) => e.type === 'delta'), 20_000, 'the ask to stream');
    // A sandbox setting: the host builds a new sandbox for the next ask, not under this one.
    await setQuorumSettings({ 'sandbox.poolSize': 1 });
    for (const m of models()) server.setFault(m.model, undefined);
    const record = await ask;
    assert.ok(record);
    assertOneConsistentAsk(record);
    const ran = record.candidates.filter((c) => c.run?.exitCode === 0);
    assert.ok(ran.length >= 3, `runs failed: ${JSON.stringify(record.candidates.map((c) => c.runError))}`);
    await setQuorumSettings({ 'sandbox.poolSize': undefined });
  });

  it('the window closing mid-ask (deactivate): no container is left and the run is in the history', async () => {
    for (const m of models()) server.setFault(m.model, { chunkDelayMs: 30 });
    const ask = api.panelAsk(DEMO_PROMPT);
    await until(
      () => events.some((e) => e.type === 'run-started') || events.some((e) => e.type === 'delta'),
      20_000,
      'the ask to run',
    );
    const askId = api.currentAskId();
    await api.shutdown();
    const record = await ask;
    assert.equal(record?.askId, askId);
    assert.equal(record?.cancelled, true);
    await until(() => ownContainers().length === 0, 10_000, 'every sandbox container removed');
    const init = (await api.panelState()).find((m) => m.type === 'state/init');
    assert.ok(
      init?.type === 'state/init' && init.history.some((h) => h.askId === askId),
      'stored in the history',
    );
    for (const m of models()) server.setFault(m.model, undefined);
  });
});
