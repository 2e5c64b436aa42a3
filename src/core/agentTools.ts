/**
 * What Quorum offers agents, in one place: the input schemas of its tools and the summaries they
 * return. `quorum mcp` (MCP tools run_code / ask_models / judge) and the editor's Language Model
 * Tools (quorum_run_code / quorum_verify) share them, so an agent sees the same fields everywhere;
 * package.json declares the editor tools' JSON Schemas as `agentToolJsonSchema` prints them.
 */
import { strategyLine } from './strategy/override';
import { ASK_STRATEGIES } from './strategy/types';
import { z } from 'zod';
import { INTENTS, LANGUAGES } from './types';
import type { CandidateRecord, RunRecord, RunResult } from './types';
import type { ProjectEvidence, TestRun } from './project/types';

const language = z.enum(LANGUAGES).describe('Language of the code: ' + LANGUAGES.join(', '));

export const RUN_CODE_INPUT = {
  code: z.string().min(1).describe('The whole program to run.'),
  language,
  stdin: z.string().optional().describe('Standard input given to the program.'),
  args: z.array(z.string()).max(64).optional().describe('Command-line arguments of the program.'),
  timeoutSeconds: z.number().positive().max(600).optional().describe('Wall-clock limit (default 10).'),
};

export const ASK_MODELS_INPUT = {
  prompt: z
    .string()
    .min(1)
    .describe('What the models should write, e.g. "a function that parses ISO dates".'),
  language: language.optional().describe('Language to ask for (default: the configured one, else python).'),
  models: z.array(z.string().min(1)).min(1).optional().describe('Ids of configured models to ask.'),
  context: z.string().optional().describe('Existing code sent with the prompt.'),
  intent: z.enum(INTENTS).optional().describe('generate (default), fix, review or tests.'),
};

/**
 * `quorum mcp`'s ask_models: the editor tool's fields plus an edit ask of a file in a project. The
 * editor's quorum_verify keeps ASK_MODELS_INPUT (its editor already knows the open file).
 */
export const MCP_ASK_MODELS_INPUT = {
  ...ASK_MODELS_INPUT,
  file: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Absolute path of a file to change, inside the roots the client shares. In a project (a folder with ' +
        '.git, package.json, pyproject.toml, go.mod or Cargo.toml) this is an edit ask: each answer is the ' +
        "file's new content, applied to a copy of the project and checked against the project's own tests " +
        '(intent defaults to fix). The file itself is never written.',
    ),
  project: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Absolute path of the project folder (default: the nearest one around `file`), inside the roots.',
    ),
  strategy: z
    .enum(ASK_STRATEGIES)
    .optional()
    .describe(
      'Whom to ask: all (every model at once), cascade (local or free models first, cheap cloud, then ' +
        'premium, stopping once the verdict is verified and confident) or budget (only what fits budgetUsd). ' +
        "Default: the config's strategy.",
    ),
  budgetUsd: z
    .number()
    .positive()
    .max(1000)
    .optional()
    .describe('The most this ask may cost, in USD, estimated before asking (implies the budget strategy).'),
};

const entry = z.object({ id: z.string().min(1), model: z.string(), code: z.string() });
/** The same fields `quorum judge FILE` reads (see src/cli/judge.ts). */
export const JUDGE_INPUT = {
  prompt: z.string().describe('The task the candidates answer.'),
  language: z.enum(LANGUAGES),
  candidates: z.array(entry).min(1).describe('Programs to compare: { id, model, code }.'),
  tests: z.array(entry).optional().describe('Test blocks run against every candidate: { id, model, code }.'),
};

export const runCodeInput = z.object(RUN_CODE_INPUT);
export const askModelsInput = z.object(ASK_MODELS_INPUT);
export const mcpAskModelsInput = z.object(MCP_ASK_MODELS_INPUT);
export type RunCodeInput = z.infer<typeof runCodeInput>;
export type AskModelsInput = z.infer<typeof askModelsInput>;

/** The JSON Schema of a tool input, as package.json declares it (draft 2020-12 keywords only). */
export function agentToolJsonSchema(schema: z.ZodObject): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** Checks a tool input against its schema; the error names each bad field. */
export function parseToolInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
  throw new TypeError(`Invalid input: ${problems.join('; ')}`);
}

/** Long outputs are cut for the agent's context; the run record keeps them whole. */
export const clip = (text: string, max = 4000): string =>
  text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text;

