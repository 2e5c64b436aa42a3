/** `quorum ask`: the whole pipeline from a terminal, for code review and CI. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startAsk } from '../core/session';
import { buildPipeline, withImage } from '../core/pipeline';
import { INTENTS, LANGUAGES, isIntent, isLanguage } from '../core/types';
import type { AskRequest, ModelConfig, RunRecord } from '../core/types';
import type { QuorumConfig } from '../core/config';
import { keyFromEnv, loadConfigFile, withheldKeys } from './configFile';
import { EXIT, UsageError, readAll } from './io';
import type { CliIo, Subcommand } from './io';
import { renderMarkdown, renderText } from './report';
import { attachProgress, pullProgressPrinter } from './progress';
import { remoteAsk } from './remoteAsk';
import { recordAsk, withCliRecords } from './stats';
import { ProjectError } from '../core/project/projectError';
import { createProjectSandbox } from '../core/sandbox/projectRun';
import { DEFAULT_IMAGES } from '../core/sandbox/languages';
import { applyStrategyOverride } from '../core/strategy/override';
import type { StrategySettings } from '../core/strategy/plan';
import type { AskStrategy } from '../core/strategy/types';

export const ASK_HELP = `Usage: quorum ask "PROMPT" [options]

Sends PROMPT (plus optional code context) to every enabled model, runs each answer in the
Docker sandbox, and prints the candidates and the judge's verdict.

Options:
  --models ID,ID        only these model ids from the config
  --lang LANG           ${LANGUAGES.join(' | ')} (default: python)
  --intent INTENT       ${INTENTS.join(' | ')} (default: generate, or review with --file)
  --file FILE[:A-B] | - code context from a file (lines A-B of it), or - for stdin; a file
                        inside a project makes an edit ask: each answer is applied to a copy
                        of the project and checked against the project's own tests
  --project DIR         the project folder (default: nearest with .git, package.json, ...);
                        with --server, the folder is uploaded (tar.gz) for an edit ask there
  --no-project          a snippet ask even for a file inside a project
  --config FILE         config file (default: ./quorum.config.json, else ~/.config/quorum/config.json)
  --trust-config        send vendor keys to the addresses the config names (see below)
  --image IMAGE         sandbox image for the ask's language
  --no-run              do not execute anything
  --strategy STRATEGY   all (every model at once) | cascade (tier by tier: local or free, cheap
                        cloud, premium; stops when the verdict is verified and confident) |
                        budget (only what fits --budget-usd); default: the config's strategy
  --budget-usd N        the most this ask may cost, in USD (estimated; implies budget)
  --threshold X         cascade: the confidence (0-1) a verified verdict needs to stop
  --server URL          run the ask on a gateway (quorum serve); token from QUORUM_SERVER_TOKEN
  --json                print the whole run record as one JSON document
  --format FORMAT       text (default) | markdown (a pull-request comment)
  -h, --help            this help

Keys come from the environment: OPENAI_API_KEY, GROQ_API_KEY, QUORUM_<ID>_API_KEY.
OPENAI_API_KEY / GROQ_API_KEY go only to api.openai.com / api.groq.com unless the model is in your
own config (~/.config/quorum/config.json or $QUORUM_CONFIG) or you pass --trust-config: a
quorum.config.json in the current folder comes with the repository and is not trusted with them.
Exit codes: 0 ok, 1 nothing usable, 2 bad usage.`;

export interface AskOptions {
  readonly request: AskRequest;
  readonly models: readonly ModelConfig[];
  readonly config: QuorumConfig;
  readonly keyFor: (model: ModelConfig) => string | undefined;
  readonly execute: boolean;
  readonly image?: string;
  readonly format: 'text' | 'markdown' | 'json';
  readonly demo?: boolean;
  /** The ask's strategy; default the config's. */
  readonly strategy?: StrategySettings;
  /** `--file` inside a project: an edit ask of that file (or of lines of it). */
  readonly edit?: {
    readonly file: string;
    readonly range?: { readonly startLine: number; readonly endLine: number };
    readonly projectDir?: string;
  };
}

