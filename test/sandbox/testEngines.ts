import { existsSync } from 'node:fs';
import Docker from 'dockerode';
import { createDockerSandbox } from '../../src/core/sandbox/docker';
import { dockerodeOptions, parseDockerHost } from '../../src/core/sandbox/engine';

/**
 * The engines the adversarial suites run against: the local dockerd, a rootful Podman service
 * (scripts/startPodman.sh) and a second dockerd in its own network namespace over TLS
 * (scripts/startTlsEngine.sh); setup.sh starts both. One that is not there is skipped, with the
 * reason printed, never silently. QUORUM_TEST_ENGINES=docker,podman picks some.
 */
export interface TestEngine {
  readonly name: 'docker' | 'podman' | 'tls';
  /** What the sandbox is given, as a user would set it: the environment of DOCKER_HOST & co. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Why its tests are skipped here. */
  readonly missing?: string;
}

export const PODMAN_SOCKET = '/run/quorum-podman.sock';
export const TLS_CERTS = '/run/quorum-tls-engine/client';
export const TLS_HOST = 'tcp://10.231.0.2:2376';

const base = {
  ...process.env,
  DOCKER_HOST: undefined,
  DOCKER_TLS_VERIFY: undefined,
  DOCKER_CERT_PATH: undefined,
};

const ALL: readonly TestEngine[] = [
  { name: 'docker', env: base },
  {
    name: 'podman',
    env: { ...base, DOCKER_HOST: `unix://${PODMAN_SOCKET}` },
    missing: existsSync(PODMAN_SOCKET)
      ? undefined
      : `no Podman service at ${PODMAN_SOCKET} (bash scripts/startPodman.sh)`,
  },
  {
    name: 'tls',
    env: { ...base, DOCKER_HOST: TLS_HOST, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: TLS_CERTS },
    missing: existsSync(`${TLS_CERTS}/key.pem`)
      ? undefined
      : `no TLS engine certificates in ${TLS_CERTS} (bash scripts/startTlsEngine.sh)`,
  },
];

export const TEST_ENGINES: readonly TestEngine[] = ALL.filter(
  (e) => !process.env.QUORUM_TEST_ENGINES || process.env.QUORUM_TEST_ENGINES.split(',').includes(e.name),
);

export const LOCAL_ENGINE = ALL[0];

/** A direct client of the engine, to look at what the sandbox left there without trusting it. */
export function clientOf(engine: TestEngine): Docker {
  return new Docker(dockerodeOptions(parseDockerHost(undefined, engine.env), engine.env));
}

let current: TestEngine = LOCAL_ENGINE;

/** The engine of the describe block under way (the local one outside `forEachEngine`). */
export function currentEngine(): TestEngine {
  return current;
}

/**
 * Declares a describe block once per test engine. An engine that is missing skips its block
 * with the reason printed in the form the suite runner lists.
 */
export function forEachEngine(title: string, body: (engine: TestEngine) => void): void {
  for (const engine of TEST_ENGINES) {
    describe(`${title} [${engine.name}]`, function () {
      before(async function () {
        let missing = engine.missing;
        if (!missing) {
          missing = await createDockerSandbox({ env: engine.env, poolSize: 0 })
            .check()
            .then(
              () => undefined,
              (e: unknown) => `the ${engine.name} engine does not answer: ${String(e)}`,
            );
        }
        if (missing) {
          console.log(`      (skipped: ${missing})`);
          this.skip();
        }
        current = engine;
      });
      after(() => {
        current = LOCAL_ENGINE;
      });
      body(engine);
    });
  }
}
