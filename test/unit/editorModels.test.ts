import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/cli/configFile';
import { parseConfig } from '../../src/core/config';

const copilot = {
  id: 'copilot',
  kind: 'vscode-lm',
  model: 'gpt-4o',
  selector: { vendor: 'copilot', family: 'gpt-4o' },
};
const ollama = { id: 'qwen', kind: 'ollama', model: 'qwen2.5-coder:7b' };

describe('config: vscode-lm models (editor only)', () => {
  it('the editor keeps them apart from the key-based models, with their selector', () => {
    const { config, issues } = parseConfig({ models: [ollama, copilot] }, { editor: true });
    assert.deepEqual(issues, []);
    assert.deepEqual(
      config.models.map((m) => m.id),
      ['qwen'],
    );
    assert.deepEqual(config.editorModels, [{ ...copilot, enabled: true }]);
  });

  it('elsewhere (CLI, gateway) an entry is an issue that says why, and the other models still load', () => {
    const { config, issues } = parseConfig({ models: [ollama, copilot] });
    assert.deepEqual(
      config.models.map((m) => m.id),
      ['qwen'],
    );
    assert.deepEqual(config.editorModels, []);
    assert.equal(issues.length, 1);
    assert.equal(issues[0].path, 'models[1].kind');
    assert.match(issues[0].message, /works only in the Quorum extension/);
  });

  it('quorum.config.json with a vscode-lm model is rejected by the CLI, naming the entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorum-editor-models-'));
    writeFileSync(join(dir, 'quorum.config.json'), JSON.stringify({ models: [copilot] }));
    assert.throws(
      () => loadConfigFile(undefined, dir),
      /models\[0\]\.kind: kind "vscode-lm" .* works only in the Quorum extension/,
    );
  });

  it('a selector must name something, and ids stay unique across both kinds of model', () => {
    const { issues } = parseConfig(
      {
        models: [{ ...copilot, selector: {} }, { ...copilot, id: 'qwen' }, ollama],
      },
      { editor: true },
    );
    assert.deepEqual(
      issues.map((i) => i.path),
      ['models[0].selector', 'models[2].id'],
    );
  });
});
