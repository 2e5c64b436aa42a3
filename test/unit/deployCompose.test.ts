/**
 * deploy/compose.yaml (docs/gateway.md, "Run it as a team service") cannot be started here (no
 * image can be pulled), so this checks what can be checked without Docker: the YAML parses, it
 * declares two gateway replicas on one PostgreSQL 15 and a privileged docker:dind engine they
 * reach over DOCKER_HOST, keys and tokens come from the environment, and the config file it mounts
 * loads through the gateway's own loader.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { loadServeConfig } from '../../src/server/options';

const DEPLOY = join(__dirname, '../../deploy');

interface Service {
  image?: string;
  privileged?: boolean;
  build?: { dockerfile?: string };
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, unknown>;
}

describe('deploy/compose.yaml', () => {
  const doc = parseDocument(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true });
  const compose = doc.toJS({ maxAliasCount: 100 }) as { services: Record<string, Service> };

  it('parses as YAML', () => {
    assert.deepEqual(doc.errors, []);
  });

  it('runs two gateway replicas, each its own id, on one PostgreSQL, reaching the engine over DOCKER_HOST', () => {
    const gateways = Object.entries(compose.services).filter(([name]) => name.startsWith('gateway'));
    assert.equal(gateways.length, 2);
    const ids = gateways.map(([, s]) => s.environment?.QUORUM_REPLICA_ID);
    assert.equal(new Set(ids).size, 2, `distinct replica ids: ${ids.join(', ')}`);
    for (const [name, s] of gateways) {
      const env = s.environment ?? {};
      assert.match(
        env.QUORUM_DATABASE_URL ?? '',
        /^postgres:\/\/quorum:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432\//,
        name,
      );
      assert.equal(env.DOCKER_HOST, 'tcp://docker:2376', name);
      assert.equal(env.DOCKER_TLS_VERIFY, '1', name);
      // Secrets come from the environment, never written in the file.
      assert.match(env.QUORUM_SERVER_TOKENS ?? '', /^\$\{QUORUM_SERVER_TOKENS/, name);
      assert.match(env.OPENAI_API_KEY ?? '', /^\$\{OPENAI_API_KEY/, name);
      assert.equal(s.build?.dockerfile, 'deploy/Dockerfile', name);
      assert.ok(s.depends_on && 'postgres' in s.depends_on && 'docker' in s.depends_on, name);
    }
    assert.equal(compose.services.postgres?.image, 'postgres:15');
    assert.equal(compose.services.docker?.image, 'docker:dind');
    assert.equal(compose.services.docker?.privileged, true);
  });

  it('mounts a config file the gateway loads (PostgreSQL from the environment, tokens from it)', () => {
    const { config, settings } = loadServeConfig(join(DEPLOY, 'quorum.config.json'), DEPLOY, {
      QUORUM_DATABASE_URL: 'postgres://quorum:pw@postgres:5432/quorum',
      QUORUM_SERVER_TOKENS: 'a'.repeat(64),
    });
    assert.equal(settings.database, 'postgres://quorum:pw@postgres:5432/quorum');
    assert.equal(settings.tokens.length, 1);
    assert.deepEqual(
      config.models.map((m) => m.kind),
      ['openai', 'groq'],
    );
    assert.equal(config.sandbox.enabled, true);
  });
});
