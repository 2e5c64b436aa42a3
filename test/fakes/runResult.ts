import type { RunResult } from '../../src/core/types';

/** A sandbox run as a test input: a clean exit unless the test says otherwise. */
export function runResult(overrides: Partial<RunResult> = {}): RunResult {
  return {
    language: 'python',
    image: 'img',
    exitCode: 0,
    stdout: '',
    stderr: '',
    durationMs: 1,
    timedOut: false,
    oomKilled: false,
    outputTruncated: false,
    limitsHit: [],
    ...overrides,
  };
}
