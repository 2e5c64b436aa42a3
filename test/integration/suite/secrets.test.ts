// Runs inside the real extension host: API keys round-trip through SecretStorage and never reach settings.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ModelView } from '../../../src/protocol';
import { quorumApi, setQuorumSettings, until } from './quorumApi';

const KEY = 'sk-integration-test-0123456789';

async function modelView(id: string): Promise<ModelView | undefined> {
  const api = await quorumApi();
  const init = (await api.panelState()).find((m) => m.type === 'state/init');
  return init?.type === 'state/init' ? init.models.find((m) => m.id === id) : undefined;
}

describe('API keys in secret storage', () => {
  before(async () => {
    await setQuorumSettings({
      models: [{ id: 'it-openai', kind: 'openai', model: 'gpt-4o-mini', enabled: true }],
    });
    const api = await quorumApi();
    await until(() => api.models().some((m) => m.id === 'it-openai'), 5000, 'the model setting');
  });
  after(async () => {
    await (await quorumApi()).secrets.clear('it-openai');
    await setQuorumSettings({ models: undefined });
  });

  it('stores, reads and clears a key; the panel only learns whether one is stored', async () => {
    const api = await quorumApi();
    assert.equal((await modelView('it-openai'))?.hasKey, false);
    await api.secrets.set('it-openai', `  ${KEY}\n`);
    assert.equal(await api.secrets.get('it-openai'), KEY, 'the key is stored trimmed');
    const view = await modelView('it-openai');
    assert.equal(view?.hasKey, true);
    assert.doesNotMatch(JSON.stringify(await api.panelState()), new RegExp(KEY));

    await vscode.commands.executeCommand('quorum.clearApiKey', 'it-openai');
    assert.equal(await api.secrets.get('it-openai'), undefined);
    assert.equal((await modelView('it-openai'))?.hasKey, false);
  });

  it('never writes a key into any quorum setting', async () => {
    const api = await quorumApi();
    await api.secrets.set('it-openai', KEY);
    const settings = JSON.stringify(vscode.workspace.getConfiguration('quorum'));
    assert.doesNotMatch(settings, new RegExp(KEY));
    const inspected = vscode.workspace.getConfiguration('quorum').inspect('models');
    assert.doesNotMatch(JSON.stringify(inspected), new RegExp(KEY));
  });

  it('does not hand the key to the same model id pointed at another endpoint', async () => {
    const api = await quorumApi();
    await api.secrets.set('it-openai', KEY);
    assert.equal(await api.secrets.get('it-openai'), KEY);
    const redirected = 'http://127.0.0.1:9/v1';
    await setQuorumSettings({
      models: [{ id: 'it-openai', kind: 'openai', model: 'gpt-4o-mini', baseUrl: redirected, enabled: true }],
    });
    await until(() => api.models().some((m) => m.baseUrl === redirected), 5000, 'the redirected model');
    assert.equal(await api.secrets.get('it-openai'), undefined, 'the key stays bound to its endpoint');
    assert.equal((await modelView('it-openai'))?.hasKey, false, 'the panel asks for a key again');
    await setQuorumSettings({
      models: [{ id: 'it-openai', kind: 'openai', model: 'gpt-4o-mini', enabled: true }],
    });
    await until(() => api.models().some((m) => m.id === 'it-openai' && !m.baseUrl), 5000, 'the model back');
    assert.equal(await api.secrets.get('it-openai'), KEY, 'back at its endpoint, the key is usable again');
  });

  it('refuses an empty key', async () => {
    const api = await quorumApi();
    await assert.rejects(api.secrets.set('it-openai', '   '), /cannot be empty/);
  });
});
