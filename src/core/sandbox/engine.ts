import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DockerOptions } from 'dockerode';
import { SandboxError } from '../types';

/** Where the Docker-compatible engine listens, parsed from `DOCKER_HOST` or the `sandbox.dockerHost` setting. */
export type EngineTarget =
  | { readonly kind: 'unix'; readonly socketPath: string }
  | { readonly kind: 'npipe'; readonly socketPath: string }
  | {
      readonly kind: 'tcp';
      readonly host: string;
      readonly port: number;
      /** Directory holding ca.pem, cert.pem and key.pem when the engine speaks TLS. */
      readonly tlsCertPath?: string;
      /** Explicit TLS files (an entry of sandbox.engines); they take precedence over tlsCertPath. */
      readonly tls?: EngineTls;
    }
  | { readonly kind: 'ssh'; readonly host: string; readonly port: number; readonly username?: string };

/** Paths of the CA, client certificate and client key for one TLS engine. */
export interface EngineTls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';

/**
 * Parses an engine address the way the docker CLI does: `unix:///path`, `npipe:////./pipe/x`,
 * `tcp://host:port` (TLS when DOCKER_TLS_VERIFY=1 or DOCKER_CERT_PATH is set), `ssh://user@host`.
 * Podman's Docker-compatible socket is just a unix address (`unix:///run/user/1000/podman/podman.sock`).
 */
export function parseDockerHost(
  value: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
  tls?: EngineTls,
): EngineTarget {
  const raw = value?.trim() || env.DOCKER_HOST?.trim();
  if (!raw) {
    return process.platform === 'win32'
      ? { kind: 'npipe', socketPath: '//./pipe/docker_engine' }
      : { kind: 'unix', socketPath: DEFAULT_UNIX_SOCKET };
  }
  if (raw.startsWith('unix://')) return { kind: 'unix', socketPath: raw.slice(7) || DEFAULT_UNIX_SOCKET };
  if (raw.startsWith('/')) return { kind: 'unix', socketPath: raw };
  if (raw.startsWith('npipe://'))
    return { kind: 'npipe', socketPath: raw.slice(8) || '//./pipe/docker_engine' };
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `tcp://${raw}`);
  } catch {
    throw badHost(raw);
  }
  if (!url.hostname) throw badHost(raw);
  if (url.protocol === 'ssh:') {
    return {
      kind: 'ssh',
      host: url.hostname,
      port: url.port ? Number(url.port) : 22,
      username: url.username ? decodeURIComponent(url.username) : undefined,
    };
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') throw badHost(raw);
  const wantsTls =
    tls !== undefined ||
    env.DOCKER_TLS_VERIFY === '1' ||
    Boolean(env.DOCKER_CERT_PATH) ||
    url.protocol === 'https:';
  const port = url.port ? Number(url.port) : wantsTls ? 2376 : 2375;
  return {
    kind: 'tcp',
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    tlsCertPath: wantsTls ? env.DOCKER_CERT_PATH || join(homedir(), '.docker') : undefined,
    ...(tls ? { tls } : {}),
  };
}

function badHost(raw: string): SandboxError {
  return new SandboxError(
    'engine-error',
    `Cannot understand the Docker host address "${raw}".`,
    'Use unix:///var/run/docker.sock, tcp://HOST:2376 (with DOCKER_CERT_PATH for TLS) or ssh://USER@HOST in quorum.sandbox.dockerHost or DOCKER_HOST.',
  );
}

/** dockerode connection options for a target; reads the TLS files, which must exist. */
export function dockerodeOptions(
  target: EngineTarget,
  env: Readonly<Record<string, string | undefined>> = process.env,
): DockerOptions {
  switch (target.kind) {
    case 'unix':
    case 'npipe':
      return { socketPath: target.socketPath };
    case 'ssh':
      return {
        protocol: 'ssh',
        host: target.host,
        port: target.port,
        username: target.username,
        sshOptions: { agent: env.SSH_AUTH_SOCK },
      };
    case 'tcp': {
      if (!target.tlsCertPath) return { protocol: 'http', host: target.host, port: target.port };
      const dir = target.tlsCertPath;
      const files = target.tls ?? {
        ca: join(dir, 'ca.pem'),
        cert: join(dir, 'cert.pem'),
        key: join(dir, 'key.pem'),
      };
      try {
        return {
          protocol: 'https',
          host: target.host,
          port: target.port,
          ca: readFileSync(files.ca),
          cert: readFileSync(files.cert),
          key: readFileSync(files.key),
        };
      } catch (error) {
        throw new SandboxError(
          'engine-error',
          `Cannot read the TLS certificates for ${describeTarget(target)} (${target.tls ? 'sandbox.engines[].tls' : dir}): ${String(error)}`,
          target.tls
            ? 'Fix the ca, cert and key paths of this engine in sandbox.engines.'
            : 'Set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem, or unset DOCKER_TLS_VERIFY for a plain tcp engine.',
        );
      }
    }
  }
}

export function describeTarget(target: EngineTarget): string {
  switch (target.kind) {
    case 'unix':
    case 'npipe':
      return target.socketPath;
    case 'tcp':
      return `${target.tlsCertPath ? 'tcp+tls' : 'tcp'}://${target.host}:${target.port}`;
    case 'ssh':
      return `ssh://${target.username ? `${target.username}@` : ''}${target.host}:${target.port}`;
  }
}
