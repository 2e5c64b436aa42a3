/**
 * `quorum mcp`: Quorum as a Model Context Protocol server over stdio, so agents (VS Code's agent
 * mode, Claude Code, Cursor, Cline) can run code in Quorum's sandbox, ask its models and use its
 * judge. Tools are in ./mcpTools; this file wires them to the official SDK, relays progress and
 * cancellation, and serves the records of the last asks as resources.
 */
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolCallback } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ShapeOutput, ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ProviderError, SandboxError } from '../core/types';
import type { RunRecord } from '../core/types';
import { EXIT, UsageError } from './io';
import { loadConfigFile } from './configFile';
import type { CliIo, Subcommand } from './io';
import { JUDGE_INPUT, MCP_ASK_MODELS_INPUT, RUN_CODE_INPUT, askSummary } from '../core/agentTools';
import { BudgetExceeded, DEFAULT_MCP_LIMITS, SessionBudget, mcpLimitsFrom } from './mcpBudget';
import type { McpLimits, McpToolName } from './mcpBudget';
import { ToolFailure, askModels, judgeCandidates, runCode } from './mcpTools';
import type { McpToolContext, Progress } from './mcpTools';
import { allowEdit } from './mcpRoots';
import type { AllowedEdit, ClientRoot } from './mcpRoots';

export const MCP_HELP = `Usage: quorum mcp [--config FILE]

Serves the Model Context Protocol on standard input/output, for agents and editors:
  tools      run_code (run a snippet in the Docker sandbox), ask_models (ask every configured
             model, run and judge the answers), judge (judge given candidates and tests)
  resources  quorum://runs/last (the last ask's run record), quorum://runs (the last ${10} records)

Options:
  --config FILE   config file (default: ./quorum.config.json, else ~/.config/quorum/config.json),
                  read again on every call
  --trust-config  send vendor keys to the addresses that file names (as for 'quorum ask')
  --tools LIST    only these tools (comma-separated; default all three; env QUORUM_MCP_TOOLS)
  --max-runs N    code-running calls (run_code, judge, ask_models) per session (default ${DEFAULT_MCP_LIMITS.maxRuns};
                  env QUORUM_MCP_MAX_RUNS)
  --max-seconds S their wall time together per session (default ${DEFAULT_MCP_LIMITS.maxSeconds}; env QUORUM_MCP_MAX_SECONDS);
                  a call past either limit is refused, one in flight when the time runs out is stopped
  -h, --help      this help

Keys come from the environment, as for 'quorum ask'. Logs go to standard error.
Every finished ask_models call is added to the model records 'quorum stats' reads (the same file as
'quorum ask': $QUORUM_DATA_DIR, else $XDG_DATA_HOME/quorum, else ~/.local/share/quorum); a cascade or
budget ask orders its models by them. QUORUM_RECORDS=off turns that off.`;

const KEPT_RECORDS = 10;
const ROOTS_TIMEOUT_MS = 10_000;
const VERSION = '0.1.0';

/** Runs `work` inside the session budget, with the budget's signal and the call's progress. */
type Spend = <T>(work: (signal: AbortSignal, progress: Progress) => Promise<T>) => Promise<T>;

type Extra = {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
  sendNotification: (n: {
    method: 'notifications/progress';
    params: { progressToken: string | number; progress: number; total?: number; message?: string };
  }) => Promise<void>;
};

/** Progress notifications for this call, only when the client asked for them with a token. */
function progressOf(extra: Extra): Progress {
  const token = extra._meta?.progressToken;
  if (token === undefined) return () => {};
  let last = -1;
  return (progress, message, total) => {
    // The protocol wants progress to increase; heartbeats and steps share one counter.
    last = Math.max(last + 1, progress);
    void extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress: last, total, message },
      })
      .catch(() => undefined);
  };
}

