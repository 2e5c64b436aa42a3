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
 * and, outside the targets, the same for a trivial JavaScript program: `node FILE` on the host
 * against a warm-pool run (Node waits pre-started in the container, as Python does); and a
 * warm-pool run of a trivial Go program, which `go build`s in the container (the standard library
 * comes compiled from the derived image, see src/core/sandbox/compilerCache.ts).
 *
 * Then CPU accounting over 10 more parallel rounds: milliseconds per run spent by this process
 * (host), the engine (dockerd, containerd, shims) and the programs, which bounds the parallel
 * figure from below on this many cores.
 *
 * Env: BENCH_N rounds (default 25), BENCH_PYTHON host interpreter (default /usr/bin/python3);
 * QUORUM_BENCH_SMOKE=1: one round of each (bench/results.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { createDockerSandbox } from '../src/core/sandbox/docker';
import { hostConfigFor } from '../src/core/sandbox/limits';
import { DEFAULT_LIMITS } from '../src/core/types';
import { OFFLINE_IMAGES } from '../test/sandbox/offlineImages';
import { cpuDuring } from './cpuByRole';
import { emitResults, isSmoke, target } from './results';

const SMOKE = isSmoke();
const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_N ?? 25);
/** Extra rounds of five parallel runs with CPU accounting (not in the medians above). */
const CPU_ROUNDS = SMOKE ? 1 : 10;
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const IMAGE = OFFLINE_IMAGES.python ?? '';
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 250);
const PROGRAM = 'print(sum(range(100)))';
const JS_PROGRAM = 'console.log([...Array(100).keys()].reduce((a, b) => a + b, 0))';
const GO_PROGRAM =
  'package main\n\nimport "fmt"\n\nfunc main() {\n\ts := 0\n\tfor i := 0; i < 100; i++ {\n\t\ts += i\n\t}\n\tfmt.Println(s)\n}\n';
