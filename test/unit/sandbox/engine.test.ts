import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_UNIX_SOCKET,
  describeTarget,
  dockerodeOptions,
  parseDockerHost,
} from '../../../src/core/sandbox/engine';
import { engineError, isNoSuchImage } from '../../../src/core/sandbox/engineErrors';
import { SandboxError } from '../../../src/core/types';

/** A real socket error from the OS, not a hand-made object. */
function connectError(path: string | { port: number }): Promise<Error> {
  return new Promise((resolve) => {
    const socket =
      typeof path === 'string' ? createConnection(path) : createConnection(path.port, '127.0.0.1');
    socket.on('error', resolve);
    socket.on('connect', () => {
      socket.destroy();
      resolve(new Error('connected'));
    });
  });
}

describe('sandbox engine address (DOCKER_HOST / sandbox.dockerHost)', () => {
  it('defaults to the local unix socket', () => {
    assert.deepEqual(parseDockerHost(undefined, {}), { kind: 'unix', socketPath: DEFAULT_UNIX_SOCKET });
    assert.deepEqual(parseDockerHost('', {}), { kind: 'unix', socketPath: DEFAULT_UNIX_SOCKET });
  });

  it('prefers the setting over DOCKER_HOST, and reads DOCKER_HOST otherwise', () => {
    const env = { DOCKER_HOST: 'unix:///run/env.sock' };
    assert.deepEqual(parseDockerHost('unix:///run/setting.sock', env), {
      kind: 'unix',
      socketPath: '/run/setting.sock',
    });
    assert.deepEqual(parseDockerHost(undefined, env), { kind: 'unix', socketPath: '/run/env.sock' });
  });

  it('understands podman sockets, tcp, tcp with TLS and ssh', () => {
    assert.deepEqual(parseDockerHost('unix:///run/user/1000/podman/podman.sock', {}), {
      kind: 'unix',
      socketPath: '/run/user/1000/podman/podman.sock',
    });
    assert.deepEqual(parseDockerHost('tcp://build-box:2375', {}), {
      kind: 'tcp',
      host: 'build-box',
      port: 2375,
      tlsCertPath: undefined,
    });
    assert.deepEqual(
      parseDockerHost('tcp://10.0.0.5', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }),
      {
        kind: 'tcp',
        host: '10.0.0.5',
        port: 2376,
        tlsCertPath: '/certs',
      },
    );
    assert.deepEqual(parseDockerHost('ssh://ci@fleet.example:2222', {}), {
      kind: 'ssh',
      host: 'fleet.example',
      port: 2222,
      username: 'ci',
    });
    assert.equal(describeTarget(parseDockerHost('ssh://ci@fleet.example', {})), 'ssh://ci@fleet.example:22');
  });

  it('rejects an address it cannot use, with advice naming the setting', () => {
    for (const bad of ['ftp://x', 'tcp://']) {
      assert.throws(
        () => parseDockerHost(bad, {}),
        (e: unknown) => SandboxError.is(e) && /quorum\.sandbox\.dockerHost/.test(e.advice),
      );
    }
  });

  it('reads TLS certificates for a tcp engine, and says which folder when they are missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorum-certs-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), `-- ${f} --`);
    const options = dockerodeOptions({ kind: 'tcp', host: 'h', port: 2376, tlsCertPath: dir });
    assert.equal(options.protocol, 'https');
    assert.equal(String(options.cert), '-- cert.pem --');
    assert.throws(
      () => dockerodeOptions({ kind: 'tcp', host: 'h', port: 2376, tlsCertPath: join(dir, 'absent') }),
      (e: unknown) => SandboxError.is(e) && e.message.includes('absent') && /DOCKER_CERT_PATH/.test(e.advice),
    );
  });
});

describe('sandbox engine errors', () => {
  const target = { kind: 'unix', socketPath: '/nonexistent/docker.sock' } as const;

  it('a missing socket means not installed', async () => {
    const e = engineError(await connectError('/nonexistent/docker.sock'), target);
    assert.equal(e.reason, 'not-installed');
    assert.match(e.message, /\/nonexistent\/docker\.sock/);
    assert.match(e.advice, /Install Docker/);
  });

  it('a refused connection means not running', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const e = engineError(await connectError({ port }), { kind: 'tcp', host: '127.0.0.1', port });
    assert.equal(e.reason, 'not-running');
    assert.match(e.advice, /systemctl start docker/);
  });

  it('a refused socket permission means permission denied, with the docker group fix', () => {
    const denied = Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' });
    const e = engineError(denied, target);
    assert.equal(e.reason, 'permission-denied');
    assert.match(e.advice, /usermod -aG docker/);
  });

  it('keeps an existing SandboxError, and tells an engine 404 for an image apart', () => {
    const original = new SandboxError('image-missing', 'x', 'y');
    assert.equal(engineError(original, target), original);
    assert.equal(
      isNoSuchImage({ statusCode: 404, message: '(HTTP code 404) no such container - No such image: a:b' }),
      true,
    );
    assert.equal(isNoSuchImage({ statusCode: 500, message: 'No such image' }), false);
    assert.equal(engineError({ statusCode: 500, message: 'boom' }, target).reason, 'engine-error');
  });
});

describe('sandbox engine entries of sandbox.engines, and TLS refusals', () => {
  it('an engine entry with tls files is a TLS target that reads exactly those files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorum-tls-files-'));
    for (const f of ['my-ca.pem', 'me.pem', 'me-key.pem']) writeFileSync(join(dir, f), f);
    const tls = { ca: join(dir, 'my-ca.pem'), cert: join(dir, 'me.pem'), key: join(dir, 'me-key.pem') };
    const target = parseDockerHost('tcp://10.0.0.7', {}, tls);
    assert.equal(target.kind === 'tcp' && target.port, 2376);
    assert.equal(describeTarget(target), 'tcp+tls://10.0.0.7:2376');
    const options = dockerodeOptions(target, {});
    assert.equal(options.protocol, 'https');
    assert.equal(String(options.ca), 'my-ca.pem');
    assert.equal(String(options.cert), 'me.pem');
    assert.equal((options.key as Buffer).toString(), 'me-key.pem');
    assert.throws(
      () =>
        dockerodeOptions(parseDockerHost('tcp://10.0.0.7', {}, { ...tls, key: join(dir, 'absent.pem') }), {}),
      (e: unknown) => SandboxError.is(e) && /sandbox\.engines\[\]\.tls/.test(e.message),
    );
  });

  it("says the engine refused this client's certificate, or that it speaks TLS to a plain client", () => {
    const target = parseDockerHost('tcp://10.0.0.7:2376', { DOCKER_TLS_VERIFY: '1' });
    const refused = engineError(
      Object.assign(new Error('sslv3 alert bad certificate'), {
        code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
      }),
      target,
    );
    assert.equal(refused.reason, 'permission-denied');
    assert.match(refused.message, /refused this client's TLS certificate/);
    const untrusted = engineError(
      Object.assign(new Error('x'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
      target,
    );
    assert.match(untrusted.message, /not trusted here/);
    const plain = engineError(
      Object.assign(
        new Error('(HTTP code 400) unexpected - Client sent an HTTP request to an HTTPS server.'),
        {
          statusCode: 400,
        },
      ),
      parseDockerHost('tcp://10.0.0.7:2376', {}),
    );
    assert.match(plain.message, /speaks TLS, and this client does not/);
  });
});
