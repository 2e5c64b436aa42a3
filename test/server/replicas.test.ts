/**
 * Replicas (issue 27 item 3): two real `quorum serve` processes on one real PostgreSQL share the
 * runs. A run accepted by one streams from the other (replayed from the stored events, then
 * followed through LISTEN/NOTIFY, and resumed after Last-Event-ID); the replica running asks is
 * killed with SIGKILL mid-run, and the other one finishes every one of them, under the same ids,
 * once each, with one unbroken event numbering. The replicas are named (QUORUM_REPLICA_ID, as pods
 * would be), so the takeover is the lease's expiry, not the same-host shortcut.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import { LEASE_MS, SWEEP_MS } from '../../src/server/store/replicas';
import { startFastReplay } from '../fakes/replayHarness';
import { PROMPT, containersOf, json, programContainers, readSse, spawnServe, until } from './harness';
import type { Child, Sse } from './harness';
import { testDatabase } from './postgres';
import type { TestDatabase } from './postgres';

const TOKEN = 'token-replicas-0123456789abcdef0123';
const auth = { authorization: `Bearer ${TOKEN}` };
const NAP_PROMPT = 'Write a program that naps for six seconds';
const NAP_CODE = 'import time\nprint("started", flush=True)\ntime.sleep(6)\nprint("woke", flush=True)\n';
const run = promisify(execFile);

const answers = (model: string, prompt: string) =>
  prompt.includes(NAP_PROMPT)
    ? { text: `Here it is:\n\n\`\`\`python\n${NAP_CODE}\`\`\`\n` }
    : recordingFor(model, prompt);

async function post(server: Child, prompt: string, key: string, extra: object = {}): Promise<string> {
  const r = await json(`${server.url}/v1/runs`, {
    json: { prompt, models: ['gpt'], ...extra },
    headers: { ...auth, 'idempotency-key': key },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r.body.id as string;
}

const history = async (server: Child) =>
  (await json(`${server.url}/v1/runs?limit=100`, { headers: auth })).body.runs as {
    id: string;
    status: string;
    attempts?: number;
  }[];

const queueOf = async (server: Child) =>
  (await json(`${server.url}/v1/queue`, { headers: auth })).body as { running: number; replica?: string };

const triple = (sse: Sse) => sse.events.map((e) => [e.id, e.event, e.data]);

describe('server: two replicas on one PostgreSQL', function () {
  let database: TestDatabase;
  let replay: ReplayServer;
  let a: Child;
  let b: Child;
  const killed: number[] = [];
  const config = {
    server: { tokens: [TOKEN], maxConcurrentRuns: 2, rateLimit: { max: 100_000, windowMs: 60_000 } },
  };

  before(async function () {
    database = await testDatabase();
    if ('skip' in database) {
      console.log(`      skipped: ${database.skip}`);
      this.skip();
    }
    replay = await startFastReplay({ answers });
    const args = ['--database', database.url];
    a = await spawnServe(replay, { config, args, env: { QUORUM_REPLICA_ID: 'replica-a' } });
    b = await spawnServe(replay, { config, args, env: { QUORUM_REPLICA_ID: 'replica-b' } });
  });

  after(async () => {
    for (const child of [a, b]) {
      if (child && child.process.exitCode === null && child.process.signalCode === null) {
        child.process.kill('SIGTERM');
        await child.exited;
      }
    }
    // The containers a killed replica left (its sandbox could not remove them).
    for (const pid of killed) {
      const ids = await containersOf(pid);
      if (ids.length) await run('docker', ['rm', '-f', ...ids]).catch(() => undefined);
    }
    await replay?.close();
    if (database && 'drop' in database) await database.drop();
  });

  it('each names itself; a run accepted on A streams on B, replayed, followed and resumed after Last-Event-ID', async () => {
    assert.equal((await queueOf(a)).replica, 'replica-a');
    assert.equal((await queueOf(b)).replica, 'replica-b');
    const id = await post(a, PROMPT, 'k-stream', { execute: false });
    // Followed live on B while it runs (whichever replica runs it), to its end.
    const onB = await readSse(`${b.url}/v1/runs/${id}/events`, { headers: auth });
    assert.equal(onB.status, 200);
    assert.equal(onB.events.at(-1)?.event, 'end');
    assert.match(onB.events.at(-1)?.data ?? '', /"status":"completed"/);
    assert.deepEqual(
      onB.events.map((e) => Number(e.id)),
      onB.events.map((_, i) => i + 1),
    );
    assert.ok(onB.events.some((e) => e.event === 'candidate-done'));
    // The same events from A, and the tail after Last-Event-ID from B.
    const onA = await readSse(`${a.url}/v1/runs/${id}/events`, { headers: auth });
    assert.deepEqual(triple(onA), triple(onB));
    const tail = await readSse(`${b.url}/v1/runs/${id}/events`, {
      headers: { ...auth, 'last-event-id': '3' },
    });
    assert.deepEqual(triple(tail), triple(onB).slice(3));
    // POST on B with Accept: text/event-stream: the stream of a run B accepted, to its end.
    const streamed = await readSse(`${b.url}/v1/runs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: PROMPT, models: ['gpt'], execute: false }),
    });
    assert.equal(streamed.events.at(-1)?.event, 'end');
    assert.match(streamed.events.at(-1)?.data ?? '', /"status":"completed"/);
  });

  it('DELETE on either replica cancels: a run the other one runs (told by NOTIFY), and one no replica started', async () => {
    // Five asks for four places (two per replica): four run, one waits in the shared queue.
    const ids = await Promise.all([0, 1, 2, 3, 4].map((i) => post(a, NAP_PROMPT, `k-cancel-${i}`)));
    const counts = await until(
      'four running',
      () => Promise.all([queueOf(a), queueOf(b)]),
      ([qa, qb]) => qa.running + qb.running === 4,
      30_000,
    );
    assert.equal(counts[0].running, 2);
    assert.equal(counts[1].running, 2);
    const statuses = await Promise.all(
      ids.map(async (id) => (await json(`${a.url}/v1/runs/${id}`, { headers: auth })).body.status as string),
    );
    const waiting = ids[statuses.indexOf('queued')];
    assert.ok(waiting, JSON.stringify(statuses));
    const cancelled = await json(`${b.url}/v1/runs/${waiting}`, { method: 'DELETE', headers: auth });
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.status, 'cancelled');
    // The running ones, all through B: two are B's own, two are A's (B tells A by NOTIFY).
    for (const id of ids.filter((id) => id !== waiting)) {
      const r = await json(`${b.url}/v1/runs/${id}`, { method: 'DELETE', headers: auth });
      assert.equal(r.status, 200);
      assert.equal(r.body.status, 'cancelled', id);
    }
    const ends = await Promise.all(
      ids.map((id) => readSse(`${a.url}/v1/runs/${id}/events`, { headers: auth })),
    );
    for (const sse of ends) assert.match(sse.events.at(-1)?.data ?? '', /"status":"cancelled"/);
    // Their programs were stopped and their containers removed, on both replicas.
    for (const pid of [a.process.pid ?? 0, b.process.pid ?? 0])
      await until(
        'no program running',
        () => programContainers(pid),
        (c) => c.length === 0,
      );
    await until(
      'both replicas idle',
      () => Promise.all([queueOf(a), queueOf(b)]),
      ([qa, qb]) => qa.running + qb.running === 0,
    );
  });

  it('SIGKILL of the replica running asks mid-run: the other finishes each, once, under its id, every event in one numbering', async () => {
    const ids = await Promise.all([0, 1, 2].map((i) => post(a, NAP_PROMPT, `k-nap-${i}`)));
    // Every run started, on one replica or the other (2 places each).
    const counts = await until(
      'all three running',
      () => Promise.all([queueOf(a), queueOf(b)]),
      ([qa, qb]) => qa.running + qb.running === 3,
      30_000,
    );
    const [victim, survivor] = counts[0].running > 0 ? [a, b] : [b, a];
    const pid = victim.process.pid ?? 0;
    // Mid-run: the victim's programs are running in their containers.
    await until(
      'a program running on the victim',
      () => programContainers(pid),
      (c) => c.length > 0,
      30_000,
    );
    const victimRunning = (victim === a ? counts[0] : counts[1]).running;
    assert.ok(victimRunning >= 1);
    // Streams on the survivor, from the start, across the takeover.
    const streams = ids.map((id) => readSse(`${survivor.url}/v1/runs/${id}/events`, { headers: auth }));
    const killedAt = Date.now();
    victim.process.kill('SIGKILL');
    killed.push(pid);
    await victim.exited;

    // Taken over once its lease runs out: attempts 2 on the victim's runs.
    await until(
      'the victim’s runs queued again',
      () => history(survivor),
      (runs) => runs.filter((r) => ids.includes(r.id) && (r.attempts ?? 1) > 1).length >= 1,
      LEASE_MS + SWEEP_MS + 10_000,
    );
    const takeoverMs = Date.now() - killedAt;
    console.log(
      `      taken over ${takeoverMs} ms after the SIGKILL (lease ${LEASE_MS} ms, sweep ${SWEEP_MS} ms)`,
    );
    assert.ok(takeoverMs <= LEASE_MS + SWEEP_MS + 4_000, `takeover took ${takeoverMs} ms`);

    const ended = await Promise.all(streams);
    for (const [i, sse] of ended.entries()) {
      const ends = sse.events.filter((e) => e.event === 'end');
      assert.equal(ends.length, 1, `run ${i}: one end`);
      assert.equal(sse.events.at(-1)?.event, 'end');
      const end = JSON.parse(sse.events.at(-1)?.data ?? '{}') as {
        status: string;
        record?: { candidates: { status: string; run?: { stdout?: string } }[] };
      };
      assert.equal(end.status, 'completed', `run ${i}`);
      assert.match(end.record?.candidates[0]?.run?.stdout ?? '', /woke/, `run ${i} ran to its end`);
      assert.deepEqual(
        sse.events.map((e) => Number(e.id)),
        sse.events.map((_, n) => n + 1),
        `run ${i}: one numbering across both replicas`,
      );
    }
    const retaken = ended.filter((sse) =>
      sse.events.some((e) => e.event === 'status' && e.data.includes('"requeued":true')),
    );
    assert.equal(retaken.length, victimRunning, 'each of the victim’s runs started again once');

    // A client retrying its POSTs on the survivor gets the same runs: no duplicate ask.
    for (const [i, id] of ids.entries()) {
      const again = await json(`${survivor.url}/v1/runs`, {
        json: { prompt: NAP_PROMPT, models: ['gpt'] },
        headers: { ...auth, 'idempotency-key': `k-nap-${i}` },
      });
      assert.equal(again.body.id, id);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
    }
    const runs = (await history(survivor)).filter((r) => ids.includes(r.id));
    assert.equal(runs.length, 3, 'no duplicate run');
    assert.ok(runs.every((r) => r.status === 'completed'));
    assert.equal(runs.filter((r) => r.attempts === 2).length, victimRunning);
  });
});
