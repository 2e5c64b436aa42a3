/**
 * The file through which the in-host `run()` tells a runner outside VS Code how the suite went.
 * Shared by test/integration/index.ts (writer) and the runners (readers).
 */
import { join } from 'node:path';

/** Env var naming the result file; the server passes its environment on to the extension host. */
export const RESULT_FILE_ENV = 'QUORUM_INTEGRATION_RESULT';

/** Env var naming the folder the runner asked VS Code to open, checked by loopCheck.test.ts. */
export const FOLDER_ENV = 'QUORUM_INTEGRATION_FOLDER';

export interface IntegrationTestOutcome {
  readonly title: string;
  readonly state: 'passed' | 'failed' | 'pending';
  readonly durationMs?: number;
  readonly error?: string;
}

export interface IntegrationResult {
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly durationMs: number;
  readonly tests: readonly IntegrationTestOutcome[];
  /** Set when a suite file threw while being loaded, before any test ran. */
  readonly loadError?: string;
}

export function defaultResultFile(repoRoot: string): string {
  return join(repoRoot, '.test-output/integration-result.json');
}

/** A spec-reporter-like transcript of the result, for the runner's console. */
export function formatResult(result: IntegrationResult): string {
  const lines = result.tests.map((t) => {
    const mark = t.state === 'passed' ? 'ok  ' : t.state === 'failed' ? 'FAIL' : 'skip';
    const time = t.durationMs === undefined ? '' : ` (${t.durationMs} ms)`;
    return `  ${mark} ${t.title}${time}`;
  });
  for (const t of result.tests.filter((x) => x.state === 'failed')) {
    lines.push('', `FAILED: ${t.title}`, t.error ?? '(no error)');
  }
  if (result.loadError) lines.push('', `Suite failed to load: ${result.loadError}`);
  lines.push(
    '',
    `${result.passed} passing, ${result.failed} failing, ${result.pending} pending (${result.durationMs} ms)`,
  );
  return lines.join('\n');
}
