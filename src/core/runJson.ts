/** One program run as JSON: `quorum run --json`, the gateway's POST /v1/execute and MCP share it. */
import type { RunResult } from './types';

/** Exactly the documented `--json` shape. */
export function runJson(result: RunResult): Record<string, unknown> {
  const { language, exitCode, stdout, stderr, durationMs, timedOut, oomKilled, outputTruncated, image } =
    result;
  const engine = result.engine ?? null;
  return {
    language,
    exitCode,
    stdout,
    stderr,
    durationMs,
    timedOut,
    oomKilled,
    outputTruncated,
    image,
    engine,
  };
}
