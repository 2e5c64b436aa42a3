/**
 * The three tools `quorum mcp` offers an agent: run a snippet in the sandbox, ask the configured
 * models (run and judge their answers), and judge given candidates. Each takes the config file fresh
 * (an edit applies to the next call), reports progress through `progress`, and stops everything it
 * started (requests, containers) when `signal` aborts.
 */
import { applyStrategyOverride } from '../core/strategy/override';
import type { AskStrategy } from '../core/strategy/types';
import type { z } from 'zod';
import { runForAgent } from '../core/agentTools';
import type { ASK_MODELS_INPUT, JUDGE_INPUT, RUN_CODE_INPUT } from '../core/agentTools';
import { buildPipeline } from '../core/pipeline';
import type { Pipeline } from '../core/pipeline';
import type { QuorumConfig } from '../core/config';
import { startAsk } from '../core/session';
import type { JudgeInput, RunRecord, SessionEvent, Verdict } from '../core/types';
import type { ConfigTrust } from '../core/configTrust';
import { keyFromEnv, loadConfigFile, withheldKeys } from './configFile';
import type { LoadedConfig } from './configFile';
import { judgeInputTooLarge } from './mcpBudget';
import { verdictJson } from './judge';
import { recordInCliStore, withCliRecords } from './stats';
import type { AllowedEdit } from './mcpRoots';
import { readFileSync } from 'node:fs';
import { createProjectSandbox } from '../core/sandbox/projectRun';
import { DEFAULT_IMAGES } from '../core/sandbox/languages';
import { ProjectError } from '../core/project/projectError';
import type { PreparedEditAsk } from '../core/project/editAsk';

