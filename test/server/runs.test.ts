import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RunRecord } from '../../src/core/types';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import type { RunningServer } from '../../src/server/server';
import { startFastReplay } from '../fakes/replayHarness';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';
import {
  PROMPT,
  SLOW_PROMPT,
  containersOf,
  programContainers,
  json,
  readSse,
  slowAnswers,
  startGateway,
  until,
} from './harness';

const run = promisify(execFile);

interface EndData {
  askId: string;
  status: string;
  record?: RunRecord;
}

describe('server: runs over real HTTP (replay models, real SDKs, real sandbox)', () => {
  let replay: ReplayServer;
  let server: RunningServer;
  before(async () => {
    replay = await startFastReplay({ answers: slowAnswers(recordingFor) });
    server = await startGateway(replay);
  });
  after(async () => {
    await server.close(0);
    await replay.close();
  });

  it('POST /v1/runs answers 202 with links; the events stream every session event with askId, in order, ending with the record', async () => {
    const posted = await json(`${server.url}/v1/runs`, { json: { prompt: PROMPT, models: ['gpt', 'qwen'] } });
    assert.equal(posted.status, 202);
    const id = posted.body.id as string;
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(posted.body.links, { self: `/v1/runs/${id}`, events: `/v1/runs/${id}/events` });
    assert.equal(posted.headers.get('location'), `/v1/runs/${id}`);
    assert.ok(posted.headers.get('x-request-id'));

    const sse = await readSse(`${server.url}/v1/runs/${id}/events`);
    assert.equal(sse.status, 200);
    assert.match(sse.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.deepEqual(
      sse.events.map((e) => Number(e.id)),
      sse.events.map((_, i) => i + 1),
      'ids are the sequence numbers',
    );
    for (const e of sse.events) assert.equal((JSON.parse(e.data) as { askId: string }).askId, id);
    const types = sse.events.map((e) => e.event);
    for (const t of [
      'status',
      'session-started',
      'delta',
      'candidate-done',
      'run-done',
      'verdict',
      'session-done',
    ])
      assert.ok(types.includes(t), `has ${t}`);
    assert.equal(types.at(-1), 'end');
    const end = JSON.parse(sse.events.at(-1)?.data ?? '{}') as EndData;
    assert.equal(end.status, 'completed');
    assert.ok(end.record?.verdict && ['gpt', 'qwen'].includes(end.record.verdict.pick ?? ''));

    const got = await json(`${server.url}/v1/runs/${id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.status, 'completed');
    assert.equal(got.body.askId, id);
    assert.equal(got.body.version, 1);
    const record = got.body as unknown as RunRecord;
    assert.deepEqual(
      record.candidates.map((c) => [c.id, c.status, c.run?.exitCode]),
      [
        ['gpt', 'done', 0],
        ['qwen', 'done', 0],
      ],
    );
    assert.ok(!JSON.stringify(got.body).includes('sk-test'), 'no key in the record');
  });

  it('resumes after Last-Event-ID (header or query) with exactly the events after it', async () => {
    const posted = await json(`${server.url}/v1/runs`, { json: { prompt: PROMPT, models: ['llama'] } });
    const id = posted.body.id as string;
    const full = await readSse(`${server.url}/v1/runs/${id}/events`);
    const cut = Math.floor(full.events.length / 2);
    const resumed = await readSse(`${server.url}/v1/runs/${id}/events`, {
      headers: { 'last-event-id': String(cut) },
    });
    assert.deepEqual(resumed.events, full.events.slice(cut));
    const byQuery = await readSse(`${server.url}/v1/runs/${id}/events?lastEventId=${full.events.length - 1}`);
    assert.deepEqual(
      byQuery.events.map((e) => e.event),
      ['end'],
    );
  });

  it('Accept: text/event-stream on POST streams the run itself; a client that disconnects does not cancel it', async () => {
    replay.setFault('demo-qwen2.5-coder', { chunkDelayMs: 5 });
    try {
      const sse = await readSse(
        `${server.url}/v1/runs`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ prompt: PROMPT, models: ['qwen'] }),
        },
        (e) => e.event === 'delta',
      );
      assert.equal(sse.status, 200);
      const id = (JSON.parse(sse.events[0]?.data ?? '{}') as { askId: string }).askId;
      assert.equal(sse.headers.get('location'), `/v1/runs/${id}`);
      const done = await until(
        'the run after the client left',
        async () => (await json(`${server.url}/v1/runs/${id}`)).body,
        (b) => b.status !== 'running' && b.status !== 'queued',
        60_000,
      );
      assert.equal(done.status, 'completed');
      assert.equal((done as unknown as RunRecord).candidates[0]?.run?.exitCode, 0);
    } finally {
      replay.setFault('demo-qwen2.5-coder', undefined);
    }
  });

  it('404 for an unknown run on GET, events and DELETE', async () => {
    for (const [method, path] of [
      ['GET', '/v1/runs/nope'],
      ['GET', '/v1/runs/nope/events'],
      ['DELETE', '/v1/runs/nope'],
    ] as const) {
      const r = await json(`${server.url}${path}`, { method });
      assert.equal(r.status, 404, path);
      assert.equal(r.body.error, 'not-found');
      assert.match(r.body.advice as string, /own runs.*historySize/);
    }
  });

  it('Idempotency-Key returns the same run; another key makes another', async () => {
    const headers = { 'idempotency-key': 'build-42' };
    const a = await json(`${server.url}/v1/runs`, { json: { prompt: PROMPT, models: ['llama'] }, headers });
    const b = await json(`${server.url}/v1/runs`, { json: { prompt: PROMPT, models: ['llama'] }, headers });
    const c = await json(`${server.url}/v1/runs`, {
      json: { prompt: PROMPT, models: ['llama'] },
      headers: { 'idempotency-key': 'build-43' },
    });
    assert.equal(a.body.id, b.body.id);
    assert.equal(b.headers.get('idempotent-replayed'), 'true');
    assert.notEqual(a.body.id, c.body.id);
    for (const id of [a.body.id, c.body.id])
      await until(
        'done',
        async () => (await json(`${server.url}/v1/runs/${String(id)}`)).body.status,
        (s) => s === 'completed',
        60_000,
      );
  });

  it('POST /api/v1/inference answers synchronously in the original shape', async () => {
    const r = await json(`${server.url}/api/v1/inference`, {
      json: { prompt: PROMPT, models: ['gpt', 'llama', 'r1'] },
    });
    assert.equal(r.status, 200);
    const body = r.body as {
      status: string;
      responses: {
        model: string;
        success: boolean;
        latency: number;
        code: string;
        execution: { success: boolean; exit_code: number; stdout: string; execution_time: number };
      }[];
      verification: {
        verified: boolean;
        consensus: boolean;
        successful_executions: number;
        synthesis_strategy: string;
        scores: Record<string, number>;
        pick: string;
      };
    };
    assert.equal(body.status, 'completed');
    assert.deepEqual(
      body.responses.map((x) => x.model),
      ['gpt', 'llama', 'r1'],
    );
    for (const x of body.responses) {
      assert.equal(x.success, true);
      assert.ok(x.latency >= 0 && x.latency < 60, 'latency in seconds');
      assert.match(x.code, /def primes_up_to/);
      assert.equal(x.execution.exit_code, 0);
      assert.equal(x.execution.success, true);
      assert.match(x.execution.stdout, /\[2, 3, 5, 7/);
      assert.ok(x.execution.execution_time < 10, 'execution_time in seconds');
    }
    assert.equal(body.verification.verified, true);
    assert.equal(body.verification.successful_executions, 3);
    assert.ok(['gpt', 'llama', 'r1'].includes(body.verification.pick));
    assert.deepEqual(Object.keys(body.verification.scores).sort(), ['gpt', 'llama', 'r1']);
    assert.ok(body.verification.synthesis_strategy);
    assert.equal(typeof body.verification.consensus, 'boolean');
  });

  it("the seed's curl command works with an explicit JSON content type (a form body is 415: issue 26 H2)", async () => {
    const { stdout } = await run('curl', [
      '-s',
      '-X',
      'POST',
      `${server.url}/api/v1/inference`,
      '-H',
      'content-type: application/json',
      '-d',
      '{"prompt": "Write a Python function primes_up_to(n) that returns the primes <= n", "execute_code": true}',
    ]);
    const body = JSON.parse(stdout) as {
      status: string;
      verification: { verified: boolean; pick: string };
      responses: unknown[];
    };
    assert.equal(body.status, 'completed');
    assert.equal(body.responses.length, 4);
    assert.equal(body.verification.verified, true);
    assert.ok(body.verification.pick);
  });

  it('execute_code: false asks without running anything', async () => {
    const r = await json(`${server.url}/api/v1/inference`, {
      json: { prompt: PROMPT, models: ['gpt'], execute_code: false },
    });
    const body = r.body as {
      responses: { execution: unknown; code: string }[];
      verification: { verified: boolean };
    };
    assert.equal(body.responses[0]?.execution, null);
    assert.match(body.responses[0]?.code ?? '', /def primes_up_to/);
    assert.equal(body.verification.verified, false);
  });
});

describe('server: DELETE /v1/runs/{id}', () => {
  let replay: ReplayServer;
  let server: RunningServer;
  before(async () => {
    replay = await startFastReplay({ answers: slowAnswers(recordingFor) });
    server = await startGateway(replay, {}, { sandbox: { images: OFFLINE_IMAGES, poolSize: 0 } });
  });
  after(async () => {
    await server.close(0);
    await replay.close();
  });

  it('cancels a running ask: 200 with the record so far, its program stopped and its container removed', async () => {
    const posted = await json(`${server.url}/v1/runs`, { json: { prompt: SLOW_PROMPT, models: ['gpt'] } });
    const id = posted.body.id as string;
    await readSse(`${server.url}/v1/runs/${id}/events`, {}, (e) => e.event === 'run-started');
    const holding = await until(
      'the program in its container',
      () => programContainers(process.pid),
      (ids) => ids.length === 1,
    );
    const started = Date.now();
    const deleted = await json(`${server.url}/v1/runs/${id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.status, 'cancelled');
    assert.equal(deleted.body.cancelled, true);
    assert.ok(Date.now() - started < 10_000, 'cancelled well before the program would end');
    const candidate = (deleted.body as unknown as RunRecord).candidates[0];
    assert.equal(candidate?.runError?.reason, 'cancelled');
    // That container is gone (containers prepared but never used go back to the pool).
    await until(
      'the program container',
      () => containersOf(process.pid),
      (ids) => !ids.includes(holding[0] ?? ''),
    );
    assert.equal((await json(`${server.url}/v1/runs/${id}`)).body.status, 'cancelled');
    // A second DELETE changes nothing.
    assert.equal((await json(`${server.url}/v1/runs/${id}`, { method: 'DELETE' })).body.status, 'cancelled');
  });
});
