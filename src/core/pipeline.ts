/**
 * The one place a pipeline is built: providers (with their keys), the sandbox, the judge (and the
 * optional LLM judge) from a validated config. Every entry point uses it: the VS Code host, `quorum
 * ask`/`demo`, `quorum judge`, `quorum run`, and the gateway. A caller that keeps a long-lived
 * sandbox (the editor's, with its warm pool) injects it; otherwise the builder makes one, checks
 * the engine, and `dispose` removes it again.
 */
import { sessionSettingsOf } from './config';
import type { QuorumConfig, SandboxSettings } from './config';
import type { StrategySettings } from './strategy/plan';
import { createLlmJudge } from './judge/llmJudge';
import { createIncrementalJudge } from './judge/incremental';
import type { IncrementalJudge } from './judge/incremental';
import { createJudge } from './judge/verdict';
import { PROVIDER_REGISTRY, createProvider } from './providers/registry';
import { pickTestWriter, testWriterConfig } from './judge/writtenTests';
import { createDockerSandbox } from './sandbox/docker';
import type { DockerSandbox } from './sandbox/docker';
import { SandboxError, silentLogger } from './types';
import type { Judge, Language, Limits, Logger, ModelConfig, Provider, PullProgress, Sandbox } from './types';

export interface Pipeline {
  readonly providers: readonly Provider[];
  /** Models left out because their kind needs a key and none was found. */
  readonly missingKeys: readonly string[];
  readonly sandbox?: Sandbox;
  /** Why nothing runs in this pipeline (sandbox turned off, engine not reachable), when nothing does. */
  readonly executionDisabled?: string;
  readonly judge?: Judge & Partial<IncrementalJudge>;
  readonly systemPrompt?: string;
  readonly defaultLanguage?: Language;
  readonly limits: Limits;
  /** The config's ask strategy (src/core/strategy/); an ask may override it. */
  readonly strategy?: StrategySettings;
  /**
   * The ask's model of the cheapest tier, its output bounded, for the judge's one test-writing
   * request when no test comes with the candidates (judge/writtenTests.ts); only with a judge.
   */
  readonly testWriter?: Provider;
  /** Removes the sandbox the builder made (an injected one stays with its owner). */
  dispose(): Promise<void>;
}

