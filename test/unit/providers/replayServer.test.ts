import assert from 'node:assert/strict';
import type { ReplayServer } from '../../../src/demo/replayServer';
import { tokenChunks } from '../../../src/demo/tokenChunks';
import {
  DEMO_LABEL,
  DEMO_MODELS,
  DEMO_PROMPT,
  DEMO_PROMPT_PALINDROME,
  RECORDED_MODEL_NAMES,
  recordingFor,
} from '../../../src/demo/recordings';
import { PROVIDER_KINDS } from '../../../src/core/types';
import { startFastReplay } from '../../fakes/replayHarness';

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('replay server wire protocols (raw HTTP)', () => {
  let server: ReplayServer;
  before(async () => {
    server = await startFastReplay();
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  const messages = [{ role: 'user', content: DEMO_PROMPT }];

  it('answers a non-streaming OpenAI chat completion with the whole recording and usage', async () => {
    const res = await post(`${server.url}/v1/chat/completions`, { model: 'demo-gpt-4o-mini', messages });
    assert.equal(res.status, 200);
    const json = (await res.json()) as {
      object: string;
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { completion_tokens: number };
    };
    assert.equal(json.object, 'chat.completion');
    assert.equal(json.choices[0].message.content, recordingFor('demo-gpt-4o-mini', DEMO_PROMPT)?.text);
    assert.equal(json.choices[0].finish_reason, 'stop');
    assert.ok(json.usage.completion_tokens > 0);
  });

  it('streams SSE ending in a usage chunk with empty choices and [DONE], only when asked for usage', async () => {
    const read = async (includeUsage: boolean): Promise<string[]> => {
      const res = await post(`${server.url}/v1/chat/completions`, {
        model: 'demo-qwen2.5-coder',
        messages,
        stream: true,
        stream_options: { include_usage: includeUsage },
      });
      assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
      return (await res.text()).split('\n\n').filter(Boolean);
    };
    const withUsage = await read(true);
    assert.equal(withUsage.at(-1), 'data: [DONE]');
    const usageChunk = JSON.parse(withUsage.at(-2)!.slice('data: '.length)) as {
      choices: unknown[];
      usage?: unknown;
    };
    assert.deepEqual(usageChunk.choices, []);
    assert.ok(usageChunk.usage);
    const without = await read(false);
    assert.ok(!without.some((e) => e.includes('"usage"')));
  });

  it('answers Ollama /api/chat as NDJSON ending with done and counters, and non-streaming when asked', async () => {
    const res = await post(`${server.url}/api/chat`, { model: 'demo-qwen2.5-coder', messages });
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { done: boolean; message: { content: string }; eval_count?: number });
    assert.ok(lines.slice(0, -1).every((l) => !l.done));
    assert.equal(lines.at(-1)?.done, true);
    assert.ok((lines.at(-1)?.eval_count ?? 0) > 0);
    assert.equal(
      lines.map((l) => l.message.content).join(''),
      recordingFor('demo-qwen2.5-coder', DEMO_PROMPT)?.text,
    );
    const single = (await (
      await post(`${server.url}/api/chat`, { model: 'demo-qwen2.5-coder', messages, stream: false })
    ).json()) as { done: boolean };
    assert.equal(single.done, true);
  });

  it('lists the recorded models on /v1/models, /openai/v1/models and /api/tags', async () => {
    const openai = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string }[] };
    const groq = (await (await fetch(`${server.url}/openai/v1/models`)).json()) as { data: { id: string }[] };
    const tags = (await (await fetch(`${server.url}/api/tags`)).json()) as { models: { name: string }[] };
    assert.deepEqual(
      openai.data.map((m) => m.id),
      [...RECORDED_MODEL_NAMES],
    );
    assert.deepEqual(
      groq.data.map((m) => m.id),
      [...RECORDED_MODEL_NAMES],
    );
    assert.deepEqual(
      tags.models.map((m) => m.name),
      [...RECORDED_MODEL_NAMES],
    );
  });

  it('sends 429 with the Retry-After header N times, then the recording', async () => {
    server.setFault('demo-gpt-4o-mini', { status: 429, times: 2, retryAfter: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post(`${server.url}/v1/chat/completions`, { model: 'demo-gpt-4o-mini', messages });
      statuses.push(res.status);
      if (res.status === 429) assert.equal(res.headers.get('retry-after'), '3');
      await res.arrayBuffer();
    }
    assert.deepEqual(statuses, [429, 429, 200]);
  });

  it('answers unknown models and paths with 404 in each wire’s error shape', async () => {
    const openai = await post(`${server.url}/v1/chat/completions`, { model: 'nope', messages });
    assert.equal(openai.status, 404);
    assert.equal(((await openai.json()) as { error: { code: string } }).error.code, 'model_not_found');
    const ollama = await post(`${server.url}/api/chat`, { model: 'nope', messages });
    assert.deepEqual(await ollama.json(), { error: "model 'nope' not found" });
    assert.equal((await fetch(`${server.url}/elsewhere`)).status, 404);
  });

  it('records the path, model and Authorization header of each request', async () => {
    await (
      await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer abc' },
        body: JSON.stringify({ model: 'demo-gpt-4o-mini', messages }),
      })
    ).text();
    assert.deepEqual(
      server.requests.map((r) => [r.path, r.model, r.authorization, r.status, r.finished]),
      [['/v1/chat/completions', 'demo-gpt-4o-mini', 'Bearer abc', 200, true]],
    );
  });

  it('close() returns even while a request hangs', async () => {
    const hanging = await startFastReplay({ faults: { 'demo-gpt-4o-mini': { hang: true } } });
    const pending = post(`${hanging.url}/v1/chat/completions`, { model: 'demo-gpt-4o-mini', messages }).catch(
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    await hanging.close();
    assert.ok((await pending) instanceof Error);
  });
});

