import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { withSandbox } from './sandboxFixture';
import { forEachEngine } from './testEngines';

forEachEngine('sandbox: resource attacks are contained', (engine) => {
  it('kills an infinite loop at the wall timeout, within timeout + 1 s', async () => {
    await withSandbox(async (sb) => {
      const r = await sb.run({
        language: 'python',
        code: 'while True:\n  pass',
        limits: { timeoutMs: 1500 },
      });
      assert.equal(r.timedOut, true);
      assert.equal(r.exitCode, null);
      assert.deepEqual(r.limitsHit, ['timeout']);
      // durationMs runs from code delivery to the container's end: the kill latency is what is bounded.
      assert.ok(r.durationMs >= 1500 && r.durationMs < 2500, `durationMs ${r.durationMs}`);
      assert.deepEqual(await sb.containers().then((ids) => ids.length <= 1), true); // only the warm one
    });
  });

  it('kills a process that ignores SIGTERM at the timeout, keeping the lines it printed', async () => {
    await withSandbox(async (sb) => {
      const r = await sb.run({
        language: 'python',
        code: 'import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint("armed")\ntime.sleep(60)',
        limits: { timeoutMs: 4000 },
      });
      assert.equal(r.timedOut, true);
      assert.equal(r.stdout, 'armed\n');
      assert.ok(r.durationMs < 5000, `durationMs ${r.durationMs}`);
    });
  });

  it('stops a fork bomb at the pids limit and leaves the host able to fork', async () => {
    await withSandbox(async (sb) => {
      const r = await sb.run({
        language: 'bash',
        code: ':(){ :|:& };:\nsleep 2',
        limits: { timeoutMs: 4000, pids: 32 },
      });
      assert.ok(
        r.limitsHit.includes('pids'),
        `limitsHit ${JSON.stringify(r.limitsHit)} stderr ${r.stderr.slice(0, 200)}`,
      );
      assert.equal(execFileSync('/bin/echo', ['host ok']).toString(), 'host ok\n');
      const after = await sb.run({ language: 'python', code: 'print("still works")' });
      assert.equal(after.stdout, 'still works\n');
    });
  });

  it('sets every rlimit explicitly, and a fork bomb in one container does not stop another (same uid) from forking', async () => {
    await withSandbox(async (sb) => {
      const limits = await sb.run({
        language: 'python',
        code: 'import resource as r\nfor k in ("NOFILE", "NPROC", "CORE"):\n  print(k, *r.getrlimit(getattr(r, "RLIMIT_" + k)))',
      });
      assert.equal(limits.stdout, 'NOFILE 256 256\nNPROC 8192 8192\nCORE 0 0\n');
      // nproc counts every process of uid 65534 on the machine: it must leave room for the others.
      const bomb = sb.run({
        language: 'bash',
        code: ':(){ :|:& };:\nsleep 3',
        limits: { timeoutMs: 4000, pids: 32 },
      });
      await new Promise((r) => setTimeout(r, 1500)); // the bomb is at its pids limit by now
      const other = await sb.run({
        language: 'python',
        code: 'import subprocess\nps = [subprocess.Popen(["/bin/sh", "-c", "exit 0"]) for _ in range(40)]\nprint(sum(p.wait() == 0 for p in ps))',
      });
      assert.equal(other.stdout, '40\n', other.stderr);
      assert.ok((await bomb).limitsHit.includes('pids'));
    });
  });

  it('reports a memory bomb as out of memory', async () => {
    await withSandbox(async (sb) => {
      const r = await sb.run({
        language: 'python',
        code: 'big = b"x" * (512 << 20)\nprint(len(big))',
        limits: { memoryMiB: 128, timeoutMs: 30_000 },
      });
      assert.equal(r.exitCode, 137);
      assert.equal(r.timedOut, false);
      // The bootstrap reads the kernel's OOM-kill count itself: engines on cgroup v1 (Docker 20.10,
      // Podman 4.3) set State.OOMKilled only when PID 1 dies, and the program is PID 1's child.
      assert.equal(r.oomKilled, true, `${engine.name}: ${r.stderr}`);
      assert.ok(r.limitsHit.includes('memory'));
    });
  });

  it('caps 100 MB of output, flags it, and keeps this process memory bounded', async () => {
    await withSandbox(async (sb) => {
      let peak = 0;
      const base = process.memoryUsage();
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
      }, 5);
      const r = await sb.run({
        language: 'python',
        code: 'import sys\nline = b"y" * (1 << 20)\nfor _ in range(100):\n  sys.stdout.buffer.write(line)\nprint("done", file=sys.stderr)',
        limits: { timeoutMs: 30_000 },
      });
      clearInterval(sampler);
      assert.equal(Buffer.byteLength(r.stdout), 64 * 1024);
      assert.equal(r.outputTruncated, true);
      assert.ok(r.limitsHit.includes('output'));
      assert.ok(peak < 48 * 1024 * 1024, `memory grew by ${(peak / 1048576).toFixed(1)} MiB`);
    });
  });

  it('bounds a /tmp fill to the tmpfs size', async () => {
    await withSandbox(async (sb) => {
      const r = await sb.run({
        language: 'python',
        code: [
          'written = 0',
          'try:',
          '  with open("/tmp/fill", "wb") as f:',
          '    while True:',
          '      f.write(b"z" * (1 << 20)); f.flush(); written += 1 << 20',
          'except OSError as e:',
          '  print(written >> 20, e.strerror)',
        ].join('\n'),
        limits: { tmpfsMiB: 16 },
      });
      const [mib, ...why] = r.stdout.trim().split(' ');
      assert.ok(Number(mib) <= 16, `wrote ${mib} MiB`);
      assert.equal(why.join(' '), 'No space left on device');
    });
  });

  it('survives a program that closes stdout early, and binary or invalid UTF-8 output', async () => {
    await withSandbox(async (sb) => {
      const closed = await sb.run({
        language: 'python',
        code: 'import os, sys, time\nprint("before", flush=True)\nos.close(1)\ntime.sleep(0.2)\nsys.stderr.write("still running\\n")\nos._exit(0)',
      });
      assert.equal(closed.exitCode, 0);
      assert.equal(closed.stdout, 'before\n');
      assert.equal(closed.stderr, 'still running\n');
      const binary = await sb.run({
        language: 'python',
        code: 'import sys\nsys.stdout.buffer.write(b"ok \\xff\\xfe\\x00 abc \\xc3")',
      });
      assert.equal(binary.exitCode, 0);
      assert.equal(binary.stdout, 'ok \uFFFD\uFFFD\u0000 abc \uFFFD');
    });
  });
});
