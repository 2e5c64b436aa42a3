import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { Language, Limits } from '../types';
import { bootstrapCommand } from './bootstrap';
import { tarArchive } from './archive';
import { isNoSuchContainer } from './engineErrors';
import type { Program } from './languages';
import { shellQuote } from './languages';
import { SANDBOX_USER, WORKDIR, hostConfigFor } from './limits';

/** What a finished (or stopped) program left behind, before it becomes a RunResult. */
export interface BoxOutcome {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly stoppedBy: 'exit' | 'timeout' | 'output' | 'cancel';
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

  /** Attach before start, so not one byte of output is missed. */
  static async open(docker: Docker, spec: BoxSpec): Promise<Box> {
    const marker = `\n__quorum_exit_${randomBytes(8).toString('hex')}__:`;
    const container = await docker.createContainer({
      Image: spec.image,
      Cmd: bootstrapCommand(spec.language, marker),
      Entrypoint: [],
      WorkingDir: WORKDIR,
      User: SANDBOX_USER,
      // Only these variables exist inside: nothing from the host environment is passed.
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/tmp', 'LANG=C.UTF-8', 'PYTHONUNBUFFERED=1'],
      Labels: { ...spec.labels },
      NetworkDisabled: true,
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      HostConfig: hostConfigFor(spec.limits),
    });
    try {
      const stream = (await container.attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        hijack: true,
      })) as Duplex;
      await container.start();
      return new Box(container, stream, marker, spec);
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      throw error;
    }
  }

  /** Sends SIGKILL and removes the container; safe to call any number of times. */
  destroy(): Promise<void> {
    this.destroyed ??= (async () => {
      try {
        // Kill first and only then drop the attach stream, so output already in flight is still read.
        await this.container.remove({ force: true, v: true });
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

  /** The archive the bootstrap unpacks: the program's files, its stdin, its argv, and a script that runs it. */
  payload(program: Program, stdin: string): Buffer {
    const run = `exec ${program.argv.map(shellQuote).join(' ')} < ${WORKDIR}/.stdin\n`;
    return tarArchive([
      ...program.files,
      { name: '.stdin', content: stdin },
      { name: '.argv', content: JSON.stringify(program.argv) },
      { name: '.run', content: run },
    ]);
  }
}
