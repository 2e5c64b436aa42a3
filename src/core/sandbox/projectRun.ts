/**
 * A project's tests in the sandbox: one fresh container per run (the baseline, each candidate),
 * with the same hardening as every program run — no network, no host mounts, no capabilities,
 * read-only root, bounded memory/CPU/processes/output/time — but room for a whole project: the
 * working directory is a larger tmpfs that allows exec (test runners start node_modules/.bin
 * scripts, compiled tests). The snapshot's archive is streamed in through `tar` in an exec, then
 * the candidate's one-file overlay; the test script runs as the unprivileged user; its exit status
 * is read from the engine (not from anything the tests print). The container is removed whatever
 * happens.
 *
 * Reports (issue 26): the runner writes each report file into $QUORUM_REPORT_DIR, which holds only
 * named pipes, in a folder of root's. Readers of root's (an exec as uid 0, which the unprivileged
 * user can neither signal nor trace) copy every write session of each pipe into a folder only root
 * can read or write. So no process of the tests can change or delete a report after the runner
 * wrote it, nor plant one in a file; a report written more than once (the code under test wrote it
 * too, before or after the runner) is given back as rewritten, and is no evidence. What the code
 * under test can still do is act inside the runner's own process (docs/security.md).
 */
import { PassThrough } from 'node:stream';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import { extract as untar } from 'tar-stream';
import { SandboxError } from '../types';
import type { Logger, PullProgress } from '../types';
import { silentLogger } from '../types';
import type { ProjectRunRequest, ProjectRunResult, ProjectSandbox } from '../project/types';
import { dockerodeOptions, parseDockerHost } from './engine';
import type { EngineTarget } from './engine';
import { engineError, isNoSuchContainer } from './engineErrors';
import { withDeadline } from './deadline';
import { ImageCache } from './images';
import { SANDBOX_ULIMITS, SANDBOX_USER, hardenedHostConfig } from './limits';
import { REPORT_FILES } from '../project/testCommand';
import { REWRITTEN_REPORTS } from '../project/testReports';
import { sandboxLabels } from './orphans';

export const PROJECT_DIR = '/work';
export const REPORT_DIR = '/reports';
/** What the tests see as $QUORUM_REPORT_DIR: one named pipe per report file, in a folder of root's. */
export const REPORT_PIPES = `${REPORT_DIR}/in`;
/** Where root's readers put each write session of each pipe (`NAME.N`); only root reads it. */
const REPORT_COPIES = `${REPORT_DIR}/out`;
/** The root user of the container, without capabilities (the container has none). */
const ROOT = '0:0';
const REPORT_NAMES = Object.values(REPORT_FILES).join(' ');
export const SCRATCH_DIR = '/scratch';

/** A project run's bounds: more than a snippet's, still bounded. */
export const PROJECT_LIMITS = Object.freeze({
  memoryMiB: 1024,
  cpus: 1,
  pids: 256,
  /** Kept of each of stdout and stderr (the end of it). */
  outputBytes: 256 * 1024,
  /** The project tmpfs is at least this, and at least 4x the archive. */
  workMiB: 512,
  scratchMiB: 512,
});

export interface ProjectSandboxOptions {
  readonly dockerHost?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly pull?: boolean;
  readonly onPullProgress?: (progress: PullProgress) => void;
  readonly logger?: Logger;
  /** Label value of this sandbox's containers (the orphan sweep finds them). */
  readonly instanceId?: string;
}

export function createProjectSandbox(options: ProjectSandboxOptions = {}): ProjectSandbox {
  const env = options.env ?? process.env;
  const target = parseDockerHost(options.dockerHost, env);
  const docker = new Docker(dockerodeOptions(target, env));
  const images = new ImageCache(docker, {
    pull: options.pull ?? true,
    onPullProgress: options.onPullProgress,
  });
  const log = options.logger ?? silentLogger;
  const live = new Set<Docker.Container>();
  const labels = sandboxLabels(options.instanceId ?? `project-${process.pid}`, 'project');
  return {
    async runTests(request) {
      await images.ensure(request.image);
      return runOnce(docker, target, request, labels, live, log);
    },
    async dispose() {
      await Promise.all([...live].map((c) => c.remove({ force: true }).catch(() => undefined)));
      live.clear();
    },
  };
}

