/**
 * Engines benchmark (`npm run bench:engines`): a batch of 40 trivial Python runs, all submitted at
 * once, through one engine and through two (the local dockerd and the TLS dockerd in its own
 * network namespace, scripts/startTlsEngine.sh), medians over BENCH_ENGINE_ROUNDS rounds (default
 * 3), interleaved; then one failover batch: 40 runs, the TLS dockerd SIGKILLed after the first 8
 * results, counts of results and of failures naming the engine, time until the router takes the
 * engine back once it is restarted, and containers left on either engine.
 *
 * Both engines run on this same machine and share its cores: two engines add parallel create and
 * run capacity (two dockerd + containerd pipelines), not CPU. Needs the offline images on both
 * engines (setup.sh, or scripts/startTlsEngine.sh). QUORUM_BENCH_SMOKE=1: one round of 8 runs and no
 * failover batch (its engine restart alone takes 10-30 s; the sandbox suite tests failover), see
 * bench/results.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { EngineConfig } from '../src/core/sandbox/docker';
import { createDockerSandbox } from '../src/core/sandbox/docker';
import { LABEL } from '../src/core/sandbox/orphans';
import { SandboxError } from '../src/core/types';
import { OFFLINE_IMAGES } from '../test/sandbox/offlineImages';
import { emitResults, isSmoke } from './results';

const SMOKE = isSmoke();
const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ENGINE_ROUNDS ?? 3);
const BATCH = SMOKE ? 8 : 40;
/** The failover batch loses its TLS engine after this many results. */
const KILL_AFTER = 8;
const CERTS = '/run/quorum-tls-engine/client';
const TLS_HOST = 'tcp://10.231.0.2:2376';
const TLS_FILES = { ca: `${CERTS}/ca.pem`, cert: `${CERTS}/cert.pem`, key: `${CERTS}/key.pem` };
const LOCAL: EngineConfig = { host: 'unix:///var/run/docker.sock', maxConcurrent: 4 };
const REMOTE: EngineConfig = { host: TLS_HOST, tls: TLS_FILES, maxConcurrent: 4 };
const SCRIPT = join(__dirname, '..', 'scripts', 'startTlsEngine.sh');

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

interface Batch {
  ms: number;
  share: Map<string, number>;
}

async function batch(engines: EngineConfig[]): Promise<Batch> {
  const sb = createDockerSandbox({ engines, images: OFFLINE_IMAGES, pull: false, poolSize: 2 });
  try {
    await sb.warm('python'); // each engine's pool at its idle size, as in a session that has run before
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: BATCH }, (_, i) => sb.run({ language: 'python', code: `print(${i})` })),
    );
    const ms = performance.now() - started;
    const share = new Map<string, number>();
    for (const r of results) {
      if (r.stdout !== `${results.indexOf(r)}\n`) throw new Error(`wrong output ${r.stdout}`);
      share.set(r.engine ?? '?', (share.get(r.engine ?? '?') ?? 0) + 1);
    }
    return { ms, share };
  } finally {
    await sb.dispose();
  }
}

