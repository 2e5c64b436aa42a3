import { strict as assert } from 'node:assert';
import {
  endpointOf,
  endpointSecretName,
  legacyEndpoint,
  normaliseBaseUrl,
  parseStoredKey,
} from '../../../src/host/keyEndpoint';

describe('key endpoints', () => {
  it('gives two models on one server the same endpoint, and other servers or kinds another', () => {
    const a = endpointOf({ kind: 'groq' });
    assert.equal(a, endpointOf({ kind: 'groq', baseUrl: undefined }));
    assert.notEqual(a, endpointOf({ kind: 'openai' }));
    const local = endpointOf({ kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1' });
    assert.equal(local, endpointOf({ kind: 'openai-compatible', baseUrl: 'HTTP://127.0.0.1:1234/v1/' }));
    assert.notEqual(local, endpointOf({ kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1235/v1' }));
    assert.notEqual(local, endpointOf({ kind: 'openai', baseUrl: 'http://127.0.0.1:1234/v1' }));
    assert.equal(endpointSecretName({ kind: 'groq' }), 'endpointKey.groq (default)');
  });

  it('keeps the path, so two APIs under one host are two endpoints', () => {
    assert.equal(normaliseBaseUrl('https://example.com/a/v1///'), 'https://example.com/a/v1');
    assert.notEqual(
      normaliseBaseUrl('https://example.com/a/v1'),
      normaliseBaseUrl('https://example.com/b/v1'),
    );
    assert.equal(normaliseBaseUrl('  '), undefined);
  });

  it('reads old per-model entries back to the endpoint they were bound to', () => {
    const stored = parseStoredKey(JSON.stringify({ key: 'k', endpoint: 'openai http://h:1/v1/' }));
    assert.deepEqual(stored, { key: 'k', endpoint: 'openai http://h:1/v1/' });
    const target = stored && legacyEndpoint(stored);
    assert.ok(target);
    assert.equal(endpointOf(target), 'openai http://h:1/v1');
    assert.deepEqual(legacyEndpoint({ key: 'k', endpoint: 'groq (default)' }), {
      kind: 'groq',
      baseUrl: undefined,
    });
    assert.equal(legacyEndpoint({ key: 'k', endpoint: 'nonsense' }), undefined);
    assert.equal(legacyEndpoint({ key: 'k', endpoint: 'mystery http://x' }), undefined);
    assert.equal(parseStoredKey('not json'), undefined);
    assert.equal(parseStoredKey(JSON.stringify({ key: '', endpoint: 'groq (default)' })), undefined);
  });
});