async function runOnce(
  docker: Docker,
  target: EngineTarget,
  request: ProjectRunRequest,
  labels: Record<string, string>,
  live: Set<Docker.Container>,
  log: Logger,
): Promise<ProjectRunResult> {
  const t0 = performance.now();
  const workMiB = Math.max(PROJECT_LIMITS.workMiB, Math.ceil((request.archive.length * 4) / 1024 / 1024));
  const bytes = PROJECT_LIMITS.memoryMiB * 1024 * 1024 + workMiB * 1024 * 1024;
  const tmpfs = (mib: number, exec: boolean): string =>
    `rw,nosuid,nodev,${exec ? 'exec' : 'noexec'},size=${mib}m,mode=1777`;
  let container: Docker.Container;
  try {
    container = await withDeadline('create', (abortSignal) =>
      docker.createContainer({
        Image: request.image,
        Entrypoint: [],
        // Waits for the execs; killed with the container.
        Cmd: ['sleep', String(request.timeoutS + 120)],
        User: SANDBOX_USER,
        WorkingDir: PROJECT_DIR,
        Env: [
          'HOME=/tmp',
          'LANG=C.UTF-8',
          'PYTHONDONTWRITEBYTECODE=1',
          'PYTHONUNBUFFERED=1',
          'CI=1',
          `QUORUM_REPORT_DIR=${REPORT_PIPES}`,
          `QUORUM_SCRATCH=${SCRATCH_DIR}`,
          ...(request.env ?? []),
        ],
        Labels: { ...labels, 'dev.quorum.role': 'project' },
        NetworkDisabled: true,
        HostConfig: hardenedHostConfig({
          memoryBytes: bytes,
          cpus: PROJECT_LIMITS.cpus,
          pids: PROJECT_LIMITS.pids,
          tmpfs: {
            '/tmp': tmpfs(256, false),
            [PROJECT_DIR]: tmpfs(workMiB, true),
            [SCRATCH_DIR]: tmpfs(PROJECT_LIMITS.scratchMiB, true),
            // root's (mode 0755): the unprivileged user writes only into the pipes inside.
            [REPORT_DIR]: 'rw,nosuid,nodev,noexec,size=32m,mode=0755',
          },
          ulimits: [
            ...SANDBOX_ULIMITS.filter((u) => u.Name !== 'nofile'),
            { Name: 'nofile', Soft: 4096, Hard: 4096 },
          ],
        }),
        abortSignal,
      }),
    );
  } catch (error) {
    throw engineError(error, target);
  }
  live.add(container);
  try {
    await withDeadline('start', (abortSignal) => container.start({ abortSignal }));
    await copyIn(docker, container, request.archive);
    if (request.overlay) await copyIn(docker, container, request.overlay);
    const readers = await startReportReaders(docker, container);
    try {
      const run = await runScript(docker, container, request);
      const reports = run.timedOut ? {} : await readReports(docker, container);
      const inspect = await container.inspect().catch(() => undefined);
      return {
        ...run,
        oomKilled: inspect?.State?.OOMKilled ?? false,
        reports,
        wallMs: Math.round(performance.now() - t0),
      };
    } finally {
      readers.destroy();
    }
  } catch (error) {
    if (SandboxError.is(error)) throw error;
    throw engineError(error, target);
  } finally {
    live.delete(container);
    await container.remove({ force: true, v: true }).catch((e: unknown) => {
      if (!isNoSuchContainer(e)) log.warn(`project container not removed: ${String(e)}`);
    });
  }
}

/** Streams a tar archive into the project directory through `tar -x` in the container. */
async function copyIn(docker: Docker, container: Docker.Container, archive: Uint8Array): Promise<void> {
  const exec = await container.exec({
    Cmd: ['tar', '-xf', '-', '-C', PROJECT_DIR],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    User: SANDBOX_USER,
  });
  const stream = await exec.start({ hijack: true, stdin: true });
  const stderr = collect(docker, stream, 16 * 1024);
  stream.end(archive);
  await stderr.done;
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) {
    throw new SandboxError(
      'engine-error',
      `The project could not be unpacked in the sandbox (tar exited ${ExitCode}): ${stderr.text().trim().slice(0, 300)}`,
      'Check that the sandbox image has `tar` (every Debian, Alpine and busybox image does), or set project.image.',
    );
  }
}

