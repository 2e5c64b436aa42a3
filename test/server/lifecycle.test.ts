import assert from 'node:assert/strict';
import type { EventSourceMessage } from 'eventsource-parser';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import { startFastReplay } from '../fakes/replayHarness';
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
    const child = await spawnServe(replay, { config: { server: { shutdownMs: 3000 } } });
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
    await new Promise((r) => setTimeout(r, 200));
    const refused = await json(`${child.url}/healthz`).then(
      (r) => r.status,
      () => 'connection refused',
    );
    assert.ok(refused === 503 || refused === 'connection refused', `after SIGTERM: ${refused}`);
    assert.equal(endOf((await fastStream).events).status, 'completed');
    assert.equal(endOf((await slowStream).events).status, 'cancelled');
    assert.equal(await child.exited, 0);
    assert.ok(Date.now() - signalled < 15_000, 'within the deadline plus cleanup');
    assert.match(child.stderr(), /SIGTERM: shutting down/);
    assert.deepEqual(await containersOf(pid), [], 'no container left');
    replay.setFault('demo-llama-3.3-70b', undefined);
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
      // The run died with its server: runs live in memory, so the new one does not know it.
      assert.equal((await json(`${second.url}/v1/runs/${id}`)).status, 404);
    } finally {
      second.process.kill('SIGTERM');
      await second.exited;
    }
    assert.deepEqual(await containersOf(second.process.pid ?? 0), []);
  });
});
