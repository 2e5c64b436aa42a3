/**
 * POST /v1/runs with `strategy`: a cascade asks the local tier first (replay models through the
 * real SDKs, the real sandbox and judge), its record and events say which tier answered; bad values
 * are 400s naming the field.
 */
import assert from 'node:assert/strict';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import type { RunningServer } from '../../src/server/server';
import type { RunRecord } from '../../src/core/types';
import { startFastReplay } from '../fakes/replayHarness';
import { PROMPT, configFor, json, readSse, slowAnswers, startGateway } from './harness';

describe('server: POST /v1/runs with an ask strategy', () => {
  let replay: ReplayServer;
  let server: RunningServer;
  before(async () => {
    replay = await startFastReplay({ answers: slowAnswers(recordingFor) });
    // gpt is priced as cheap cloud (tier 2); qwen is an Ollama model (tier 1).
    const models = configFor(replay).models.map((m) =>
      m.id === 'gpt' ? { ...m, price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } } : m,
    );
    server = await startGateway(replay, {}, { models, cascade: { threshold: 0 } });
  });
  after(async () => {
    await server.close(0);
    await replay.close();
  });

  it('cascade: only tier 1 is asked when its verdict suffices; the record and the events say so', async () => {
    replay.reset();
    const posted = await json(`${server.url}/v1/runs`, {
      json: { prompt: PROMPT, models: ['gpt', 'qwen'], strategy: 'cascade' },
    });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const id = posted.body.id as string;
    const sse = await readSse(`${server.url}/v1/runs/${id}/events`);
    const types = sse.events.map((e) => e.event);
    assert.deepEqual(
      types.filter((t) => t?.startsWith('tier')),
      ['tier-started', 'tier-done'],
    );
    const record = (await json(`${server.url}/v1/runs/${id}`)).body as unknown as RunRecord;
    assert.deepEqual(
      record.candidates.map((c) => c.id),
      ['qwen'],
    );
    assert.equal(record.strategy?.answeredTier, 1);
    assert.deepEqual(
      record.strategy?.skipped.map((s) => s.modelId),
      ['gpt'],
    );
    assert.deepEqual(
      replay.requests.filter((r) => r.method === 'POST').map((r) => r.model),
      ['demo-qwen2.5-coder'],
    );
  });

  it('400 naming the field: an unknown strategy, a budget without budgetUsd, a negative budget', async () => {
    const cases: [unknown, string][] = [
      [{ prompt: PROMPT, strategy: 'cheapest' }, 'strategy'],
      [{ prompt: PROMPT, strategy: 'budget' }, 'budgetUsd'],
      [{ prompt: PROMPT, budgetUsd: -1 }, 'budgetUsd'],
    ];
    for (const [body, field] of cases) {
      const r = await json(`${server.url}/v1/runs`, { json: body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.field, field);
      assert.ok((r.body.message as string).startsWith(`${field}: `), r.body.message as string);
    }
  });
});