async function runScript(
  docker: Docker,
  container: Docker.Container,
  request: ProjectRunRequest,
): Promise<Omit<ProjectRunResult, 'reports' | 'wallMs' | 'oomKilled'>> {
  const exec = await container.exec({
    // Whatever the tests leave running is killed when the script ends (kill -1 spares PID 1 and
    // the caller), so nothing writes a report, or holds the output open, after it.
    Cmd: ['/bin/sh', '-c', '/bin/sh -c "$0"; s=$?; kill -9 -1 2>/dev/null; exit "$s"', request.script],
    AttachStdout: true,
    AttachStderr: true,
    WorkingDir: PROJECT_DIR,
    User: SANDBOX_USER,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = collect(docker, stream, PROJECT_LIMITS.outputBytes);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void container.kill().catch(() => undefined);
  }, request.timeoutS * 1000);
  const onAbort = (): void => void container.kill().catch(() => undefined);
  request.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await out.done;
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }
  if (request.signal?.aborted)
    throw new SandboxError('cancelled', 'Cancelled', 'Run the ask again when ready.');
  const exitCode = timedOut ? null : ((await exec.inspect().catch(() => undefined))?.ExitCode ?? null);
  return { exitCode, stdout: out.stdout(), stderr: out.text(), timedOut, outputTruncated: out.truncated() };
}

