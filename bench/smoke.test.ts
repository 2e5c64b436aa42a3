/**
 * The "bench" suite of `npm test`: every benchmark of package.json (`bench:<name>` running
 * `tsx bench/<name>.ts`) once at its smallest size (QUORUM_BENCH_SMOKE=1), each a test that it
 * exits 0 and writes well-formed figures (bench/results.ts). The full figures come from
 * `npm run bench`; this only proves the benchmarks still run, in about two minutes in all.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resultProblems, type BenchResults } from './results';

const REPO = resolve(__dirname, '..');

/** `bench:<name>` scripts of package.json that run bench/<name>.ts, in their order there. */
function benchmarks(): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return Object.entries(pkg.scripts).flatMap(([script, command]) => {
    const name = /^bench:(.+)$/.exec(script)?.[1];
    return name && command.trim() === `tsx bench/${name}.ts` ? [name] : [];
  });
}

function runSmoke(name: string, outDir: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'bench', `${name}.ts`)], {
      cwd: REPO,
      env: { ...process.env, QUORUM_BENCH_SMOKE: '1', QUORUM_BENCH_RESULTS_DIR: outDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

describe('benchmarks at their smallest size (QUORUM_BENCH_SMOKE=1)', function () {
  let outDir = '';
  const seconds: string[] = [];
  before(() => {
    outDir = mkdtempSync(join(tmpdir(), 'quorum-bench-smoke-'));
  });
  after(() => {
    rmSync(outDir, { recursive: true, force: true });
    if (seconds.length) console.log(`    smoke times: ${seconds.join(', ')}`);
  });

  const names = benchmarks();
  it('package.json lists the benchmarks as bench:<name> → tsx bench/<name>.ts', () => {
    assert.ok(names.length >= 5, `found only ${names.join(', ')}`);
  });

  for (const name of names) {
    it(`bench:${name} runs and writes well-formed figures`, async function () {
      const started = Date.now();
      const { code, output } = await runSmoke(name, outDir);
      seconds.push(`${name} ${((Date.now() - started) / 1000).toFixed(0)} s`);
      assert.equal(code, 0, `bench:${name} exited ${code}; its output:\n${output.slice(-3000)}`);
      const file = join(outDir, `${name}.json`);
      assert.ok(existsSync(file), `bench:${name} wrote no ${name}.json (does it call emitResults?)`);
      const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
      assert.deepEqual(resultProblems(results), []);
      assert.equal(results.name, name);
      assert.equal(results.smoke, true, 'a smoke run must say so in its results');
    });
  }
});
