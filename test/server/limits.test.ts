import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import type { RunningServer } from '../../src/server/server';
import { runCli } from '../cli/cliHarness';
import { startFastReplay } from '../fakes/replayHarness';
import {
  PROMPT,
  SLOW_PROMPT,
  containersOf,
  json,
  programContainers,
  readSse,
  slowAnswers,
  startGateway,
  until,
} from './harness';

const TOKEN_A = 'token-a-0123456789abcdef0123456789';
const TOKEN_B = 'token-b-0123456789abcdef0123456789';

describe('server: limits, bad input and auth over real HTTP', () => {
  let replay: ReplayServer;
  before(async () => {
    replay = await startFastReplay({ answers: slowAnswers(recordingFor) });
  });
  after(() => replay.close());

  describe('without tokens (loopback)', () => {
    let server: RunningServer;
    before(async () => {
      server = await startGateway(replay, { historySize: 2, pingMs: 150 });
    });
    after(() => server.close(0));

    it('echoes the client X-Request-Id on every response, and makes one up otherwise', async () => {
      for (const path of ['/healthz', '/v1/queue', '/v1/runs/none', '/nowhere']) {
        const echoed = await json(`${server.url}${path}`, { headers: { 'x-request-id': 'req-123' } });
        assert.equal(echoed.headers.get('x-request-id'), 'req-123', path);
        assert.match(
          (await json(`${server.url}${path}`)).headers.get('x-request-id') ?? '',
          /^[0-9a-f-]{36}$/,
        );
      }
      const sse = await readSse(`${server.url}/v1/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-sse' },
        body: JSON.stringify({ prompt: PROMPT, models: ['llama'] }),
      });
      assert.equal(sse.headers.get('x-request-id'), 'req-sse');
    });

    it('413 for a body over 256 KiB', async () => {
      const r = await json(`${server.url}/v1/runs`, { json: { prompt: 'x'.repeat(257 * 1024) } });
      assert.equal(r.status, 413);
      assert.equal(r.body.error, 'too-large');
      assert.ok(r.headers.get('x-request-id'));
    });

    it('400 naming the field', async () => {
      const cases: [string, unknown, string][] = [
        ['/v1/runs', {}, 'prompt'],
        ['/v1/runs', { prompt: 'p', language: 'cobol' }, 'language'],
        ['/v1/runs', { prompt: 'p', models: ['gpt', 'nope'] }, 'models[1]'],
        ['/v1/runs', { prompt: 'p', promt: 'typo' }, 'promt'],
        ['/v1/execute', { code: 'print(1)', language: 'python', timeoutMs: 'soon' }, 'timeoutMs'],
        [
          '/v1/judge',
          { prompt: 'p', language: 'python', candidates: [{ id: 'a', model: 'm' }] },
          'candidates.0.code',
        ],
        ['/api/v1/inference', { prompt: 'p', execute_code: 'yes' }, 'execute_code'],
      ];
      for (const [path, body, field] of cases) {
        const r = await json(`${server.url}${path}`, { json: body });
        assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}`);
        assert.equal(r.body.field, field);
        assert.ok((r.body.message as string).startsWith(`${field}: `), r.body.message as string);
      }
      const notJson = await json(`${server.url}/v1/runs`, {
        method: 'POST',
        body: '{nope',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(notJson.status, 400);
    });

    it('GET /v1/models lists models without keys; runtimes, queue, healthz, readyz, openapi.json', async () => {
      const models = await json(`${server.url}/v1/models`);
      assert.equal(models.status, 200);
      assert.deepEqual(
        (models.body.models as { id: string; usable: boolean }[]).map((m) => [m.id, m.usable]),
        [
          ['gpt', true],
          ['llama', true],
          ['qwen', true],
          ['r1', true],
        ],
      );
      assert.ok(!/sk-test|gsk-test|apiKey/i.test(JSON.stringify(models.body)));
      const runtimes = await json(`${server.url}/v1/runtimes`);
      assert.deepEqual((runtimes.body.runtimes as { language: string; image: string }[])[0], {
        language: 'python',
        image: 'quorum-offline/python:3.11',
      });
      const queue = (await json(`${server.url}/v1/queue`)).body;
      // Sized from the engine's run capacity (16 programs at once): two asks per run slot, 4× that queued.
      assert.deepEqual(
        { ...queue, modelStreams: undefined },
        { running: 0, queued: 0, capacity: 32, queueSize: 128, runSlots: 16, modelStreams: undefined },
      );
      assert.ok(Array.isArray(queue.modelStreams));
      assert.deepEqual((await json(`${server.url}/healthz`)).body, { ok: true });
      const ready = await json(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body, {
        ready: true,
        database: { ok: true },
        engine: { ok: true },
        usableModels: 4,
      });
      const api = await json(`${server.url}/openapi.json`);
      assert.equal(api.body.openapi, '3.0.3');
      const paths = api.body.paths as Record<string, Record<string, { requestBody?: unknown }>>;
      for (const p of [
        '/v1/runs',
        '/v1/runs/{id}',
        '/v1/runs/{id}/events',
        '/v1/execute',
        '/v1/judge',
        '/api/v1/inference',
        '/v1/models',
        '/v1/runtimes',
        '/v1/queue',
        '/healthz',
        '/readyz',
      ])
        assert.ok(paths[p], p);
      assert.match(JSON.stringify(paths['/v1/runs']?.post?.requestBody), /"prompt"/);
    });

    it('POST /v1/execute runs one program (stdin, args) and answers like quorum run --json', async () => {
      const r = await json(`${server.url}/v1/execute`, {
        json: {
          code: 'import sys\nprint(sys.argv[1:], sys.stdin.read().upper())\nsys.exit(3)\n',
          language: 'python',
          stdin: 'hi',
          args: ['--n', '5'],
        },
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.exitCode, 3);
      assert.equal(r.body.stdout, "['--n', '5'] HI\n");
      assert.equal(r.body.image, 'quorum-offline/python:3.11');
      const slow = await json(`${server.url}/v1/execute`, {
        json: { code: 'while True: pass', language: 'python', timeoutMs: 500 },
      });
      assert.equal(slow.body.timedOut, true);
    });

    it('POST /v1/execute is stopped (its container removed) when the caller goes away', async () => {
      const controller = new AbortController();
      const call = fetch(`${server.url}/v1/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          code: 'import time\ntime.sleep(60)\n',
          language: 'python',
          timeoutMs: 60_000,
        }),
        signal: controller.signal,
      }).catch(() => 'aborted');
      const [holding] = await until(
        'the program running',
        () => programContainers(process.pid),
        (ids) => ids.length === 1,
      );
      controller.abort();
      assert.equal(await call, 'aborted');
      await until(
        'its container',
        () => containersOf(process.pid),
        (ids) => !ids.includes(holding ?? ''),
      );
      await until(
        'the queue',
        async () => (await json(`${server.url}/v1/queue`)).body.running,
        (n) => n === 0,
      );
    });

    it('POST /v1/judge gives the verdict for given candidates and tests', async () => {
      const r = await json(`${server.url}/v1/judge`, {
        json: {
          prompt: 'add(a, b) returns the sum',
          language: 'python',
          candidates: [
            { id: 'right', model: 'm1', code: 'def add(a, b):\n    return a + b\n' },
            { id: 'wrong', model: 'm2', code: 'def add(a, b):\n    return a - b\n' },
          ],
          tests: [{ id: 't', model: 'm1', code: 'assert add(2, 3) == 5\nassert add(0, 0) == 0\n' }],
        },
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.pick, 'right');
      assert.ok(Array.isArray(r.body.ranking) && Array.isArray(r.body.reasons));
      const dup = await json(`${server.url}/v1/judge`, {
        json: {
          prompt: 'p',
          language: 'python',
          candidates: [
            { id: 'a', model: 'm', code: 'x=1' },
            { id: 'a', model: 'm', code: 'x=2' },
          ],
        },
      });
      assert.equal(dup.status, 400);
      assert.equal(dup.body.field, 'candidates[1].id');
    });

    it('pings an idle event stream with a comment (every pingMs; 15 s by default)', async () => {
      const posted = await json(`${server.url}/v1/runs`, { json: { prompt: SLOW_PROMPT, models: ['gpt'] } });
      const id = posted.body.id as string;
      const started = Date.now();
      const sse = await readSse(
        `${server.url}/v1/runs/${id}/events`,
        {},
        undefined,
        (c) => c.trim() === 'ping',
      );
      assert.ok(Date.now() - started < 5_000);
      assert.ok(sse.comments.some((c) => c.trim() === 'ping'));
      await json(`${server.url}/v1/runs/${id}`, { method: 'DELETE' });
    });

    it('keeps a bounded history: the oldest finished run is evicted (404)', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await json(`${server.url}/api/v1/inference`, {
          json: { prompt: PROMPT, models: ['llama'], execute_code: false },
        });
        ids.push(r.body.id as string);
      }
      assert.equal((await json(`${server.url}/v1/runs/${ids[0]}`)).status, 404);
      assert.equal((await json(`${server.url}/v1/runs/${ids[2]}`)).status, 200);
    });
  });

  describe('queue', () => {
    let server: RunningServer;
    before(async () => {
      server = await startGateway(replay, { maxConcurrentRuns: 1, queueSize: 1 });
    });
    after(() => server.close(0));

    it('one running, one queued, then 429 with Retry-After (the real queue bound); DELETE takes a queued run out', async () => {
      const first = await json(`${server.url}/v1/runs`, { json: { prompt: SLOW_PROMPT, models: ['gpt'] } });
      const second = await json(`${server.url}/v1/runs`, { json: { prompt: SLOW_PROMPT, models: ['gpt'] } });
      assert.equal(first.body.status, 'running');
      assert.equal(second.body.status, 'queued');
      const counts = (await json(`${server.url}/v1/queue`)).body;
      delete counts.modelStreams;
      assert.deepEqual(counts, { running: 1, queued: 1, capacity: 1, queueSize: 1, runSlots: 16 });
      const third = await json(`${server.url}/v1/runs`, { json: { prompt: PROMPT } });
      assert.equal(third.status, 429);
      assert.equal(third.body.error, 'queue-full');
      assert.ok(Number(third.headers.get('retry-after')) > 0);
      const execute = await json(`${server.url}/v1/execute`, {
        json: { code: 'print(1)', language: 'python' },
      });
      assert.equal(execute.status, 429, 'execute shares the queue');
      const cancelled = await json(`${server.url}/v1/runs/${String(second.body.id)}`, { method: 'DELETE' });
      assert.equal(cancelled.body.status, 'cancelled');
      await json(`${server.url}/v1/runs/${String(first.body.id)}`, { method: 'DELETE' });
      await until(
        'queue empty',
        async () => (await json(`${server.url}/v1/queue`)).body,
        (q) => q.running === 0 && q.queued === 0,
      );
    });
  });

  describe('with tokens', () => {
    let server: RunningServer;
    before(async () => {
      server = await startGateway(replay, {
        tokens: [TOKEN_A, TOKEN_B],
        rateLimit: { max: 3, windowMs: 60_000 },
      });
    });
    after(() => server.close(0));

    it('401 without a token or with a wrong one; health probes stay open', async () => {
      const none = await json(`${server.url}/v1/models`);
      assert.equal(none.status, 401);
      assert.equal(none.body.error, 'unauthorized');
      assert.ok(none.headers.get('x-request-id'));
      const wrong = await json(`${server.url}/v1/models`, {
        headers: { authorization: `Bearer ${TOKEN_A}x` },
      });
      assert.equal(wrong.status, 401);
      const basic = await json(`${server.url}/v1/models`, { headers: { authorization: `Basic ${TOKEN_A}` } });
      assert.equal(basic.status, 401);
      assert.equal((await json(`${server.url}/healthz`)).status, 200);
      assert.equal(
        (await json(`${server.url}/v1/queue`, { headers: { authorization: `Bearer ${TOKEN_A}` } })).status,
        200,
      );
    });

    it('/openapi.json declares the bearer scheme; docs/openapi.json is that document', async () => {
      const api = await json(`${server.url}/openapi.json`, {
        headers: { authorization: `Bearer ${TOKEN_A}` },
      });
      assert.deepEqual(api.body.security, [{ bearer: [] }]);
      const file = join(__dirname, '../../docs/openapi.json');
      // Written as Prettier formats it, so the lint suite's check passes.
      if (process.env.QUORUM_UPDATE_DOCS === '1')
        writeFileSync(
          file,
          await format(JSON.stringify(api.body), { ...(await resolveConfig(file)), filepath: file }),
        );
      assert.deepEqual(
        JSON.parse(readFileSync(file, 'utf8')),
        api.body,
        'docs/openapi.json is stale: QUORUM_UPDATE_DOCS=1 npx mocha --config test/server/.mocharc.json',
      );
    });

    it('429 with Retry-After past the per-token limit; another token is not affected', async () => {
      const as = (token: string) =>
        json(`${server.url}/v1/queue`, { headers: { authorization: `Bearer ${token}` } });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await as(TOKEN_B)).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      const limited = await as(TOKEN_B);
      assert.equal(limited.body.error, 'rate-limited');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      // TOKEN_A's own count is apart from TOKEN_B's.
      assert.equal((await as(TOKEN_A)).status, 200);
    });
  });

  it('quorum serve refuses a non-loopback host without a token, with a clear message', async () => {
    const { code, stderr } = await runCli(['serve', '--host', '0.0.0.0', '--port', '0'], { env: {} });
    assert.equal(code, 2);
    assert.match(stderr, /refusing to listen on 0\.0\.0\.0 without a token/);
    assert.match(stderr, /QUORUM_SERVER_TOKENS/);
  });
});
