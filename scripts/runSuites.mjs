// Runs every test suite in turn, streams its output, and ends with one line:
// `N passed, N failed, N skipped`. Counts come from mocha's own summary lines; a suite that dies
// without one counts as one failure.
// A skipped test prints `(skipped: REASON)` before it skips; each is listed by name with its reason.
// The bench suite runs every benchmark once at its smallest size (bench/smoke.test.ts): a test that
// it runs and emits well-formed figures. Full figures come from `npm run bench`, not from here.
//
// Each suite declares the set-up it needs (scripts/setup.sh parts): with --setup (what `npm test`
// passes) those parts are set up before the suite's first use and no others, so `npm test -- unit`
// needs no apt, no Docker and no VS Code. The parts the chosen suites need are set up one after
// another in the background while the suites before them run; a suite waits only for its own.
// Usage: node scripts/runSuites.mjs [--setup] [suite ...]   (default: all, in order)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mocha = (dir) => ['npx', ['mocha', '--config', `test/${dir}/.mocharc.json`]];
/**
 * setup.sh parts, in the order they are set up in the background. The build comes before the long
 * VS Code install so that it never overlaps the package suite's own production build.
 */
const PARTS = ['npm', 'docker', 'engines', 'postgres', 'browser', 'build', 'vscode'];
const NPM = ['npm'];
const DOCKER = ['npm', 'docker'];
const BROWSER_SUITE = ['npm', 'docker', 'browser', 'vscode', 'build'];
const SUITES = {
  typecheck: { run: ['npm', ['run', '--silent', 'typecheck']], needs: NPM },
  // The README's benchmark tables are checked against bench/results/*.json here.
  lint: {
    run: [
      'bash',
      [
        '-c',
        'npx eslint --max-warnings 0 . && npx prettier --check . && npx tsx scripts/benchTables.ts --check',
      ],
    ],
    needs: NPM,
  },
  unit: { run: mocha('unit'), needs: NPM },
  sandbox: { run: mocha('sandbox'), needs: ['npm', 'docker', 'engines'] },
  judge: { run: mocha('judge'), needs: DOCKER },
  cli: { run: mocha('cli'), needs: DOCKER },
  mcp: { run: mocha('mcp'), needs: DOCKER },
  server: { run: mocha('server'), needs: [...DOCKER, 'postgres'] },
  webview: { run: mocha('webview'), needs: ['npm', 'browser'] },
  package: { run: ['bash', ['scripts/checkPackage.sh']], needs: NPM },
  integration: { run: ['npx', ['tsx', 'test/integration/runInServer.ts']], needs: BROWSER_SUITE },
  e2e: { run: mocha('e2e'), needs: BROWSER_SUITE },
  // The browser suites again on the current VS Code release (the in-host suite runs both itself).
  'e2e-latest': { run: [...mocha('e2e'), { QUORUM_E2E_VSCODE: 'latest' }], needs: BROWSER_SUITE },
  // Every benchmark once at its smallest size: it runs and its figures are well-formed.
  bench: {
    run: ['npx', ['mocha', '--config', 'bench/.mocharc.json']],
    needs: ['npm', 'docker', 'engines', 'build'],
  },
};
const SUITE_LIMIT_MS = 30 * 60_000;
const LINGER_MS = 90_000;

