import assert from 'node:assert/strict';
import type { EventSourceMessage } from 'eventsource-parser';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import { startFastReplay } from '../fakes/replayHarness';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';
import {
  PROMPT,
  SLOW_PROMPT,
  containersOf,
  json,
  programContainers,
  readSse,
  slowAnswers,
  spawnServe,
  until,
} from './harness';

const endOf = (events: EventSourceMessage[]): { status?: string } =>
  JSON.parse(events.find((e) => e.event === 'end')?.data ?? '{}') as { status?: string };

describe('server: the quorum serve process (SIGTERM, SIGKILL and restart)', () => {
  let replay: ReplayServer;
  before(async () => {
    replay = await startFastReplay({ answers: slowAnswers(recordingFor) });
  });
  after(() => replay.close());

  it('SIGTERM: stops accepting, lets a short ask finish, cancels a long one at the deadline, removes every container', async () => {
    // The long program outlives the deadline (its own limit is a minute); the short ask has time to
    // finish even on a loaded machine.
    const config = {
      server: { shutdownMs: 8000 },
      sandbox: { images: OFFLINE_IMAGES, poolSize: 1, limits: { timeoutMs: 60_000 } },
    };
    const child = await spawnServe(replay, { config });
    const pid = child.process.pid ?? 0;
    const slow = (await json(`${child.url}/v1/runs`, { json: { prompt: SLOW_PROMPT, models: ['gpt'] } })).body
      .id as string;
    const slowStream = readSse(`${child.url}/v1/runs/${slow}/events`);
    await until(
      'the long program running',
      () => programContainers(pid),
      (ids) => ids.length === 1,
    );
    replay.setFault('demo-llama-3.3-70b', { ttftMs: 300 });
    const fast = (await json(`${child.url}/v1/runs`, { json: { prompt: PROMPT, models: ['llama'] } })).body
      .id as string;
    const fastStream = readSse(`${child.url}/v1/runs/${fast}/events`);
    await new Promise((r) => setTimeout(r, 100));
    const signalled = Date.now();
    child.process.kill('SIGTERM');
    // Once the signal is handled (a moment on a loaded machine), nothing new is taken.
    const refused = await until(
      'the server refusing new requests',
      () =>
        json(`${child.url}/healthz`).then(
          (r) => r.status,
          () => 'connection refused',
        ),
      (status) => status !== 200,
      5_000,
    );
    assert.ok(refused === 503 || refused === 'connection refused', `after SIGTERM: ${refused}`);
    assert.equal(endOf((await fastStream).events).status, 'completed');
    assert.equal(endOf((await slowStream).events).status, 'cancelled');
    assert.equal(await child.exited, 0);
    assert.ok(Date.now() - signalled < 25_000, 'within the deadline plus cleanup');
    assert.match(child.stderr(), /SIGTERM: shutting down/);
    assert.deepEqual(await containersOf(pid), [], 'no container left');
    replay.setFault('demo-llama-3.3-70b', undefined);

    // The long ask was cut by the shutdown, not cancelled by its client: the next start runs it again.
    const again = await spawnServe(replay, { config, dir: child.dir });
    try {
      assert.match(again.stderr(), /re-queued 1 run\(s\)/);
      assert.equal((await json(`${again.url}/v1/runs/${fast}`)).body.status, 'completed');
      await json(`${again.url}/v1/runs/${slow}`, { method: 'DELETE' });
      assert.equal((await json(`${again.url}/v1/runs/${slow}`)).body.status, 'cancelled');
    } finally {
      again.process.kill('SIGTERM');
      await again.exited;
    }
  });

  it('a server killed with SIGKILL mid-run leaves containers that the next start removes', async () => {
    const first = await spawnServe(replay);
    const pid = first.process.pid ?? 0;
    const id = (await json(`${first.url}/v1/runs`, { json: { prompt: SLOW_PROMPT, models: ['gpt'] } })).body
      .id as string;
    await until(
      'the program running',
      () => programContainers(pid),
      (ids) => ids.length === 1,
    );
    first.process.kill('SIGKILL');
    await first.exited;
    const left = await containersOf(pid);
    assert.ok(left.length >= 1, 'the killed server left its containers');

    const second = await spawnServe(replay);
    try {
      await until(
        'orphans of the killed server',
        () => containersOf(pid),
        (ids) => ids.length === 0,
      );
      // Another folder, another database: this server does not know it (persistence.test.ts restarts the same one).
      assert.equal((await json(`${second.url}/v1/runs/${id}`)).status, 404);
    } finally {
      second.process.kill('SIGTERM');
      await second.exited;
    }
    assert.deepEqual(await containersOf(second.process.pid ?? 0), []);
  });
});