/** Runs one ask and prints it; shared by `ask` and `demo`. Returns the exit code. */
export async function executeAsk(options: AskOptions, io: CliIo): Promise<number> {
  const language = options.request.language ?? options.config.language ?? 'python';
  const pipeline = await buildPipeline({
    config: withImage(options.config, language, options.image),
    models: options.models,
    keyFor: options.keyFor,
    execute: options.execute,
    onWarning: (message) => io.stderr.write(`quorum: ${message}\n`),
    onPullProgress: pullProgressPrinter(io),
  });
  if (pipeline.providers.length === 0) {
    await pipeline.dispose();
    io.stderr.write(
      `quorum ask: no model can be asked: ${pipeline.missingKeys.join(', ')} need an API key.\n` +
        'Export OPENAI_API_KEY / GROQ_API_KEY / QUORUM_<ID>_API_KEY, or try `quorum demo`.\n',
    );
    return EXIT.failed;
  }
  const projectSandbox =
    options.edit && pipeline.sandbox
      ? createProjectSandbox({
          dockerHost: options.config.sandbox.dockerHost,
          pull: options.config.sandbox.pull,
          onPullProgress: pullProgressPrinter(io),
        })
      : undefined;
  let handle;
  try {
    // Loaded only for an edit ask: a snippet ask never pays for project mode's modules.
    const prepared = options.edit
      ? await (
          await import('../core/project/editAsk.js')
        ).prepareEditAsk({
          file: options.edit.file,
          range: options.edit.range,
          projectDir: options.edit.projectDir,
          instruction: options.request.instruction,
          intent: options.request.intent,
          settings: options.config.project,
          imageFor: (l) =>
            (l === language ? options.image : undefined) ??
            options.config.sandbox.images[l] ??
            DEFAULT_IMAGES[l] ??
            'python:3.12-slim',
          sandbox: projectSandbox,
          noSandboxReason: pipeline.executionDisabled,
        })
      : undefined;
    if (options.edit && !prepared)
      io.stderr.write(
        `quorum: ${options.edit.file} is in no project folder: a snippet ask (--project DIR makes it an edit ask)\n`,
      );
    if (prepared) {
      const p = prepared.project.record;
      io.stderr.write(
        `quorum: edit ask of ${p.target.path} in ${p.root} (${p.language}, ${p.files} files, snapshot ${p.timings.snapshotMs} ms; tests: ${p.test ? `${p.test.runner} via ${p.test.source}` : 'none found'})\n`,
      );
    }
    handle = startAsk(
      prepared ? prepared.request : { ...options.request, language },
      {
        ...pipeline,
        demo: options.demo,
        project: prepared?.project,
        strategy: await withCliRecords(options.strategy ?? pipeline.strategy, io.env),
      },
      attachProgress(io),
    );
  } catch (error) {
    await projectSandbox?.dispose();
    await pipeline.dispose();
    if (ProjectError.is(error)) {
      io.stderr.write(`quorum ask: ${error.message}\n  ${error.advice}\n`);
      return error.reason === 'outside-project' ? EXIT.usage : EXIT.failed;
    }
    throw error;
  }
  const cancel = (): void => handle.cancel();
  process.once('SIGINT', cancel);
  let record: RunRecord;
  try {
    record = await handle.done;
  } finally {
    process.off('SIGINT', cancel);
    await projectSandbox?.dispose();
    await pipeline.dispose();
  }
  await recordAsk(record, io);
  if (options.format === 'json') io.stdout.write(JSON.stringify(record, null, 2) + '\n');
  else io.stdout.write(options.format === 'markdown' ? renderMarkdown(record) : renderText(record));
  const usable = record.candidates.some((c) => c.extraction?.main);
  return usable ? EXIT.ok : EXIT.failed;
}

