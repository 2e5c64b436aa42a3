import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { Language, Limits } from '../types';
import { SandboxError } from '../types';
import { bootstrapCommand, runtimePrestarted, secretLine } from './bootstrap';
import { tarArchive } from './archive';
import { cancelledError, isNoSuchContainer } from './engineErrors';
import type { Program } from './languages';
import { compiledInContainer, shellQuote } from './languages';
import { ENGINE_CALL_MS, engineTimeout, withDeadline } from './deadline';
import { SANDBOX_USER, WORKDIR, hostConfigFor } from './limits';

/** What a finished (or stopped) program left behind, before it becomes a RunResult. */
export interface BoxOutcome {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** A cancelled run has no outcome: runInBox rejects with SandboxError('cancelled') instead. */
  readonly stoppedBy: 'exit' | 'timeout' | 'output';
  readonly oomKilled: boolean;
  readonly outputTruncated: boolean;
  /** The process table was full when the timeout fired (a fork bomb). */
  readonly pidsAtLimit: boolean;
}

export interface BoxSpec {
  readonly language: Language;
  readonly image: string;
  readonly limits: Limits;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A created, attached and started container whose shell waits for a tar stream on stdin.
 * Runs once, then is destroyed: a used container is never given a second program.
 */
export class Box {
  private destroyed: Promise<void> | undefined;
  used = false;

  private constructor(
    readonly container: Docker.Container,
    private readonly stream: Duplex,
    readonly marker: string,
    readonly spec: BoxSpec,
  ) {}

  /**
   * Attach before start, so not one byte of output is missed; resolves once the bootstrap says it
   * is waiting for code, so a pooled box is really warm (a Python interpreter already started).
   */
  static async open(docker: Docker, spec: BoxSpec, signal?: AbortSignal): Promise<Box> {
    // The ready token is on the bootstrap's command line, which every process of the container can
    // read: it only says the bootstrap waits for code. The end-of-run marker is secret: it reaches
    // the bootstrap as the first line of the run's input (deliver), never argv, environment or file.
    const ready = `\n__quorum_ready_${randomBytes(8).toString('hex')}__:`;
    const marker = `\n__quorum_exit_${randomBytes(8).toString('hex')}__:`;
    const container = await withDeadline('create', (abortSignal) =>
      docker.createContainer({
        Image: spec.image,
        Cmd: bootstrapCommand(spec.language, ready),
        Entrypoint: [],
        WorkingDir: WORKDIR,
        User: SANDBOX_USER,
        // Nothing from the host environment is passed: the image's own variables (its PATH finds
        // /usr/local/cargo/bin in rust images, /usr/local/go/bin in golang ones; Docker supplies a
        // default PATH when the image sets none) and these. A fixed hash seed gives a program the
        // same set and dict order of strings in every container: a candidate's own run and its
        // cross-test runs agree, and the judge's harness need not re-exec itself to get one.
        Env: ['HOME=/tmp', 'LANG=C.UTF-8', 'PYTHONUNBUFFERED=1', 'PYTHONHASHSEED=0'],
        Labels: { ...spec.labels },
        NetworkDisabled: true,
        OpenStdin: true,
        StdinOnce: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        HostConfig: hostConfigFor(spec.limits, { buildDir: compiledInContainer(spec.language) }),
        abortSignal,
      }),
    );
    let stream: Duplex | undefined;
    // The attach request keeps its socket (stdin stays open for the program). When the engine
    // answers it with an error (Podman prepares the container at attach, and reports a runtime
    // failure there) dockerode leaves that socket open, and the process with it: abort it.
    const attaching = new AbortController();
    try {
      stream = await attach(container, attaching);
      const isReady = waitReady(stream, ready, spec.image);
      isReady.catch(() => undefined); // awaited below; an abort before that must not leave it unhandled
      if (signal?.aborted) throw cancelledError();
      await withDeadline('start', (abortSignal) => container.start({ abortSignal }));
      await isReady;
      if (signal?.aborted) throw cancelledError();
      return new Box(container, stream, marker, spec);
    } catch (error) {
      attaching.abort();
      stream?.destroy();
      await withDeadline('remove', (abortSignal) => container.remove({ force: true, abortSignal })).catch(
        () => undefined,
      );
      throw error;
    }
  }

  /** Sends SIGKILL and removes the container; safe to call any number of times. */
  destroy(): Promise<void> {
    this.destroyed ??= (async () => {
      try {
        // Kill first and only then drop the attach stream, so output already in flight is still read.
        await withDeadline('remove', (abortSignal) =>
          this.container.remove({ force: true, v: true, abortSignal }),
        );
      } catch (error) {
        if (!isNoSuchContainer(error)) throw error;
      } finally {
        this.stream.destroy();
      }
    })();
    return this.destroyed;
  }

  get isDestroyed(): boolean {
    return this.destroyed !== undefined;
  }

