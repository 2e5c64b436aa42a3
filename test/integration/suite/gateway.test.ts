// Runs inside the real extension host: with quorum.server.url set, the panel's ask goes to a real
// `quorum serve` process (replay models, real Docker) and comes back as the same cards and verdict.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SessionEvent } from '../../../src/core/types';
import { DEMO_MODELS, DEMO_PROMPT } from '../../../src/demo/recordings';
import { startReplayServer } from '../../../src/demo/replayServer';
import type { ReplayServer } from '../../../src/demo/replayServer';
import { OFFLINE_IMAGES, quorumApi, setQuorumSettings } from './quorumApi';

const REPO_ROOT = resolve(__dirname, '../..');
const TOKEN = 'gateway-test-token-0123456789abcdef';

describe('asks through a Quorum gateway (real extension host, real quorum serve)', function () {
  this.timeout(180_000);
  let replay: ReplayServer;
  let serve: ChildProcess;
  let dir: string;
  let url: string;

  before(async () => {
    replay = await startReplayServer();
    dir = await mkdtemp(join(tmpdir(), 'quorum-gw-'));
    const config = join(dir, 'quorum.config.json');
    await writeFile(
      config,
      JSON.stringify({ models: DEMO_MODELS(replay.url), sandbox: { images: OFFLINE_IMAGES, pull: false } }),
    );
    serve = spawn(
      'node',
      [join(REPO_ROOT, 'dist/cli.js'), 'serve', '--port', '0', '--config', config, '--trust-config'],
      {
        env: { ...process.env, QUORUM_SERVER_TOKENS: TOKEN, OPENAI_API_KEY: 'k', GROQ_API_KEY: 'k' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    url = await new Promise<string>((done, fail) => {
      let err = '';
      const timer = setTimeout(() => fail(new Error(`quorum serve did not start:\n${err}`)), 60_000);
      serve.stderr?.on('data', (c: Buffer) => {
        err += c.toString();
        const m = /listening on (http:\/\/\S+)/.exec(err);
        if (m?.[1]) {
          clearTimeout(timer);
          done(m[1]);
        }
      });
    });
    await setQuorumSettings({ 'server.url': url });
  });

  after(async () => {
    await setQuorumSettings({ 'server.url': undefined });
    serve?.kill('SIGTERM');
    await replay?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("without the token the ask is refused with the gateway's reason", async () => {
    const api = await quorumApi();
    await assert.rejects(api.panelAsk(DEMO_PROMPT), /401|token/i);
  });

  it("with the token: the panel gets the gateway's events under its own ask id, and a verdict", async () => {
    const api = await quorumApi();
    await api.setGatewayToken(TOKEN);
    const events: SessionEvent[] = [];
    const sub = api.onSessionEvent((e) => events.push(e));
    const record = await api.panelAsk(DEMO_PROMPT);
    sub.dispose();
    assert.ok(record?.verdict?.pick, 'a verdict from the gateway');
    assert.equal(record.candidates.length, DEMO_MODELS(replay.url).length);
    assert.ok(
      record.candidates.some((c) => c.run?.exitCode === 0),
      'the gateway ran the answers',
    );
    assert.deepEqual([...new Set(events.map((e) => e.askId))], [record.askId]);
    assert.equal(events[0]?.type, 'session-started');
    assert.ok(
      events.some((e) => e.type === 'delta'),
      'answers streamed',
    );
    assert.equal(events.filter((e) => e.type === 'verdict').length, 1);
  });
});
