import type Docker from 'dockerode';
import type { Limits, RunFeed } from '../types';
import { SandboxError } from '../types';
import type { Box, BoxOutcome } from './container';
import type { Program } from './languages';
import { withDeadline } from './deadline';
import { cancelledError, isNoSuchContainer } from './engineErrors';
import { Demuxer, StreamCapture } from './output';

/**
 * Past the cap the output is discarded; a program still printing this much more is stopped,
 * so a flood does not keep the engine busy until the wall timeout.
 */
export const OUTPUT_FLOOD_BYTES = 8 * 1024 * 1024;

/** How long to wait for the engine to flag an OOM kill after the program died of SIGKILL. */
const OOM_FLAG_WAIT_MS = 300;

/** How long a container whose stream ended may take to be inspected: an engine that went away answers at once. */
const INSPECT_MS = 5_000;

/**
 * Delivers a program to a started box and collects its result. Resolves when the bootstrap
 * reports the exit status, when the container dies, at the wall timeout or on an output flood;
 * rejects with SandboxError('cancelled') when the signal aborts (after the container is gone).
 * The caller destroys the box afterwards in every case.
 */
export async function runInBox(
  box: Box,
  program: Program,
  stdin: string,
  limits: Limits,
  signal?: AbortSignal,
  feed?: RunFeed,
): Promise<BoxOutcome> {
  box.used = true;
  const out = new StreamCapture(limits.outputBytes, box.marker);
  const err = new StreamCapture(limits.outputBytes, box.marker);
  const demux = new Demuxer(out, err, feed?.stdout?.bind(feed));
  const started = performance.now();

  let pidsAtLimit = false;
  const stoppedBy = await new Promise<BoxOutcome['stoppedBy'] | 'died' | 'aborted'>((resolve, reject) => {
    const io = box.io;
    let stopping: 'timeout' | 'output' | undefined;
    let grace: NodeJS.Timeout | undefined;
    const cleanup = (): void => {
      clearTimeout(timer);
      clearTimeout(grace);
      signal?.removeEventListener('abort', onAbort);
      io.removeListener('data', onData);
      io.removeListener('end', onEnd);
      io.removeListener('close', onEnd);
      io.removeListener('error', onError);
    };
    let over = false;
    const finish = (how: BoxOutcome['stoppedBy'] | 'died' | 'aborted'): void => {
      over = true;
      cleanup();
      resolve(how);
    };
    /** Kill now, but keep reading what is already on its way until the stream closes (at most 1 s). */
    const stop = (why: 'timeout' | 'output'): void => {
      if (stopping) return;
      stopping = why;
      clearTimeout(timer);
      void (async () => {
        if (why === 'timeout') pidsAtLimit = await atPidsLimit(box, limits.pids);
        await box.destroy().catch(() => undefined);
      })();
      grace = setTimeout(() => finish(why), 1000);
    };
    const onData = (chunk: Buffer): void => {
      demux.write(chunk);
      if (stopping) return;
      if (out.markerStatus !== undefined && err.markerStatus !== undefined) finish('exit');
      else if (out.discarded + err.discarded > OUTPUT_FLOOD_BYTES) stop('output');
    };
    const onEnd = (): void => finish(stopping ?? 'died');
    const onError = (error: Error): void => {
      if (stopping) return finish(stopping);
      cleanup();
      reject(error);
    };
    const onAbort = (): void => finish('aborted');
    const timer = setTimeout(() => stop('timeout'), limits.timeoutMs);
    if (signal?.aborted) return finish('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    io.on('data', onData);
    io.once('end', onEnd);
    io.once('close', onEnd);
    io.once('error', onError);
    io.resume(); // paused by Box.open after the ready line
    box.deliver(program, stdin, feed !== undefined);
    feed?.open({
      send: (text) => {
        if (!over && !stopping) io.write(text);
      },
      expire: () => {
        if (!over) stop('timeout');
      },
    });
  });
  const durationMs = Math.round(performance.now() - started);

  if (stoppedBy === 'aborted') {
    await box.destroy();
    throw cancelledError('Nothing to do: the container was removed.');
  }
  if (stoppedBy !== 'exit') {
    out.end();
    err.end();
  }
  if (stoppedBy === 'timeout' || stoppedBy === 'output') await box.destroy();

  let exitCode: number | null = stoppedBy === 'exit' ? (err.markerStatus ?? null) : null;
  let oomKilled = false;
  if (stoppedBy === 'died') {
    // The bootstrap itself was killed (usually by the OOM killer): ask the engine what happened.
    // The stream also ends when the engine itself goes away (killed, restarted, connection cut):
    // then the run has no result, and fails with the engine's error, which names the engine.
    const state = await exitedState(box);
    exitCode = state?.ExitCode ?? null;
    oomKilled = state?.OOMKilled === true;
  } else if (exitCode === 137) {
    oomKilled = err.markerOom || (await waitForOomFlag(box));
  }
  return {
    exitCode,
    stdout: out.text(),
    stderr: err.text(),
    durationMs,
    stoppedBy: stoppedBy === 'died' ? 'exit' : stoppedBy,
    oomKilled,
    outputTruncated: out.truncated || err.truncated,
    pidsAtLimit,
  };
}

/**
 * The state of a container whose attach stream ended. Podman can still report it running (exit
 * code 0) for a moment after its death, until conmon has written the exit status: ask again. A
 * container the engine no longer knows gives the run no result (an engine error).
 */
async function exitedState(box: Box): Promise<Docker.ContainerInspectInfo['State'] | undefined> {
  const deadline = performance.now() + INSPECT_MS;
  for (;;) {
    const info = await withDeadline('inspect', (abortSignal) => box.container.inspect({ abortSignal }), {
      ms: INSPECT_MS,
    }).catch((error: unknown) => {
      if (!isNoSuchContainer(error)) throw error;
      throw new SandboxError(
        'engine-error',
        'The container disappeared while its program ran (the engine restarted, or something removed it).',
        "Run it again; if it happens again, look at the engine's log.",
      );
    });
    if (!info.State.Running) return info.State;
    // Still running with both streams closed (a program can close them): no status; removed after.
    if (performance.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** At a timeout: is the process table full? Asked of the engine, bounded so the kill is not delayed much. */
async function atPidsLimit(box: Box, limit: number): Promise<boolean> {
  // dockerode passes abortSignal on (its types omit it here): the kill is delayed by at most 400 ms.
  const options: { stream: false; 'one-shot': true } = {
    stream: false,
    'one-shot': true,
    ...{ abortSignal: AbortSignal.timeout(400) },
  };
  return box.container.stats(options).then(
    (stats) => (stats.pids_stats?.current ?? 0) >= limit - 1,
    () => false,
  );
}

/** SIGKILL (137) without our timeout is the OOM killer or the program itself; the engine knows which. */
async function waitForOomFlag(box: Box): Promise<boolean> {
  const deadline = performance.now() + OOM_FLAG_WAIT_MS;
  for (;;) {
    const info = await box.container
      .inspect({ abortSignal: AbortSignal.timeout(OOM_FLAG_WAIT_MS) })
      .catch(() => undefined);
    if (info?.State.OOMKilled) return true;
    if (!info || performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 40));
  }
}
