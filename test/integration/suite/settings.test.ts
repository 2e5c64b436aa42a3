// Runs inside the real extension host: settings are validated by the shared schema and apply without reload.
import { strict as assert } from 'node:assert';
import { quorumApi, setQuorumSettings, until } from './quorumApi';

describe('settings', () => {
  after(async () => {
    await setQuorumSettings({ models: undefined, 'sandbox.enabled': undefined });
  });

  it('keeps the valid models and skips a bad entry', async () => {
    const api = await quorumApi();
    await setQuorumSettings({
      models: [
        { id: 'good-one', kind: 'ollama', model: 'qwen2.5-coder:7b' },
        { id: 'bad-kind', kind: 'gpt', model: 'x' },
        { id: 'good-two', kind: 'groq', model: 'llama-3.3-70b-versatile', enabled: false },
      ],
    });
    await until(() => api.models().some((m) => m.id === 'good-two'), 5000, 'the new models');
    assert.deepEqual(
      api.models().map((m) => [m.id, m.enabled]),
      [
        ['good-one', true],
        ['good-two', false],
      ],
    );
  });

  it('turns execution off and on again without a reload', async () => {
    const api = await quorumApi();
    await setQuorumSettings({ 'sandbox.enabled': false });
    await until(() => !api.executionAllowed(), 5000, 'execution off');
    await setQuorumSettings({ 'sandbox.enabled': true });
    await until(() => api.executionAllowed(), 5000, 'execution on');
  });
});
