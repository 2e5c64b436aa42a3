// Runs every test suite in turn, streams its output, and ends with one line: `N passed, N failed`.
// Counts come from mocha's own summary lines; a suite that dies without one counts as one failure.
// Usage: node scripts/runSuites.mjs [suite ...]   (default: all, in order)
import { spawn } from 'node:child_process';

const SUITES = {
  typecheck: ['npm', ['run', '--silent', 'typecheck']],
  lint: ['bash', ['-c', 'npx eslint --max-warnings 0 . && npx prettier --check .']],
  unit: ['npx', ['mocha', '--config', 'test/unit/.mocharc.json']],
  sandbox: ['npx', ['mocha', '--config', 'test/sandbox/.mocharc.json']],
  judge: ['npx', ['mocha', '--config', 'test/judge/.mocharc.json']],
  cli: ['npx', ['mocha', '--config', 'test/cli/.mocharc.json']],
  webview: ['npx', ['mocha', '--config', 'test/webview/.mocharc.json']],
  package: ['bash', ['scripts/checkPackage.sh']],
  integration: ['npx', ['tsx', 'test/integration/runInServer.ts']],
  e2e: ['npx', ['mocha', '--config', 'test/e2e/.mocharc.json']],
  // Not a test: the benchmark figures of the README, printed in every CI log (one check: it must run).
  bench: ['npm', ['run', '--silent', 'bench']],
};

const chosen = process.argv.slice(2);
const names = chosen.length ? chosen : Object.keys(SUITES);
let passed = 0;
let failed = 0;
const rows = [];

for (const name of names) {
  const suite = SUITES[name];
  if (!suite) {
    console.error(`unknown suite ${name}; known: ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n===== ${name} =====`);
  const started = Date.now();
  const { code, output } = await run(...suite);
  const passing = count(output, /(\d+) passing/g);
  const failing = count(output, /(\d+) failing/g);
  let p = passing;
  let f = failing;
  if (passing === 0 && failing === 0) {
    // Not a mocha suite (type check, lint, package check): one check.
    if (code === 0) p = 1;
    else f = 1;
  } else if (code !== 0 && failing === 0) {
    f = 1; // died after its tests: still a failure
  }
  passed += p;
  failed += f;
  rows.push(
    `${name.padEnd(12)} ${String(p).padStart(4)} passed ${String(f).padStart(4)} failed  ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

console.log('\n===== summary =====');
for (const r of rows) console.log(r);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

function count(text, re) {
  let total = 0;
  for (const m of text.matchAll(re)) total += Number(m[1]);
  return total;
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let output = '';
    const take = (chunk, stream) => {
      const s = chunk.toString();
      output += s;
      stream.write(s);
    };
    child.stdout.on('data', (c) => take(c, process.stdout));
    child.stderr.on('data', (c) => take(c, process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
    child.on('error', (error) => resolve({ code: 1, output: String(error) }));
  });
}