export const askCommand: Subcommand = async (args, io) => {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      models: { type: 'string' },
      lang: { type: 'string' },
      intent: { type: 'string' },
      file: { type: 'string' },
      config: { type: 'string' },
      'trust-config': { type: 'boolean' },
      image: { type: 'string' },
      'no-run': { type: 'boolean' },
      project: { type: 'string' },
      'no-project': { type: 'boolean' },
      json: { type: 'boolean' },
      format: { type: 'string' },
      server: { type: 'string' },
      strategy: { type: 'string' },
      'budget-usd': { type: 'string' },
      threshold: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(ASK_HELP + '\n');
    return EXIT.ok;
  }
  const instruction = positionals.join(' ').trim();
  if (!instruction && !values.file) throw new UsageError('a PROMPT or --file is required');
  if (values.lang !== undefined && !isLanguage(values.lang))
    throw new UsageError(`--lang: unknown language "${values.lang}"`);
  if (values.intent !== undefined && !isIntent(values.intent))
    throw new UsageError(`--intent: expected one of ${INTENTS.join(', ')}`);
  if (values.format !== undefined && values.format !== 'text' && values.format !== 'markdown')
    throw new UsageError('--format: expected text or markdown');
  if (values.json && values.format) throw new UsageError('--json and --format are exclusive');
  const override = {
    strategy: values.strategy,
    budgetUsd: numberFlag(values['budget-usd']),
    threshold: numberFlag(values.threshold),
  };
  const names = { strategy: '--strategy', budgetUsd: '--budget-usd', threshold: '--threshold' };
  if (values.server) {
    if (values.image || values.config)
      throw new UsageError("--image and --config are the server's with --server");
    if (values.threshold) throw new UsageError("--threshold is the server's with --server");
    // The server's config decides the rest (a budget strategy without a budget is its 400).
    const remote = applyStrategyOverride(
      { strategy: 'all' },
      { ...override, strategy: override.strategy ?? 'all' },
      names,
    );
    if ('error' in remote && remote.field !== 'budgetUsd') throw new UsageError(remote.error);
    return remoteAsk(
      {
        server: values.server,
        request: {
          instruction,
          language: values.lang,
          intent: values.intent ?? (values.file ? 'review' : 'generate'),
        },
        file: values.file,
        models: values.models
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        execute: !values['no-run'],
        strategy: values.strategy as AskStrategy | undefined,
        budgetUsd: override.budgetUsd,
        format: values.json ? 'json' : (values.format ?? 'text'),
        project: remoteProject(values),
      },
      io,
    );
  }

  const { config, path, trust } = loadConfigFile(values.config, io.cwd, {
    env: io.env,
    trustConfig: values['trust-config'],
  });
  const wanted = values.models
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = wanted?.filter((id) => !config.models.some((m) => m.id === id)) ?? [];
  if (unknown.length)
    throw new UsageError(`--models: no model with id ${unknown.join(', ')} in ${path ?? 'the config'}`);
  const models = config.models.filter((m) => (wanted ? wanted.includes(m.id) : m.enabled));
  if (models.length === 0) {
    throw new UsageError(
      path
        ? `no enabled model in ${path}`
        : 'no models configured: create quorum.config.json (see README) or try `quorum demo`',
    );
  }
  const chosen = applyStrategyOverride(config.strategy, override, names);
  if ('error' in chosen) throw new UsageError(chosen.error);
  for (const line of withheldKeys(models, io.env, trust)) io.stderr.write(`quorum: ${line}\n`);
  const fileArg = values.file && values.file !== '-' ? parseFileArg(values.file) : undefined;
  if (values.project && !fileArg) throw new UsageError('--project needs --file FILE');
  if (values.project && values['no-project'])
    throw new UsageError('--project and --no-project are exclusive');
  const context =
    values.file === '-' ? await readAll(io.stdin) : fileArg ? readFileSync(fileArg.file, 'utf8') : undefined;
  const request: AskRequest = {
    instruction,
    context,
    contextFile: fileArg?.file,
    language: values.lang,
    intent: values.intent ?? (context ? 'review' : 'generate'),
  };
  return executeAsk(
    {
      request,
      models,
      config,
      keyFor: (m) => keyFromEnv(m, io.env, trust),
      execute: !values['no-run'],
      strategy: chosen.settings,
      image: values.image,
      format: values.json ? 'json' : (values.format ?? 'text'),
      edit:
        fileArg && !values['no-project']
          ? {
              file: resolve(io.cwd, fileArg.file),
              range: fileArg.range,
              projectDir: values.project && resolve(io.cwd, values.project),
            }
          : undefined,
    },
    io,
  );
};

/** A number flag's value; NaN (rejected by the strategy's checks) when it is not one. */
function numberFlag(value: string | undefined): number | undefined {
  return value === undefined ? undefined : value.trim() === '' ? Number.NaN : Number(value);
}

/** `--file F --project DIR` with `--server`: the project the gateway is sent (explicit only). */
function remoteProject(values: {
  file?: string;
  project?: string;
  'no-project'?: boolean;
}): { dir: string; file: string; range?: { startLine: number; endLine: number } } | undefined {
  if (!values.project) return undefined;
  if (values['no-project']) throw new UsageError('--project and --no-project are exclusive');
  if (!values.file || values.file === '-') throw new UsageError('--project needs --file FILE');
  const { file, range } = parseFileArg(values.file);
  return { dir: values.project, file, range };
}

/** `FILE` or `FILE:A-B` (1-based inclusive lines). */
export function parseFileArg(value: string): {
  file: string;
  range?: { startLine: number; endLine: number };
} {
  const m = /^(.*):(\d+)-(\d+)$/.exec(value);
  if (!m?.[1]) return { file: value };
  const startLine = Number(m[2]);
  const endLine = Number(m[3]);
  if (startLine < 1 || endLine < startLine)
    throw new UsageError(`--file ${value}: expected lines A-B with 1 <= A <= B`);
  return { file: m[1], range: { startLine, endLine } };
}
