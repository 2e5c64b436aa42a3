import { hostname } from 'node:os';
import type Docker from 'dockerode';
import type { Logger } from '../types';
import { withDeadline } from './deadline';

/** Every sandbox container carries these labels, so Quorum (and `docker ps`) can find its own. */
export const LABEL = {
  sandbox: 'dev.quorum.sandbox',
  owner: 'dev.quorum.owner',
  instance: 'dev.quorum.instance',
  language: 'dev.quorum.language',
} as const;

/** `host:pid` of this process: a container whose owner process is dead is an orphan. */
export function ownerId(): string {
  return `${hostname()}:${process.pid}`;
}

export function sandboxLabels(instance: string, language: string): Record<string, string> {
  return {
    [LABEL.sandbox]: '1',
    [LABEL.owner]: ownerId(),
    [LABEL.instance]: instance,
    [LABEL.language]: language,
  };
}

/** A container from another machine sharing the engine is only swept when this old. */
export const FOREIGN_ORPHAN_AGE_MS = 60 * 60_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes containers left by crashed Quorum processes. Containers of live processes on this
 * machine (another window, a test run) are left alone; containers of other machines sharing a
 * remote engine only when they are older than any run could be.
 */
export async function sweepOrphans(docker: Docker, logger: Logger, now = Date.now()): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL.sandbox}=1`] } });
  const here = hostname();
  const doomed = list.filter((c) => {
    const owner = c.Labels[LABEL.owner] ?? '';
    const cut = owner.lastIndexOf(':');
    const host = owner.slice(0, cut);
    const pid = Number(owner.slice(cut + 1));
    if (host === here && Number.isInteger(pid) && pid > 0) return pid !== process.pid && !isAlive(pid);
    return now - c.Created * 1000 > FOREIGN_ORPHAN_AGE_MS;
  });
  await Promise.allSettled(doomed.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  if (doomed.length) logger.info(`sandbox: removed ${doomed.length} container(s) left by an earlier crash`);
  return doomed.length;
}

/** Ids of the containers of one sandbox instance, running or not. */
export async function listInstance(docker: Docker, instance: string): Promise<string[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL.instance}=${instance}`] },
  });
  return list.map((c) => c.Id);
}

/**
 * Removes every container of one sandbox instance: at dispose (a create given up on may still have
 * landed) and when an engine comes back after being down (its containers died with it).
 */
export async function removeInstance(docker: Docker, instance: string, logger: Logger): Promise<number> {
  const ids = await withDeadline('list', (abortSignal) =>
    docker.listContainers({ all: true, filters: { label: [`${LABEL.instance}=${instance}`] }, abortSignal }),
  ).then(
    (list) => list.map((c) => c.Id),
    (error: unknown) => {
      logger.warn(`sandbox: could not list this instance's containers: ${String(error)}`);
      return [] as string[];
    },
  );
  await Promise.allSettled(
    ids.map((id) =>
      withDeadline('remove', (abortSignal) =>
        docker.getContainer(id).remove({ force: true, v: true, abortSignal }),
      ),
    ),
  );
  return ids.length;
}
