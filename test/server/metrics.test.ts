/**
 * Operable (issue 27 item 6): GET /metrics in Prometheus text format after a real ask (replay
 * models through the real SDKs, the real sandbox), behind the same bearer token as /v1/*; and
 * /readyz answering 503 with the database's error when the database fails under a running gateway.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import type { RunningServer } from '../../src/server/server';
import { startFastReplay } from '../fakes/replayHarness';
import { PROMPT, json, readSse, startGateway } from './harness';
import { testDatabase } from './postgres';
import type { TestDatabase } from './postgres';

const TOKEN = 'metrics-test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

/** One sample's value: `name{labels} value`, labels matched as given (a subset, in any order). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('server: /metrics and /readyz (issue 27 item 6)', () => {
  let replay: ReplayServer;
  before(async () => {
    replay = await startFastReplay({ answers: recordingFor });
  });
  after(async () => {
    await replay.close();
  });

  describe('/metrics after one ask', () => {
    let server: RunningServer;
    before(async () => {
      server = await startGateway(replay, { tokens: [TOKEN] });
    });
    after(async () => {
      await server.close(0);
    });

    it('takes the bearer token like /v1/* (the probes stay open)', async () => {
      const open = await fetch(`${server.url}/metrics`);
      assert.equal(open.status, 401);
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
      assert.equal(wrong.status, 401);
    });

    it('counts the finished run, the provider stream latency, the judge, the queue and sandbox slots', async () => {
      const before = await fetch(`${server.url}/metrics`, { headers: auth });
      assert.equal(before.status, 200);
      assert.match(before.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const t0 = await before.text();
      assert.equal(sample(t0, 'quorum_runs_finished_total', { status: 'completed' }) ?? 0, 0);
      assert.equal(sample(t0, 'quorum_runs', { state: 'completed' }), 0);

      const posted = await json(`${server.url}/v1/runs`, {
        headers: auth,
        json: { prompt: PROMPT, models: ['gpt', 'qwen'] },
      });
      assert.equal(posted.status, 202);
      const sse = await readSse(`${server.url}/v1/runs/${posted.body.id as string}/events`, {
        headers: auth,
      });
      const end = JSON.parse(sse.events.at(-1)?.data ?? '{}') as { status?: string };
      assert.equal(end.status, 'completed');
      const types = sse.events.map((e) => e.event);
      assert.ok(types.includes('judge-started') && types.includes('verdict'), 'the ask was judged');

      // The finish is written after the end event goes out: wait for the database to show it.
      let text = '';
      for (let i = 0; i < 50; i++) {
        text = await (await fetch(`${server.url}/metrics`, { headers: auth })).text();
        if (sample(text, 'quorum_runs', { state: 'completed' }) === 1) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(sample(text, 'quorum_runs_finished_total', { status: 'completed' }), 1);
      assert.equal(sample(text, 'quorum_runs', { state: 'completed' }), 1);
      assert.equal(sample(text, 'quorum_runs', { state: 'running' }), 0);
      // One stream per asked model, labelled by provider kind and model id; the others none.
      assert.equal(
        sample(text, 'quorum_model_stream_seconds_count', {
          provider: 'openai',
          model: 'gpt',
          outcome: 'ok',
        }),
        1,
      );
      assert.equal(
        sample(text, 'quorum_model_stream_seconds_count', {
          provider: 'ollama',
          model: 'qwen',
          outcome: 'ok',
        }),
        1,
      );
      assert.equal(sample(text, 'quorum_model_stream_seconds_count', { provider: 'groq' }), undefined);
      const gptSum = sample(text, 'quorum_model_stream_seconds_sum', { provider: 'openai', model: 'gpt' });
      assert.ok(gptSum !== undefined && gptSum > 0, `gpt latency observed (${gptSum})`);
      assert.equal(sample(text, 'quorum_judge_seconds_count', { outcome: 'ok' }), 1);
      assert.ok((sample(text, 'quorum_judge_seconds_sum', { outcome: 'ok' }) ?? 0) > 0);
      assert.equal(sample(text, 'quorum_queue_depth'), 0);
      assert.ok((sample(text, 'quorum_queue_capacity') ?? 0) >= 1);
      assert.equal(sample(text, 'quorum_sandbox_slots_in_use'), 0);
      assert.ok((sample(text, 'quorum_sandbox_slots_capacity') ?? 0) >= 1, 'an engine with capacity');
      // Default process metrics, under the gateway's prefix.
      assert.ok((sample(text, 'quorum_process_resident_memory_bytes') ?? 0) > 0);
    });

    it('a second gateway in the same process has its own registry (no clash, its own counts)', async () => {
      const other = await startGateway(replay, { tokens: [TOKEN] });
      try {
        const text = await (await fetch(`${other.url}/metrics`, { headers: auth })).text();
        assert.equal(sample(text, 'quorum_runs_finished_total', { status: 'completed' }) ?? 0, 0);
        assert.equal(sample(text, 'quorum_model_stream_seconds_count', { model: 'gpt' }), undefined);
      } finally {
        await other.close(0);
      }
    });
  });

  describe('/readyz reflects the database (SQLite)', () => {
    let server: RunningServer;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'quorum-readyz-'));
      server = await startGateway(replay, { database: join(dir, 'runs.sqlite') });
    });
    after(async () => {
      await server.close(0);
      rmSync(dir, { recursive: true, force: true });
    });

    it('is 200 with the database up, 503 with its error when the runs table cannot be read, 200 again after', async () => {
      const ok = await json(`${server.url}/readyz`);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual(ok.body.database, { ok: true });

      // Another connection to the same file breaks the schema under the running gateway.
      const side = new Database(join(dir, 'runs.sqlite'));
      try {
        side.exec('ALTER TABLE runs RENAME TO runs_away');
        const down = await json(`${server.url}/readyz`);
        assert.equal(down.status, 503);
        assert.equal(down.body.ready, false);
        const database = down.body.database as { ok: boolean; message?: string };
        assert.equal(database.ok, false);
        assert.match(database.message ?? '', /no such table: runs/);
        side.exec('ALTER TABLE runs_away RENAME TO runs');
      } finally {
        side.close();
      }
      const back = await json(`${server.url}/readyz`);
      assert.equal(back.status, 200);
    });
  });

  describe('on PostgreSQL: runs by state from the shared database, /readyz with its error', () => {
    let server: RunningServer | undefined;
    let database: TestDatabase;
    before(async function () {
      database = await testDatabase();
      if ('skip' in database) {
        console.log(`      skipped: ${database.skip}`);
        this.skip();
      }
      server = await startGateway(replay, { database: database.url });
    });
    after(async () => {
      await server?.close(0);
      if (database && !('skip' in database)) await database.drop();
    });

    it('counts the completed run in quorum_runs; a missing runs table is a 503 naming it', async () => {
      if (!server || 'skip' in database) return;
      const posted = await json(`${server.url}/v1/runs`, { json: { prompt: PROMPT, models: ['gpt'] } });
      await readSse(`${server.url}/v1/runs/${posted.body.id as string}/events`);
      let text = '';
      for (let i = 0; i < 50; i++) {
        text = await (await fetch(`${server.url}/metrics`)).text();
        if (sample(text, 'quorum_runs', { state: 'completed' }) === 1) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(sample(text, 'quorum_runs', { state: 'completed' }), 1);
      assert.equal(
        sample(text, 'quorum_model_stream_seconds_count', { provider: 'openai', model: 'gpt' }),
        1,
      );

      assert.equal((await json(`${server.url}/readyz`)).status, 200);
      const side = new pg.Client({ connectionString: database.url });
      await side.connect();
      try {
        await side.query('ALTER TABLE runs RENAME TO runs_away');
        const down = await json(`${server.url}/readyz`);
        assert.equal(down.status, 503);
        assert.match(
          (down.body.database as { message?: string }).message ?? '',
          /relation "runs" does not exist/,
        );
        await side.query('ALTER TABLE runs_away RENAME TO runs');
      } finally {
        await side.end();
      }
      assert.equal((await json(`${server.url}/readyz`)).status, 200);
    });
  });
});
