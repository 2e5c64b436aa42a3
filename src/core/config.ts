/**
 * The one configuration schema, shared by the CLI's quorum.config.json and the VS Code settings.
 * Bad entries are reported by their path (`models[2].kind: ...`) and left out; the rest still works.
 */
import { z } from 'zod';
import { DEFAULT_LIMITS, LANGUAGES, PROVIDER_KINDS } from './types';
import type { Language, Limits, ModelConfig } from './types';
import type { EngineConfig } from './sandbox/docker';
import { EDITOR_ONLY, editorModelSchema, isEditorModelEntry } from './editorModels';
import { MODEL_FIELDS } from './modelFields';
import type { EditorModelConfig } from './editorModels';
import { DEFAULT_CASCADE_THRESHOLD } from './strategy/plan';
import type { StrategySettings } from './strategy/plan';
import { ASK_STRATEGIES } from './strategy/types';

const modelSchema = z
  .object({
    ...MODEL_FIELDS,
    kind: z.enum(PROVIDER_KINDS),
    baseUrl: z.url().optional(),
  })
  .strict()
  .refine((m) => m.kind !== 'openai-compatible' || m.baseUrl !== undefined, {
    message: 'an openai-compatible model needs a baseUrl',
    path: ['baseUrl'],
  });

const limitsSchema = z
  .object({
    timeoutMs: z.number().int().min(100).max(600_000),
    memoryMiB: z.number().int().min(16).max(65_536),
    cpus: z.number().min(0.1).max(64),
    pids: z.number().int().min(8).max(4096),
    outputBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024),
    tmpfsMiB: z.number().int().min(1).max(4096),
  })
  .strict()
  .partial();

const imagesSchema = z.partialRecord(z.enum(LANGUAGES), z.string().min(1));

/** One engine of `sandbox.engines` (see src/core/sandbox/docker.ts's EngineConfig). */
const engineSchema = z
  .object({
    host: z.string().min(1),
    tls: z
      .object({ ca: z.string().min(1), cert: z.string().min(1), key: z.string().min(1) })
      .strict()
      .optional(),
    maxConcurrent: z.number().int().min(1).max(256).optional(),
    weight: z.number().positive().max(100).optional(),
  })
  .strict();

const sandboxSchema = z
  .object({
    enabled: z.boolean().default(true),
    images: imagesSchema.default({}),
    limits: limitsSchema.default({}),
    dockerHost: z.string().min(1).optional(),
    engines: z.array(engineSchema).default([]),
    poolSize: z.number().int().min(0).max(16).default(2),
    prepareMax: z.number().int().min(0).max(32).default(16),
    pull: z.boolean().default(true),
  })
  .strict();

const judgeSchema = z
  .object({
    crossTests: z.boolean().default(true),
    model: z.string().min(1).optional(),
  })
  .strict();

const projectSchema = z
  .object({
    /** The project folder; default: the nearest folder of the edited file with .git, package.json, ... */
    root: z.string().min(1).optional(),
    /** The project's test command (a shell command), instead of the detected one. */
    testCommand: z.string().min(1).optional(),
    testTimeoutS: z.number().int().min(5).max(1800).default(120),
    /** Image the project's tests run in, instead of the language's sandbox image. */
    image: z.string().min(1).optional(),
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(50 * 1024 * 1024),
    maxFiles: z.number().int().min(1).max(200_000).default(10_000),
    /** Globs (relative to the root) never sent to a model nor into the sandbox. */
    exclude: z.array(z.string().min(1)).default([]),
  })
  .strict();

const cascadeSchema = z
  .object({
    /** The calibrated confidence a verified verdict needs for the cascade to stop at its tier. */
    threshold: z.number().min(0).max(1).default(DEFAULT_CASCADE_THRESHOLD),
  })
  .strict();

const topSchema = z
  .object({
    models: z.array(z.unknown()).default([]),
    systemPrompt: z.string().min(1).optional(),
    language: z.enum(LANGUAGES).optional(),
    sandbox: sandboxSchema.default(sandboxSchema.parse({})),
    judge: judgeSchema.default(judgeSchema.parse({})),
    project: projectSchema.default(projectSchema.parse({})),
    /** Whom an ask asks: every model (`all`), tier by tier (`cascade`), or within `budgetUsd` (`budget`). */
    strategy: z.enum(ASK_STRATEGIES).default('all'),
    cascade: cascadeSchema.default(cascadeSchema.parse({})),
    /** The `budget` strategy's most per ask, in USD (estimated before asking). */
    budgetUsd: z.number().positive().max(1000).optional(),
    /** `quorum serve`'s section; validated by src/server/options.ts, so one file serves both. */
    server: z.unknown().optional(),
  })
  .strict();

export interface ProjectSettings {
  readonly root?: string;
  readonly testCommand?: string;
  readonly testTimeoutS: number;
  readonly image?: string;
  readonly maxBytes: number;
  readonly maxFiles: number;
  readonly exclude: readonly string[];
}

export interface SandboxSettings {
  readonly enabled: boolean;
  readonly images: Partial<Record<Language, string>>;
  readonly limits: Limits;
  readonly dockerHost?: string;
  /** Several engines (the local one, or dockerHost's, when empty). */
  readonly engines: readonly EngineConfig[];
  readonly poolSize: number;
  /** Most containers prepared for one ask (Sandbox.prepareFor). */
  readonly prepareMax: number;
  readonly pull: boolean;
}

