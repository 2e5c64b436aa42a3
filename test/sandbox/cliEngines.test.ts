import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { enginesCommand } from '../../src/cli/engines';
import { runCommand } from '../../src/cli/run';
import type { Subcommand } from '../../src/cli/io';
import { OFFLINE_IMAGES } from './offlineImages';
import { PODMAN_SOCKET } from './testEngines';

async function cli(command: Subcommand, args: string[], config: unknown, env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'quorum-engines-'));
  writeFileSync(join(cwd, 'quorum.config.json'), JSON.stringify(config));
  writeFileSync(join(cwd, 'hello.py'), 'print("hello")\n');
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const stdin = new PassThrough();
  stdin.end('');
  const code = await command(args, { stdout, stderr, stdin, env, cwd });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
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
    const table = await cli(enginesCommand, [], config);
    assert.equal(table.code, 1, table.stderr);
    assert.match(table.stdout, /^ENGINE\s+STATE\s+VERSION\s+POOL\s+RUNNING\s+CAPACITY\s+WEIGHT$/m);
    assert.match(table.stdout, /^\/var\/run\/docker\.sock\s+up\s+Docker Engine \S+\s+0\s+0\s+3\s+1$/m);
    assert.match(table.stdout, /^\/nonexistent\/quorum\.sock\s+down\s+-/m);
    assert.match(
      table.stdout,
      /\/nonexistent\/quorum\.sock: No Docker engine at \/nonexistent\/quorum\.sock/,
    );
    const json = await cli(enginesCommand, ['--json'], { sandbox: { engines: [config.sandbox.engines[0]] } });
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
      runCommand,
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
