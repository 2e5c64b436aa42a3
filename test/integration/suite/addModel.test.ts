// Runs inside the real extension host: Add Model lists the server's own models over its real wire,
// writes the pick to the USER settings without a key, stores a key per endpoint, and falls back to a
// typed name when the list is unavailable. Remove takes the model out again.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { AddModelUi } from '../../../src/host/addModel';
import { startReplayServer } from '../../../src/demo/replayServer';
import type { ReplayServer } from '../../../src/demo/replayServer';
import type { ProviderKind } from '../../../src/core/types';
import { quorumApi, setQuorumSettings, until } from './quorumApi';

const SECRET = 'sk-add-model-key-0123456789';

interface Script {
  kind: ProviderKind;
  baseUrl?: string;
  key?: string;
  pick: (listed: readonly string[] | undefined) => string;
}

/** A scripted user: answers each prompt and records what the flow showed. */
function scripted(script: Script): AddModelUi & {
  shown: { listed?: readonly string[]; problem?: string; keyAsked: number; baseUrlSuggested?: string };
} {
  const shown: { listed?: readonly string[]; problem?: string; keyAsked: number; baseUrlSuggested?: string } =
    {
      keyAsked: 0,
    };
  return {
    shown,
    pickKind: () => Promise.resolve(script.kind),
    baseUrl: (_kind, suggested) => {
      shown.baseUrlSuggested = suggested;
      return Promise.resolve(script.baseUrl);
    },
    key: () => {
      shown.keyAsked++;
      return Promise.resolve(script.key);
    },
    pickModel: (listed, problem) => {
      shown.listed = listed;
      shown.problem = problem;
      return Promise.resolve(script.pick(listed));
    },
  };
}

function userModels(): Record<string, unknown>[] {
  return (
    vscode.workspace.getConfiguration('quorum').inspect<Record<string, unknown>[]>('models')?.globalValue ??
    []
  );
}

describe('Add Model', () => {
  let server: ReplayServer;
  before(async () => {
    server = await startReplayServer({ models: ['beta-chat', 'alpha-coder'] });
    await setQuorumSettings({ models: [] });
  });
  after(async () => {
    await server.close();
    const api = await quorumApi();
    for (const id of api.models().map((m) => m.id)) await api.secrets.clear(id);
    await setQuorumSettings({ models: undefined });
  });

  it("picks from an OpenAI-compatible server's GET /v1/models and writes the user settings", async () => {
    const api = await quorumApi();
    const ui = scripted({
      kind: 'openai-compatible',
      baseUrl: `${server.url}/v1/`,
      pick: (l) => l?.[0] ?? '',
    });
    const added = await api.addModel(ui);
    assert.deepEqual(ui.shown.listed, ['alpha-coder', 'beta-chat'], "the server's own list, sorted");
    assert.equal(ui.shown.keyAsked, 0, 'a keyless local server is not asked for a key');
    assert.ok(server.requests.some((r) => r.method === 'GET' && r.path === '/v1/models'));
    assert.deepEqual(added, {
      id: 'local-alpha-coder',
      kind: 'openai-compatible',
      model: 'alpha-coder',
      baseUrl: `${server.url}/v1`,
      enabled: true,
    });
    assert.deepEqual(userModels(), [added], 'written to the user settings');
    const info = vscode.workspace.getConfiguration('quorum').inspect('models');
    assert.equal(info?.workspaceValue, undefined, 'never to the workspace');
    await until(() => api.models().some((m) => m.id === 'local-alpha-coder'), 5000, 'the settings snapshot');
  });

  it("picks from Ollama's /api/tags, and a second pick of the same name gets its own id", async () => {
    const api = await quorumApi();
    const first = await api.addModel(
      scripted({ kind: 'ollama', baseUrl: server.url, pick: () => 'beta-chat' }),
    );
    const ui = scripted({ kind: 'ollama', baseUrl: server.url, pick: (l) => l?.[1] ?? '' });
    const second = await api.addModel(ui);
    assert.equal(ui.shown.baseUrlSuggested, 'http://127.0.0.1:11434', "Ollama's default is offered");
    assert.deepEqual(ui.shown.listed, ['alpha-coder', 'beta-chat']);
    assert.ok(server.requests.some((r) => r.path === '/api/tags'));
    assert.equal(first?.id, 'ollama-beta-chat');
    assert.equal(second?.id, 'ollama-beta-chat-2');
    assert.deepEqual(
      userModels().map((m) => m.id),
      ['local-alpha-coder', 'ollama-beta-chat', 'ollama-beta-chat-2'],
    );
  });

  it('asks the key once per endpoint, stores it in secret storage only, and takes a typed name when the list is unavailable', async () => {
    const api = await quorumApi();
    // The OpenAI API is unreachable from the test machine: the flow falls back to a typed name.
    const ui = scripted({ kind: 'openai', key: SECRET, pick: () => 'gpt-4o-mini' });
    const added = await api.addModel(ui);
    assert.equal(ui.shown.keyAsked, 1);
    assert.equal(ui.shown.listed, undefined);
    assert.match(ui.shown.problem ?? '', /api\.openai\.com/);
    assert.equal(added?.id, 'openai-gpt-4o-mini');
    await until(() => api.models().some((m) => m.id === 'openai-gpt-4o-mini'), 5000, 'the new model');
    assert.equal(await api.secrets.get('openai-gpt-4o-mini'), SECRET);
    assert.doesNotMatch(
      JSON.stringify(vscode.workspace.getConfiguration('quorum').inspect('models')),
      /sk-add/,
    );

    const again = scripted({ kind: 'openai', key: 'never-asked', pick: () => 'gpt-4.1' });
    await api.addModel(again);
    assert.equal(again.shown.keyAsked, 0, 'the second model on the endpoint shares the stored key');
    await until(() => api.models().some((m) => m.id === 'openai-gpt-4.1'), 5000, 'the second model');
    assert.equal(await api.secrets.get('openai-gpt-4.1'), SECRET);
  });

  it('cancelling at any step writes nothing', async () => {
    const api = await quorumApi();
    const before = userModels();
    assert.equal(await api.addModel(scripted({ kind: 'groq', key: undefined, pick: () => 'x' })), undefined);
    assert.equal(
      await api.addModel(scripted({ kind: 'ollama', baseUrl: undefined, pick: () => 'x' })),
      undefined,
    );
    assert.equal(
      await api.addModel(scripted({ kind: 'ollama', baseUrl: server.url, pick: () => '' })),
      undefined,
    );
    assert.deepEqual(userModels(), before);
  });

  it('Remove Model takes it out of the settings, and the panel follows', async () => {
    const api = await quorumApi();
    assert.equal(
      await vscode.commands.executeCommand('quorum.removeModel', 'ollama-beta-chat-2', true),
      true,
    );
    assert.ok(!userModels().some((m) => m.id === 'ollama-beta-chat-2'));
    await until(
      async () => {
        const init = (await api.panelState()).find((m) => m.type === 'state/init');
        return init?.type === 'state/init' && !init.models.some((m) => m.id === 'ollama-beta-chat-2');
      },
      5000,
      'the panel model list',
    );
  });
});
