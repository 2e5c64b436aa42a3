import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError as CoreGatewayError, startGatewayRun } from '../../src/core/gatewayClient';
import type { SessionEvent } from '../../src/core/types';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import { GatewayError, startGatewayAsk } from '../../src/host/gatewayClient';
import type { RunningServer } from '../../src/server/server';
import { startFastReplay } from '../fakes/replayHarness';
import { PROMPT, SLOW_PROMPT, slowAnswers, startGateway } from './harness';

const TOKEN = 'editor-token-0123456789abcdef012345';

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

/**
 * A loopback stand-in for the gateway's run routes, speaking the same SSE: the first stream sends
 * two events and then breaks off (the socket is destroyed), the resumed one sends the rest from
 * Last-Event-ID on. It records every request it saw.
 */
async function droppingGateway(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const events = [
    { id: 1, data: { type: 'session-started', askId: 'run-7' } },
    { id: 2, data: { type: 'delta', askId: 'run-7', candidateId: 'gpt', text: 'def f' } },
    { id: 3, data: { type: 'delta', askId: 'run-7', candidateId: 'gpt', text: '(): pass' } },
    {
      id: 4,
      event: 'end',
      data: { status: 'done', askId: 'run-7', record: { askId: 'run-7', candidates: [] } },
    },
  ];
  const send = (res: ServerResponse, from: number, upTo: number): void => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const e of events.filter((x) => x.id > from && x.id <= upTo))
      res.write(`id: ${e.id}\n${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(
      `${req.method} ${req.url} ${String(req.headers['last-event-id'] ?? '')} ${req.headers.authorization ?? ''}`.trim(),
    );
    if (req.method === 'POST' && req.url === '/v1/runs') {
      req.resume();
      send(res, 0, 2);
      setTimeout(() => res.socket?.destroy(), 20);
    } else if (req.method === 'GET' && req.url === '/v1/runs/run-7/events') {
      send(res, Number(req.headers['last-event-id']), 4);
      res.end();
    } else if (req.method === 'DELETE') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'no such route', advice: 'Upgrade the gateway.' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('core gateway client (src/core/gatewayClient.ts) on the wire', () => {
  it('resumes a dropped stream with Last-Event-ID and ends with the end event', async () => {
    const gateway = await droppingGateway();
    try {
      const events: SessionEvent[] = [];
      const resumes: number[] = [];
      const run = startGatewayRun(
        { url: `${gateway.url}/`, token: 'tok' },
        { prompt: 'p', models: ['gpt'] },
        { onEvent: (e) => events.push(e), onResume: (id) => resumes.push(id) },
      );
      const end = await run.done;
      assert.equal(end.status, 'done');
      assert.equal(end.record?.askId, 'run-7');
      assert.equal(await run.runId, 'run-7');
      assert.deepEqual(resumes, [2]);
      assert.deepEqual(
        events.map((e) => (e.type === 'delta' ? e.text : e.type)),
        ['session-started', 'def f', '(): pass'],
      );
      assert.deepEqual(gateway.seen, ['POST /v1/runs  Bearer tok', 'GET /v1/runs/run-7/events 2 Bearer tok']);
    } finally {
      await gateway.close();
    }
  });

  it('a cancel before the run has an id sends DELETE as soon as the id arrives', async () => {
    const gateway = await droppingGateway();
    try {
      const run = startGatewayRun({ url: gateway.url }, { prompt: 'p' }, { onEvent: () => undefined });
      run.cancel();
      await run.done;
      for (let i = 0; i < 50 && !gateway.seen.some((r) => r.startsWith('DELETE')); i++)
        await new Promise((r) => setTimeout(r, 10));
      assert.ok(gateway.seen.includes('DELETE /v1/runs/run-7'), gateway.seen.join('; '));
    } finally {
      await gateway.close();
    }
  });

  it('a refusal carries the status and the gateway\'s own message and advice; no server is "unreachable"', async () => {
    const gateway = await droppingGateway();
    try {
      const refused = startGatewayRun(
        { url: `${gateway.url}/elsewhere` },
        { prompt: 'p' },
        { onEvent: () => undefined },
      );
      await assert.rejects(refused.done, (error: unknown) => {
        assert.ok(error instanceof CoreGatewayError);
        assert.equal(error.reason, 'refused');
        assert.equal(error.status, 404);
        assert.equal(error.serverMessage, 'no such route');
        assert.equal(error.advice, 'Upgrade the gateway.');
        return true;
      });
    } finally {
      await gateway.close();
    }
    const nobody = startGatewayRun({ url: gateway.url }, { prompt: 'p' }, { onEvent: () => undefined });
    await assert.rejects(nobody.done, (error: unknown) => {
      assert.ok(error instanceof CoreGatewayError);
      assert.equal(error.reason, 'unreachable');
      assert.match(error.message, /Cannot reach the Quorum gateway at http:\/\/127\.0\.0\.1:\d+/);
      return true;
    });
  });
});
