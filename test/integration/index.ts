/**
 * The test-electron style entry point: VS Code's extension host calls `run()` when the window is
 * opened with `extensionTestsPath` pointing at the bundle of this file (dist/test/integration.js).
 * It runs mocha over every test/integration/suite/*.test.ts file and writes a JSON result file,
 * because a browser-hosted workbench has no exit code a runner could wait for.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Mocha from 'mocha';
import type { IntegrationResult, IntegrationTestOutcome } from './result';
import { RESULT_FILE_ENV, defaultResultFile } from './result';

/** dist/test/ when bundled, test/integration/ from source: the repo root is two levels up in both. */
const REPO_ROOT = resolve(__dirname, '../..');
const SUITE_DIR = join(REPO_ROOT, 'test/integration/suite');

function suiteNames(): string[] {
  let files: string[] = [];
  try {
    files = readdirSync(SUITE_DIR);
  } catch {
    // no suite yet: only the loop check runs
  }
  return files
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -'.test.ts'.length))
    .sort();
}

/** Evaluates one test file with mocha's globals (describe/it) installed, as `mocha.run` would. */
async function loadFile(mocha: Mocha, file: string, load: () => Promise<unknown>): Promise<void> {
  const { EVENT_FILE_PRE_REQUIRE, EVENT_FILE_REQUIRE, EVENT_FILE_POST_REQUIRE } = Mocha.Suite.constants;
  mocha.suite.emit(EVENT_FILE_PRE_REQUIRE, globalThis, file, mocha);
  const exports = await load();
  mocha.suite.emit(EVENT_FILE_REQUIRE, exports, file, mocha);
  mocha.suite.emit(EVENT_FILE_POST_REQUIRE, globalThis, file, mocha);
}

async function loadSuite(mocha: Mocha): Promise<void> {
  await loadFile(mocha, 'loopCheck.test.ts', () => import('./loopCheck.test.js'));
  for (const name of suiteNames()) {
    // esbuild bundles every file matching this template (./suite/*.test.ts) into the bundle.
    await loadFile(mocha, `suite/${name}.test.ts`, async () => {
      try {
        return (await import(`./suite/${name}.test.ts`)) as unknown;
      } catch (error) {
        if (String(error).includes('not found in bundle') || String(error).includes('Could not resolve')) {
          throw new Error(
            `test/integration/suite/${name}.test.ts is not in the bundle; rebuild with npm run build.`,
          );
        }
        throw error;
      }
    });
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function runMocha(mocha: Mocha): Promise<IntegrationResult> {
  const started = Date.now();
  const tests: IntegrationTestOutcome[] = [];
  return new Promise((done) => {
    const runner = mocha.run(() => {
      const count = (state: IntegrationTestOutcome['state']): number =>
        tests.filter((t) => t.state === state).length;
      done({
        passed: count('passed'),
        failed: count('failed'),
        pending: count('pending'),
        durationMs: Date.now() - started,
        tests,
      });
    });
    const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;
    runner.on(EVENT_TEST_PASS, (test) =>
      tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration }),
    );
    runner.on(EVENT_TEST_PENDING, (test) => tests.push({ title: test.fullTitle(), state: 'pending' }));
    // Hook failures arrive here too ("before all" hook ...), so a broken setup is never silent.
    runner.on(EVENT_TEST_FAIL, (test, error) =>
      tests.push({
        title: test.fullTitle(),
        state: 'failed',
        durationMs: test.duration,
        error: describeError(error),
      }),
    );
  });
}

function writeResult(result: IntegrationResult): void {
  const file = process.env[RESULT_FILE_ENV] ?? defaultResultFile(REPO_ROOT);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(result, null, 2));
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const grep = process.env.QUORUM_INTEGRATION_GREP;
  if (grep) mocha.grep(grep);
  let result: IntegrationResult;
  try {
    await loadSuite(mocha);
    result = await runMocha(mocha);
  } catch (error) {
    result = { passed: 0, failed: 1, pending: 0, durationMs: 0, tests: [], loadError: describeError(error) };
  }
  writeResult(result);
  if (result.loadError) throw new Error(`Loading the integration suite failed: ${result.loadError}`);
  if (result.failed > 0) throw new Error(`${result.failed} integration test(s) failed.`);
}
