import type { Limits } from '../types';
import { SandboxError } from '../types';
import type { Box, BoxOutcome } from './container';
import type { Program } from './languages';
import { Demuxer, StreamCapture } from './output';

/**
 * Past the cap the output is discarded; a program still printing this much more is stopped,
 * so a flood does not keep the engine busy until the wall timeout.
 */
export const OUTPUT_FLOOD_BYTES = 8 * 1024 * 1024;

/** How long to wait for the engine to flag an OOM kill after the program died of SIGKILL. */
const OOM_FLAG_WAIT_MS = 300;

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
): Promise<BoxOutcome> {
  box.used = true;
  const out = new StreamCapture(limits.outputBytes, box.marker);
  const err = new StreamCapture(limits.outputBytes, box.marker);
  const demux = new Demuxer(out, err);
  const payload = box.payload(program, stdin);
  const started = performance.now();

  const stoppedBy = await new Promise<BoxOutcome['stoppedBy'] | 'died' | 'aborted'>((resolve, reject) => {
    const io = box.io;
    const finish = (how: BoxOutcome['stoppedBy'] | 'died' | 'aborted'): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      io.removeListener('data', onData);
      io.removeListener('end', onEnd);
      io.removeListener('close', onEnd);
      io.removeListener('error', onError);
      resolve(how);
    };
    const onData = (chunk: Buffer): void => {
      demux.write(chunk);
      if (out.markerStatus !== undefined && err.markerStatus !== undefined) finish('exit');
      else if (out.discarded + err.discarded > OUTPUT_FLOOD_BYTES) finish('output');
    };
    const onEnd = (): void => finish('died');
    const onError = (error: Error): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    const onAbort = (): void => finish('aborted');
    const timer = setTimeout(() => finish('timeout'), limits.timeoutMs);
    if (signal?.aborted) return finish('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    io.on('data', onData);
    io.once('end', onEnd);
    io.once('close', onEnd);
    io.once('error', onError);
    io.end(payload);
  });
  const durationMs = Math.round(performance.now() - started);

  if (stoppedBy === 'aborted') {
    await box.destroy();
    throw new SandboxError(
      'cancelled',
      'The run was cancelled.',
      'Nothing to do: the container was removed.',
    );
  }
  if (stoppedBy === 'timeout' || stoppedBy === 'output') await box.destroy();
  if (stoppedBy === 'died') {
    out.end();
    err.end();
  }

  let exitCode: number | null = stoppedBy === 'exit' ? (err.markerStatus ?? null) : null;
  let oomKilled = false;
  if (stoppedBy === 'died') {
    // The bootstrap itself was killed (usually by the OOM killer): ask the engine what happened.
    const state = await box.container.inspect().then(
      (info) => info.State,
      () => undefined,
    );
    exitCode = state?.ExitCode ?? null;
    oomKilled = state?.OOMKilled === true;
  } else if (exitCode === 137) {
    oomKilled = await waitForOomFlag(box);
  }
  return {
    exitCode,
    stdout: out.text(),
    stderr: err.text(),
    durationMs,
    stoppedBy: stoppedBy === 'died' ? 'exit' : stoppedBy,
    oomKilled,
    outputTruncated: out.truncated || err.truncated,
  };
}

/** SIGKILL (137) without our timeout is the OOM killer or the program itself; the engine knows which. */
async function waitForOomFlag(box: Box): Promise<boolean> {
  const deadline = performance.now() + OOM_FLAG_WAIT_MS;
  for (;;) {
    const info = await box.container.inspect().catch(() => undefined);
    if (info?.State.OOMKilled) return true;
    if (!info || performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 40));
  }
}