async function left(docker: Docker, instance: string): Promise<number> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL.instance}=${instance}`] },
  });
  return list.length;
}

interface Failover {
  readonly ok: number;
  readonly failed: number;
  readonly other: number;
  readonly settledS: number;
  readonly restartS: number;
  readonly takenBackS: number;
  readonly leftLocal: number;
  readonly leftTls: number;
}

async function failover(): Promise<Failover> {
  const sb = createDockerSandbox({
    engines: [LOCAL, REMOTE],
    images: OFFLINE_IMAGES,
    pull: false,
    poolSize: 2,
  });
  let done = 0;
  let ok = 0;
  let failed = 0;
  let other = 0;
  let timings = { settledS: 0, restartS: 0, takenBackS: 0 };
  const started = performance.now();
  try {
    await sb.warm('python');
    await Promise.all(
      Array.from({ length: BATCH }, (_, i) =>
        sb
          .run({ language: 'python', code: `import time\ntime.sleep(0.3)\nprint(${i})` })
          .then(
            (r) => (r.stdout === `${i}\n` ? ok++ : other++),
            (e: unknown) => (SandboxError.is(e) && e.message.includes('10.231.0.2') ? failed++ : other++),
          )
          .finally(() => {
            if (++done === KILL_AFTER) setTimeout(() => execFileSync('bash', [SCRIPT, 'kill']), 150);
          }),
      ),
    );
    const batchMs = performance.now() - started;
    const restart = performance.now();
    execFileSync('bash', [SCRIPT], { stdio: 'ignore' });
    const restarted = performance.now() - restart;
    const back = performance.now();
    while ((await sb.engines()).find((e) => e.engine.includes('10.231.0.2'))?.state !== 'up') {
      await new Promise((r) => setTimeout(r, 250));
    }
    const takenBack = performance.now() - back;
    console.log(
      `failover: ${BATCH} runs, TLS dockerd killed after ${KILL_AFTER} results: ${ok} results, ${failed} failed naming the engine, ` +
        `${other} other, 0 hung (all settled in ${(batchMs / 1000).toFixed(1)} s); dockerd restart ${(restarted / 1000).toFixed(1)} s, ` +
        `then taken back by the router in ${(takenBack / 1000).toFixed(1)} s`,
    );
    timings = { settledS: batchMs / 1000, restartS: restarted / 1000, takenBackS: takenBack / 1000 };
  } finally {
    await sb.dispose();
  }
  const remote = new Docker({ protocol: 'https', host: '10.231.0.2', port: 2376, ...readTls() });
  const leftLocal = await left(new Docker(), sb.instanceId);
  const leftTls = await left(remote, sb.instanceId);
  console.log(`failover: containers left after dispose: local ${leftLocal}, TLS ${leftTls}`);
  return { ok, failed, other, ...timings, leftLocal, leftTls };
}

function readTls(): { ca: Buffer; cert: Buffer; key: Buffer } {
  return {
    ca: readFileSync(TLS_FILES.ca),
    cert: readFileSync(TLS_FILES.cert),
    key: readFileSync(TLS_FILES.key),
  };
}

async function main(): Promise<void> {
  if (!existsSync(TLS_FILES.key)) {
    console.log('bench:engines: no TLS engine (bash scripts/startTlsEngine.sh); nothing measured');
    process.exitCode = 1;
    return;
  }
  execFileSync('bash', [SCRIPT], { stdio: 'ignore' }); // up, whatever ran before
  console.log(
    `engines benchmark: ${BATCH} trivial Python runs submitted at once, ${ROUNDS} rounds, median; ` +
      `both engines on this machine, sharing its ${availableParallelism()} cores`,
  );
  const ways: [string, EngineConfig[]][] = [
    ['one engine (local, 4 at once)', [LOCAL]],
    ['one engine (local, 8 at once)', [{ ...LOCAL, maxConcurrent: 8 }]],
    ['two engines (local 4 + TLS 4)', [LOCAL, REMOTE]],
  ];
  const times = new Map<string, number[]>(ways.map(([name]) => [name, []]));
  const shares = new Map<string, Map<string, number>>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, engines] of ways) {
      const b = await batch(engines);
      times.get(name)?.push(b.ms);
      const total = shares.get(name) ?? new Map<string, number>();
      for (const [e, n] of b.share) total.set(e, (total.get(e) ?? 0) + n);
      shares.set(name, total);
    }
  }
  const base = median(times.get(ways[0][0]) ?? []);
  const labels = ['one engine, 4 at once', 'one engine, 8 at once', 'two engines, 4 + 4 at once'];
  const keys = ['one4', 'one8', 'two4x4'];
  const figures: Record<string, number | null> = {};
  const rows = ways.map(([name], i) => {
    const ms = median(times.get(name) ?? []);
    const share = [...(shares.get(name) ?? new Map<string, number>())]
      .map(
        ([e, n]) =>
          `${e.includes('10.231.0.2') ? 'TLS' : 'local'} ${((100 * n) / (BATCH * ROUNDS)).toFixed(0)}%`,
      )
      .join(', ');
    figures[`${keys[i]}.batchMs`] = Math.round(ms);
    figures[`${keys[i]}.vsFirst`] = Math.round((ms / base) * 100) / 100;
    return [
      labels[i] ?? name,
      `${(ms / 1000).toFixed(2)} s`,
      `${(ms / BATCH).toFixed(0)} ms`,
      `${(ms / base).toFixed(2)}x`,
      share,
    ];
  });
  const f = SMOKE ? undefined : await failover();
  await emitResults({
    name: 'engines',
    figures: {
      ...figures,
      ...(f && {
        'failover.results': f.ok,
        'failover.failedNamingEngine': f.failed,
        'failover.other': f.other,
        'failover.settledS': Math.round(f.settledS * 10) / 10,
        'failover.restartS': Math.round(f.restartS * 10) / 10,
        'failover.takenBackS': Math.round(f.takenBackS * 10) / 10,
        'failover.leftLocal': f.leftLocal,
        'failover.leftTls': f.leftTls,
      }),
    },
    notes: { runsPerBatch: BATCH, rounds: ROUNDS, killedAfter: KILL_AFTER },
    tables: {
      batches: { columns: ['', `${BATCH} runs`, 'per run', 'vs first row', 'share'], rows },
    },
  });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