function result(json: object, text?: string): CallToolResult {
  return {
    content: [{ type: 'text', text: text ?? JSON.stringify(json, null, 2) }],
    structuredContent: json as Record<string, unknown>,
  };
}

/** Failures the agent can act on come back as a tool error with advice; anything else is a bug. */
function failure(error: unknown): CallToolResult {
  let text: string;
  if (SandboxError.is(error) || ProviderError.is(error)) text = `${error.message} ${error.advice}`;
  else if (error instanceof ToolFailure || error instanceof UsageError || error instanceof BudgetExceeded)
    text = error.message;
  else throw error;
  return { content: [{ type: 'text', text }], isError: true };
}

/** `project.root` of the config file, read fresh as every call reads it. */
function loadConfigRoot(ctx: McpToolContext): string | undefined {
  const { config } = loadConfigFile(ctx.configPath, ctx.cwd, { env: ctx.env, trustConfig: ctx.trustConfig });
  return config.project.root;
}

/** Builds the server; `quorum mcp` connects it to stdio, tests may connect it to any transport. */
export function createQuorumMcpServer(
  ctx: McpToolContext,
  limits: McpLimits = DEFAULT_MCP_LIMITS,
): McpServer {
  const server = new McpServer({ name: 'quorum', version: VERSION });
  const records: RunRecord[] = [];

  /** The client's roots, asked fresh per call (they change with the workspace); undefined: no capability. */
  const clientRoots = async (signal: AbortSignal): Promise<readonly ClientRoot[] | undefined> => {
    if (!server.server.getClientCapabilities()?.roots) return undefined;
    try {
      return (await server.server.listRoots(undefined, { signal, timeout: ROOTS_TIMEOUT_MS })).roots;
    } catch (error) {
      throw new ToolFailure(
        `the client did not list its roots (${error instanceof Error ? error.message : String(error)}), ` +
          'so no file can be read: try again, or pass the code as `context` without `file`.',
      );
    }
  };
  const editOf = async (
    file: string,
    project: string | undefined,
    signal: AbortSignal,
  ): Promise<AllowedEdit> => allowEdit({ file, project }, await clientRoots(signal), loadConfigRoot(ctx));
  const budget = new SessionBudget(limits);
  const offered = new Set<string>(limits.tools);

  /**
   * Registers one code-running tool: its call gets progress for the client's token, spends from the
   * session budget through `spend`, and turns failures the agent can act on into tool errors.
   * Honest hints: each runs code (not read-only) in a sandbox that changes nothing outside its own
   * container (not destructive); only ask_models reaches the world (the model vendors).
   */
  const registerRunning = <S extends ZodRawShapeCompat>(
    name: McpToolName,
    meta: { title: string; description: string; inputSchema: S; openWorld: boolean },
    call: (input: ShapeOutput<S>, spend: Spend, signal: AbortSignal) => Promise<CallToolResult>,
  ): void => {
    if (!offered.has(name)) return;
    const callback = async (input: ShapeOutput<S>, extra: Extra): Promise<CallToolResult> => {
      try {
        const progress = progressOf(extra);
        const spend: Spend = (work) => budget.spend(name, extra.signal, (signal) => work(signal, progress));
        return await call(input, spend, extra.signal);
      } catch (error) {
        return failure(error);
      }
    };
    server.registerTool(
      name,
      {
        title: meta.title,
        description: meta.description,
        inputSchema: meta.inputSchema,
        annotations: {
          readOnlyHint: false,
          destructiveHint: false,
          idempotentHint: false,
          openWorldHint: meta.openWorld,
        },
      },
      // ToolCallback<S> is a conditional type TypeScript cannot resolve for a generic S.
      callback as unknown as ToolCallback<S>,
    );
  };

  registerRunning(
    'run_code',
    {
      title: 'Run code in the Quorum sandbox',
      description:
        'Runs one program in a fresh Docker container (no network, read-only root, memory/CPU/time ' +
        'limits) and returns its exit code, stdout and stderr.',
      inputSchema: RUN_CODE_INPUT,
      openWorld: false,
    },
    async (input, spend) => result(await spend((signal, progress) => runCode(input, ctx, signal, progress))),
  );

  registerRunning(
    'ask_models',
    {
      title: 'Ask several models and judge their answers',
      description:
        "Asks every configured model for code, runs each answer in the sandbox and lets Quorum's " +
        'judge pick one. Returns the pick, its code, the reasons and each candidate’s run. With ' +
        '`file` (inside the client’s roots) in a project, an edit ask: each answer is tested against ' +
        'the project’s own tests in a copy of it, and each candidate says "fixes N · breaks M of K ' +
        'project tests" with the test names; the pick comes with its unified diff. Nothing is written.',
      inputSchema: MCP_ASK_MODELS_INPUT,
      openWorld: true,
    },
    async (input, spend, signal) => {
      const edit = input.file ? await editOf(input.file, input.project, signal) : undefined;
      if (!input.file && input.project)
        throw new ToolFailure('project needs file: name the file to change inside the project.');
      const record = await spend((runSignal, progress) => askModels(input, ctx, runSignal, progress, edit));
      records.unshift(record);
      records.splice(KEPT_RECORDS);
      server.sendResourceListChanged();
      return result(askSummary(record));
    },
  );

  registerRunning(
    'judge',
    {
      title: 'Judge candidate programs',
      description:
        'Runs every candidate (and every test against every candidate) in the sandbox and returns ' +
        'the verdict: pick, strategy, confidence, ranking and reasons. Same input as `quorum judge FILE`.',
      inputSchema: JUDGE_INPUT,
      openWorld: false,
    },
    async (input, spend) => {
      const { json } = await spend((signal, progress) => judgeCandidates(input, ctx, signal, progress));
      return result(json);
    },
  );

  const json = (
    uri: URL,
    value: unknown,
  ): { contents: { uri: string; mimeType: string; text: string }[] } => ({
    contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }],
  });
  server.registerResource(
    'last-run',
    'quorum://runs/last',
    {
      title: 'Last Quorum run',
      description: 'The whole run record of the last ask_models call (null before the first).',
      mimeType: 'application/json',
    },
    (uri) => json(uri, records[0] ?? null),
  );
  server.registerResource(
    'runs',
    'quorum://runs',
    {
      title: 'Recent Quorum runs',
      description: `The run records of the last ${KEPT_RECORDS} ask_models calls of this server, newest first.`,
      mimeType: 'application/json',
    },
    (uri) => json(uri, records),
  );
  return server;
}

