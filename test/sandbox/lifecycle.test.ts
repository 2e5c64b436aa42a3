import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { DEFER_MAX, DEFER_MS, createDockerSandbox } from '../../src/core/sandbox/docker';
import { Box } from '../../src/core/sandbox/container';
import { programFor } from '../../src/core/sandbox/languages';
import { resolveLimits } from '../../src/core/sandbox/limits';
import { LABEL, sandboxLabels } from '../../src/core/sandbox/orphans';
import { runInBox } from '../../src/core/sandbox/runner';
import { SandboxError } from '../../src/core/types';
import { OFFLINE_IMAGES } from './offlineImages';
import { engine, ownedContainers, withSandbox } from './sandboxFixture';

async function waitUntil(test: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = Date.now();
  while (!(await test())) {
    if (Date.now() - started > limitMs) return Number.POSITIVE_INFINITY;
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - started;
}

describe('sandbox: lifecycle, cancellation, concurrency and the engine', function () {
  it('cancels a run mid-way: the container is gone within 1 s', async () => {
    await withSandbox(
      async (sb) => {
        const controller = new AbortController();
        const run = sb.run({
          language: 'python',
          code: 'print("started", flush=True)\nwhile True:\n  pass',
          limits: { timeoutMs: 60_000 },
          signal: controller.signal,
        });
        // Abort once the container exists and the program is running.
        await waitUntil(async () => (await sb.containers()).length > 0, 30_000);
        await new Promise((r) => setTimeout(r, 500));
        const abortedAt = Date.now();
        controller.abort();
        await assert.rejects(run, (e: unknown) => SandboxError.is(e) && e.reason === 'cancelled');
        assert.deepEqual(await sb.containers(), []);
        const elapsed = Date.now() - abortedAt;
        assert.ok(elapsed < 1000, `container gone only ${elapsed} ms after the abort`);
      },
      { poolSize: 0 },
    );
  });

  it('rejects a run cancelled while it waits for a container at once, and removes what was made', async () => {
    await withSandbox(
      async (sb) => {
        await sb.warm('python', 0); // engine checked and image found: runs go straight to a container
        // No pool and three runs: two containers are created at a time, the third run waits.
        const controllers = [0, 1, 2].map(() => new AbortController());
        const runs = controllers.map((c) =>
          sb.run({ language: 'python', code: 'print(1)', signal: c.signal }).catch((e: unknown) => e),
        );
        await new Promise((r) => setTimeout(r, 100)); // the creates are with the engine now
        const abortedAt = Date.now();
        for (const c of controllers) c.abort();
        const outcomes = await Promise.all(runs);
        const elapsed = Date.now() - abortedAt;
        for (const e of outcomes) assert.ok(SandboxError.is(e) && e.reason === 'cancelled', String(e));
        assert.ok(elapsed < 100, `rejected only ${elapsed} ms after the abort`);
        // The containers the engine was already making are removed once it returns them.
        await sb.settle();
        assert.deepEqual(await sb.containers(), []);
      },
      { poolSize: 0 },
    );
  });

  it('completes 20 concurrent runs with the right output each, and leaks nothing', async function () {
    this.timeout(180_000);
    await withSandbox(
      async (sb) => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            sb.run({ language: 'python', code: `print(${i} * ${i})`, limits: { timeoutMs: 60_000 } }),
          ),
        );
        assert.deepEqual(
          results.map((r) => r.stdout),
          Array.from({ length: 20 }, (_, i) => `${i * i}\n`),
        );
        assert.ok(results.every((r) => r.exitCode === 0));
      },
      { poolSize: 2 },
    );
  });

  it('ends a run when the program exits, kills what it left running, and keeps the container until removed', async () => {
    for (const [language, code] of [
      ['bash', '(sleep 30; echo late) &\necho main'],
      ['python', 'import subprocess\nsubprocess.Popen(["sleep", "30"])\nprint("main")'],
      [
        'javascript',
        'require("child_process").spawn("sleep", ["30"], { stdio: "ignore" }).unref();\nconsole.log("main")',
      ],
    ] as const) {
      const limits = resolveLimits();
      const box = await Box.open(engine, {
        language,
        image: OFFLINE_IMAGES[language] ?? '',
        limits,
        labels: sandboxLabels('lifecycle-test', language),
      });
      try {
        const outcome = await runInBox(box, programFor(language, code), '', limits);
        assert.equal(outcome.stdout, 'main\n', language);
        assert.equal(outcome.stoppedBy, 'exit', language);
        assert.ok(outcome.durationMs < 2000, `${language}: durationMs ${outcome.durationMs}`);
        // The bootstrap is still up (the engine's exit handling waits for removal), the sleep is not.
        const left = await waitUntil(async () => {
          const top = (await box.container.top({ ps_args: '-o pid,args' })) as { Processes: string[][] };
          return !top.Processes.some((p) => p.join(' ').includes('sleep 30'));
        }, 2000);
        assert.ok(Number.isFinite(left), `${language}: the background child is still running`);
        assert.equal((await box.container.inspect()).State.Running, true, language);
      } finally {
        await box.destroy();
      }
    }
  });

  it('removes used containers within a second while other runs keep the sandbox busy', async function () {
    this.timeout(60_000);
    await withSandbox(
      async (sb) => {
        // While one run is in flight, removals of used containers wait: but not without bound.
        const busy = new AbortController();
        const long = sb
          .run({
            language: 'python',
            code: 'import time\ntime.sleep(300)',
            limits: { timeoutMs: 600_000 },
            signal: busy.signal,
          })
          .catch((error: unknown) => error);
        for (let i = 0; i < DEFER_MAX + 4; i++) {
          assert.equal((await sb.run({ language: 'python', code: `print(${i})` })).stdout, `${i}\n`);
        }
        // The long run's container, the pool's two, and nothing that is over.
        const settled = await waitUntil(async () => (await sb.containers()).length <= 3, DEFER_MS + 4000);
        assert.ok(Number.isFinite(settled), `still ${(await sb.containers()).length} containers`);
        busy.abort();
        assert.ok(SandboxError.is(await long), 'the long run should end cancelled');
      },
      { poolSize: 2 },
    );
  });

  it('keeps a warm pool: a run takes a waiting container, destroys it, and the pool refills', async () => {
    await withSandbox(
      async (sb) => {
        await sb.warm('python');
        const before = await sb.containers();
        assert.equal(before.length, 2);
        const r = await sb.run({ language: 'python', code: 'import socket\nprint(socket.gethostname())' });
        await sb.settle();
        const refilled = await waitUntil(async () => (await sb.containers()).length === 2, 30_000);
        assert.ok(Number.isFinite(refilled), 'the pool did not refill');
        const after = await sb.containers();
        // The container that ran is gone for good: its hostname (the short id) is in no listed id.
        const used = before.find((id) => id.startsWith(r.stdout.trim()));
        assert.ok(used, 'the run did not use a waiting container');
        assert.ok(!after.includes(used));
      },
      { poolSize: 2 },
    );
  });

  it('drains the pool when idle', async () => {
    await withSandbox(
      async (sb) => {
        await sb.warm('python', 1);
        assert.equal((await sb.containers()).length, 1);
        const drained = await waitUntil(async () => (await sb.containers()).length === 0, 10_000);
        assert.ok(Number.isFinite(drained), 'idle containers were not removed');
      },
      { poolSize: 1, poolIdleMs: 300 },
    );
  });

  it('removes containers left by a crashed process at the next start', async () => {
    const deadPid = 4_194_000; // above pid_max defaults: no such process
    const orphan = await engine.createContainer({
      Image: OFFLINE_IMAGES.python,
      Cmd: ['sleep', '300'],
      Labels: {
        [LABEL.sandbox]: '1',
        [LABEL.owner]: `${hostname()}:${deadPid}`,
        [LABEL.instance]: 'crashed',
      },
      HostConfig: { NetworkMode: 'none' },
    });
    await orphan.start();
    try {
      await withSandbox(async (sb) => {
        await sb.check();
        await sb.run({ language: 'python', code: 'pass' });
        await assert.rejects(orphan.inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
      });
    } finally {
      await orphan.remove({ force: true }).catch(() => undefined);
    }
  });

  it('fails fast with a clear error when the engine is unreachable', async () => {
    for (const [dockerHost, reason] of [
      ['unix:///nonexistent/quorum/docker.sock', 'not-installed'],
      ['tcp://127.0.0.1:1', 'not-running'],
    ] as const) {
      const sb = createDockerSandbox({ images: OFFLINE_IMAGES, dockerHost });
      const started = Date.now();
      await assert.rejects(sb.run({ language: 'python', code: 'print(1)' }), (e: unknown) => {
        assert.ok(SandboxError.is(e), String(e));
        assert.equal(e.reason, reason);
        assert.match(e.message, dockerHost.startsWith('unix') ? /nonexistent\/quorum/ : /127\.0\.0\.1:1/);
        assert.match(e.advice, /quorum\.sandbox\.dockerHost/);
        return true;
      });
      await assert.rejects(sb.check(), (e: unknown) => SandboxError.is(e) && e.reason === reason);
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
      await sb.dispose();
    }
    assert.deepEqual(await ownedContainers(), []);
  });
});