/** One run as an agent reads it back. */
export function runForAgent(run: RunResult, max = 4000): Record<string, unknown> {
  const { language, exitCode, durationMs, timedOut, oomKilled, outputTruncated, image } = run;
  return {
    language,
    exitCode,
    stdout: clip(run.stdout, max),
    stderr: clip(run.stderr, max),
    durationMs,
    timedOut,
    oomKilled,
    outputTruncated,
    image,
  };
}

/** "fixes 1 · breaks 0 of 4 project tests", or why a candidate has no such evidence. */
export function projectEvidenceLine(e: ProjectEvidence | undefined, baseline: TestRun | undefined): string {
  if (!e) return 'not tested';
  if (!e.edit.ok) return `edit not applied: ${e.edit.reason} (${e.edit.detail})`;
  if (!e.run) return `edit applied (${e.edit.form}); tests not run`;
  if (e.run.state !== 'ok')
    return `no evidence: test run ${e.run.state}${e.run.detail ? ` (${e.run.detail})` : ''}`;
  if (!baseline || baseline.state !== 'ok') return 'no evidence: the baseline gave none';
  const total = Object.keys(baseline.tests).length;
  return `fixes ${e.counts.fixed} · breaks ${e.counts.regressed} of ${total} project tests${e.counts.stillFailing ? ` · ${e.counts.stillFailing} still failing` : ''}`;
}

/** An edit ask's candidate: its evidence in words and the tests it fixes, breaks and leaves failing. */
function candidateProject(c: CandidateRecord, baseline: TestRun | undefined): Record<string, unknown> {
  const e = c.project;
  return {
    tests: projectEvidenceLine(e, baseline),
    fixed: e?.fixedIds ?? [],
    regressed: e?.regressedIds ?? [],
    stillFailing: e?.outcomes.filter((o) => o.class === 'stillFailing').map((o) => o.id) ?? [],
    editForm: e?.edit.ok ? e.edit.form : undefined,
    touchesTests: e?.touchesTests || undefined,
  };
}

/**
 * What an agent reads back from an ask: the pick and its code first, then each candidate briefly.
 * An edit ask adds the project (its test command, the baseline, the evidence it lacked), per
 * candidate what it fixes and breaks, and the pick's new file text and unified diff.
 */
export function askSummary(record: RunRecord): Record<string, unknown> {
  const verdict = record.verdict;
  const pick = verdict?.pick ? record.candidates.find((c) => c.id === verdict.pick) : undefined;
  const project = record.project;
  const pickEdit = pick?.project?.edit.ok ? pick.project.edit : undefined;
  const baseline = project?.baseline;
  return {
    askId: record.askId,
    cancelled: record.cancelled ?? false,
    shape: project ? 'edit' : 'snippet',
    pick: verdict?.pick ?? null,
    unverified: verdict?.unverified ?? true,
    strategy: verdict?.strategy,
    code: project ? (pickEdit?.newText ?? null) : (pick?.extraction?.main?.code ?? null),
    diff: project ? (pickEdit?.diff ?? null) : undefined,
    reasons: verdict?.reasons ?? [],
    judgeError: record.judgeError?.message,
    // A cascade or budget ask: which tier answered, who was not asked, the estimated USD saved.
    askStrategy: record.strategy
      ? {
          strategy: record.strategy.strategy,
          answeredTier: record.strategy.answeredTier,
          tierCount: record.strategy.tierCount,
          notAsked: record.strategy.skipped.map((s) => s.modelId),
          savedUsd: record.strategy.savedUsd,
          summary: strategyLine(record.strategy),
        }
      : undefined,
    project: project
      ? {
          root: project.root,
          file: project.target.path,
          testCommand: project.test ? `${project.test.argv.join(' ')} (${project.test.source})` : null,
          baseline: baseline
            ? {
                state: baseline.state,
                tests: Object.keys(baseline.tests).length,
                failing: Object.entries(baseline.tests)
                  .filter(([, s]) => s === 'failed' || s === 'error')
                  .map(([id]) => id),
              }
            : null,
          missing: project.missing,
        }
      : undefined,
    candidates: record.candidates.map((c) => ({
      id: c.id,
      model: `${c.model.kind} ${c.model.model}`,
      status: c.status,
      error: c.error ? `${c.error.message} ${c.error.advice}` : undefined,
      ...(project ? { project: candidateProject(c, baseline) } : {}),
      run: c.run ? runForAgent(c.run, 1500) : undefined,
      runError: c.runError ? `${c.runError.message} ${c.runError.advice}` : undefined,
    })),
  };
}