/** Where a tool call reads its config and keys; one per server. */
export interface McpToolContext {
  readonly configPath?: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--trust-config`: vendor keys may go to the addresses the config file names. */
  readonly trustConfig?: boolean;
  /** A line for the server's stderr (stdout carries the protocol). */
  readonly warn: (message: string) => void;
}

/** Reports one step of a call; `total` when the number of steps is known. */
export type Progress = (progress: number, message: string, total?: number) => void;

/** A tool failure the agent should read (bad model id, no Docker...), with what to do about it. */
export class ToolFailure extends Error {
  override readonly name = 'ToolFailure';
}

/** While a run has no step to report, a tick every second keeps the client's timeout from firing. */
function heartbeat(progress: Progress, what: string): () => void {
  const started = Date.now();
  let n = 0;
  const timer = setInterval(() => {
    n += 1;
    progress(n, `${what} (${Math.round((Date.now() - started) / 1000)} s)`);
  }, 1000);
  return () => clearInterval(timer);
}

/** The config file, read fresh for each call, with how far its addresses are trusted with keys. */
function loadFor(ctx: McpToolContext): LoadedConfig {
  return loadConfigFile(ctx.configPath, ctx.cwd, { env: ctx.env, trustConfig: ctx.trustConfig });
}

/** A pipeline that must have a sandbox (run_code, judge): no model is asked, one run needs no warm pool. */
function sandboxPipeline(config: QuorumConfig, trust: ConfigTrust, ctx: McpToolContext): Promise<Pipeline> {
  return buildPipeline({
    config: { ...config, sandbox: { ...config.sandbox, enabled: true, poolSize: 0 } },
    models: [],
    keyFor: (model) => keyFromEnv(model, ctx.env, trust),
    env: ctx.env,
    requireSandbox: true,
    onWarning: ctx.warn,
  });
}

export async function runCode(
  input: z.infer<z.ZodObject<typeof RUN_CODE_INPUT>>,
  ctx: McpToolContext,
  signal: AbortSignal,
  progress: Progress,
): Promise<Record<string, unknown>> {
  const { config, trust } = loadFor(ctx);
  const pipeline = await sandboxPipeline(config, trust, ctx);
  const sandbox = pipeline.sandbox;
  if (!sandbox) throw new ToolFailure('no sandbox'); // requireSandbox: the builder threw instead
  progress(0, `running ${input.language} in ${sandbox.imageFor(input.language)}`);
  const stop = heartbeat(progress, 'running');
  try {
    const result = await sandbox.run({
      language: input.language,
      code: input.code,
      stdin: input.stdin,
      args: input.args,
      limits: input.timeoutSeconds ? { timeoutMs: Math.round(input.timeoutSeconds * 1000) } : undefined,
      signal,
    });
    return runForAgent(result);
  } finally {
    stop();
    await pipeline.dispose();
  }
}

function describeEvent(event: SessionEvent): string | undefined {
  switch (event.type) {
    case 'candidate-done':
      return `${event.candidateId} answered`;
    case 'candidate-failed':
      return `${event.candidateId} failed: ${event.error.message}`;
    case 'run-done':
      return `${event.candidateId} ran: exit ${event.run.exitCode ?? 'killed'}`;
    case 'run-failed':
      return `${event.candidateId} could not run: ${event.error.message}`;
    case 'baseline-done':
      return `baseline: ${Object.keys(event.baseline.tests).length} project tests (${event.baseline.state})`;
    case 'project-evidence':
      return `${event.candidateId} tested: ${
        event.evidence.run
          ? `fixes ${event.evidence.counts.fixed} · breaks ${event.evidence.counts.regressed}`
          : event.evidence.edit.ok
            ? 'not run'
            : 'edit not applied'
      }`;
    case 'judge-started':
      return 'judging';
    case 'tier-started':
      return `${event.tier === undefined ? `round ${event.round}` : `tier ${event.tier}`}: asking ${event.modelIds.join(', ')}`;
    case 'tier-done':
      return `${event.tier === undefined ? `round ${event.round}` : `tier ${event.tier}`}: ${event.why}`;
    default:
      return undefined;
  }
}

export async function askModels(
  input: z.infer<z.ZodObject<typeof ASK_MODELS_INPUT>> & {
    readonly strategy?: AskStrategy;
    readonly budgetUsd?: number;
  },
  ctx: McpToolContext,
  signal: AbortSignal,
  progress: Progress,
  /** An edit ask of this file (checked against the client's roots by the caller). */
  edit?: AllowedEdit,
): Promise<RunRecord> {
  const { config, path, trust } = loadFor(ctx);
  const unknown = input.models?.filter((id) => !config.models.some((m) => m.id === id)) ?? [];
  if (unknown.length)
    throw new ToolFailure(`no model with id ${unknown.join(', ')} in ${path ?? 'quorum.config.json'}`);
  const models = config.models.filter((m) => (input.models ? input.models.includes(m.id) : m.enabled));
  if (!models.length)
    throw new ToolFailure(
      `no enabled model in ${path ?? 'the config'}: add models to quorum.config.json (see the README)`,
    );
  const strategy = applyStrategyOverride(config.strategy, {
    strategy: input.strategy,
    budgetUsd: input.budgetUsd,
  });
  if ('error' in strategy) throw new ToolFailure(strategy.error);
  withheldKeys(models, ctx.env, trust).forEach(ctx.warn);
  const pipeline = await buildPipeline({
    config,
    models,
    keyFor: (m) => keyFromEnv(m, ctx.env, trust),
    env: ctx.env,
    onWarning: ctx.warn,
  });
  if (pipeline.providers.length === 0) {
    await pipeline.dispose();
    throw new ToolFailure(
      `no model can be asked: ${pipeline.missingKeys.join(', ')} need an API key ` +
        "(OPENAI_API_KEY, GROQ_API_KEY or QUORUM_<ID>_API_KEY in the server's environment; " +
        'the vendor keys go to other addresses only with --trust-config or from your own config).',
    );
  }
  const language = input.language ?? config.language;
  const intent = input.intent ?? (edit ? 'fix' : input.context ? 'review' : 'generate');
  const projectSandbox =
    edit?.projectDir && pipeline.sandbox
      ? createProjectSandbox({ dockerHost: config.sandbox.dockerHost, pull: config.sandbox.pull })
      : undefined;
  let prepared: PreparedEditAsk | undefined;
  let context = input.context;
  try {
    if (edit?.projectDir) {
      // Loaded only for an edit ask, as in `quorum ask --file`.
      const { prepareEditAsk } = await import('../core/project/editAsk.js');
      prepared = await prepareEditAsk({
        file: edit.file,
        projectDir: edit.projectDir,
        instruction: input.prompt,
        intent,
        settings: config.project,
        imageFor: (l) => config.sandbox.images[l] ?? DEFAULT_IMAGES[l] ?? 'python:3.12-slim',
        sandbox: projectSandbox,
        noSandboxReason: pipeline.executionDisabled,
        signal,
      });
    } else if (edit) {
      ctx.warn(`${edit.file} is in no project folder inside the client's roots: a snippet ask`);
      context = [input.context, readFileSync(edit.file, 'utf8')].filter(Boolean).join('\n\n');
    }
  } catch (error) {
    await projectSandbox?.dispose();
    await pipeline.dispose();
    if (ProjectError.is(error)) throw new ToolFailure(`${error.message} ${error.advice}`);
    throw error;
  }
  // One step per answer, one per run (when there is a sandbox), one for the verdict; an edit ask
  // adds the baseline and each candidate's project tests.
  const total =
    models.length * (pipeline.sandbox ? 2 : 1) +
    1 +
    (prepared?.project.verifier ? models.length + 1 : 0) +
    // A cascade or budget ask: a start and an end per round, at most one round per model.
    (strategy.settings.strategy === 'all' ? 0 : 2 * models.length);
  let done = 0;
  progress(0, `asking ${models.map((m) => m.id).join(', ')}`, total);
  if (prepared) {
    const p = prepared.project.record;
    progress(
      0,
      `edit ask of ${p.target.path} in ${p.root} (${p.files} files; tests: ${p.test ? `${p.test.runner} via ${p.test.source}` : 'none found'})`,
      total,
    );
  }
  const handle = startAsk(
    prepared
      ? prepared.request
      : {
          instruction: input.prompt,
          context,
          contextFile: edit?.file,
          language,
          intent,
        },
    {
      ...pipeline,
      project: prepared?.project,
      // A cascade's tiers and a budget's choice follow this user's records, as for `quorum ask`.
      strategy: await withCliRecords(strategy.settings, ctx.env),
    },
    (event) => {
      const message = describeEvent(event);
      if (message) progress(Math.min(++done, total), message, total);
    },
  );
  const cancel = (): void => handle.cancel();
  if (signal.aborted) cancel();
  signal.addEventListener('abort', cancel, { once: true });
  let record: RunRecord;
  try {
    record = await handle.done;
  } finally {
    signal.removeEventListener('abort', cancel);
    await projectSandbox?.dispose();
    await pipeline.dispose();
  }
  // In the same per-user records as `quorum ask` (`quorum stats` reads them); a cancelled ask is not.
  await recordInCliStore(record, ctx.env, ctx.cwd, ctx.warn);
  return record;
}

export async function judgeCandidates(
  input: z.infer<z.ZodObject<typeof JUDGE_INPUT>>,
  ctx: McpToolContext,
  signal: AbortSignal,
  progress: Progress,
): Promise<{ verdict: Verdict; json: object }> {
  const ids = input.candidates.map((c) => c.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new ToolFailure(`candidates: duplicate id "${dup}"`);
  const tooLarge = judgeInputTooLarge(input);
  if (tooLarge) throw new ToolFailure(`${tooLarge}: split the candidates or tests over several calls.`);
  const { config, trust } = loadFor(ctx);
  // The same builder as `quorum judge`: judge.model in the config adds the LLM judge.
  const pipeline = await sandboxPipeline(config, trust, ctx);
  if (!pipeline.judge) throw new ToolFailure('no judge'); // requireSandbox: the builder threw instead
  progress(0, `judging ${input.candidates.length} candidate(s)`);
  const stop = heartbeat(progress, 'judging');
  try {
    const judgeInput: JudgeInput = { ...input, tests: input.tests ?? [], signal };
    const verdict = await pipeline.judge.judge(judgeInput);
    return { verdict, json: verdictJson(verdict) };
  } finally {
    stop();
    await pipeline.dispose();
  }
}
