import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDockerSandbox } from '../../src/core/sandbox/docker';
import { SandboxError } from '../../src/core/types';
import { startRefusingEngine } from './refusingEngine';
import type { RefusingEngine } from './refusingEngine';

const REPO = join(__dirname, '..', '..');

describe('sandbox: an engine that refuses to start containers', function () {
  let engine: RefusingEngine;
  beforeEach(async () => {
    engine = await startRefusingEngine();
  });
  afterEach(async () => engine.close());

  it('quorum run prints the engine error and exits 2 within a second of it (it used to hang)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'quorum-refused-'));
    writeFileSync(join(cwd, 'hello.py'), 'print("hello")\n');
    const child = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(require.resolve('tsx')).href,
        join(REPO, 'src/cli.ts'),
        'run',
        'hello.py',
        '--json',
      ],
      {
        cwd,
        env: { ...process.env, DOCKER_HOST: `unix://${engine.socket}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let errorAt = 0;
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      errorAt ||= performance.now();
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const exitedAt = performance.now();
    clearTimeout(killer);
    assert.equal(code, 2, `exit ${code}; stderr: ${stderr}`);
    assert.match(stderr, /error setting rlimit type 6/);
    assert.match(stderr, new RegExp(engine.socket.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    assert.ok(
      exitedAt - errorAt < 1000,
      `exited ${Math.round(exitedAt - errorAt)} ms after printing the error`,
    );
    assert.equal(engine.counts.removed, engine.counts.created, 'every container it created was removed');
  });

  it('a run fails with a SandboxError naming the engine, and pool refills back off instead of retrying each time', async () => {
    const sandbox = createDockerSandbox({
      images: { python: 'quorum-offline/python:3.11' },
      poolSize: 2,
      env: { DOCKER_HOST: `unix://${engine.socket}` },
    });
    try {
      for (let i = 0; i < 5; i++) {
        const failure = await sandbox.run({ language: 'python', code: 'print(1)' }).then(
          () => assert.fail('the run cannot succeed'),
          (e: unknown) => e,
        );
        assert.ok(SandboxError.is(failure));
        assert.equal(failure.reason, 'engine-error');
        assert.match(failure.message, /HTTP 409/);
        assert.ok(failure.message.includes(engine.socket));
        // After the run: the pool's refill (if any) gets its turn.
        await new Promise((r) => setTimeout(r, 50));
      }
      // Five runs, each one create; the first failed refill starts a back-off of a second, so
      // the four replenishes after it start nothing. Without back-off: 5 + 5.
      assert.equal(engine.counts.created, 6);
    } finally {
      await sandbox.dispose();
    }
    assert.equal(engine.counts.removed, engine.counts.created);
  });
});
