/**
 * The heavy half of the core (provider SDKs, dockerode, the judge, the session) is loaded on first
 * use instead of at activation: esbuild leaves dynamically imported modules uninitialised until the
 * import runs, so opening VS Code with Quorum installed does not pay for them.
 */
import type * as Session from '../core/session';
import type * as PipelineBuilder from '../core/pipeline';
import type * as Registry from '../core/providers/registry';
import type * as GatewayClient from './gatewayClient';
import type { ModelConfig } from '../core/types';

export const loadSession = (): Promise<typeof Session> => import('../core/session.js');
/** The one pipeline builder (providers, sandbox, judge), shared with the CLI and the gateway. */
export const loadPipeline = (): Promise<typeof PipelineBuilder> => import('../core/pipeline.js');
/** The client of a Quorum gateway (`quorum.server.url`). */
export const loadGatewayClient = (): Promise<typeof GatewayClient> => import('./gatewayClient.js');
export const loadProviders = (): Promise<typeof Registry> => import('../core/providers/registry.js');

/** Whether a model's kind needs an API key, from the provider registry. */
export async function keyRule(): Promise<(model: ModelConfig) => boolean> {
  const { PROVIDER_REGISTRY } = await loadProviders();
  return (model) => PROVIDER_REGISTRY[model.kind].needsKey;
}
