/**
 * Issue 26, M6: a gateway with tokens refuses short tokens at start, and slows token guessing to a
 * handful per minute per address (then every request from it is a 429 with Retry-After).
 */
import assert from 'node:assert/strict';
import { recordingFor } from '../../src/demo/recordings';
import type { ReplayServer } from '../../src/demo/replayServer';
import { AUTH_FAILURES } from '../../src/server/app';
import { MIN_TOKEN_CHARS, tokensFrom } from '../../src/server/options';
import type { RunningServer } from '../../src/server/server';
import { startFastReplay } from '../fakes/replayHarness';
import { startGateway } from './harness';

const TOKEN = 'token-auth-throttle-0123456789abcdef';

describe('server: tokens are long and cannot be guessed quickly (issue 26 M6)', () => {
  let replay: ReplayServer;
  let server: RunningServer;
  before(async () => {
    replay = await startFastReplay({ answers: recordingFor });
    server = await startGateway(replay, { tokens: [TOKEN] });
  });
  after(async () => {
    await server?.close();
    await replay?.close();
  });

  it(`refuses a token shorter than ${MIN_TOKEN_CHARS} characters, from the environment or the file, naming where`, () => {
    assert.throws(
      () => tokensFrom({ QUORUM_SERVER_TOKENS: `${TOKEN},x` }),
      /token 2 of QUORUM_SERVER_TOKENS has 1 characters; .*at least 32/,
    );
    assert.throws(() => tokensFrom({}, ['short-token-0123456789']), /server\.tokens has 22 characters/);
    assert.throws(() => tokensFrom({}, ['sha256:abc']), /not sha256:<64 hex digits>/);
    assert.deepEqual(tokensFrom({ QUORUM_SERVER_TOKENS: ` ${TOKEN} ` }), [TOKEN]);
    assert.deepEqual(tokensFrom({}, [`sha256:${'a'.repeat(64)}`]), [`sha256:${'a'.repeat(64)}`]);
  });

  it(`answers ${AUTH_FAILURES} wrong tokens with 401, then every request from the address with 429 and Retry-After`, async () => {
    const get = (token: string): Promise<Response> =>
      fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await get(TOKEN)).status, 200, 'a valid token works before');
    for (let i = 0; i < AUTH_FAILURES; i++) assert.equal((await get(`wrong-${i}`)).status, 401);
    const guessed = await get('wrong-again');
    assert.equal(guessed.status, 429);
    assert.ok(Number(guessed.headers.get('retry-after')) > 0);
    const body = (await guessed.json()) as { error?: { code?: string } } & Record<string, unknown>;
    assert.match(JSON.stringify(body), /auth-throttled/);
    // The valid token is refused too while the window lasts: a guess cannot be told by its answer.
    assert.equal((await get(TOKEN)).status, 429);
    // Open probes stay open.
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });
});
