/**
 * The heavy half of the core (provider SDKs, dockerode, the judge, the session) is loaded on first
 * use instead of at activation: esbuild leaves dynamically imported modules uninitialised until the
 * import runs, so opening VS Code with Quorum installed does not pay for them.
 */
import type * as Session from '../core/session';
import type * as Verdict from '../core/judge/verdict';
import type * as LlmJudge from '../core/judge/llmJudge';
import type * as Registry from '../core/providers/registry';
import type * as Docker from '../core/sandbox/docker';
import type { ModelConfig } from '../core/types';

export const loadSession = (): Promise<typeof Session> => import('../core/session.js');
export const loadJudge = (): Promise<typeof Verdict> => import('../core/judge/verdict.js');
export const loadLlmJudge = (): Promise<typeof LlmJudge> => import('../core/judge/llmJudge.js');
export const loadProviders = (): Promise<typeof Registry> => import('../core/providers/registry.js');
export const loadDockerSandbox = (): Promise<typeof Docker> => import('../core/sandbox/docker.js');

/** Whether a model's kind needs an API key, from the provider registry. */
export async function keyRule(): Promise<(model: ModelConfig) => boolean> {
  const { PROVIDER_REGISTRY } = await loadProviders();
  return (model) => PROVIDER_REGISTRY[model.kind].needsKey;
}
