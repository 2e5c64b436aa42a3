// Runs inside the real extension host: when the demo is offered, and the Ollama probe against a real socket.
import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelConfig } from '../../../src/core/types';
import { demoNeeded, ollamaReachable, readinessCheck } from '../../../src/host/demo';

const openai: ModelConfig = { id: 'o', kind: 'openai', model: 'gpt-4o-mini', enabled: true };
const ollama = (baseUrl: string, enabled = true): ModelConfig => ({
  id: 'l',
  kind: 'ollama',
  model: 'qwen2.5-coder:7b',
  baseUrl,
  enabled,
});
const needsKey = (m: ModelConfig): boolean => m.kind === 'openai' || m.kind === 'groq';

describe('first-run demo offer', () => {
  let url: string;
  let closedUrl: string;
  let close: () => void;
  before(async () => {
    const server = createServer((req, res) => {
      res.writeHead(req.url === '/api/tags' ? 200 : 404, { 'content-type': 'application/json' });
      res.end('{"models":[]}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((r) => probe.close(r));
  });
  after(() => close());

  it('probes Ollama on /api/tags and treats a closed port as unreachable', async () => {
    assert.equal(await ollamaReachable(url), true);
    assert.equal(await ollamaReachable(closedUrl), false);
  });

  it('offers the demo only when no enabled model could answer', async () => {
    const noKeys = readinessCheck(needsKey, () => Promise.resolve(false));
    const withKey = readinessCheck(needsKey, (m) => Promise.resolve(m.id === 'o'));
    assert.equal(await demoNeeded([], noKeys), true, 'nothing configured');
    assert.equal(await demoNeeded([openai, ollama(closedUrl)], noKeys), true, 'no key, Ollama down');
    assert.equal(await demoNeeded([openai, ollama(url)], noKeys), false, 'Ollama is up');
    assert.equal(await demoNeeded([openai, ollama(closedUrl)], withKey), false, 'a key is stored');
    assert.equal(
      await demoNeeded([{ ...openai, enabled: false }, ollama(url, false)], withKey),
      true,
      'all disabled',
    );
  });
});
