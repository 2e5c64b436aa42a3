import { strict as assert } from 'node:assert';
import { excludingGlob } from '../../../src/host/contextPreview';
import { uniqueModelId } from '../../../src/host/addModelId';

describe('quorum.contextExclude globs', () => {
  const defaults = ['**/.env', '**/.env.*', '**/*.pem', '**/*.key', '**/id_rsa*', '**/secrets/**'];
  it('matches secrets anywhere in the workspace, by path or by base name', () => {
    assert.equal(excludingGlob(defaults, '.env'), '**/.env');
    assert.equal(excludingGlob(defaults, 'api/.env.production'), '**/.env.*');
    assert.equal(excludingGlob(defaults, 'deploy/tls/server.key'), '**/*.key');
    assert.equal(excludingGlob(defaults, 'config/secrets/db.json'), '**/secrets/**');
    assert.equal(excludingGlob(['*.sql'], 'db/dump.sql'), '*.sql', 'a glob without / matches the base name');
    assert.equal(
      excludingGlob(['db/*.sql'], 'other/db/dump.sql'),
      undefined,
      'a glob with / matches the path',
    );
    assert.equal(excludingGlob(defaults, 'src\\app\\.env'), '**/.env', 'Windows separators');
  });
  it('lets ordinary files and untitled editors through', () => {
    assert.equal(excludingGlob(defaults, 'src/environment.ts'), undefined);
    assert.equal(excludingGlob(defaults, 'keys.py'), undefined);
    assert.equal(excludingGlob(defaults, undefined), undefined);
  });
});

describe('Add Model ids', () => {
  it('derives a valid settings id from the model name and avoids taken ones', () => {
    assert.equal(uniqueModelId('groq', 'llama-3.3-70b-versatile', new Set()), 'groq-llama-3.3-70b-versatile');
    assert.equal(uniqueModelId('ollama', 'qwen2.5-coder:7b', new Set()), 'ollama-qwen2.5-coder-7b');
    assert.equal(
      uniqueModelId('openai-compatible', 'org/model', new Set(['local-org-model'])),
      'local-org-model-2',
    );
    assert.match(uniqueModelId('openai', 'x'.repeat(200), new Set()), /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
  });
});