/** Go runs take about half a second each: fewer rounds. */
const GO_ROUNDS = SMOKE ? 1 : 5;

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
  const jsFile = file.replace(/main\.py$/, 'main.js');
  writeFileSync(jsFile, JS_PROGRAM);
  const sandbox = createDockerSandbox({ images: OFFLINE_IMAGES, poolSize: 5, pull: false });
  /** Mean CPU milliseconds per run, by role, when five run at once. */
  const cpu = new Map<string, number>();
  /** A full pool and a settled engine: in use the pool fills while the models answer, seconds before a run. */
  const ready = async (language: 'python' | 'javascript' | 'go' = 'python', count = 5): Promise<void> => {
    await sandbox.settle();
    await sandbox.warm(language, count);
    await new Promise((r) => setTimeout(r, GAP_MS));
  };
  const one = () => sandbox.run({ language: 'python', code: PROGRAM });
  const fiveAtOnce = () => Promise.all(Array.from({ length: 5 }, one));
  const times = {
    bare: [] as number[],
    cold: [] as number[],
    warm: [] as number[],
    par5: [] as number[],
    jsBare: [] as number[],
    jsWarm: [] as number[],
    goWarm: [] as number[],
  };

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

      await ready();
      times.warm.push(await timed(one));

      await ready();
      times.par5.push(await timed(fiveAtOnce));
      process.stderr.write('.');
    }
    for (let i = 0; i < CPU_ROUNDS; i++) {
      await ready();
      const used = await cpuDuring(fiveAtOnce);
      for (const [role, ms] of used) cpu.set(role, (cpu.get(role) ?? 0) + ms / (5 * CPU_ROUNDS));
    }
    // JavaScript last, in rounds of its own: interleaved, each round's JavaScript refill (a Node
    // container starting) would still be settling in the engine during the next Python samples.
    for (let i = 0; i < ROUNDS; i++) {
      times.jsBare.push(await timed(() => execFileSync(process.execPath, [jsFile])));
      await ready('javascript');
      times.jsWarm.push(await timed(() => sandbox.run({ language: 'javascript', code: JS_PROGRAM })));
    }
    const goImage = OFFLINE_IMAGES.go ?? '';
    const hasGo = await docker
      .getImage(goImage)
      .inspect()
      .then(
        () => true,
        () => false,
      );
    for (let i = 0; hasGo && i < GO_ROUNDS; i++) {
      await ready('go', 1);
      times.goWarm.push(await timed(() => sandbox.run({ language: 'go', code: GO_PROGRAM })));
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
    jsBare: median(times.jsBare),
    jsWarm: median(times.jsWarm),
    goWarm: median(times.goWarm),
  };
  const loadEnd = loadavg()[0] ?? 0;
  console.log(`sandbox benchmark: ${ROUNDS} rounds, medians, image ${IMAGE}, host python ${PYTHON}`);
  // Ratios only mean something on a quiet machine: say how busy this one was.
  console.log(`load average at start ${load.toFixed(1)}, at end ${loadEnd.toFixed(1)}`);
  // Why the parallel ratio cannot go much below cores-bound: five runs need five runs' worth of CPU.
  const perRun = [...cpu.values()].reduce((a, b) => a + b, 0);
  const cores = availableParallelism();
  const floorMs = (5 * perRun) / cores;
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  const x = (v: number): string => `${v.toFixed(2)}x`;
  const ratios = { warmBare: m.warm / m.bare, warmCold: m.warm / m.cold, par5Warm: m.par5 / m.warm };
  const targets = [
    target('warm / bare', round2(ratios.warmBare), '≤ 5x', ratios.warmBare <= 5),
    target('warm / cold', round2(ratios.warmCold), '≤ 0.35x', ratios.warmCold <= 0.35),
    target('5 parallel / one warm', round2(ratios.par5Warm), '≤ 2.5x', ratios.par5Warm <= 2.5),
  ];
  console.log(
    `CPU per run, 5 at once (ms): host ${round2(cpu.get('host') ?? 0)}, engine ${round2(cpu.get('engine') ?? 0)}, ` +
      `program ${round2(cpu.get('program') ?? 0)}; total ${round2(perRun)}, so 5 runs on ${cores} cores need >= ` +
      `${ms(floorMs)}, ${x(floorMs / m.warm)} one warm run`,
  );
  const hasGo = times.goWarm.length > 0;
  if (!hasGo)
    console.log(
      `go: skipped, no image ${OFFLINE_IMAGES.go ?? ''} (npm run sandbox:images builds it where Go is installed)`,
    );
  const medianRows: string[][] = [
    ['bare host subprocess (`python3`)', ms(m.bare)],
    ['cold create + start + wait through dockerode', ms(m.cold)],
    ['warm-pool run', ms(m.warm)],
    ['5 candidates at once through the pool', ms(m.par5)],
    ['JavaScript: bare host `node FILE`', ms(m.jsBare)],
    ['JavaScript: warm-pool run', ms(m.jsWarm)],
    ...(hasGo ? [[`Go: warm-pool run, \`go build\` + run (${GO_ROUNDS} rounds)`, ms(m.goWarm)]] : []),
  ];
  await emitResults({
    name: 'sandbox',
    figures: {
      bareMs: round2(m.bare),
      coldMs: round2(m.cold),
      warmMs: round2(m.warm),
      par5Ms: round2(m.par5),
      jsBareMs: round2(m.jsBare),
      jsWarmMs: round2(m.jsWarm),
      goWarmMs: hasGo ? round2(m.goWarm) : null,
      cpuHostMs: round2(cpu.get('host') ?? 0),
      cpuEngineMs: round2(cpu.get('engine') ?? 0),
      cpuProgramMs: round2(cpu.get('program') ?? 0),
      cpuPerRunMs: round2(perRun),
      cpuFloorPar5Ms: round2(floorMs),
      cpuFloorPar5OverWarm: round2(floorMs / m.warm),
      loadAverageStart: round2(load),
      loadAverageEnd: round2(loadEnd),
    },
    targets,
    notes: { rounds: ROUNDS, cpuRounds: CPU_ROUNDS, image: IMAGE },
    tables: {
      medians: { columns: ['', 'median'], rows: medianRows },
      ratios: {
        columns: ['ratio', 'measured', 'target', ''],
        rows: [
          ...targets.map((t) => [t.what, x(t.value), t.limit, t.met ? 'met' : '**missed**']),
          ['JavaScript warm / bare', x(m.jsWarm / m.jsBare), '(no target)', ''],
        ],
      },
    },
  });
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
