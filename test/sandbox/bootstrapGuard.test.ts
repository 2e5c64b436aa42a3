/**
 * L2: the bootstrap ends every run with kill -9 -1; it must refuse to run anywhere but as PID 1
 * of a sandbox container with no-new-privileges. Each case starts it, inside a throw-away
 * container, where it does not belong: as the child of another shell (not PID 1), or as PID 1
 * without no-new-privileges. It must say why and exit 125, and the shell around it must survive.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { BOOTSTRAP_REFUSAL, bootstrapCommand } from '../../src/core/sandbox/bootstrap';
import type { Language } from '../../src/core/types';
import { OFFLINE_IMAGES } from './offlineImages';
import { currentEngine } from './testEngines';

const run = promisify(execFile);
const MARKER = '\n__quorum_exit_test__:';

/** `docker run --rm` with the sandbox's own hardening (optionally without no-new-privileges). */
async function inContainer(image: string, cmd: string[], noNewPrivileges = true) {
  // A name of its own: a run that hangs (an unguarded bootstrap waiting for code) is removed by it.
  const name = `quorum-guard-test-${randomBytes(6).toString('hex')}`;
  const args = [
    'run',
    '--rm',
    '--name',
    name,
    '--network',
    'none',
    '--user',
    '65534:65534',
    '--cap-drop',
    'ALL',
  ];
  if (noNewPrivileges) args.push('--security-opt', 'no-new-privileges');
  try {
    const { stdout, stderr } = await run(
      'docker',
      [...args, '--entrypoint', cmd[0], image, ...cmd.slice(1)],
      {
        env: { ...process.env, ...currentEngine().env },
        timeout: 20_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  } finally {
    await run('docker', ['rm', '-f', name], { env: { ...process.env, ...currentEngine().env } }).catch(
      () => undefined,
    );
  }
}

const CASES: [Language, string][] = [
  ['python', OFFLINE_IMAGES.python!],
  ['javascript', OFFLINE_IMAGES.javascript!],
  ['bash', OFFLINE_IMAGES.bash!],
];

describe('sandbox: the bootstrap refuses to run where it does not belong (L2)', function () {
  this.timeout(120_000);

  for (const [language, image] of CASES) {
    it(`${language}: as another shell's child it refuses (exit 125) and kills nothing`, async () => {
      // The outer shell is PID 1; the bootstrap is its child. Without the guard its kill -9 -1
      // would take the outer shell down before it prints "survived".
      const outer = [
        '/bin/sh',
        '-c',
        '"$@" </dev/null; echo "survived rc=$?"',
        'outer',
        ...bootstrapCommand(language, MARKER),
      ];
      const { stdout, stderr } = await inContainer(image, outer);
      assert.match(stdout, /survived rc=125/, `stdout: ${stdout}\nstderr: ${stderr}`);
      assert.ok(stderr.includes(BOOTSTRAP_REFUSAL), stderr);
      assert.ok(!stdout.includes(`${MARKER}ready`), 'it started before checking');
    });
  }

  it('as PID 1 without no-new-privileges it refuses too', async () => {
    const { code, stderr } = await inContainer(
      OFFLINE_IMAGES.python!,
      bootstrapCommand('python', MARKER),
      false,
    );
    assert.equal(code, 125, stderr);
    assert.ok(stderr.includes(BOOTSTRAP_REFUSAL), stderr);
  });
});
