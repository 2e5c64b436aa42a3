/**
 * Issue 26, H2: a web page cannot drive a gateway on this machine. The requests are sent as a
 * browser sends them (raw HTTP, so Host and Origin are exactly what a page's request carries):
 * a CORS-"simple" form POST, a request from a foreign Origin, and a DNS-rebinding page's request
 * whose Host is the attacker's name resolved to 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import type { RunningServer } from '../../src/server/server';
import { startFastReplay } from '../fakes/replayHarness';
import { PROMPT, startGateway } from './harness';

const run = promisify(execFile);
const TOKEN = 'token-browser-guard-0123456789abcdef';

interface Raw {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** One HTTP request with exactly these headers (fetch would not let a test set Host). */
function raw(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, setHost: !('host' in headers) }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const ASK = JSON.stringify({ prompt: PROMPT, models: ['gpt'], execute: false });
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('server: a web page cannot drive the gateway (issue 26 H2)', () => {
  let replay: ReplayServer;
  let open: RunningServer;
  let guarded: RunningServer;
  before(async () => {
    replay = await startFastReplay({ answers: recordingFor });
    open = await startGateway(replay, { allowedOrigins: ['http://127.0.0.1:9999'] });
    guarded = await startGateway(replay, { tokens: [TOKEN] });
  });
  after(async () => {
    await open.close(0);
    await guarded.close(0);
    await replay.close();
  });

  const runsOf = (server: RunningServer): number => server.gateway.registry.all().length;

  it('a form POST (what a page can send without a preflight) is 415 and starts nothing', async () => {
    for (const [type, server] of [
      ['application/x-www-form-urlencoded', open],
      ['text/plain', open],
      ['multipart/form-data; boundary=x', open],
      ['application/x-www-form-urlencoded', guarded],
    ] as const) {
      const before = runsOf(server);
      const r = await raw(`${server.url}/v1/runs`, 'POST', { 'content-type': type }, ASK);
      assert.equal(r.status, 415, type);
      assert.equal(r.body.error, 'unsupported-media-type');
      assert.match(r.body.advice as string, /application\/json/);
      assert.equal(runsOf(server), before, `${type}: no run started`);
    }
    const inference = await raw(`${open.url}/api/v1/inference`, 'POST', FORM, ASK);
    assert.equal(inference.status, 415);
  });

  it("curl -d without a content type is refused; with the token and -H 'content-type: application/json' it works", async () => {
    const url = `${guarded.url}/v1/runs`;
    const form = await run('curl', [
      '-s',
      '-X',
      'POST',
      url,
      '-H',
      `authorization: Bearer ${TOKEN}`,
      '-d',
      ASK,
    ]);
    assert.equal((JSON.parse(form.stdout) as { error: string }).error, 'unsupported-media-type');
    const good = await run('curl', [
      '-s',
      '-X',
      'POST',
      url,
      '-H',
      `authorization: Bearer ${TOKEN}`,
      '-H',
      'content-type: application/json',
      '-d',
      ASK,
    ]);
    assert.match((JSON.parse(good.stdout) as { id: string }).id, /^[0-9a-f-]{36}$/);
  });

  it('a request from a foreign Origin is 403, even a JSON one; an allowed Origin and no Origin pass', async () => {
    const json = { 'content-type': 'application/json' };
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1:8080']) {
      const before = runsOf(open);
      const r = await raw(`${open.url}/v1/runs`, 'POST', { ...json, origin }, ASK);
      assert.equal(r.status, 403, origin);
      assert.equal(r.body.error, 'origin-not-allowed');
      assert.equal(runsOf(open), before);
      assert.equal((await raw(`${open.url}/v1/models`, 'GET', { origin })).status, 403);
    }
    assert.equal(
      (await raw(`${open.url}/v1/models`, 'GET', { origin: 'http://127.0.0.1:9999' })).status,
      200,
    );
    assert.equal((await raw(`${open.url}/v1/models`, 'GET', {})).status, 200);
    const tokenAndPage = await raw(`${guarded.url}/v1/models`, 'GET', {
      authorization: `Bearer ${TOKEN}`,
      origin: 'https://evil.example',
    });
    assert.equal(tokenAndPage.status, 403);
  });

  it('without tokens, a DNS-rebinding Host (a foreign name) is 403; the loopback names are answered', async () => {
    const port = open.port;
    for (const host of [`rebind.evil.example:${port}`, `192.168.1.5:${port}`, 'evil.example', '']) {
      const r = await raw(`${open.url}/v1/models`, 'GET', { host });
      assert.equal(r.status, 403, host);
      assert.equal(r.body.error, 'host-not-allowed');
      assert.ok(!JSON.stringify(r.body).includes('demo-gpt'), 'no answer leaks');
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost'])
      assert.equal((await raw(`${open.url}/v1/models`, 'GET', { host })).status, 200, host);
    // With tokens any name may reach it (behind a proxy); the token is what a page cannot send.
    const named = await raw(`${guarded.url}/v1/models`, 'GET', {
      host: 'quorum.team.example',
      authorization: `Bearer ${TOKEN}`,
    });
    assert.equal(named.status, 200);
  });
});