export interface QuorumConfig {
  readonly models: readonly ModelConfig[];
  readonly systemPrompt?: string;
  readonly language?: Language;
  readonly sandbox: SandboxSettings;
  readonly judge: { readonly crossTests: boolean; readonly model?: string };
  /** Edit asks in a project: where it is, how its tests run, what is never sent. */
  readonly project: ProjectSettings;
  /** Whom an ask asks (`strategy`, `cascade.threshold`, `budgetUsd`); the session's rounds follow it. */
  readonly strategy: StrategySettings;
  /** `vscode-lm` entries of `models`, kept apart: only the editor can ask them (see ./editorModels). */
  readonly editorModels?: readonly EditorModelConfig[];
}

export interface ParseOptions {
  /** True in the VS Code extension: `vscode-lm` models are accepted (elsewhere they are an issue). */
  readonly editor?: boolean;
}

/** The parts of a config an ask session reads; the CLI and the extension both pass them this way. */
export function sessionSettingsOf(config: QuorumConfig): {
  readonly systemPrompt?: string;
  readonly defaultLanguage?: Language;
  readonly limits: Limits;
  readonly strategy: StrategySettings;
} {
  return {
    systemPrompt: config.systemPrompt,
    defaultLanguage: config.language,
    limits: config.sandbox.limits,
    strategy: config.strategy,
  };
}

export interface ConfigIssue {
  /** Where the problem is, e.g. `models[2].kind`. */
  readonly path: string;
  readonly message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

function pathOf(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  }
  return out;
}

function issuesOf(prefix: string, error: z.ZodError): ConfigIssue[] {
  return error.issues.map((i) => ({ path: pathOf(prefix, i.path), message: i.message }));
}

/** Validates a raw configuration. Valid models are kept even when others are rejected. */
export function parseConfig(
  raw: unknown,
  options: ParseOptions = {},
): { config: QuorumConfig; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const top = topSchema.safeParse(raw ?? {});
  if (!top.success) {
    issues.push(...issuesOf('', top.error));
    // Keep going with defaults plus whatever models parse: a typo elsewhere must not lose the models.
    const modelsOnly = z.object({ models: z.array(z.unknown()) }).safeParse(raw);
    return {
      config: buildConfig(
        topSchema.parse({}),
        modelsOnly.success ? modelsOnly.data.models : [],
        issues,
        options,
      ),
      issues,
    };
  }
  return { config: buildConfig(top.data, top.data.models, issues, options), issues };
}

function buildConfig(
  top: z.infer<typeof topSchema>,
  rawModels: readonly unknown[],
  issues: ConfigIssue[],
  options: ParseOptions,
): QuorumConfig {
  const models: ModelConfig[] = [];
  const editorModels: EditorModelConfig[] = [];
  const seen = new Set<string>();
  rawModels.forEach((entry, index) => {
    if (isEditorModelEntry(entry)) {
      if (!options.editor) return void issues.push({ path: `models[${index}].kind`, message: EDITOR_ONLY });
      const editor = editorModelSchema.safeParse(entry);
      if (!editor.success) return void issues.push(...issuesOf(`models[${index}]`, editor.error));
      if (seen.has(editor.data.id)) {
        return void issues.push({ path: `models[${index}].id`, message: `duplicate id "${editor.data.id}"` });
      }
      seen.add(editor.data.id);
      return void editorModels.push(Object.freeze(editor.data));
    }
    const parsed = modelSchema.safeParse(entry);
    if (!parsed.success) {
      issues.push(...issuesOf(`models[${index}]`, parsed.error));
      return;
    }
    if (seen.has(parsed.data.id)) {
      issues.push({ path: `models[${index}].id`, message: `duplicate id "${parsed.data.id}"` });
      return;
    }
    seen.add(parsed.data.id);
    models.push(Object.freeze(parsed.data));
  });
  const { sandbox, judge } = top;
  let strategy = top.strategy;
  if (strategy === 'budget' && top.budgetUsd === undefined) {
    issues.push({
      path: 'budgetUsd',
      message:
        'the budget strategy needs budgetUsd (the most one ask may cost, in USD, e.g. 0.01); asking as cascade (cheapest tier first) until it is set',
    });
    strategy = 'cascade';
  }
  return Object.freeze({
    models: Object.freeze(models),
    systemPrompt: top.systemPrompt,
    language: top.language,
    sandbox: Object.freeze({
      enabled: sandbox.enabled,
      images: Object.freeze({ ...sandbox.images }),
      limits: Object.freeze({ ...DEFAULT_LIMITS, ...sandbox.limits }),
      dockerHost: sandbox.dockerHost,
      engines: Object.freeze(sandbox.engines.map((e) => Object.freeze({ ...e }))),
      poolSize: sandbox.poolSize,
      prepareMax: sandbox.prepareMax,
      pull: sandbox.pull,
    }),
    judge: Object.freeze({ ...judge }),
    project: Object.freeze({ ...top.project, exclude: Object.freeze([...top.project.exclude]) }),
    editorModels: Object.freeze(editorModels),
    strategy: Object.freeze({ strategy, threshold: top.cascade.threshold, budgetUsd: top.budgetUsd }),
  });
}