export const mcpCommand: Subcommand = async (args, io: CliIo) => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      config: { type: 'string' },
      'trust-config': { type: 'boolean' },
      tools: { type: 'string' },
      'max-runs': { type: 'string' },
      'max-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(`${MCP_HELP}\n`);
    return EXIT.ok;
  }
  const ctx: McpToolContext = {
    configPath: values.config,
    cwd: io.cwd,
    env: io.env,
    trustConfig: values['trust-config'],
    warn: (message) => void io.stderr.write(`quorum mcp: ${message}\n`),
  };
  const limits = mcpLimitsFrom(values, io.env);
  const server = createQuorumMcpServer(ctx, limits);
  const transport = new StdioServerTransport(
    io.stdin as NodeJS.ReadableStream & Readable,
    io.stdout as NodeJS.WritableStream & Writable,
  );
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
  });
  // The client ends the session by closing our stdin; calls in flight are cancelled by close().
  io.stdin.once('end', () => void server.close());
  await server.connect(transport);
  io.stderr.write(
    `quorum mcp: serving on stdio (config: ${values.config ?? './quorum.config.json'}; tools ${limits.tools.join(', ') || 'none'}; ` +
      `at most ${limits.maxRuns} runs and ${limits.maxSeconds} s per session)\n`,
  );
  await closed;
  return EXIT.ok;
};
