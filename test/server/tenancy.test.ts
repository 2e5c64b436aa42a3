/**
 * Runs belong to tokens (issue 27, and issue 26's M6 ownership): a token sees only its runs, an
 * admin token sees all, tokens are held hashed (a config may list only the digest, and the
 * database never holds a token), per-token quotas answer 429 with a body naming the quota, and
 * waiting work is served fairly: one token's burst does not hold back another token's run.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import type { RunningServer } from '../../src/server/server';
import { startFastReplay } from '../fakes/replayHarness';
import { PROMPT, SLOW_PROMPT, json, readSse, slowAnswers, startGateway, until } from './harness';

const A = 'token-tenant-a-0123456789abcdef0123';
const B = 'token-tenant-b-0123456789abcdef0123';
const ADMIN = 'token-tenant-admin-0123456789abcdef';
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const sha256 = (t: string): string => `sha256:${createHash('sha256').update(t).digest('hex')}`;

describe('server: runs belong to tokens', () => {
  let replay: ReplayServer;
  before(async () => {
    replay = await startFastReplay({ answers: slowAnswers(recordingFor) });
  });
  after(() => replay.close());

  describe('isolation', () => {
    let server: RunningServer;
    before(async () => {
      // B is configured by its digest only: the server never holds B itself.
      server = await startGateway(replay, { tokens: [A, sha256(B)], adminTokens: [ADMIN] });
    });
    after(() => server.close(0));

    it("a token sees only its own runs (404 for another's: GET, events, DELETE, history); an admin sees all", async () => {
      const posted = await json(`${server.url}/v1/runs`, {
        json: { prompt: PROMPT, models: ['gpt'], execute: false },
        headers: as(A),
      });
      assert.equal(posted.status, 202);
      const id = posted.body.id as string;
      await until(
        'done',
        async () => (await json(`${server.url}/v1/runs/${id}`, { headers: as(A) })).body.status,
        (s) => s === 'completed',
      );
      for (const [method, path] of [
        ['GET', `/v1/runs/${id}`],
        ['GET', `/v1/runs/${id}/events`],
        ['DELETE', `/v1/runs/${id}`],
      ] as const) {
        const r = await json(`${server.url}${path}`, { method, headers: as(B) });
        assert.equal(r.status, 404, `${method} ${path} as B`);
        assert.equal(r.body.error, 'not-found');
      }
      const byB = await json(`${server.url}/v1/runs`, { headers: as(B) });
      assert.deepEqual(byB.body.runs, []);
      const byA = (await json(`${server.url}/v1/runs`, { headers: as(A) })).body.runs as { id: string }[];
      assert.deepEqual(
        byA.map((r) => r.id),
        [id],
      );
      // The admin reads it, its events, and sees whose it is (a hashed id, not the token).
      assert.equal(
        (await json(`${server.url}/v1/runs/${id}`, { headers: as(ADMIN) })).body.status,
        'completed',
      );
      const events = await readSse(`${server.url}/v1/runs/${id}/events`, { headers: as(ADMIN) });
      assert.equal(events.events.at(-1)?.event, 'end');
      const all = (await json(`${server.url}/v1/runs`, { headers: as(ADMIN) })).body.runs as {
        owner: string;
      }[];
      assert.match(all[0]?.owner ?? '', /^t:[0-9a-f]{16}$/);
      // The digest-only token works like any other.
      const mine = await json(`${server.url}/v1/runs`, {
        json: { prompt: PROMPT, models: ['gpt'], execute: false },
        headers: as(B),
      });
      assert.equal(mine.status, 202);
    });

    it('the database holds no token, only hashed ids', async () => {
      await server.gateway.store.flush();
      const rows = await server.gateway.store.db.selectFrom('runs').selectAll().execute();
      assert.ok(rows.length >= 2);
      const dump =
        JSON.stringify(rows) +
        JSON.stringify(await server.gateway.store.db.selectFrom('events').selectAll().execute());
      for (const token of [A, B, ADMIN]) assert.ok(!dump.includes(token), 'no token in the database');
      for (const row of rows) assert.match(row.owner, /^t:[0-9a-f]{16}$/);
    });
  });

  describe('quotas', () => {
    let server: RunningServer;
    before(async () => {
      server = await startGateway(replay, { tokens: [A, B], quota: { concurrentRuns: 1, runsPerMinute: 2 } });
    });
    after(() => server.close(0));

    it('concurrentRuns and runsPerMinute: 429 with a body naming the quota, its limit and the use; another token is not affected', async () => {
      const slow = await json(`${server.url}/v1/runs`, {
        json: { prompt: SLOW_PROMPT, models: ['gpt'] },
        headers: as(A),
      });
      assert.equal(slow.status, 202);
      const second = await json(`${server.url}/v1/runs`, {
        json: { prompt: PROMPT, models: ['gpt'] },
        headers: as(A),
      });
      assert.equal(second.status, 429);
      assert.deepEqual(
        {
          error: second.body.error,
          quota: second.body.quota,
          limit: second.body.limit,
          used: second.body.used,
        },
        { error: 'quota-exceeded', quota: 'concurrentRuns', limit: 1, used: 1 },
      );
      assert.match(second.body.advice as string, /server\.quota\.concurrentRuns/);
      assert.ok(Number(second.headers.get('retry-after')) > 0);
      // B has its own count.
      const other = await json(`${server.url}/v1/runs`, {
        json: { prompt: PROMPT, models: ['gpt'], execute: false },
        headers: as(B),
      });
      assert.equal(other.status, 202);
      await json(`${server.url}/v1/runs/${String(slow.body.id)}`, { method: 'DELETE', headers: as(A) });
      // A started 1 run (the refused one did not count); one more is allowed, then the minute is full.
      await until(
        'A has nothing running',
        () => Promise.resolve(server.gateway.queue.ownerCounts(ownerOfA()).running),
        (n) => n === 0,
      );
      const third = await json(`${server.url}/v1/runs`, {
        json: { prompt: PROMPT, models: ['gpt'], execute: false },
        headers: as(A),
      });
      assert.equal(third.status, 202);
      await until(
        'third done',
        async () =>
          (await json(`${server.url}/v1/runs/${String(third.body.id)}`, { headers: as(A) })).body.status,
        (s) => s === 'completed',
      );
      const fourth = await json(`${server.url}/v1/runs`, {
        json: { prompt: PROMPT, models: ['gpt'] },
        headers: as(A),
      });
      assert.equal(fourth.status, 429);
      assert.equal(fourth.body.quota, 'runsPerMinute');
      assert.equal(fourth.body.used, 2);
      assert.equal(fourth.headers.get('retry-after'), '60');
    });
  });

  describe('spend quota', () => {
    let server: RunningServer;
    before(async () => {
      const priced = {
        models: [
          {
            id: 'gpt',
            kind: 'openai',
            model: 'demo-gpt-4o-mini',
            baseUrl: `${replay.url}/v1`,
            price: { inputPerMTok: 1000, outputPerMTok: 1000 },
          },
        ],
      };
      server = await startGateway(replay, { tokens: [A, B], quota: { usdPerDay: 0.01 } }, priced);
    });
    after(() => server.close(0));

    it("usdPerDay: once a token's runs cost the day's limit (the records' cost estimates), 429 naming it", async () => {
      const ask = (token: string) =>
        json(`${server.url}/v1/runs`, {
          json: { prompt: PROMPT, models: ['gpt'], execute: false },
          headers: as(token),
        });
      const first = await ask(A);
      assert.equal(first.status, 202);
      const done = await until(
        'first done',
        async () => (await json(`${server.url}/v1/runs/${String(first.body.id)}`, { headers: as(A) })).body,
        (b) => b.status === 'completed',
      );
      const cost = (done.candidates as { costUsd?: number }[])[0]?.costUsd ?? 0;
      assert.ok(cost >= 0.01, `the priced answer costs $${cost}`);
      await server.gateway.store.flush();
      const over = await ask(A);
      assert.equal(over.status, 429);
      assert.equal(over.body.quota, 'usdPerDay');
      assert.equal(over.body.limit, 0.01);
      assert.ok((over.body.used as number) >= 0.01);
      assert.match(over.body.message as string, /\$[\d.]+ in the last 24 hours/);
      assert.equal((await ask(B)).status, 202, "B's spend is its own");
    });
  });

  describe('fair share', () => {
    let server: RunningServer;
    before(async () => {
      server = await startGateway(replay, { tokens: [A, B], maxConcurrentRuns: 2, queueSize: 8 });
    });
    after(() => server.close(0));

    it("a place that frees goes to the token with the fewest runs, not to the oldest of one token's burst", async () => {
      const post = (token: string) =>
        json(`${server.url}/v1/runs`, {
          json: { prompt: SLOW_PROMPT, models: ['gpt'] },
          headers: as(token),
        }).then((r) => r.body.id as string);
      const a1 = await post(A);
      const a2 = await post(A);
      const a3 = await post(A);
      const b1 = await post(B);
      const status = async (id: string, token: string) =>
        (await json(`${server.url}/v1/runs/${id}`, { headers: as(token) })).body.status as string;
      assert.deepEqual(
        [await status(a1, A), await status(a2, A), await status(a3, A), await status(b1, B)],
        ['running', 'running', 'queued', 'queued'],
      );
      await json(`${server.url}/v1/runs/${a1}`, { method: 'DELETE', headers: as(A) });
      await until(
        'B started',
        () => status(b1, B),
        (s) => s === 'running',
      );
      assert.equal(await status(a3, A), 'queued', "A's third waits: A already has one running");
      for (const [id, token] of [
        [a2, A],
        [a3, A],
        [b1, B],
      ] as const)
        await json(`${server.url}/v1/runs/${id}`, { method: 'DELETE', headers: as(token) });
    });
  });
});

function ownerOfA(): string {
  return `t:${createHash('sha256').update(A).digest('hex').slice(0, 16)}`;
}
