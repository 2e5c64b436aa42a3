import type { HostConfig } from 'dockerode';
import type { Limits } from '../types';
import { DEFAULT_LIMITS, SandboxError } from '../types';

/** Where the program and its input are written; a tmpfs, like /tmp. */
export const WORKDIR = '/work';

/**
 * Where a compiled language writes its binary: a tmpfs like the others, but one that allows
 * exec (the others are noexec). Mounted only for the languages that compile in the container.
 */
export const BUILD_DIR = '/build';

/** The unprivileged user every program runs as ("nobody" on Debian and Alpine). */
export const SANDBOX_USER = '65534:65534';

const BOUNDS: Readonly<Record<keyof Limits, readonly [number, number]>> = {
  timeoutMs: [100, 10 * 60_000],
  memoryMiB: [16, 64 * 1024],
  cpus: [0.1, 64],
  pids: [8, 4096],
  outputBytes: [1024, 64 * 1024 * 1024],
  tmpfsMiB: [1, 4096],
};

/**
 * Merges overrides over a base and checks every value, so a typo in settings
 * (a memory limit of 0, a negative timeout) fails loudly instead of disabling a limit.
 */
export function resolveLimits(
  base: Limits = DEFAULT_LIMITS,
  ...overrides: (Partial<Limits> | undefined)[]
): Limits {
  const merged: Record<string, number> = { ...base };
  for (const override of overrides) {
    for (const [key, value] of Object.entries(override ?? {})) {
      if (value !== undefined) merged[key] = value;
    }
  }
  for (const [key, [min, max]] of Object.entries(BOUNDS)) {
    const value = merged[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw new SandboxError(
        'engine-error',
        `Sandbox limit ${key}=${String(value)} is outside ${min}..${max}.`,
        'Fix quorum.sandbox.limits in your settings (or the CLI flag) to a value in range.',
      );
    }
  }
  return Object.freeze(merged as unknown as Limits);
}

/**
 * The engine-side hardening for one run. Memory equals memory+swap so a program cannot
 * swap its way past the limit; the tmpfs pages count against the same memory limit.
 */
export function hostConfigFor(limits: Limits, options: { buildDir?: boolean } = {}): HostConfig {
  const tmpfs = `rw,nosuid,nodev,noexec,size=${limits.tmpfsMiB}m,mode=1777`;
  const build: Record<string, string> = options.buildDir
    ? { [BUILD_DIR]: `rw,nosuid,nodev,exec,size=${limits.tmpfsMiB}m,mode=1777` }
    : {};
  return hardenedHostConfig({
    memoryBytes: limits.memoryMiB * 1024 * 1024,
    cpus: limits.cpus,
    pids: limits.pids,
    tmpfs: { '/tmp': tmpfs, [WORKDIR]: tmpfs, ...build },
    ulimits: SANDBOX_ULIMITS,
  });
}

/**
 * The hardening every sandbox container shares (a program's and a project's): no network, a
 * read-only root with only the given tmpfs mounts, no capabilities, no way to gain privileges,
 * memory (equal to memory + swap), CPU and processes bounded, no log driver, private IPC.
 */
export function hardenedHostConfig(options: {
  readonly memoryBytes: number;
  readonly cpus: number;
  readonly pids: number;
  readonly tmpfs: Readonly<Record<string, string>>;
  readonly ulimits: NonNullable<HostConfig['Ulimits']>;
}): HostConfig {
  return {
    NetworkMode: 'none',
    ReadonlyRootfs: true,
    Tmpfs: { ...options.tmpfs },
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges'],
    Memory: options.memoryBytes,
    MemorySwap: options.memoryBytes,
    NanoCpus: Math.round(options.cpus * 1e9),
    PidsLimit: options.pids,
    // Output is read through attach; a log driver would also copy a flood onto the host's disk.
    LogConfig: { Type: 'none', Config: {} },
    Ulimits: options.ulimits,
    // If the host runs short of memory, the sandbox dies first.
    OomScoreAdj: 1000,
    IpcMode: 'private',
    AutoRemove: false,
    Privileged: false,
  };
}

/**
 * Every resource limit the hardening relies on, set explicitly. An engine fills in the ones not
 * given: Docker keeps its own process's values, Podman raises `nofile` and `nproc` to 1048576,
 * which a root without CAP_SYS_RESOURCE may not do (runc: "error setting rlimit type 6"), so every
 * run on such a Podman failed. Lowering a limit needs no privilege.
 *
 * `nproc` is not the per-container process limit (that is the cgroup's `PidsLimit`): the kernel
 * counts it per uid across the whole machine, and every sandbox runs as 65534 without a user
 * namespace. So it is set high enough for many concurrent containers at the pids limit (a fork bomb
 * in one must not stop another from forking) and low enough to be under any engine's hard limit.
 */
export const NPROC_LIMIT = 8192;
export const SANDBOX_ULIMITS: NonNullable<HostConfig['Ulimits']> = [
  { Name: 'nofile', Soft: 256, Hard: 256 },
  { Name: 'nproc', Soft: NPROC_LIMIT, Hard: NPROC_LIMIT },
  // No core files: they would land in the tmpfs working directory and count against its memory.
  { Name: 'core', Soft: 0, Hard: 0 },
];

/** Pool key part: containers made under different limits are not interchangeable. */
export function limitsKey(limits: Limits): string {
  return `${limits.memoryMiB}m/${limits.cpus}c/${limits.pids}p/${limits.tmpfsMiB}t`;
}