/** Runs `script` (sh) in the container as `user` and waits for it; its exit status, or null. */
async function execScript(container: Docker.Container, user: string, script: string): Promise<number | null> {
  const exec = await container.exec({
    Cmd: ['/bin/sh', '-c', script],
    AttachStdout: true,
    AttachStderr: true,
    User: user,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  await new Promise<void>((ok) => {
    stream.on('end', ok);
    stream.on('close', ok);
    stream.on('error', () => ok());
    stream.resume();
  });
  return (await exec.inspect().catch(() => undefined))?.ExitCode ?? null;
}

/**
 * Makes the report pipes (root's folder, pipes any user may write and only root may read) and
 * starts root's readers: one loop per pipe, each write session into REPORT_COPIES/NAME.N.
 * Resolves once the pipes are there (the exec says `ready`); the readers run on until stopped.
 */
async function startReportReaders(docker: Docker, container: Docker.Container): Promise<Duplex> {
  const exec = await container.exec({
    Cmd: [
      '/bin/sh',
      '-c',
      `mkdir -m 0755 ${REPORT_PIPES} && mkdir -m 0700 ${REPORT_COPIES} && ` +
        `for f in ${REPORT_NAMES}; do mkfifo -m 0622 "${REPORT_PIPES}/$f" || exit 1; done; echo ready; ` +
        `for f in ${REPORT_NAMES}; do ( i=0; while :; do cat "${REPORT_PIPES}/$f" > "${REPORT_COPIES}/$f.$i" || exit; ` +
        `[ -e ${REPORT_COPIES}/.stop ] && exit; i=$((i+1)); done ) & done; wait`,
    ],
    AttachStdout: true,
    AttachStderr: true,
    User: ROOT,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  docker.modem.demuxStream(stream, out, new PassThrough().resume());
  const ready = await new Promise<boolean>((ok) => {
    let seen = '';
    out.on('data', (c: Buffer) => {
      seen += c.toString('latin1');
      if (seen.includes('ready\n')) ok(true);
    });
    stream.on('end', () => ok(false));
    stream.on('close', () => ok(false));
    stream.on('error', () => ok(false));
  });
  if (!ready) {
    stream.destroy();
    throw new SandboxError(
      'engine-error',
      'The report pipes could not be made in the sandbox.',
      'The project image needs `mkfifo`, `cat` and `timeout` (every Debian, Alpine and busybox image has them), or set project.image.',
    );
  }
  return stream;
}

/**
 * The reports the runner wrote, by name, once every process of the tests is gone (the script's
 * wrapper kills what it left running): root's readers are stopped (each pipe opened once more; the empty
 * session that gives is dropped), then root's copies are read. A report with more than one
 * non-empty session is left out and named under REWRITTEN_REPORTS.
 */
async function readReports(docker: Docker, container: Docker.Container): Promise<Record<string, string>> {
  await execScript(
    container,
    ROOT,
    `touch ${REPORT_COPIES}/.stop; for f in ${REPORT_NAMES}; do timeout 2 sh -c ': > "$0"' "${REPORT_PIPES}/$f"; done; exit 0`,
  );
  const sessions = await copiesOf(docker, container);
  const files: Record<string, string> = {};
  const rewritten: string[] = [];
  for (const [name, texts] of Object.entries(sessions)) {
    const written = texts.filter((t) => t.length > 0);
    if (written.length === 1) files[name] = written[0]!;
    else if (written.length > 1) rewritten.push(`${name} ${written.length}`);
  }
  if (rewritten.length) files[REWRITTEN_REPORTS] = rewritten.join('\n');
  return files;
}

/** Root's copies: report name -> the text of each write session, in order. */
async function copiesOf(docker: Docker, container: Docker.Container): Promise<Record<string, string[]>> {
  const exec = await container.exec({
    Cmd: ['tar', '-cf', '-', '-C', REPORT_COPIES, '.'],
    AttachStdout: true,
    AttachStderr: true,
    User: ROOT,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const tarBytes = new PassThrough();
  const sessions: Record<string, { n: number; text: string }[]> = {};
  const parsed = new Promise<void>((ok, fail) => {
    const x = untar();
    x.on('entry', (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on('data', (c: unknown) => void chunks.push(c as Buffer));
      body.on('end', () => {
        const match = /^(?:\.\/)?([^/]+)\.(\d+)$/.exec(header.name);
        if (header.type === 'file' && match) {
          const [, name, n] = match as unknown as [string, string, string];
          (sessions[name] ??= []).push({ n: Number(n), text: Buffer.concat(chunks).toString('utf8') });
        }
        next();
      });
      body.resume();
    });
    x.on('finish', ok);
    x.on('error', fail);
    tarBytes.pipe(x);
  });
  docker.modem.demuxStream(stream, tarBytes, new PassThrough().resume());
  stream.on('end', () => tarBytes.end());
  stream.on('close', () => tarBytes.end());
  await parsed.catch(() => undefined);
  return Object.fromEntries(
    Object.entries(sessions).map(([name, list]) => [name, list.sort((a, b) => a.n - b.n).map((s) => s.text)]),
  );
}

interface Collected {
  readonly done: Promise<void>;
  stdout(): string;
  text(): string;
  truncated(): boolean;
}

/** Demuxes an exec stream into capped stdout and stderr (keeping the end of each). */
function collect(docker: Docker, stream: Duplex, cap: number): Collected {
  const parts = { out: [] as Buffer[], err: [] as Buffer[], outBytes: 0, errBytes: 0, cut: false };
  const sink = (key: 'out' | 'err'): PassThrough => {
    const p = new PassThrough();
    p.on('data', (chunk: Buffer) => {
      const list = parts[key];
      list.push(chunk);
      const bytesKey = key === 'out' ? 'outBytes' : 'errBytes';
      parts[bytesKey] += chunk.length;
      while (parts[bytesKey] > cap && list.length > 1) {
        parts[bytesKey] -= list.shift()!.length;
        parts.cut = true;
      }
    });
    return p;
  };
  docker.modem.demuxStream(stream, sink('out'), sink('err'));
  const done = new Promise<void>((ok) => {
    stream.on('end', () => ok());
    stream.on('close', () => ok());
    stream.on('error', () => ok());
  });
  const tail = (list: Buffer[]): string => {
    const s = Buffer.concat(list).toString('utf8');
    return s.length > cap ? s.slice(-cap) : s;
  };
  return { done, stdout: () => tail(parts.out), text: () => tail(parts.err), truncated: () => parts.cut };
}
