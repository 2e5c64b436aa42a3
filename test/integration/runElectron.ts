/**
 * Runs the same integration suite as runInServer.ts, but in desktop VS Code through
 * @vscode/test-electron, for machines that can download VS Code (or already have one).
 *
 * Usage: npm run build && npx tsx test/integration/runElectron.ts
 * Env:   QUORUM_VSCODE_EXECUTABLE  a local `code` executable to use instead of downloading
 *        QUORUM_VSCODE_VERSION     the version to download (default 1.100.3, matching the server)
 *        QUORUM_INTEGRATION_GREP   mocha grep
 * Needs a display: on a headless Linux machine run it under `xvfb-run -a`.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT, TEST_OUTPUT_DIR } from '../vscodeServer';
import { prepareWorkspace } from '../workspaceFixture';
import { FOLDER_ENV, RESULT_FILE_ENV, formatResult, type IntegrationResult } from './result';

const OUT = join(TEST_OUTPUT_DIR, 'integration-electron');
// Private to this run, so two runs never read each other's result.
const RESULT_FILE = join(mkdtempSync(join(tmpdir(), 'quorum-integration-')), 'result.json');

async function main(): Promise<number> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const testsBundle = join(REPO_ROOT, 'dist/test/integration.js');
  if (!existsSync(testsBundle)) throw new Error(`${testsBundle} is missing; run npm run build first.`);
  const workspace = prepareWorkspace();
  try {
    const code = await runTests({
      version: process.env.QUORUM_VSCODE_VERSION ?? '1.100.3',
      vscodeExecutablePath: process.env.QUORUM_VSCODE_EXECUTABLE,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: testsBundle,
      extensionTestsEnv: { [RESULT_FILE_ENV]: RESULT_FILE, [FOLDER_ENV]: workspace.folder },
      // Other installed extensions would make the run depend on the machine; trust as in the server run.
      launchArgs: [workspace.folder, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
    }).catch((error: unknown) => {
      // runTests rejects when the suite fails, too: the result file below tells which it was.
      if (!existsSync(RESULT_FILE)) throw error;
      return 1;
    });
    const result = JSON.parse(readFileSync(RESULT_FILE, 'utf8')) as IntegrationResult;
    console.log(formatResult(result));
    return code === 0 && result.failed === 0 ? 0 : 1;
  } finally {
    workspace.remove();
    if (existsSync(RESULT_FILE)) cpSync(RESULT_FILE, join(OUT, 'result.json'));
    rmSync(dirname(RESULT_FILE), { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `${error instanceof Error ? error.message : String(error)}\n` +
        'Could not run desktop VS Code. Without internet, use the server runner instead: npx tsx test/integration/runInServer.ts',
    );
    console.log('0 passing\n1 failing');
    process.exit(1);
  },
);
