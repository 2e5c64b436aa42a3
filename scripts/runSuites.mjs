// Runs every test suite in turn, streams its output, and ends with one line:
// `N passed, N failed, N skipped` (the benchmarks are counted apart: they are not tests).
// Counts come from mocha's own summary lines; a suite that dies without one counts as one failure.
// A skipped test prints `(skipped: REASON)` before it skips; each is listed by name with its reason.
// A benchmark prints `MET` or `MISSED` beside each target; every MISSED line is repeated in the summary.
// Usage: node scripts/runSuites.mjs [suite ...]   (default: all, in order)
import { spawn } from 'node:child_process';

const mocha = (dir) => ['npx', ['mocha', '--config', `test/${dir}/.mocharc.json`]];
const SUITES = {
  typecheck: ['npm', ['run', '--silent', 'typecheck']],
  lint: ['bash', ['-c', 'npx eslint --max-warnings 0 . && npx prettier --check .']],
  unit: mocha('unit'),
  sandbox: mocha('sandbox'),
  judge: mocha('judge'),
  cli: mocha('cli'),
  mcp: mocha('mcp'),
  server: mocha('server'),
  webview: mocha('webview'),
  package: ['bash', ['scripts/checkPackage.sh']],
  integration: ['npx', ['tsx', 'test/integration/runInServer.ts']],
  e2e: mocha('e2e'),
  // The browser suites again on the current VS Code release (the in-host suite runs both itself).
  'e2e-latest': [...mocha('e2e'), { QUORUM_E2E_VSCODE: 'latest' }],
  // Not a test: the benchmark figures of the README, printed in every CI log.
  bench: ['npm', ['run', '--silent', 'bench']],
};
const BENCHMARKS = new Set(['bench']);
const SUITE_LIMIT_MS = 30 * 60_000;
const LINGER_MS = 90_000;

const chosen = process.argv.slice(2);
const names = chosen.length ? chosen : Object.keys(SUITES);
const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];
const skips = [];
const benchLines = [];

for (const name of names) {
  const suite = SUITES[name];
  if (!suite) {
    console.error(`unknown suite ${name}; known: ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n===== ${name} =====`);
  const started = Date.now();
  const { code, output } = await run(...suite);
  const seconds = `${((Date.now() - started) / 1000).toFixed(0)} s`;
  if (BENCHMARKS.has(name)) {
    const met = (output.match(/\bMET\b/g) ?? []).length;
    const missed = output.split('\n').filter((l) => /\bMISSED\b/.test(l));
    benchLines.push(...missed.map((l) => `${name}: ${l.trim()}`));
    if (code !== 0) totals.failed += 1; // a benchmark that cannot run at all is a failure
    rows.push(
      `${name.padEnd(12)} benchmark: ${code === 0 ? 'ran' : 'FAILED to run'}, ${met} targets met, ${missed.length} missed  ${seconds}`,
    );
    continue;
  }
  let p = count(output, /(\d+) passing/g);
  let f = count(output, /(\d+) failing/g);
  const s = count(output, /(\d+) pending/g);
  if (p === 0 && f === 0 && s === 0) {
    // Not a mocha suite (type check, lint, package check): one check.
    if (code === 0) p = 1;
    else f = 1;
  } else if (code !== 0 && f === 0) {
    f = 1; // died after its tests: still a failure
  }
  skips.push(...skipReasons(output).map((r) => `${name}: ${r}`));
  totals.passed += p;
  totals.failed += f;
  totals.skipped += s;
  rows.push(
    `${name.padEnd(12)} ${String(p).padStart(4)} passed ${String(f).padStart(4)} failed ${String(s).padStart(3)} skipped  ${seconds}`,
  );
}

console.log('\n===== summary =====');
for (const r of rows) console.log(r);
if (skips.length) {
  console.log('\nskipped:');
  for (const line of skips) console.log(`  ${line}`);
}
if (benchLines.length) {
  console.log('\nbenchmark targets missed:');
  for (const line of benchLines) console.log(`  ${line}`);
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 ? 0 : 1);

function count(text, re) {
  let total = 0;
  for (const m of text.matchAll(re)) total += Number(m[1]);
  return total;
}

/** The reasons skipped tests printed (`(skipped: ...)`), each with the test's name where it follows. */
function skipReasons(text) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    // The in-host runner names each skipped test on a `skip TITLE` line; its reason is in the title.
    const inHost = /^\s+skip (.+)$/.exec(lines[i]);
    if (inHost) out.push(inHost[1]);
    const m = /\(skipped: (.*)\)\s*$/.exec(lines[i]);
    if (!m) continue;
    const title = lines
      .slice(i + 1, i + 4)
      .map((l) => /^\s+- (.+)$/.exec(l)?.[1])
      .find(Boolean);
    out.push(title ? `${title} — ${m[1]}` : m[1]);
  }
  return out;
}

/**
 * Runs one suite in its own process group. A suite still running SUITE_LIMIT_MS after its start, or
 * LINGER_MS after mocha printed its summary (a test left a server or a stream open), is killed
 * with its children and counts as failed: one stuck suite must not hold the whole run.
 */
function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', ...env },
      detached: true,
    });
    let output = '';
    let lingering;
    const kill = (why) => {
      const note = `\n[runSuites] ${why}: killed\n`;
      output += note;
      process.stdout.write(note);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const limit = setTimeout(
      () => kill(`still running after ${SUITE_LIMIT_MS / 60_000} min`),
      SUITE_LIMIT_MS,
    );
    const take = (chunk, stream) => {
      const s = chunk.toString();
      output += s;
      stream.write(s);
      // Only a plain mocha run ends at its summary (the in-host runner prints one per VS Code).
      if (!lingering && args[0] === 'mocha' && /\d+ passing/.test(output)) {
        lingering = setTimeout(() => kill(`did not exit ${LINGER_MS / 1000} s after its summary`), LINGER_MS);
      }
    };
    child.stdout.on('data', (c) => take(c, process.stdout));
    child.stderr.on('data', (c) => take(c, process.stderr));
    child.on('close', (code) => {
      clearTimeout(limit);
      clearTimeout(lingering);
      resolve({ code: code ?? 1, output });
    });
    child.on('error', (error) => resolve({ code: 1, output: String(error) }));
  });
}
