/**
 * Concurrency by resource (issue 27): model streams are bounded per endpoint and key across every
 * ask of the gateway (server.modelStreams), so a burst of asks never opens more streams to one
 * vendor than allowed, while the asks themselves are admitted (they wait for a stream, not for an
 * ask slot). Measured where it matters: the requests the model server receives.
 */
import assert from 'node:assert/strict';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import type { RunningServer } from '../../src/server/server';
import { startReplayServer } from '../../src/demo/replayServer';
import { PROMPT, json, startGateway, until } from './harness';

interface Queue {
  running: number;
  modelStreams: { endpoint: string; open: number; waiting: number }[];
}

describe('server: model streams bounded per endpoint', () => {
  let replay: ReplayServer;
  let server: RunningServer;
  before(async () => {
    // Each answer takes a while to start, so the asks' streams would overlap without the bound.
    replay = await startReplayServer({ answers: recordingFor, ttftMs: 500, chunkDelayMs: 0 });
    // The test watches the queue every 40 ms: far above the default rate limit of 120 a minute.
    server = await startGateway(replay, { modelStreams: 1, rateLimit: { max: 100_000, windowMs: 60_000 } });
  });
  after(async () => {
    await server.close(0);
    await replay.close();
  });

  it('three asks of one model: all admitted at once, one stream open at a time, every ask completes', async () => {
    const chats = (): number => replay.requests.filter((r) => r.model === 'demo-gpt-4o-mini').length;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await json(`${server.url}/v1/runs`, {
            json: { prompt: PROMPT, models: ['gpt'], execute: false },
          })
        ).body.id as string,
      );
    let maxOpen = 0;
    let maxWaiting = 0;
    let sentWhileTwoWaited = -1;
    const watching = (async () => {
      for (;;) {
        const q = (await json(`${server.url}/v1/queue`)).body as unknown as Queue;
        const gpt = q.modelStreams.find((s) => s.endpoint.startsWith('openai '));
        maxOpen = Math.max(maxOpen, gpt?.open ?? 0);
        maxWaiting = Math.max(maxWaiting, gpt?.waiting ?? 0);
        if (gpt?.waiting === 2 && sentWhileTwoWaited < 0) sentWhileTwoWaited = chats();
        const states = await Promise.all(
          ids.map(async (id) => (await json(`${server.url}/v1/runs/${id}`)).body.status as string),
        );
        if (states.every((s) => s === 'completed')) return q;
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    const last = await watching;
    assert.equal(maxOpen, 1, 'never more than one stream to the endpoint');
    assert.equal(maxWaiting, 2, 'the other two asks waited for it, admitted');
    assert.equal(sentWhileTwoWaited, 1, 'the model server had one request while two asks waited');
    assert.equal(chats(), 3);
    assert.equal(last.running, 0);
    await until(
      'streams released',
      async () => ((await json(`${server.url}/v1/queue`)).body as unknown as Queue).modelStreams,
      (s) => s.every((e) => e.open === 0 && e.waiting === 0),
    );
  });
});
