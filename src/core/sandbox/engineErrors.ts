import { SandboxError } from '../types';
import type { EngineTarget } from './engine';
import { describeTarget } from './engine';

/** A run given up because its signal aborted: nothing to fix. */
export function cancelledError(advice = 'Nothing to do: no container was left.'): SandboxError {
  return new SandboxError('cancelled', 'The run was cancelled.', advice);
}

const SETTING = 'quorum.sandbox.dockerHost (or DOCKER_HOST)';

/** Node's system error code (ENOENT, ECONNREFUSED...) and the HTTP status of an engine reply, when present. */
function codeOf(error: unknown): { code?: string; status?: number; message: string } {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown; reason?: unknown };
  return {
    code: typeof e.code === 'string' ? e.code : undefined,
    status: typeof e.statusCode === 'number' ? e.statusCode : undefined,
    message: typeof e.message === 'string' ? e.message : 'unknown engine failure',
  };
}

/**
 * Turns a failure to talk to the engine into a SandboxError saying which of
 * not installed / not running / permission denied it is, and how to fix it.
 */
export function engineError(error: unknown, target: EngineTarget): SandboxError {
  if (SandboxError.is(error)) return error;
  const { code, status, message } = codeOf(error);
  const where = describeTarget(target);
  // TLS: the engine refused this client's certificate (or got none it trusts)...
  if (
    /^ERR_SSL_.*ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN)/.test(code ?? '')
  ) {
    return new SandboxError(
      'permission-denied',
      `The Docker engine at ${where} refused this client's TLS certificate (${code}).`,
      `Use a client certificate signed by the engine's CA: DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) or the tls files of this engine in sandbox.engines.`,
    );
  }
  // ...or this client does not trust the engine's.
  if (
    /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_CERT_ALTNAME_INVALID|CERT_HAS_EXPIRED|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/.test(
      code ?? '',
    )
  ) {
    return new SandboxError(
      'permission-denied',
      `The TLS certificate of the Docker engine at ${where} is not trusted here (${code}).`,
      `Check that ca.pem is the CA that signed the engine's certificate, and that the certificate names this address.`,
    );
  }
  if (status === 400 && /HTTP request to an HTTPS server/i.test(message)) {
    return new SandboxError(
      'engine-error',
      `The Docker engine at ${where} speaks TLS, and this client does not.`,
      `Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (or the tls files of this engine in sandbox.engines).`,
    );
  }
  switch (code) {
    case 'ENOENT':
      return new SandboxError(
        'not-installed',
        `No Docker engine at ${where}: the socket does not exist.`,
        `Install Docker (or Podman and enable its Docker-compatible socket) and start it, or point ${SETTING} at a running engine.`,
      );
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EPIPE':
      return new SandboxError(
        'not-running',
        `The Docker engine at ${where} is not running (connection refused).`,
        `Start it (\`sudo systemctl start docker\`, or open Docker Desktop / \`podman machine start\`), or point ${SETTING} at a running engine.`,
      );
    case 'EACCES':
    case 'EPERM':
      return new SandboxError(
        'permission-denied',
        `Permission denied on the Docker socket ${where}.`,
        'Add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again), or use rootless Docker / Podman with a socket you own.',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'ENGINE_TIMEOUT':
      return new SandboxError(
        'not-running',
        `The Docker engine at ${where} cannot be reached (${code}).`,
        `Check that the remote engine is up and reachable from here, or change ${SETTING}.`,
      );
  }
  return new SandboxError(
    'engine-error',
    `The Docker engine at ${where} failed${status ? ` (HTTP ${status})` : ''}: ${message}`,
    'See the Quorum log for details; `docker info` shows whether the engine itself is healthy.',
  );
}

/** True when the engine answered 404 because an image is not present locally. */
export function isNoSuchImage(error: unknown): boolean {
  const { status, message } = codeOf(error);
  return status === 404 && /no such image|not found|pull access denied/i.test(message);
}

/** True when the engine answered 404 because the container is already gone. */
export function isNoSuchContainer(error: unknown): boolean {
  const { status, message } = codeOf(error);
  return status === 404 || (status === 409 && /removal .* already in progress/i.test(message));
}
