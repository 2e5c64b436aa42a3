import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/cliHarness';
import { OFFLINE_IMAGES } from './offlineImages';
import { ownedContainers } from './sandboxFixture';

const PY = OFFLINE_IMAGES.python ?? '';

async function cli(args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'quorum-run-'));
  writeFileSync(
    join(cwd, 'prog.py'),
    'import sys\nprint("args", sys.argv[1:])\nprint(sys.stdin.read().strip())\nsys.exit(int(sys.argv[1]) if sys.argv[1:] else 0)',
  );
  writeFileSync(join(cwd, 'loop.py'), 'while True:\n  pass');
  writeFileSync(join(cwd, 'input.txt'), 'from a file');
  return runCli(['run', ...args], { cwd, env: { ...opts.env }, stdin: opts.stdin });
}

describe('cli: quorum run', function () {
  afterEach(async () => assert.deepEqual(await ownedContainers(), []));

  it('--json prints exactly the documented object, and exits 0 when the program exits 0', async () => {
    const r = await cli(['prog.py', '--image', PY, '--stdin', 'input.txt', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json).sort(), [
      'durationMs',
      'engine',
      'exitCode',
      'image',
      'language',
      'oomKilled',
      'outputTruncated',
      'stderr',
      'stdout',
      'timedOut',
    ]);
    assert.equal(json.language, 'python');
    assert.equal(json.image, PY);
    assert.equal(json.engine, '/var/run/docker.sock');
    assert.equal(json.exitCode, 0);
    assert.equal(json.stdout, 'args []\nfrom a file\n');
    assert.equal(json.timedOut, false);
  });

  it('reads the program from standard input with "-", prints its output, and exits 1 on a non-zero exit', async () => {
    const r = await cli(['-', '--lang', 'python', '--image', PY], {
      stdin: 'import sys\nprint("from stdin")\nsys.exit(4)',
    });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'from stdin\n');
    assert.match(r.stderr, /exit 4/);
  });

  it('kills at --timeout and exits 1', async () => {
    const r = await cli(['loop.py', '--image', PY, '--timeout', '1', '--json']);
    assert.equal(r.code, 1);
    const json = JSON.parse(r.stdout) as { timedOut: boolean; exitCode: number | null };
    assert.equal(json.timedOut, true);
    assert.equal(json.exitCode, null);
  });

  it('exits 2 for bad usage', async () => {
    assert.equal((await cli([])).code, 2);
    assert.equal((await cli(['prog.txt'])).code, 2);
    assert.equal((await cli(['prog.py', '--timeout', 'soon'])).code, 2);
    assert.equal((await cli(['prog.py', '--lang', 'cobol'])).code, 2);
    assert.equal((await cli(['absent.py'])).code, 2);
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: quorum run/);
  });

  it('exits 2 with the reason and advice when no sandbox is available', async () => {
    const r = await cli(['prog.py', '--image', PY], {
      env: { DOCKER_HOST: 'unix:///nonexistent/quorum.sock' },
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No Docker engine at \/nonexistent\/quorum\.sock/);
    assert.match(r.stderr, /Install Docker/);
    const missing = await cli(['prog.py', '--image', 'quorum-offline/absent:0', '--json'], {});
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /quorum-offline\/absent:0/);
  });
});
