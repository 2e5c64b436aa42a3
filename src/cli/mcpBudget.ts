/**
 * What one `quorum mcp` session may spend: an agent that auto-approves tool calls could otherwise
 * run code (and ask paid models) without end. Each call that runs code (run_code, judge, ask_models)
 * takes one run and its wall time from the session's budget; a call is refused once either is spent,
 * and a call in flight is stopped when the time runs out.
 */
import { UsageError } from './io';

/** The tools `quorum mcp` can offer; `--tools` picks a subset. */
export const MCP_TOOLS = ['run_code', 'ask_models', 'judge'] as const;
export type McpToolName = (typeof MCP_TOOLS)[number];

export interface McpLimits {
  /** Code-running calls per session. */
  readonly maxRuns: number;
  /** Wall seconds those calls may take together per session. */
  readonly maxSeconds: number;
  /** The tools offered; the others are not listed and cannot be called. */
  readonly tools: readonly McpToolName[];
}

export const DEFAULT_MCP_LIMITS: McpLimits = Object.freeze({
  maxRuns: 100,
  maxSeconds: 1800,
  tools: MCP_TOOLS,
});

type Env = Readonly<Record<string, string | undefined>>;

function positive(value: string | undefined, what: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${what}: "${value}" is not a positive number`);
  return n;
}

/** Limits from the flags, else QUORUM_MCP_MAX_RUNS / QUORUM_MCP_MAX_SECONDS / QUORUM_MCP_TOOLS, else the defaults. */
export function mcpLimitsFrom(
  flags: { 'max-runs'?: string; 'max-seconds'?: string; tools?: string },
  env: Env,
): McpLimits {
  const maxRuns = positive(
    flags['max-runs'] ?? env.QUORUM_MCP_MAX_RUNS,
    '--max-runs',
    DEFAULT_MCP_LIMITS.maxRuns,
  );
  const maxSeconds = positive(
    flags['max-seconds'] ?? env.QUORUM_MCP_MAX_SECONDS,
    '--max-seconds',
    DEFAULT_MCP_LIMITS.maxSeconds,
  );
  const listed = flags.tools ?? env.QUORUM_MCP_TOOLS;
  let tools: readonly McpToolName[] = MCP_TOOLS;
  if (listed !== undefined) {
    const names = listed
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => !(MCP_TOOLS as readonly string[]).includes(n));
    if (unknown.length)
      throw new UsageError(`--tools: unknown tool ${unknown.join(', ')} (known: ${MCP_TOOLS.join(', ')})`);
    tools = MCP_TOOLS.filter((t) => names.includes(t));
  }
  return { maxRuns: Math.floor(maxRuns), maxSeconds, tools };
}

/** What one `judge` call may bring (L6): beyond it the call is refused before anything runs. */
export const JUDGE_CAPS = Object.freeze({ candidates: 16, tests: 64, bytes: 512 * 1024 });

/** The reason a judge input is over the caps, or undefined when it is within them. */
export function judgeInputTooLarge(input: {
  readonly prompt: string;
  readonly candidates: readonly { readonly code: string }[];
  readonly tests?: readonly { readonly code: string }[];
}): string | undefined {
  const tests = input.tests ?? [];
  if (input.candidates.length > JUDGE_CAPS.candidates)
    return `candidates: ${input.candidates.length} given, at most ${JUDGE_CAPS.candidates} per call`;
  if (tests.length > JUDGE_CAPS.tests)
    return `tests: ${tests.length} given, at most ${JUDGE_CAPS.tests} per call`;
  const bytes = [input.prompt, ...input.candidates.map((c) => c.code), ...tests.map((t) => t.code)].reduce(
    (sum, text) => sum + Buffer.byteLength(text),
    0,
  );
  if (bytes > JUDGE_CAPS.bytes)
    return `the prompt, candidates and tests are ${bytes} bytes together, at most ${JUDGE_CAPS.bytes} per call`;
  return undefined;
}

/** Raised when the session's budget is spent; the agent reads the message as the tool's error. */
export class BudgetExceeded extends Error {
  override readonly name = 'BudgetExceeded';
}

export class SessionBudget {
  private runs = 0;
  private usedMs = 0;

  constructor(private readonly limits: McpLimits) {}

  /**
   * Runs `work` as one code-running call: refused when the session has no run or time left;
   * its signal aborts when the remaining time is used up, and the call then fails with that reason.
   */
  async spend<T>(what: string, signal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { maxRuns, maxSeconds } = this.limits;
    const advice = 'Start a new session, or raise the limit (quorum mcp --max-runs N / --max-seconds S).';
    if (this.runs >= maxRuns)
      throw new BudgetExceeded(`${what} refused: this session used its ${maxRuns} code runs. ${advice}`);
    const leftMs = maxSeconds * 1000 - this.usedMs;
    if (leftMs <= 0)
      throw new BudgetExceeded(
        `${what} refused: this session used its ${maxSeconds} s of run time. ${advice}`,
      );
    this.runs += 1;
    const timer = new AbortController();
    const handle = setTimeout(() => timer.abort(), leftMs);
    const started = Date.now();
    try {
      const result = await work(AbortSignal.any([signal, timer.signal]));
      if (timer.signal.aborted) throw new Error('stopped');
      return result;
    } catch (error) {
      if (timer.signal.aborted && !signal.aborted)
        throw new BudgetExceeded(
          `${what} stopped: this session's ${maxSeconds} s of run time ran out during the call. ${advice}`,
        );
      throw error;
    } finally {
      clearTimeout(handle);
      this.usedMs += Date.now() - started;
    }
  }
}
