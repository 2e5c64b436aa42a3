/**
 * What Quorum offers agents, in one place: the input schemas of its tools and the summaries they
 * return. `quorum mcp` (MCP tools run_code / ask_models / judge) and the editor's Language Model
 * Tools (quorum_run_code / quorum_verify) share them, so an agent sees the same fields everywhere;
 * package.json declares the editor tools' JSON Schemas as `agentToolJsonSchema` prints them.
 */
import { z } from 'zod';
import { INTENTS, LANGUAGES } from './types';
import type { RunRecord, RunResult } from './types';

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

/** What an agent reads back from an ask: the pick and its code first, then each candidate briefly. */
export function askSummary(record: RunRecord): Record<string, unknown> {
  const verdict = record.verdict;
  const pick = verdict?.pick ? record.candidates.find((c) => c.id === verdict.pick) : undefined;
  return {
    askId: record.askId,
    cancelled: record.cancelled ?? false,
    pick: verdict?.pick ?? null,
    unverified: verdict?.unverified ?? true,
    code: pick?.extraction?.main?.code ?? null,
    reasons: verdict?.reasons ?? [],
    judgeError: record.judgeError?.message,
    candidates: record.candidates.map((c) => ({
      id: c.id,
      model: `${c.model.kind} ${c.model.model}`,
      status: c.status,
      error: c.error ? `${c.error.message} ${c.error.advice}` : undefined,
      run: c.run ? runForAgent(c.run, 1500) : undefined,
      runError: c.runError ? `${c.runError.message} ${c.runError.advice}` : undefined,
    })),
  };
}
