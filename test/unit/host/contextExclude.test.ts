import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { excludingGlob } from '../../../src/host/contextPreview';
import { uniqueModelId } from '../../../src/host/addModelId';

describe('quorum.contextExclude globs', () => {
  // The defaults as shipped (package.json), so the test checks what users get.
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
  };
  const defaults = manifest.contributes.configuration.properties['quorum.contextExclude']
    ?.default as string[];
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
  it('matches in any case, and the wider defaults of issue 26 (L9)', () => {
    assert.equal(excludingGlob(defaults, 'API/.ENV'), '**/.env');
    assert.equal(excludingGlob(defaults, 'deploy/Server.PEM'), '**/*.pem');
    assert.equal(excludingGlob(defaults, 'certs/client.p12'), '**/*.p12');
    assert.equal(excludingGlob(defaults, 'home/.ssh/id_ed25519'), '**/id_ed25519*');
    assert.equal(excludingGlob(defaults, '.aws/credentials'), '**/credentials*');
    assert.equal(excludingGlob(defaults, 'config/Secrets.yaml'), '**/secrets*');
    assert.equal(excludingGlob(['*.SQL'], 'db/dump.sql'), '*.SQL', "a user's glob in any case too");
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