describe('recorded demo', () => {
  it('points one demo model of every provider kind at the server, all recorded for both prompts', () => {
    const models = DEMO_MODELS('http://127.0.0.1:9');
    assert.deepEqual(models.map((m) => m.kind).sort(), [...PROVIDER_KINDS].sort());
    for (const m of models) {
      assert.ok(m.baseUrl?.startsWith('http://127.0.0.1:9'));
      assert.ok(recordingFor(m.model, DEMO_PROMPT), m.model);
      assert.ok(recordingFor(m.model, DEMO_PROMPT_PALINDROME), m.model);
    }
  });

  it('labels itself as recorded', () => {
    assert.match(DEMO_LABEL, /recorded/i);
  });

  it('has the four answer styles the demo is meant to show', () => {
    for (const prompt of [DEMO_PROMPT, DEMO_PROMPT_PALINDROME]) {
      const text = (m: string): string => recordingFor(m, prompt)?.text ?? '';
      assert.match(
        text('demo-gpt-4o-mini'),
        /^[A-Z][^`]+\n\n```python\n[\s\S]+```python tests\n/,
        'prose, program, tests block',
      );
      assert.match(text('demo-deepseek-r1'), /^<think>\n[\s\S]+<\/think>\n/, 'reasoning first');
      assert.ok(text('demo-qwen2.5-coder').startsWith('```python\n'), 'terse: no prose at all');
      assert.match(text('demo-llama-3.3-70b'), /```python tests\n/);
    }
  });

  it('splits text into stream pieces that join back exactly', () => {
    for (const text of [
      recordingFor('demo-deepseek-r1', DEMO_PROMPT)?.text ?? '',
      '  leading and trailing  \n\n',
      'x',
      '',
    ]) {
      const pieces = tokenChunks(text);
      assert.equal(pieces.join(''), text);
      assert.ok(pieces.every((p) => p.length > 0));
    }
  });
});
