import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatIssue, parseConfig } from '../core/config';
import type { QuorumConfig } from '../core/config';
import { compatibleEnvVar } from '../core/providers/openaiCompatible';
import { PROVIDER_REGISTRY } from '../core/providers/registry';
import type { ModelConfig } from '../core/types';
import { UsageError } from './io';

export const CONFIG_FILE = 'quorum.config.json';

/** Loads `--config FILE` or ./quorum.config.json; a missing default file means an empty config. */
export function loadConfigFile(
  explicit: string | undefined,
  cwd: string,
): { config: QuorumConfig; path?: string } {
  const path = explicit ? resolve(cwd, explicit) : resolve(cwd, CONFIG_FILE);
  if (!existsSync(path)) {
    if (explicit) throw new UsageError(`config file not found: ${path}`);
    return { config: parseConfig({}).config };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const { config, issues } = parseConfig(raw);
  if (issues.length > 0) {
    throw new UsageError(`${path} has errors:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
  }
  return { config, path };
}

/** A model's key for the CLI: its own QUORUM_<ID>_API_KEY first, then the vendor's variable (OPENAI_API_KEY...). */
export function keyFromEnv(
  model: ModelConfig,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const own = env[compatibleEnvVar(model.id)];
  if (own) return own;
  const vendorVar = PROVIDER_REGISTRY[model.kind].envVar(model);
  return (vendorVar && env[vendorVar]) || undefined;
}
