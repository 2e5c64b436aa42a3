import assert from 'node:assert/strict';
import Docker from 'dockerode';
import type { DockerSandbox, SandboxOptions } from '../../src/core/sandbox/docker';
import { createDockerSandbox } from '../../src/core/sandbox/docker';
import { LABEL, ownerId } from '../../src/core/sandbox/orphans';
import { OFFLINE_IMAGES } from './offlineImages';

/** A direct engine client, to look at what the sandbox left behind without trusting it. */
export const engine = new Docker();

/** Quorum-labelled containers created by this test process, whatever sandbox made them. */
export async function ownedContainers(): Promise<string[]> {
  const list = await engine.listContainers({
    all: true,
    filters: { label: [`${LABEL.owner}=${ownerId()}`] },
  });
  return list.map((c) => c.Id);
}

export function offlineSandbox(options: SandboxOptions = {}): DockerSandbox {
  return createDockerSandbox({ images: OFFLINE_IMAGES, poolSize: 1, pull: false, ...options });
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
