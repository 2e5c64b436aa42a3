// Runs inside the real extension host: the `vscode-lm` provider against a real Language Model Chat
// Provider (test/fixtures/lmExtension, loaded beside Quorum), and an ask that fans out to it together
// with replay-server models and ends in a verdict. The provider API exists from VS Code 1.104: older
// hosts skip this file.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { parseConfig } from '../../../src/core/config';
import { buildPipeline } from '../../../src/core/pipeline';
import { startAsk } from '../../../src/core/session';
import { ProviderError } from '../../../src/core/types';
import type { ProviderRequest } from '../../../src/core/types';
import { DEMO_MODELS, DEMO_PROMPT } from '../../../src/demo/recordings';
import { startReplayServer } from '../../../src/demo/replayServer';
import { createVscodeLmProvider } from '../../../src/host/lm/languageModelProvider';
import type { EditorModelConfig, LmSelector } from '../../../src/host/lm/languageModelProvider';
import { OFFLINE_IMAGES, quorumApi, setQuorumSettings, until } from './quorumApi';

const hasProviderApi = (): boolean =>
  typeof (vscode.lm as { registerLanguageModelChatProvider?: unknown }).registerLanguageModelChatProvider ===
  'function';

function editorModel(id: string, selector: LmSelector): EditorModelConfig {
  return { id, kind: 'vscode-lm', model: selector.id ?? selector.family ?? 'any', enabled: true, selector };
}

function request(
  signal = new AbortController().signal,
  onDelta: (t: string) => void = () => {},
): ProviderRequest {
  return {
    messages: [
      { role: 'system', content: 'Answer with one runnable Python program.' },
      { role: 'user', content: DEMO_PROMPT },
    ],
    signal,
    onDelta,
  };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(ProviderError.is(error), `not a ProviderError: ${String(error)}`);
    return error;
  }
  throw new Error('expected a ProviderError');
}

