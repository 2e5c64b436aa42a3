/** Where a model's API key comes from outside the editor: the environment of the CLI or gateway. */
import { TRUSTED_CONFIG, vendorKeyAllowed } from './configTrust';
import type { ConfigTrust } from './configTrust';
import { compatibleEnvVar } from './providers/openaiCompatible';
import { PROVIDER_REGISTRY } from './providers/registry';
import type { ModelConfig } from './types';

/**
 * A model's key: its own QUORUM_<ID>_API_KEY first, then the vendor's variable (OPENAI_API_KEY...),
 * which goes only where `trust` lets it: the vendor's own host, unless the user vouched for the
 * config (core/configTrust.ts). A config built in code is trusted.
 */
export function keyFromEnv(
  model: ModelConfig,
  env: Readonly<Record<string, string | undefined>>,
  trust: ConfigTrust = TRUSTED_CONFIG,
): string | undefined {
  const own = env[compatibleEnvVar(model.id)];
  if (own) return own;
  const vendorVar = PROVIDER_REGISTRY[model.kind].envVar(model);
  if (!vendorVar || !vendorKeyAllowed(model, trust)) return undefined;
  return env[vendorVar] || undefined;
}
