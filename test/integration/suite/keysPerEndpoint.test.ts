// Runs inside the real extension host: a key belongs to (kind, base URL), so models on one endpoint share it,
// old per-model keys move to their endpoint, and a key is never handed to a model pointed elsewhere.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ModelView } from '../../../src/protocol';
import { quorumApi, setQuorumSettings, until } from './quorumApi';

const KEY = 'gsk-shared-endpoint-key-0123456789';
const LEGACY = 'sk-legacy-per-model-key-9876543210';

async function views(): Promise<readonly ModelView[]> {
  const init = (await (await quorumApi()).panelState()).find((m) => m.type === 'state/init');
  return init?.type === 'state/init' ? init.models : [];
}

async function useModels(models: readonly Record<string, unknown>[]): Promise<void> {
  await setQuorumSettings({ models });
  const api = await quorumApi();
  const ids = models.map((m) => m.id as string);
  await until(
    () => api.models().length === ids.length && ids.every((id) => api.models().some((m) => m.id === id)),
    5000,
    'the model settings',
  );
}

describe('API keys per endpoint', () => {
  afterEach(async () => {
    const api = await quorumApi();
    for (const id of api.models().map((m) => m.id)) await api.secrets.clear(id);
  });
  after(() => setQuorumSettings({ models: undefined }));

  it('two models on one endpoint share one key: stored once, both can use it, cleared for both', async () => {
    await useModels([
      { id: 'groq-a', kind: 'groq', model: 'llama-3.3-70b-versatile' },
      { id: 'groq-b', kind: 'groq', model: 'qwen/qwen3-32b' },
      { id: 'oai', kind: 'openai', model: 'gpt-4o-mini' },
    ]);
    const api = await quorumApi();
    await api.secrets.set('groq-a', KEY);
    assert.equal(await api.secrets.get('groq-b'), KEY, 'the second Groq model uses the key of the first');
    assert.equal(await api.secrets.get('oai'), undefined, 'another endpoint does not get it');
    const hasKey = Object.fromEntries((await views()).map((v) => [v.id, v.hasKey]));
    assert.deepEqual(hasKey, { 'groq-a': true, 'groq-b': true, oai: false });

    await vscode.commands.executeCommand('quorum.clearApiKey', 'groq-b');
    assert.equal(await api.secrets.get('groq-a'), undefined, 'clearing it for one clears the endpoint');
  });

  it('a key is not sent to the same model pointed at another base URL', async () => {
    await useModels([
      { id: 'local', kind: 'openai-compatible', model: 'm', baseUrl: 'http://127.0.0.1:1234/v1' },
    ]);
    const api = await quorumApi();
    await api.secrets.set('local', KEY);
    await useModels([
      { id: 'local', kind: 'openai-compatible', model: 'm', baseUrl: 'http://127.0.0.1:9/v1' },
    ]);
    assert.equal(await api.secrets.get('local'), undefined, 'the key stays with its endpoint');
    await useModels([
      { id: 'local', kind: 'openai-compatible', model: 'm', baseUrl: 'http://127.0.0.1:1234/v1/' },
    ]);
    assert.equal(await api.secrets.get('local'), KEY, 'the same server (trailing slash aside) has it again');
  });

  it('migrates a per-model key to its endpoint on start, for every model there', async () => {
    await useModels([
      { id: 'old-oai', kind: 'openai', model: 'gpt-4o-mini' },
      { id: 'new-oai', kind: 'openai', model: 'gpt-4.1' },
    ]);
    const api = await quorumApi();
    await api.secrets.writeLegacy('old-oai', LEGACY);
    assert.equal(await api.secrets.get('new-oai'), undefined, 'not yet migrated');
    await api.secrets.migrate();
    assert.equal(await api.secrets.get('old-oai'), LEGACY);
    assert.equal(await api.secrets.get('new-oai'), LEGACY, 'the other model on the endpoint shares it');
    assert.equal(await api.secrets.hasLegacy('old-oai'), false, 'the per-model entry is gone');
  });
});