describe('vscode-lm: models from the editor’s Language Model API (skipped below VS Code 1.104: no chat provider API)', function () {
  this.timeout(300_000);

  before(async function () {
    if (!hasProviderApi()) {
      console.log(`VS Code ${vscode.version} has no lm.registerLanguageModelChatProvider: skipped`);
      this.skip();
    }
    // The test extension activates on startup finished; its models appear once it has.
    await until(
      async () => (await vscode.lm.selectChatModels({ vendor: 'quorum-test' })).length === 3,
      30_000,
      'the test extension’s three models',
    );
  });

  it('streams an answer through the selected model, with token counts from countTokens', async () => {
    const deltas: string[] = [];
    const provider = createVscodeLmProvider(
      editorModel('editor-coder', { vendor: 'quorum-test', family: 'quorum-test' }),
    );
    const result = await provider.complete(request(undefined, (t) => deltas.push(t)));
    assert.ok(deltas.length > 5, `only ${deltas.length} deltas`);
    assert.equal(deltas.join(''), result.text);
    assert.match(result.text, /def primes_up_to/);
    assert.ok((result.usage?.inputTokens ?? 0) > 10, `input tokens ${result.usage?.inputTokens}`);
    assert.equal(result.usage?.outputTokens, Math.ceil(result.text.length / 4));
    assert.ok(result.ttftMs !== undefined && result.ttftMs <= result.latencyMs);
  });

  it('maps LanguageModelError NoPermissions and Blocked, and an unmatched selector, to failures with advice', async () => {
    const denied = await failure(
      createVscodeLmProvider(
        editorModel('denied', { vendor: 'quorum-test', id: 'quorum-test-denied' }),
      ).complete(request()),
    );
    assert.equal(denied.code, 'auth', denied.message);
    assert.match(denied.advice, /Allow Quorum to use this model/);
    const blocked = await failure(
      createVscodeLmProvider(
        editorModel('blocked', { vendor: 'quorum-test', id: 'quorum-test-blocked' }),
      ).complete(request()),
    );
    assert.equal(blocked.code, 'rate-limit', blocked.message);
    const missing = await failure(
      createVscodeLmProvider(editorModel('missing', { vendor: 'no-such-vendor' })).complete(request()),
    );
    assert.equal(missing.code, 'unknown-model');
    assert.match(missing.message, /vendor=no-such-vendor/);
  });

  it('stops streaming when the ask is cancelled and keeps the partial text', async () => {
    const controller = new AbortController();
    let deltas = 0;
    const provider = createVscodeLmProvider(
      editorModel('editor-coder', { vendor: 'quorum-test', family: 'quorum-test' }),
    );
    const error = await failure(
      provider.complete(
        request(controller.signal, () => {
          if (++deltas === 2) controller.abort();
        }),
      ),
    );
    assert.equal(error.code, 'cancelled');
    assert.ok(error.partialText && !error.partialText.includes('print(primes_up_to(50))'), error.partialText);
  });

  it('an ask fans out to the editor model and replay-server models, runs every answer and ends in a verdict', async () => {
    const server = await startReplayServer({ chunkDelayMs: 0, ttftMs: 0 });
    const replayModels = DEMO_MODELS(server.url).slice(0, 2);
    const { config } = parseConfig({
      models: replayModels,
      sandbox: { images: OFFLINE_IMAGES, poolSize: 0, pull: false },
    });
    const pipeline = await buildPipeline({
      config,
      models: config.models,
      keyFor: () => 'replay-key',
      extraProviders: [
        createVscodeLmProvider(editorModel('editor-coder', { vendor: 'quorum-test', family: 'quorum-test' })),
      ],
    });
    try {
      const record = await startAsk(
        { instruction: DEMO_PROMPT, intent: 'generate', language: 'python' },
        pipeline,
        () => {},
      ).done;
      const ids = [...replayModels.map((m) => m.id), 'editor-coder'];
      assert.deepEqual(record.candidates.map((c) => c.id).sort(), [...ids].sort());
      for (const c of record.candidates) {
        assert.equal(c.status, 'done', `${c.id}: ${c.error?.message ?? ''}`);
        assert.equal(c.run?.exitCode, 0, `${c.id} did not run cleanly`);
      }
      const editor = record.candidates.find((c) => c.id === 'editor-coder');
      assert.match(editor?.run?.stdout ?? '', /^\[2, 3, 5, 7, 11/);
      assert.ok(record.verdict?.pick && ids.includes(record.verdict.pick), `pick ${record.verdict?.pick}`);
    } finally {
      await pipeline.dispose();
      await server.close();
    }
  });

  it('the panel lists the editor model beside the others, and its Run asks it', async () => {
    const server = await startReplayServer();
    try {
      const replayModels = DEMO_MODELS(server.url).filter((m) => m.kind === 'ollama');
      const editor = {
        id: 'editor-coder',
        kind: 'vscode-lm',
        model: 'quorum-test',
        enabled: true,
        selector: { vendor: 'quorum-test', family: 'quorum-test' },
      };
      await setQuorumSettings({
        models: [...replayModels, editor],
        'sandbox.images': OFFLINE_IMAGES,
        'sandbox.pull': false,
      });
      const api = await quorumApi();
      await until(
        async () => {
          const init = (await api.panelState()).find((m) => m.type === 'state/init');
          return (
            init?.type === 'state/init' &&
            init.models.some((m) => m.id === 'editor-coder' && m.kind === 'vscode-lm' && m.hasKey)
          );
        },
        10_000,
        'the editor model in the panel',
      );
      const record = await api.panelAsk(DEMO_PROMPT);
      const fromEditor = record?.candidates.find((c) => c.id === 'editor-coder');
      assert.equal(fromEditor?.status, 'done');
      assert.match(fromEditor?.answer ?? '', /def primes_up_to/);
      assert.ok(record?.verdict, 'a verdict over the editor model and the replay model');
    } finally {
      await server.close();
    }
  });
});
