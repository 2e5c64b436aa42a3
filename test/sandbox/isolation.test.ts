import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { withSandbox } from './sandboxFixture';
import { forEachEngine } from './testEngines';

forEachEngine('sandbox: isolation from the host', (engine) => {
  it('has no network: DNS, TCP to 127.0.0.1 and to a public address all fail', async () => {
    // A real listener on the host, so a failure cannot be blamed on a closed port.
    const server = createServer((socket) => socket.end('host says hi\n'));
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await withSandbox(async (sb) => {
        const code = [
          'import socket',
          'def attempt(label, fn):',
          '  try:',
          '    fn(); print(label, "OPEN")',
          '  except OSError as e:',
          '    print(label, "blocked")',
          'attempt("dns", lambda: socket.getaddrinfo("example.com", 80))',
          `attempt("loopback", lambda: socket.create_connection(("127.0.0.1", ${port}), timeout=2))`,
          'attempt("public", lambda: socket.create_connection(("1.1.1.1", 53), timeout=2))',
          'attempt("public-dns-ip", lambda: socket.create_connection(("8.8.8.8", 443), timeout=2))',
        ].join('\n');
        const r = await sb.run({ language: 'python', code, limits: { timeoutMs: 20_000 } });
        assert.equal(r.stdout, 'dns blocked\nloopback blocked\npublic blocked\npublic-dns-ip blocked\n');
      });
    } finally {
      server.close();
    }
  });

  it('never sees the host environment (a fake OPENAI_API_KEY stays outside)', async () => {
    const secret = `sk-quorum-test-${process.pid}-${Date.now()}`;
    process.env.OPENAI_API_KEY = secret;
    try {
      await withSandbox(async (sb) => {
        const r = await sb.run({
          language: 'python',
          // PID 1 (the bootstrap) is non-dumpable: its environment is not even readable.
          code: [
            'import os',
            'print(sorted(os.environ))',
            'try:',
            '    print(open("/proc/1/environ", "rb").read())',
            'except PermissionError:',
            '    print("pid 1 environ: denied")',
          ].join('\n'),
        });
        assert.equal(r.exitCode, 0, r.stderr);
        assert.ok(!r.stdout.includes(secret));
        assert.ok(!r.stdout.includes('OPENAI_API_KEY'));
        // Only what the sandbox sets (container.ts; PYTHONHASHSEED when the judge's fixed hash
        // seed is in), plus what the engine adds: HOSTNAME, and for Podman (its containers.conf
        // defaults) TERM=xterm and container=podman.
        const names = (JSON.parse(r.stdout.split('\n')[0].replace(/'/g, '"')) as string[]).filter(
          (n) => n !== 'PYTHONHASHSEED',
        );
        const added = engine.name === 'podman' ? ['TERM', 'container'] : [];
        assert.deepEqual(names, ['HOME', 'HOSTNAME', 'LANG', 'PATH', 'PYTHONUNBUFFERED', ...added], r.stdout);
      });
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
  });

  it('has a read-only root: only /tmp and the working directory are writable', async () => {
    await withSandbox(async (sb) => {
      const code = [
        'for path in ["/etc/passwd", "/usr/evil", "/evil", "/bin/sh", "/tmp/ok", "/work/ok"]:',
        '  try:',
        '    open(path, "a").write("x"); print(path, "written")',
        '  except OSError as e:',
        '    print(path, e.strerror)',
      ].join('\n');
      const r = await sb.run({ language: 'python', code });
      const lines = r.stdout.trim().split('\n');
      for (const line of lines.slice(0, 4)) assert.match(line, /Read-only file system|Permission denied/);
      assert.deepEqual(lines.slice(4), ['/tmp/ok written', '/work/ok written']);
    });
  });

  it('runs as nobody with no capabilities and no way to gain privileges', async () => {
    await withSandbox(async (sb) => {
      const r = await sb.run({
        language: 'bash',
        code: 'echo "$UID"; while read -r k v; do case $k in CapEff:|CapBnd:|NoNewPrivs:) echo "$k $v";; esac; done </proc/self/status',
      });
      assert.equal(r.stdout, '65534\nCapEff: 0000000000000000\nCapBnd: 0000000000000000\nNoNewPrivs: 1\n');
    });
  });
});
