import assert from 'node:assert/strict';
import type { RunRecord } from '../../src/core/types';
import type { ReplayServer } from '../../src/demo/replayServer';
import type { RunningServer } from '../../src/server/server';
import { dirWithConfig, runCli } from '../cli/cliHarness';
import { startFastReplay } from '../fakes/replayHarness';
import { ENV, PROMPT, configFor, startGateway } from './harness';

const TOKEN = 'remote-ask-token-0123456789abcdef0123';

/** The report without what differs between two runs of one ask (times, tokens, ids). */
const shape = (text: string): string =>
  text
    .replace(/\d+(\.\d+)?\s?(ms|s)\b/g, 'T')
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID')
    .replace(/\d+/g, 'N');

describe('server: quorum ask --server URL', () => {
  let replay: ReplayServer;
  let server: RunningServer;
  before(async () => {
    replay = await startFastReplay();
    server = await startGateway(replay, { tokens: [TOKEN] });
  });
  after(async () => {
    await server.close(0);
    await replay.close();
  });

  it('prints the same report as a local ask, from the gateway (token from QUORUM_SERVER_TOKEN)', async () => {
    const remote = await runCli(['ask', PROMPT, '--models', 'gpt,llama', '--server', server.url], {
      env: { QUORUM_SERVER_TOKEN: TOKEN },
    });
    assert.equal(remote.code, 0, remote.stderr);
    // The config in the temp folder names the replay server: the test vouches for it (issue 26 H1).
    const local = await runCli(['ask', PROMPT, '--models', 'gpt,llama', '--trust-config'], {
      cwd: dirWithConfig(configFor(replay)),
      env: ENV,
    });
    assert.equal(local.code, 0, local.stderr);
    assert.equal(shape(remote.stdout), shape(local.stdout));
    assert.match(remote.stdout, /Verdict: (gpt|llama) \(/);
  });

  it('--json prints the run record', async () => {
    const { code, stdout } = await runCli(
      ['ask', PROMPT, '--models', 'qwen', '--json', '--server', `${server.url}/`],
      {
        env: { QUORUM_SERVER_TOKEN: TOKEN },
      },
    );
    assert.equal(code, 0);
    const record = JSON.parse(stdout) as RunRecord;
    assert.deepEqual(
      record.candidates.map((c) => [c.id, c.run?.exitCode]),
      [['qwen', 0]],
    );
  });

  it('a refused token or an unknown model is reported with the server status', async () => {
    const denied = await runCli(['ask', PROMPT, '--server', server.url], {
      env: { QUORUM_SERVER_TOKEN: 'wrong' },
    });
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /the server answered 401: The bearer token is not valid/);
    const unknown = await runCli(['ask', PROMPT, '--models', 'nope', '--server', server.url], {
      env: { QUORUM_SERVER_TOKEN: TOKEN },
    });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /400: models\[0\]: no model with id "nope"/);
  });
});
