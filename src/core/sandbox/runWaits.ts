/** What a run waits for, given up when the run is cancelled; and a feed that says when the run started. */
import type { RunFeed } from '../types';
import { cancelledError } from './engineErrors';

/**
 * What a run waits for (a shared preparation, its container), or a rejection as soon as the run is
 * cancelled. `abandoned` is then given the pending promise, to clean up what it still delivers.
 */
export function whileNotAborted<T>(
  pending: Promise<T>,
  signal?: AbortSignal,
  abandoned?: (pending: Promise<T>) => void,
): Promise<T> {
  if (!signal) return pending;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(cancelledError());
      abandoned?.(pending);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The feed, calling `hook` first when its run starts (a live run then stops counting as busy). */
export function whenOpened(feed: RunFeed | undefined, hook: () => void): RunFeed | undefined {
  return (
    feed && {
      open: (port) => {
        hook();
        feed.open(port);
      },
      stdout: feed.stdout?.bind(feed),
    }
  );
}
