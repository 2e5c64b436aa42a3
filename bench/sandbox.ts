/**
 * Sandbox benchmark (`npm run bench:sandbox`, or `npx tsx bench/sandbox.ts`): medians of a trivial
 * Python program run four ways, in one process and one run, rounds interleaved so that load on
 * the machine hits every way alike. Needs the offline images (`npm run sandbox:images`).
 *
 *   bare   host subprocess (python3 FILE)
 *   cold   dockerode create + start + wait, same hardening, no pool
 *   warm   Sandbox.run with a waiting container from the warm pool
 *   par5   five Sandbox.run at once, each from the pool (one candidate per model)
 *
 * Env: BENCH_N rounds (default 15), BENCH_PYTHON host interpreter (default /usr/bin/python3).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { createDockerSandbox } from '../src/core/sandbox/docker';
import { hostConfigFor } from '../src/core/sandbox/limits';
import { DEFAULT_LIMITS } from '../src/core/types';
import { OFFLINE_IMAGES } from '../test/sandbox/offlineImages';

const ROUNDS = Number(process.env.BENCH_N ?? 15);
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const IMAGE = OFFLINE_IMAGES.python ?? '';
const PROGRAM = 'print(sum(range(100)))';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

async function timed(body: () => unknown): Promise<number> {
  const t = performance.now();
  await body();
  return performance.now() - t;
}

async function main(): Promise<void> {
  const load = loadavg()[0] ?? 0;
  const docker = new Docker();
  const file = join(mkdtempSync(join(tmpdir(), 'quorum-bench-')), 'main.py');
  writeFileSync(file, PROGRAM);
  const sandbox = createDockerSandbox({ images: OFFLINE_IMAGES, poolSize: 5, pull: false });
  const times = { bare: [] as number[], cold: [] as number[], warm: [] as number[], par5: [] as number[] };

  /** Create + start + wait, timed; removal happens after the clock stops. */
  const cold = async (): Promise<number> => {
    const t = performance.now();
    const c = await docker.createContainer({
      Image: IMAGE,
      Cmd: ['python3', '-c', PROGRAM],
      User: '65534:65534',
      NetworkDisabled: true,
      HostConfig: hostConfigFor(DEFAULT_LIMITS),
    });
    await c.start();
    await c.wait();
    const elapsed = performance.now() - t;
    await c.remove({ force: true });
    return elapsed;
  };

  try {
    await sandbox.warm('python', 5); // also the first-use checks: ping, orphan sweep, image
    for (let i = 0; i < ROUNDS; i++) {
      times.bare.push(await timed(() => execFileSync(PYTHON, [file])));

      times.cold.push(await cold());

      await sandbox.settle();
      await sandbox.warm('python', 5);
      times.warm.push(await timed(() => sandbox.run({ language: 'python', code: PROGRAM })));

      await sandbox.settle();
      await sandbox.warm('python', 5);
      times.par5.push(
        await timed(() =>
          Promise.all(Array.from({ length: 5 }, () => sandbox.run({ language: 'python', code: PROGRAM }))),
        ),
      );
      process.stderr.write('.');
    }
  } finally {
    await sandbox.dispose();
  }
  process.stderr.write('\n');

  const m = {
    bare: median(times.bare),
    cold: median(times.cold),
    warm: median(times.warm),
    par5: median(times.par5),
  };
  const line = (k: keyof typeof m, label: string): string =>
    `${label.padEnd(34)} ${m[k].toFixed(1).padStart(8)} ms`;
  const check = (label: string, ratio: number, target: number): string =>
    `${label.padEnd(34)} ${ratio.toFixed(2).padStart(8)}x   target <= ${target}x   ${ratio <= target ? 'MET' : 'MISSED'}`;
  console.log(`sandbox benchmark: ${ROUNDS} rounds, medians, image ${IMAGE}, host python ${PYTHON}`);
  // Ratios only mean something on a quiet machine: say how busy this one was.
  console.log(`load average at start ${load.toFixed(1)}, at end ${loadavg()[0]?.toFixed(1)}`);
  console.log(line('bare', 'bare host subprocess'));
  console.log(line('cold', 'cold create+start+wait (dockerode)'));
  console.log(line('warm', 'warm-pool run'));
  console.log(line('par5', '5 runs at once through the pool'));
  console.log(check('warm / bare', m.warm / m.bare, 5));
  console.log(check('warm / cold', m.warm / m.cold, 0.35));
  console.log(check('5 parallel / one warm', m.par5 / m.warm, 2.5));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
