import assert from 'node:assert/strict';
import type { SessionEvent } from '../../src/core/types';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import { GatewayError, startGatewayAsk } from '../../src/host/gatewayClient';
import type { RunningServer } from '../../src/server/server';
import { startFastReplay } from '../fakes/replayHarness';
import { PROMPT, SLOW_PROMPT, slowAnswers, startGateway } from './harness';

const TOKEN = 'editor-token-0123456789abc';

describe("server: the editor's gateway client (src/host/gatewayClient.ts)", () => {
  let replay: ReplayServer;
  let server: RunningServer;
  before(async () => {
    replay = await startFastReplay({ answers: slowAnswers(recordingFor) });
    server = await startGateway(replay, { tokens: [TOKEN] });
  });
  after(async () => {
    await server.close(0);
    await replay.close();
  });

  it('streams the session events under the host-allocated askId and resolves with the record', async () => {
    const events: SessionEvent[] = [];
    const handle = startGatewayAsk(
      { url: `${server.url}/`, token: TOKEN },
      { instruction: PROMPT, intent: 'generate', language: 'python' },
      { askId: 'host-ask-1', models: ['gpt', 'llama'] },
      (e) => events.push(e),
    );
    const record = await handle.done;
    assert.equal(record.askId, 'host-ask-1');
    assert.ok(events.every((e) => e.askId === 'host-ask-1'));
    const types = events.map((e) => e.type);
    assert.equal(types[0], 'session-started');
    assert.equal(types.at(-1), 'session-done');
    assert.ok(types.includes('delta') && types.includes('run-done') && types.includes('verdict'));
    assert.ok(record.verdict && ['gpt', 'llama'].includes(record.verdict.pick ?? ''));
    assert.notEqual(await handle.runId, 'host-ask-1', 'the gateway has its own id');
    assert.deepEqual(handle.record(), record);
  });

  it('cancel sends DELETE: the ask ends cancelled', async () => {
    const events: SessionEvent[] = [];
    const handle = startGatewayAsk(
      { url: server.url, token: TOKEN },
      { instruction: SLOW_PROMPT, intent: 'generate' },
      { askId: 'host-ask-2', models: ['gpt'] },
      (e) => {
        events.push(e);
        if (e.type === 'run-started') handle.cancel();
      },
    );
    const record = await handle.done;
    assert.equal(record.cancelled, true);
    assert.equal(record.candidates[0]?.runError?.reason, 'cancelled');
  });

  it('a wrong token is a GatewayError with advice', async () => {
    const handle = startGatewayAsk(
      { url: server.url, token: 'wrong' },
      { instruction: PROMPT, intent: 'generate' },
      { askId: 'host-ask-3' },
      () => undefined,
    );
    await assert.rejects(handle.done, (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.status, 401);
      assert.match(error.advice, /token/i);
      return true;
    });
  });
});
