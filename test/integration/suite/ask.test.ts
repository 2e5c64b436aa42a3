// Runs inside the real extension host: a whole ask against the loopback replay server (the real SDKs
// on the wire) with real Docker (offline images), ending in a verdict that can be inserted and exported.
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord, SessionEvent } from '../../../src/core/types';
import { DEMO_MODELS, DEMO_PROMPT } from '../../../src/demo/recordings';
import { startReplayServer } from '../../../src/demo/replayServer';
import type { ReplayServer } from '../../../src/demo/replayServer';
import { OFFLINE_IMAGES, closeAllEditors, openEditor, quorumApi, until, useDemoModels } from './quorumApi';

const REPLAY_KEY = 'replay-key-from-secret-storage';

describe('an ask against the replay server with real Docker', function () {
  this.timeout(300_000);
  let server: ReplayServer;
  let record: RunRecord;
  let out: string;
  const events: SessionEvent[] = [];

  before(async () => {
    server = await startReplayServer();
    out = await mkdtemp(join(tmpdir(), 'quorum-it-'));
    const api = await useDemoModels(server.url, REPLAY_KEY);
    const subscription = api.onSessionEvent((e) => events.push(e));
    record = await api.ask({ instruction: DEMO_PROMPT, intent: 'generate', language: 'python' });
    subscription.dispose();
  });

  after(async () => {
    await closeAllEditors();
    await server?.close();
    await rm(out, { recursive: true, force: true });
  });

  it('streams every configured model through its SDK, sending the stored key only where one is needed', () => {
    assert.deepEqual(
      record.candidates.map((c) => [c.id, c.status]),
      DEMO_MODELS(server.url).map((m) => [m.id, 'done']),
    );
    const chats = server.requests.filter((r) => r.method === 'POST');
    const auth = (path: RegExp): (string | undefined)[] =>
      chats.filter((r) => path.test(r.path)).map((r) => r.authorization);
    assert.deepEqual(auth(/^\/openai\/v1\/chat/), [`Bearer ${REPLAY_KEY}`], 'groq got its key');
    assert.ok(auth(/^\/v1\/chat/).includes(`Bearer ${REPLAY_KEY}`), 'openai got its key');
    assert.ok(
      auth(/^\/api\/chat/).every((a) => a === undefined),
      'ollama got no key',
    );
  });

  it('relays the whole event stream to the panel in order, from session-started to session-done', () => {
    assert.equal(events[0]?.type, 'session-started');
    assert.equal(events.at(-1)?.type, 'session-done');
    for (const c of record.candidates) {
      const mine = events.flatMap((e, i) =>
        'candidateId' in e && e.candidateId === c.id ? [[e.type, i] as const] : [],
      );
      const first = (type: string): number => mine.find(([t]) => t === type)?.[1] ?? -1;
      assert.ok(first('candidate-started') >= 0, `${c.id}: no candidate-started`);
      assert.ok(first('delta') > first('candidate-started'), `${c.id}: no delta after the start`);
      assert.ok(first('candidate-done') > first('delta'), `${c.id}: done before its deltas`);
      if (c.run)
        assert.ok(first('run-done') > first('run-started') && first('run-started') > first('candidate-done'));
    }
    const verdictAt = events.findIndex((e) => e.type === 'verdict');
    assert.ok(verdictAt > 0 && verdictAt < events.length - 1, 'the verdict comes before session-done');
  });

  it('runs the extracted code in the offline sandbox image', () => {
    const runs = record.candidates.flatMap((c) => (c.run ? [c.run] : []));
    assert.ok(runs.length >= 3, `only ${runs.length} candidates ran`);
    for (const run of runs) assert.equal(run.image, OFFLINE_IMAGES.python);
    const passed = runs.filter((r) => r.exitCode === 0 && r.stdout.includes('[2, 3, 5, 7, 11, 13'));
    assert.ok(passed.length >= 2, `only ${passed.length} runs printed the primes`);
  });

  it('ends in a verdict whose pick is a candidate that ran successfully', () => {
    const verdict = record.verdict;
    assert.ok(verdict, 'no verdict');
    assert.ok(verdict.pick, 'no pick');
    const pick = record.candidates.find((c) => c.id === verdict.pick);
    assert.equal(pick?.run?.exitCode, 0);
    assert.ok(verdict.reasons.length > 0);
    assert.equal(verdict.unverified, false);
  });

  it('keeps the run in the history the panel shows, and exports it as JSON', async () => {
    const api = await quorumApi();
    const init = (await api.panelState()).find((m) => m.type === 'state/init');
    assert.ok(init?.type === 'state/init' && init.history.some((h) => h.askId === record.askId));
    const target = vscode.Uri.file(join(out, 'run.json'));
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('quorum.exportRun', target);
    assert.equal(written?.fsPath, target.fsPath);
    const exported = JSON.parse(await readFile(target.fsPath, 'utf8')) as RunRecord;
    assert.deepEqual(exported, JSON.parse(JSON.stringify(record)));
    assert.doesNotMatch(JSON.stringify(exported), new RegExp(REPLAY_KEY), 'no key in the record');
  });

  it("adds the ask to each model's record, which the panel shows and Export Model Records writes as CSV", async () => {
    const api = await quorumApi();
    const msg = (await api.panelState()).find((m) => m.type === 'records/update');
    assert.ok(msg?.type === 'records/update', 'the panel gets the records');
    const overall = new Map(msg.records.overall.models.map((m) => [m.modelId, m]));
    for (const c of record.candidates)
      assert.ok((overall.get(c.model.id)?.asks ?? 0) >= 1, `${c.model.id} counted`);
    assert.ok((overall.get(record.verdict!.pick!)?.picks ?? 0) >= 1, 'the pick counted');
    const target = vscode.Uri.file(join(out, 'records.csv'));
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>(
      'quorum.exportModelRecords',
      target,
    );
    assert.equal(written?.fsPath, target.fsPath);
    const rows = (await readFile(target.fsPath, 'utf8')).split('\r\n');
    assert.match(rows[0] ?? '', /^scope,model_id,kind,model,asks,picks,win_rate,/);
    for (const c of record.candidates)
      assert.ok(
        rows.some((r) => r.startsWith(`overall,${c.model.id},`)),
        `${c.model.id} in the CSV`,
      );
    assert.doesNotMatch(rows.join('\n'), new RegExp(DEMO_PROMPT.slice(0, 20)), 'no prompt in the records');
  });

  it('inserts the pick into the editor as the panel button does, in one undo step', async () => {
    const api = await quorumApi();
    const original = '# primes\nTODO\n';
    const editor = await openEditor(original);
    editor.selection = new vscode.Selection(1, 0, 1, 4);
    const pick = record.candidates.find((c) => c.id === record.verdict?.pick);
    const code = pick?.extraction?.main?.code;
    assert.ok(code);
    assert.equal(await api.insertCandidate(pick.id, 'replace'), true);
    assert.equal(editor.document.getText(), `# primes\n${code.replace(/\n+$/, '')}\n`);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original);
  });

  it('shows Docker as available and no running ask in the status bar', async () => {
    const api = await quorumApi();
    await until(() => api.statusText().includes('$(check) Docker'), 10_000, 'the Docker status');
    assert.doesNotMatch(api.statusText(), /of \d+ models/);
  });
});
