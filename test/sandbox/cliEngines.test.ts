import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirWithConfig, runCli } from '../cli/cliHarness';
import { OFFLINE_IMAGES } from './offlineImages';
import { PODMAN_SOCKET } from './testEngines';

/** `quorum COMMAND ARGS` in a folder holding `config` as quorum.config.json and hello.py. */
function cli(command: 'engines' | 'run', args: string[], config: unknown, env: Record<string, string> = {}) {
  const cwd = dirWithConfig(config);
  writeFileSync(join(cwd, 'hello.py'), 'print("hello")\n');
  return runCli([command, ...args], { cwd, env });
}

describe('cli: quorum engines, and quorum run on another engine', function () {
  it('lists each engine with its version and state; one down makes it exit 1 with the reason', async () => {
    const config = {
      sandbox: {
        engines: [
          { host: 'unix:///var/run/docker.sock', maxConcurrent: 3 },
          { host: 'unix:///nonexistent/quorum.sock' },
        ],
      },
    };
    const table = await cli('engines', [], config);
    assert.equal(table.code, 1, table.stderr);
    assert.match(table.stdout, /^ENGINE\s+STATE\s+VERSION\s+POOL\s+RUNNING\s+CAPACITY\s+WEIGHT$/m);
    assert.match(table.stdout, /^\/var\/run\/docker\.sock\s+up\s+Docker Engine \S+\s+0\s+0\s+3\s+1$/m);
    assert.match(table.stdout, /^\/nonexistent\/quorum\.sock\s+down\s+-/m);
    assert.match(
      table.stdout,
      /\/nonexistent\/quorum\.sock: No Docker engine at \/nonexistent\/quorum\.sock/,
    );
    const json = await cli('engines', ['--json'], { sandbox: { engines: [config.sandbox.engines[0]] } });
    assert.equal(json.code, 0);
    const [engine] = JSON.parse(json.stdout) as { engine: string; state: string; running: number }[];
    assert.deepEqual([engine?.engine, engine?.state, engine?.running], ['/var/run/docker.sock', 'up', 0]);
  });

  it('quorum run --json through Podman names the engine', async function () {
    if (!existsSync(PODMAN_SOCKET)) {
      console.log(`      (skipped: no Podman service at ${PODMAN_SOCKET} (bash scripts/startPodman.sh))`);
      this.skip();
    }
    const r = await cli(
      'run',
      ['hello.py', '--json'],
      { sandbox: { images: OFFLINE_IMAGES } },
      {
        DOCKER_HOST: `unix://${PODMAN_SOCKET}`,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { stdout: string; engine: string; language: string };
    assert.deepEqual([json.language, json.stdout, json.engine], ['python', 'hello\n', PODMAN_SOCKET]);
  });
});
