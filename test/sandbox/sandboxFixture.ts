import assert from 'node:assert/strict';
import type { DockerSandbox, SandboxOptions } from '../../src/core/sandbox/docker';
import { createDockerSandbox } from '../../src/core/sandbox/docker';
import { LABEL, ownerId } from '../../src/core/sandbox/orphans';
import { OFFLINE_IMAGES } from './offlineImages';
import { clientOf, currentEngine } from './testEngines';

/** A direct client of the local engine, to look at what the sandbox left behind without trusting it. */
export const engine = clientOf(currentEngine());

/** Quorum-labelled containers created by this test process on the current test engine. */
export async function ownedContainers(): Promise<string[]> {
  const list = await clientOf(currentEngine()).listContainers({
    all: true,
    filters: { label: [`${LABEL.owner}=${ownerId()}`] },
  });
  return list.map((c) => c.Id);
}

/** A sandbox with the offline images on the current test engine (the local one unless inside forEachEngine). */
export function offlineSandbox(options: SandboxOptions = {}): DockerSandbox {
  return createDockerSandbox({
    images: OFFLINE_IMAGES,
    poolSize: 1,
    pull: false,
    env: currentEngine().env,
    ...options,
  });
}

/** Runs a body with a fresh sandbox, disposes it, and asserts no container of this process is left. */
export async function withSandbox<T>(
  body: (sandbox: DockerSandbox) => Promise<T>,
  options: SandboxOptions = {},
): Promise<T> {
  const sandbox = offlineSandbox(options);
  try {
    return await body(sandbox);
  } finally {
    await sandbox.dispose();
    assert.deepEqual(await ownedContainers(), [], 'a Quorum container was left behind');
  }
}