const args = process.argv.slice(2);
const withSetup = args.includes('--setup');
const chosen = args.filter((a) => a !== '--setup');
const names = chosen.length ? chosen : Object.keys(SUITES);
for (const [name, suite] of Object.entries(SUITES)) {
  const unknown = suite.needs.filter((part) => !PARTS.includes(part));
  if (unknown.length) {
    console.error(
      `suite ${name} needs ${unknown.join(', ')}, which PARTS does not list (scripts/runSuites.mjs)`,
    );
    process.exit(2);
  }
}
for (const name of names) {
  if (!SUITES[name]) {
    console.error(`unknown suite ${name}; known: ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
}
const runStarted = Date.now();
const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];
const skips = [];
const failures = [];
const retried = [];
const setups = withSetup ? startSetups(names) : new Map();

for (const name of names) {
  const suite = SUITES[name];
  const unready = [];
  for (const part of suite.needs) {
    const setup = setups.get(part);
    if (!setup) continue;
    const result = await setup.done;
    if (!result.ok) unready.push(part);
  }
  console.log(`\n===== ${name} =====`);
  if (unready.length) {
    console.log(`not run: set-up of ${unready.join(', ')} failed (see its output above)`);
    totals.failed += 1;
    rows.push(`${name.padEnd(12)} not run: set-up of ${unready.join(', ')} failed`);
    continue;
  }
  const started = Date.now();
  const { code, output } = await run(...suite.run);
  const seconds = `${((Date.now() - started) / 1000).toFixed(0)} s`;
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
  for (const m of output.matchAll(/^\s+\(retried: (.+)\)\s*$/gm)) retried.push(`${name}: ${m[1]}`);
  if (f > 0) failures.push({ name, blocks: failureBlocks(output) });
  totals.passed += p;
  totals.failed += f;
  totals.skipped += s;
  rows.push(
    `${name.padEnd(12)} ${String(p).padStart(4)} passed ${String(f).padStart(4)} failed ${String(s).padStart(3)} skipped  ${seconds}`,
  );
}
// A set-up no chosen suite waited for still ends (and is reported) before the summary.
for (const setup of setups.values()) await setup.done;

console.log('\n===== summary =====');
for (const setup of setups.values()) console.log(setup.row);
for (const r of rows) console.log(r);
if (skips.length) {
  console.log('\nskipped:');
  for (const line of skips) console.log(`  ${line}`);
}
if (retried.length) {
  // Passed on their second attempt (the sandbox suite's one retry): flaky, and named as such.
  console.log('\nretried once (the first attempt failed):');
  for (const line of retried) console.log(`  ${line}`);
}
// The summary is the part of a CI log that is always read: it names each failure and its first
// lines, so a failure far up a long log is never only a count.
if (failures.length) {
  console.log('\nfailed:');
  for (const { name, blocks } of failures) {
    if (!blocks.length) console.log(`  ${name}: (no test named: see the suite's output above)`);
    for (const block of blocks)
      console.log(block.map((l, i) => `  ${i === 0 ? `${name}: ` : '    '}${l}`).join('\n'));
  }
}
console.log(`wall time ${((Date.now() - runStarted) / 60_000).toFixed(1)} min (set-up included)`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 ? 0 : 1);

/**
 * Sets up, one after another in the background, every setup.sh part the chosen suites need, in
 * PARTS order. Each part's output goes to a log, printed when it ends (its tail when it failed),
 * so it never interleaves with a suite's. Returns part -> { done: Promise<{ ok }>, row }.
 */
function startSetups(suiteNames) {
  const needed = new Set(suiteNames.flatMap((n) => SUITES[n].needs));
  const logDir = mkdtempSync(join(tmpdir(), 'quorum-setup-'));
  const setups = new Map();
  let chain = Promise.resolve();
  for (const part of PARTS.filter((p) => needed.has(p))) {
    const entry = { row: '' };
    entry.done = chain.then(async () => {
      // npm comes first: nothing else can be set up without it. Any other failure stops only the
      // suites that need that part.
      if (part !== 'npm' && setups.get('npm')?.ok === false) {
        entry.row = `${`setup ${part}`.padEnd(13)} not run (npm set-up failed)`;
        return { ok: false };
      }
      const log = join(logDir, `${part}.log`);
      const started = Date.now();
      const code = await runQuiet('bash', ['-c', `bash scripts/setup.sh ${part} >${log} 2>&1`]);
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      const text = readFileSync(log, 'utf8');
      entry.ok = code === 0;
      entry.row = `${`setup ${part}`.padEnd(13)} ${entry.ok ? 'ready' : 'FAILED'}  ${seconds} s`;
      const shown = entry.ok
        ? text.split('\n').filter((l) => l.startsWith('[setup]'))
        : text.split('\n').slice(-40);
      console.log(`\n----- setup ${part}: ${entry.ok ? 'ready' : 'FAILED'} in ${seconds} s -----`);
      for (const line of shown) if (line) console.log(line);
      return { ok: entry.ok };
    });
    chain = entry.done;
    setups.set(part, entry);
  }
  void chain.finally(() => rmSync(logDir, { recursive: true, force: true }));
  return setups;
}

function runQuiet(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('close', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
}

function count(text, re) {
  let total = 0;
  for (const m of text.matchAll(re)) total += Number(m[1]);
  return total;
}

/**
 * Each failure a suite printed, as its first lines without the stack: mocha's numbered blocks after
 * `N failing` (`  1) describe` / `       title:` / the error), and the in-host runner's
 * `FAILED: title` blocks. A runner's own kill note counts as one.
 */
function failureBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  const tail = (from) =>
    lines
      .slice(from, from + 14)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('at '))
      .slice(0, 6);
  const failing = lines.findIndex((l) => /^\s*\d+ failing/.test(l));
  for (let i = 0; i < lines.length; i++) {
    if (failing >= 0 && i > failing && /^\s+\d+\) \S/.test(lines[i])) {
      const end = lines.findIndex((l, j) => j > i && /^\s+\d+\) \S/.test(l));
      blocks.push(tail(i).slice(0, end === -1 ? 6 : Math.min(6, end - i)));
    }
    if (/^FAILED: /.test(lines[i]) || /^\[runSuites\] /.test(lines[i])) blocks.push(tail(i));
  }
  return blocks;
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