export interface PipelineSpec {
  readonly config: QuorumConfig;
  /** The models to ask (empty for `quorum run` / `quorum judge`). */
  readonly models: readonly ModelConfig[];
  /** A model's key: SecretStorage in the editor, the environment for the CLI and the gateway. */
  readonly keyFor: (model: ModelConfig) => string | undefined | Promise<string | undefined>;
  /**
   * The caller's long-lived sandbox (already checked by its owner), or `null` for none. When left
   * out the builder makes one from `config.sandbox` and checks the engine.
   */
  readonly sandbox?: Sandbox | null;
  /** Providers the caller built itself (models only the editor can reach), asked beside `models`. */
  readonly extraProviders?: readonly Provider[];
  /** False: nothing is executed (`--no-run`); the answers are only shown. */
  readonly execute?: boolean;
  /** Where a model named by `judge.model` may also be found (the demo's models, say). */
  readonly judgeModels?: readonly ModelConfig[];
  readonly logger?: Logger;
  /** Something the user should know that does not stop the ask (e.g. Docker is not running). */
  readonly onWarning?: (message: string) => void;
  readonly onPullProgress?: (progress: PullProgress) => void;
  /** Judge once after the last answer instead of as answers arrive (the benchmark's baseline). */
  readonly batchJudge?: boolean;
  /** Throw the engine's `SandboxError` instead of going on without execution (`quorum run`). */
  readonly requireSandbox?: boolean;
  /** The environment the engine's address is read from (DOCKER_HOST ...); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The sandbox for a config's sandbox settings; the host's long-lived one is made here too. */
export function createSandbox(
  settings: SandboxSettings,
  options: Pick<PipelineSpec, 'logger' | 'onPullProgress' | 'env'> = {},
): DockerSandbox {
  return createDockerSandbox({
    env: options.env,
    images: settings.images,
    limits: settings.limits,
    dockerHost: settings.dockerHost,
    engines: settings.engines,
    prepareMax: settings.prepareMax,
    poolSize: settings.poolSize,
    pull: settings.pull,
    logger: options.logger,
    onPullProgress: options.onPullProgress,
  });
}

/** A copy of the config whose `language` runs in `image` (the CLI's `--image`). */
export function withImage(config: QuorumConfig, language: Language, image: string | undefined): QuorumConfig {
  if (!image) return config;
  return {
    ...config,
    sandbox: { ...config.sandbox, images: { ...config.sandbox.images, [language]: image } },
  };
}

export async function buildPipeline(spec: PipelineSpec): Promise<Pipeline> {
  const logger = spec.logger ?? silentLogger;
  const warn = (message: string): void => {
    logger.warn(message);
    spec.onWarning?.(message);
  };
  const { providers, missingKeys } = await providersOf(spec.models, spec.keyFor, logger);
  if (missingKeys.length) warn(`skipped models without an API key: ${missingKeys.join(', ')}`);
  providers.push(...(spec.extraProviders ?? []));

  const { sandbox, owned, executionDisabled } = await sandboxOf(spec, logger);
  if (executionDisabled && spec.execute !== false)
    warn(`${executionDisabled} Answers are shown without execution.`);

  const judge = sandbox ? await judgeOf(spec, sandbox, logger, warn) : undefined;
  const writer = judge ? pickTestWriter(spec.models.filter((m) => !missingKeys.includes(m.id))) : undefined;
  const testWriter = writer
    ? createProvider(testWriterConfig(writer), await spec.keyFor(writer), { logger })
    : undefined;
  return {
    providers,
    missingKeys,
    sandbox,
    executionDisabled,
    judge,
    ...(testWriter ? { testWriter } : {}),
    ...sessionSettingsOf(spec.config),
    dispose: async () => {
      await owned?.dispose();
    },
  };
}

async function providersOf(
  models: readonly ModelConfig[],
  keyFor: PipelineSpec['keyFor'],
  logger: Logger,
): Promise<{ providers: Provider[]; missingKeys: string[] }> {
  const providers: Provider[] = [];
  const missingKeys: string[] = [];
  for (const model of models) {
    const key = await keyFor(model);
    if (key === undefined && PROVIDER_REGISTRY[model.kind].needsKey) missingKeys.push(model.id);
    else providers.push(createProvider(model, key, { logger }));
  }
  return { providers, missingKeys };
}

async function sandboxOf(
  spec: PipelineSpec,
  logger: Logger,
): Promise<{ sandbox?: Sandbox; owned?: Sandbox; executionDisabled?: string }> {
  if (spec.execute === false) return { executionDisabled: 'execution is turned off for this ask.' };
  if (spec.sandbox === null) return { executionDisabled: 'no sandbox is available.' };
  if (spec.sandbox) return { sandbox: spec.sandbox };
  if (!spec.config.sandbox.enabled) {
    return { executionDisabled: 'execution is turned off (sandbox.enabled is false).' };
  }
  const made = createSandbox(spec.config.sandbox, { ...spec, logger });
  try {
    await made.check();
    return { sandbox: made, owned: made };
  } catch (error) {
    await made.dispose();
    if (!SandboxError.is(error) || spec.requireSandbox) throw error;
    return { executionDisabled: `${error.message} ${error.advice}` };
  }
}

/** The deterministic judge, with the LLM judge named by `judge.model` when that model can be asked. */
async function judgeOf(
  spec: PipelineSpec,
  sandbox: Sandbox,
  logger: Logger,
  warn: (message: string) => void,
): Promise<Judge & Partial<IncrementalJudge>> {
  const id = spec.config.judge.model;
  const model = id
    ? [...spec.models, ...(spec.judgeModels ?? []), ...spec.config.models].find((m) => m.id === id)
    : undefined;
  let llmJudge;
  if (id && !model) warn(`judge.model: no model with id "${id}"; judging without it`);
  if (model) {
    const { providers } = await providersOf([model], spec.keyFor, logger);
    if (providers[0]) llmJudge = createLlmJudge(providers[0], logger);
    else warn(`judge.model: "${model.id}" has no API key; judging without it`);
  }
  const options = { sandbox, logger, crossTests: spec.config.judge.crossTests, llmJudge };
  const batch = createJudge(options);
  if (spec.batchJudge) return batch;
  // The session feeds the incremental judge as answers arrive; `judge` stays for callers with all
  // the candidates at once (`quorum judge`, the gateway's /v1/judge).
  const incremental = createIncrementalJudge(options);
  return { judge: (input) => batch.judge(input), begin: (start) => incremental.begin(start) };
}
