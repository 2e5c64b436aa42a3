import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatIssue, parseConfig } from '../core/config';
import type { QuorumConfig } from '../core/config';
import { TRUSTED_CONFIG, endpointOf, vendorKeyAllowed, withheldKeyMessage } from '../core/configTrust';
import type { ConfigTrust } from '../core/configTrust';
import { compatibleEnvVar } from '../core/providers/openaiCompatible';
import { PROVIDER_REGISTRY } from '../core/providers/registry';
import type { ModelConfig } from '../core/types';
import { UsageError } from './io';

export const CONFIG_FILE = 'quorum.config.json';

type Env = Readonly<Record<string, string | undefined>>;

export interface LoadedConfig {
  readonly config: QuorumConfig;
  readonly path?: string;
  /** Whether the file's addresses may receive vendor keys (see core/configTrust.ts). */
  readonly trust: ConfigTrust;
}

/** The user's own config: $QUORUM_CONFIG, else $XDG_CONFIG_HOME/quorum/config.json (~/.config by default). */
export function userConfigPath(env: Env): string {
  if (env.QUORUM_CONFIG) return resolve(env.QUORUM_CONFIG);
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'quorum', 'config.json');
}

function readConfig(path: string): QuorumConfig {
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
  return config;
}

const samePath = (a: string, b: string): boolean => {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
};

/**
 * Loads `--config FILE`, else ./quorum.config.json, else the user's own config; none at all is an
 * empty config. Only the user's own config (or any file with `trustConfig`, the --trust-config flag)
 * is trusted with vendor keys at other addresses; the endpoints it lists are trusted in any file.
 */
export function loadConfigFile(
  explicit: string | undefined,
  cwd: string,
  options: { env?: Env; trustConfig?: boolean } = {},
): LoadedConfig {
  const env = options.env ?? {};
  const userPath = userConfigPath(env);
  const local = explicit ? resolve(cwd, explicit) : resolve(cwd, CONFIG_FILE);
  let path: string | undefined = local;
  if (!existsSync(local)) {
    if (explicit) throw new UsageError(`config file not found: ${local}`);
    path = existsSync(userPath) ? userPath : undefined;
  }
  if (!path) return { config: parseConfig({}).config, trust: TRUSTED_CONFIG };
  return { config: readConfig(path), path, trust: trustOf(path, env, options.trustConfig) };
}

/**
 * How far a config file is trusted with vendor keys: wholly when it is the user's own config or
 * the user passed --trust-config; otherwise only at the endpoints the user's own config lists.
 */
export function trustOf(path: string | undefined, env: Env, trustConfig = false): ConfigTrust {
  if (!path) return TRUSTED_CONFIG;
  const userPath = userConfigPath(env);
  if (trustConfig || samePath(path, userPath)) return { trusted: true, source: path, userEndpoints: [] };
  // A broken user config vouches for nothing (the command that reads it reports its errors).
  let userEndpoints: string[] = [];
  if (existsSync(userPath)) {
    try {
      userEndpoints = readConfig(userPath).models.map(endpointOf);
    } catch {
      userEndpoints = [];
    }
  }
  return { trusted: false, source: path, userEndpoints };
}

/** The key lookup lives in core (the gateway uses it too); re-exported for the CLI's callers. */
export { keyFromEnv } from '../core/apiKeys';

/** One line per model whose vendor key is held back, saying how to send it anyway. */
export function withheldKeys(models: readonly ModelConfig[], env: Env, trust: ConfigTrust): string[] {
  return models.flatMap((model) => {
    const vendorVar = PROVIDER_REGISTRY[model.kind].envVar(model);
    const own = compatibleEnvVar(model.id);
    if (!vendorVar || vendorVar === own || env[own] || !env[vendorVar] || vendorKeyAllowed(model, trust))
      return [];
    return [withheldKeyMessage(model, vendorVar, own, trust)];
  });
}
