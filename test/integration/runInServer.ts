/**
 * Runs the integration suite inside a real VS Code on this machine: builds the bundles, starts
 * the VS Code server, opens the workbench in headless Chromium with Quorum as the development
 * extension and dist/test/integration.js as the tests, then waits for the result file that the
 * in-host `run()` writes. Prints a mocha-style summary and exits non-zero on any failure.
 *
 * Usage: npx tsx test/integration/runInServer.ts
 * Env:   QUORUM_SKIP_BUILD=1 (use the bundles already in dist/), QUORUM_INTEGRATION_TIMEOUT_MS (default 600000), QUORUM_INTEGRATION_GREP (mocha grep),
 *        QUORUM_VSCODE_SERVER_DIR (see scripts/installVscodeServer.sh),
 *        QUORUM_VSCODE_VERSIONS (space-separated: oldest, latest, 1.x.y; default: oldest, plus latest
 *        when scripts/installVscodeServer.sh installed it). Each version runs the whole suite in turn.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  REPO_ROOT,
  TEST_OUTPUT_DIR,
  startVscodeServer,
  vscodeServerDirFor,
  type RunningVscodeServer,
} from '../vscodeServer';
import { openWorkbench, type WorkbenchBrowser } from '../workbenchBrowser';
import { FOLDER_ENV, RESULT_FILE_ENV, formatResult, type IntegrationResult } from './result';
import { prepareWorkspace, testUserSettings } from '../workspaceFixture';

const TIMEOUT_MS = Number(process.env.QUORUM_INTEGRATION_TIMEOUT_MS ?? 600_000);

/** Packs test/fixtures/NAME into a .vsix in `dir`, for the server to install before it starts. */
function packageFixture(name: string, dir: string): string {
  const out = join(dir, `${name}.vsix`);
  execFileSync(
    join(REPO_ROOT, 'node_modules/.bin/vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out],
    { cwd: join(REPO_ROOT, 'test/fixtures', name), stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return out;
}

/** `1.139.1` for ~/.cache/quorum/vscode-server-1.139.1 (through the `latest` symlink too). */
function installedVersion(dir: string): string {
  return /vscode-server-(\d+\.\d+\.\d+)$/.exec(realpathSync(dir))?.[1] ?? '1.100';
}

/** The versions to run: QUORUM_VSCODE_VERSIONS, else the oldest plus the latest when it is installed. */
function versions(): string[] {
  const listed = process.env.QUORUM_VSCODE_VERSIONS?.split(/[\s,]+/).filter(Boolean);
  if (listed?.length) return listed;
  return existsSync(vscodeServerDirFor('latest')) ? ['oldest', 'latest'] : ['oldest'];
}

async function waitForResult(
  server: RunningVscodeServer,
  RESULT_FILE: string,
  OUT: string,
): Promise<IntegrationResult> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (existsSync(RESULT_FILE)) {
      // The writer uses one writeFileSync; a half-written file just fails to parse and is retried.
      try {
        return JSON.parse(readFileSync(RESULT_FILE, 'utf8')) as IntegrationResult;
      } catch {
        // retry
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `No result from the extension host within ${TIMEOUT_MS} ms (server on ${server.origin}). ` +
      `See ${OUT}/server.log, ${OUT}/browser-console.log and ${OUT}/logs/ for why run() never finished.`,
  );
}

async function main(): Promise<number> {
  if (process.env.QUORUM_SKIP_BUILD !== '1') {
    console.log('building bundles (node esbuild.config.mjs)');
    execFileSync(process.execPath, ['esbuild.config.mjs'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const testsBundle = join(REPO_ROOT, 'dist/test/integration.js');
  if (!existsSync(testsBundle)) throw new Error(`${testsBundle} was not built; check esbuild.config.mjs.`);
  let code = 0;
  for (const version of versions()) code = Math.max(code, await runVersion(version, testsBundle));
  return code;
}

/** One whole in-host run on one VS Code version; its output goes to .test-output/integration[-VERSION]. */
async function runVersion(version: string, testsBundle: string): Promise<number> {
  const OUT = join(TEST_OUTPUT_DIR, version === 'oldest' ? 'integration' : `integration-${version}`);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  // Private to this run, so two runs on one machine (or one checkout) never read each other's result.
  const RESULT_FILE = join(mkdtempSync(join(tmpdir(), 'quorum-integration-')), 'result.json');
  const workspace = prepareWorkspace();
  let server: RunningVscodeServer | undefined;
  let browser: WorkbenchBrowser | undefined;
  const cleanUp = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    if (server) {
      // Keep VS Code's own logs (extension host, exthost console) before the user data goes.
      const logs = join(server.userDataDir, 'logs');
      if (existsSync(logs)) cpSync(logs, join(OUT, 'logs'), { recursive: true });
      await server.close();
    }
    workspace.remove();
    if (existsSync(RESULT_FILE)) cpSync(RESULT_FILE, join(OUT, 'result.json'));
    rmSync(dirname(RESULT_FILE), { recursive: true, force: true });
  };
  const onSignal = (): void => void cleanUp().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    server = await startVscodeServer({
      // A test-only extension contributing language models (the payload takes one development path).
      installExtensions: [packageFixture('lmExtension', dirname(RESULT_FILE))],
      userSettings: testUserSettings(),
      env: {
        [RESULT_FILE_ENV]: RESULT_FILE,
        [FOLDER_ENV]: workspace.folder,
        QUORUM_EXPECTED_VSCODE: installedVersion(vscodeServerDirFor(version)),
      },
      logFile: join(OUT, 'server.log'),
      serverDir: vscodeServerDirFor(version),
      developmentPayload: true,
    });
    const url = server.workbenchUrl(workspace.folder, {
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: testsBundle,
    });
    console.log(`VS Code server (${version}) on ${server.origin}; running the suite in the extension host`);
    browser = await openWorkbench(url, { consoleLog: join(OUT, 'browser-console.log') });
    const result = await waitForResult(server, RESULT_FILE, OUT);
    console.log(`VS Code ${version}:`);
    console.log(formatResult(result));
    return result.failed === 0 && !result.loadError ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    console.log('0 passing\n1 failing');
    process.exit(1);
  },
);
