/**
 * Builds the session's dependencies (providers, sandbox, judge) from a validated config.
 * Shared by the CLI and the VS Code host so both run the same pipeline.
 */
import { sessionSettingsOf } from './config';
import type { QuorumConfig } from './config';
import { createLlmJudge } from './judge/llmJudge';
import { createJudge } from './judge/verdict';
import { createProvider } from './providers/registry';
import { createDockerSandbox } from './sandbox/docker';
import { SandboxError, silentLogger } from './types';
import type { Judge, Language, Limits, Logger, ModelConfig, Provider, PullProgress, Sandbox } from './types';

export interface Pipeline {
  readonly providers: readonly Provider[];
  readonly sandbox?: Sandbox;
  readonly judge?: Judge;
  readonly systemPrompt?: string;
  readonly defaultLanguage?: Language;
  readonly limits: Limits;
  dispose(): Promise<void>;
}

export interface PipelineOptions {
  readonly logger?: Logger;
  /** Something the user should know that does not stop the ask (e.g. Docker is not running). */
  readonly onWarning?: (message: string) => void;
  readonly onPullProgress?: (progress: PullProgress) => void;
}

export async function buildPipeline(
  config: QuorumConfig,
  models: readonly ModelConfig[],
  keyFor: (model: ModelConfig) => string | undefined,
  options: PipelineOptions = {},
): Promise<Pipeline> {
  const logger = options.logger ?? silentLogger;
  const providers = models.map((m) => createProvider(m, keyFor(m), { logger }));
  let sandbox: Sandbox | undefined;
  let executionDisabledReason: string | undefined;
  if (!config.sandbox.enabled) {
    executionDisabledReason = 'execution is turned off (sandbox.enabled is false)';
  } else {
    const candidate = createDockerSandbox({
      images: config.sandbox.images,
      limits: config.sandbox.limits,
      dockerHost: config.sandbox.dockerHost,
      poolSize: config.sandbox.poolSize,
      pull: config.sandbox.pull,
      logger,
      onPullProgress: options.onPullProgress,
    });
    try {
      await candidate.check();
      sandbox = candidate;
    } catch (error) {
      await candidate.dispose();
      if (!SandboxError.is(error)) throw error;
      executionDisabledReason = `${error.message} ${error.advice} Answers are shown without execution.`;
    }
  }
  if (executionDisabledReason) options.onWarning?.(executionDisabledReason);
  // The optional LLM judge may be any configured model, enabled for asking or not.
  const judgeModel = config.judge.model ? config.models.find((m) => m.id === config.judge.model) : undefined;
  if (config.judge.model && !judgeModel) {
    options.onWarning?.(`judge.model: no model with id "${config.judge.model}"; judging without it`);
  }
  const llmJudge = judgeModel
    ? createLlmJudge(createProvider(judgeModel, keyFor(judgeModel), { logger }), logger)
    : undefined;
  const judge = sandbox
    ? createJudge({ sandbox, logger, crossTests: config.judge.crossTests, llmJudge })
    : undefined;
  return {
    providers,
    sandbox,
    judge,
    ...sessionSettingsOf(config),
    dispose: async () => {
      await sandbox?.dispose();
    },
  };
}
