import { spawn } from 'node:child_process';
import type { Language, Limits, RunRequest, RunResult, Sandbox } from '../../src/core/types';
import { DEFAULT_LIMITS, SandboxError } from '../../src/core/types';

/**
 * A stand-in `Sandbox` for the judge's own tests and benchmark while src/core/sandbox/docker.ts
 * is not there: `docker run --rm -i` with the hardening flags of recipes.md and the offline
 * images. It is a real Docker container per run, only through the CLI instead of the API.
 * Never shipped in src/.
 */
export function createDockerCliSandbox(images: Partial<Record<Language, string>>): Sandbox {
  const interpreters: Partial<Record<Language, string[]>> = {
    python: ['python3', '-'],
    javascript: ['node', '-'],
  };
  return {
    imageFor(language) {
      const image = images[language];
      if (!image)
        throw new SandboxError('image-missing', `no image for ${language}`, 'Build the offline images.');
      return image;
    },
    async check() {},
    async dispose() {},
    run(request: RunRequest): Promise<RunResult> {
      const limits: Limits = { ...DEFAULT_LIMITS, ...request.limits };
      const image = request.image ?? this.imageFor(request.language);
      const argv = interpreters[request.language];
      if (!argv)
        throw new SandboxError('unsupported-language', request.language, 'python or javascript only');
      const name = `quorum-judge-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
      const args = ['run', '--rm', '-i', '--name', name, '--network', 'none', '--read-only'];
      args.push(
        '--tmpfs',
        `/tmp:size=${limits.tmpfsMiB}m`,
        '--cap-drop',
        'ALL',
        '--security-opt',
        'no-new-privileges',
      );
      args.push('--user', '65534:65534', '--pids-limit', String(limits.pids), '-m', `${limits.memoryMiB}m`);
      args.push('--memory-swap', `${limits.memoryMiB}m`, '--cpus', String(limits.cpus), image, ...argv);
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const child = spawn('docker', args, { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        child.stdout.on('data', (d: Buffer) => {
          if (stdout.length < limits.outputBytes) stdout += d.toString('utf8');
        });
        child.stderr.on('data', (d: Buffer) => {
          if (stderr.length < limits.outputBytes) stderr += d.toString('utf8');
        });
        const timer = setTimeout(() => {
          timedOut = true;
          spawn('docker', ['rm', '-f', name], { stdio: 'ignore' });
        }, limits.timeoutMs);
        child.on('error', (e) => reject(new SandboxError('not-installed', e.message, 'Install docker.')));
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({
            language: request.language,
            image,
            exitCode: timedOut ? null : code,
            stdout,
            stderr,
            durationMs: Date.now() - started,
            timedOut,
            oomKilled: code === 137 && !timedOut,
            outputTruncated: stdout.length >= limits.outputBytes,
            limitsHit: timedOut ? ['timeout'] : [],
          });
        });
        child.stdin.end(request.code);
      });
    },
  };
}
