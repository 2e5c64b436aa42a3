/**
 * Runs that survive (issue 27): a real `quorum serve` process is killed with SIGKILL with one run
 * finished, one running and one queued, then started again on the same database: the finished run
 * and its events are all there, the unfinished ones are run again under their ids (at least once),
 * and a client's retry with the same Idempotency-Key gets the same run, never a duplicate. Once on
 * the default SQLite file, once on a real PostgreSQL (skipped, with the reason, when there is none).
 * A second gateway on the same SQLite file is refused (it would run the first one's runs again); on
 * PostgreSQL it starts as a replica (replicas.test.ts tests those).
 *
 * On PostgreSQL the run that was running is queued again (its replica is gone: a process of this
 * host that no longer runs), and the queued one, still waiting in the shared job queue, is simply
 * taken by the new process: attempts 1, no `requeued` mark.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import { startFastReplay } from '../fakes/replayHarness';
import { PROMPT, SLOW_PROMPT, containersOf, json, readSse, slowAnswers, spawnServe, until } from './harness';
import type { Child } from './harness';
import { testDatabase } from './postgres';
import type { TestDatabase } from './postgres';

const TOKEN = 'token-persist-0123456789abcdef0123';
const auth = { authorization: `Bearer ${TOKEN}` };

interface Posted {
  id: string;
  key: string;
}

async function post(server: Child, key: string, prompt: string, extra: object = {}): Promise<Posted> {
  const r = await json(`${server.url}/v1/runs`, {
    json: { prompt, models: ['gpt'], ...extra },
    headers: { ...auth, 'idempotency-key': key },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return { id: r.body.id as string, key };
}

const statusOf = async (server: Child, id: string): Promise<string> =>
  (await json(`${server.url}/v1/runs/${id}`, { headers: auth })).body.status as string;

function restartSuite(kind: 'sqlite' | 'postgres'): void {
  describe(`server: a gateway killed with SIGKILL loses no run (${kind})`, function () {
    let replay: ReplayServer;
    let database: TestDatabase;
    let args: string[] = [];
    before(async function () {
      if (kind === 'postgres') {
        database = await testDatabase();
        if ('skip' in database) {
          console.log(`      skipped: ${database.skip}`);
          this.skip();
        }
        args = ['--database', database.url];
      }
      replay = await startFastReplay({ answers: slowAnswers(recordingFor) });
    });
    after(async () => {
      await replay?.close();
      if (database && 'drop' in database) await database.drop();
    });

    it('finished runs and their events are kept; running and queued ones run again under their ids; a retry makes no duplicate', async () => {
      const config = { server: { tokens: [TOKEN], maxConcurrentRuns: 1 } };
      const first = await spawnServe(replay, { config, args });
      const pid = first.process.pid ?? 0;
      if (kind === 'sqlite')
        assert.ok(existsSync(join(first.dir, 'gateway.sqlite')), 'the default database file');
      const done = await post(first, 'k-done', PROMPT, { execute: false });
      await until(
        'first run finished',
        () => statusOf(first, done.id),
        (s) => s === 'completed',
      );
      const doneEvents = (await readSse(`${first.url}/v1/runs/${done.id}/events`, { headers: auth })).events;
      const running = await post(first, 'k-running', SLOW_PROMPT);
      const queued = await post(first, 'k-queued', PROMPT);
      await until(
        'slow run running',
        () => statusOf(first, running.id),
        (s) => s === 'running',
      );
      assert.equal(await statusOf(first, queued.id), 'queued');
      // Let the queued events reach the database (they are batched every few milliseconds).
      await new Promise((r) => setTimeout(r, 300));
      first.process.kill('SIGKILL');
      await first.exited;

      const second = await spawnServe(replay, { config, args, dir: first.dir });
      try {
        assert.match(second.stderr(), kind === 'sqlite' ? /re-queued 2 run\(s\)/ : /re-queued 1 run\(s\)/);
        // The finished run: its record and every one of its events, from the database.
        const kept = await json(`${second.url}/v1/runs/${done.id}`, { headers: auth });
        assert.equal(kept.body.status, 'completed');
        assert.ok(Array.isArray(kept.body.candidates));
        const replayed = (await readSse(`${second.url}/v1/runs/${done.id}/events`, { headers: auth })).events;
        assert.deepEqual(
          replayed.map((e) => [e.id, e.event, e.data]),
          doneEvents.map((e) => [e.id, e.event, e.data]),
        );
        // Resumed after Last-Event-ID across the restart: exactly the events after it.
        const tail = await readSse(`${second.url}/v1/runs/${done.id}/events`, {
          headers: { ...auth, 'last-event-id': '3' },
        });
        assert.deepEqual(
          tail.events.map((e) => e.id),
          doneEvents.slice(3).map((e) => e.id),
        );

        // A client retrying its POSTs gets the same runs back.
        for (const run of [done, running, queued]) {
          const again = await json(`${second.url}/v1/runs`, {
            json: { prompt: PROMPT, models: ['gpt'] },
            headers: { ...auth, 'idempotency-key': run.key },
          });
          assert.equal(again.body.id, run.id, run.key);
          assert.equal(again.headers.get('idempotent-replayed'), 'true');
        }
        const history = (await json(`${second.url}/v1/runs`, { headers: auth })).body.runs as {
          id: string;
          attempts?: number;
        }[];
        assert.deepEqual(
          history.map((r) => r.id).sort(),
          [done.id, running.id, queued.id].sort(),
          'no duplicate',
        );
        assert.equal(history.find((r) => r.id === running.id)?.attempts, 2);

        // The slow run started again (first in line); cancel it, and the queued one completes.
        await until(
          'slow run running again',
          () => statusOf(second, running.id),
          (s) => s === 'running',
        );
        await json(`${second.url}/v1/runs/${running.id}`, { method: 'DELETE', headers: auth });
        await until(
          'queued run completed',
          () => statusOf(second, queued.id),
          (s) => s === 'completed',
          60_000,
        );
        const events = (await readSse(`${second.url}/v1/runs/${queued.id}/events`, { headers: auth })).events;
        assert.deepEqual(
          events.map((e) => Number(e.id)),
          events.map((_, i) => i + 1),
          'one numbering across both processes',
        );
        if (kind === 'sqlite')
          assert.ok(events.some((e) => e.event === 'status' && e.data.includes('"requeued":true')));
        assert.equal(events.at(-1)?.event, 'end');
        // The orphans of the killed process were removed by the new one.
        await until(
          'no orphan containers',
          () => containersOf(pid),
          (ids) => ids.length === 0,
        );
        if (kind === 'sqlite') {
          // A second gateway on the same file would run this one's unfinished runs again: refused.
          const third = await spawnServe(replay, { config, args, dir: first.dir }).then(
            () => assert.fail('a second gateway started on the same database'),
            (error: Error) => error.message,
          );
          assert.match(third, /serve exited 2/);
          assert.match(third, /already uses the database .*one gateway per database/);
        } else {
          // PostgreSQL takes several gateways: a second one is a replica, and sees the same runs.
          const replica = await spawnServe(replay, { config, args });
          try {
            assert.match(replica.stderr(), /replica .*sharing runs/);
            assert.equal(await statusOf(replica, queued.id), 'completed');
          } finally {
            replica.process.kill('SIGTERM');
            await replica.exited;
          }
        }
      } finally {
        second.process.kill('SIGTERM');
        await second.exited;
      }
    });
  });
}

restartSuite('sqlite');
restartSuite('postgres');