  /** The attach stream, for the runner. */
  get io(): Duplex {
    return this.stream;
  }

  /**
   * Sends the bootstrap the run's secret end-of-run marker line, then its archive: the program's
   * files, its stdin, its argv, and for the shell bootstrap a script that runs it. The shell's `tar` (busybox's in particular) reads to the end
   * of its input, so there the stream is closed. A prestarted runtime stops at the archive's end
   * marker, and its stdin stays open: closing it costs a round trip from the engine through
   * containerd to the shim, about a third of the engine's CPU for a short run.
   */
  deliver(program: Program, stdin: string, live = false): void {
    const files = [
      ...program.files,
      { name: '.stdin', content: stdin },
      { name: '.argv', content: JSON.stringify(program.argv) },
      // A live run: the bootstrap leaves what follows the archive to the program (QUORUM_INPUT_FD).
      ...(live ? [{ name: '.live', content: '' }] : []),
    ];
    const secret = Buffer.from(secretLine(this.marker), 'latin1');
    if (runtimePrestarted(this.spec.language)) {
      this.stream.write(Buffer.concat([secret, tarArchive(files)]));
      return;
    }
    const run = `exec ${program.argv.map(shellQuote).join(' ')} < ${WORKDIR}/.stdin\n`;
    this.stream.end(Buffer.concat([secret, tarArchive([...files, { name: '.run', content: run }])]));
  }
}

/** The part of docker-modem (untyped in @types/dockerode) that attach uses. */
interface Modem {
  dial(options: Record<string, unknown>, callback: (error: Error | null, stream?: Duplex) => void): void;
}

/** Longest wait for a new container's bootstrap to report that it waits for code. */
export const READY_TIMEOUT_MS = 60_000;

/**
 * Attaches (before start) within the engine-call deadline; `control` aborts the request later if
 * need be. Through the modem rather than `container.attach`, which sends its options as a JSON
 * request body: Docker ignores it, Podman hands it to the program as the first bytes of its stdin.
 * An empty body with Content-Length 0 still makes Node send the request at once.
 */
async function attach(container: Docker.Container, control: AbortController): Promise<Duplex> {
  const timer = setTimeout(() => control.abort(), ENGINE_CALL_MS);
  try {
    const modem = container.modem as Modem;
    return await new Promise<Duplex>((resolve, reject) => {
      modem.dial(
        {
          // The modem builds the query from `options` (and drops the path's last character without them).
          path: `/containers/${container.id}/attach?`,
          options: { stream: true, stdin: true, stdout: true, stderr: true },
          method: 'POST',
          isStream: true,
          hijack: true,
          openStdin: true,
          file: Buffer.alloc(0),
          abortSignal: control.signal,
          statusCodes: {
            101: true,
            200: true,
            400: 'bad parameter',
            404: 'no such container',
            500: 'server error',
          },
        },
        (error, stream) => (stream ? resolve(stream) : reject(error ?? new Error('attach gave no stream'))),
      );
    });
  } catch (error) {
    throw control.signal.aborted ? engineTimeout('attach', ENGINE_CALL_MS) : error;
  } finally {
    clearTimeout(timer);
  }
}

/** Reads the bootstrap's ready line off the attach stream, then pauses the stream for the runner. */
function waitReady(stream: Duplex, ready: string, image: string): Promise<void> {
  const token = Buffer.from(`${ready}ready\n`, 'latin1');
  return new Promise<void>((resolve, reject) => {
    let seen = Buffer.alloc(0);
    const done = (error?: Error): void => {
      clearTimeout(timer);
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('close', onEnd);
      stream.removeListener('error', onError);
      stream.pause();
      if (error) reject(error);
      else resolve();
    };
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      if (seen.includes(token)) done();
      else if (seen.length > 64 * 1024) onEnd(); // it printed something else: not a usable image
    };
    const onEnd = (): void => {
      const said = seen.subarray(8).toString('utf8').trim().slice(0, 300);
      done(
        new SandboxError(
          'engine-error',
          `The image ${image} cannot run the sandbox bootstrap${said ? `: ${said}` : ''}.`,
          'Sandbox images need /bin/sh, and python3 for Python, node for JavaScript and TypeScript, tar for Bash; pick another image in quorum.sandbox.images.',
        ),
      );
    };
    const onError = (error: Error): void => done(error);
    // The engine answered every call: a bootstrap that never reports is a slow or unsuitable image
    // (or an overloaded machine), not an engine that cannot be reached.
    const timer = setTimeout(
      () =>
        done(
          new SandboxError(
            'engine-error',
            `A container of ${image} did not report ready within ${READY_TIMEOUT_MS / 1000} s.`,
            'The machine may be overloaded, or the image starts its runtime very slowly; retry, or pick a smaller image in quorum.sandbox.images.',
          ),
        ),
      READY_TIMEOUT_MS,
    );
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.once('error', onError);
  });
}
