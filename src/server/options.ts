/**
 * The gateway's own settings: the `server` section of quorum.config.json (everything else in the
 * file is the usual Quorum config) and QUORUM_SERVER_TOKENS. Tokens never appear in responses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { formatIssue, parseConfig } from '../core/config';
import type { QuorumConfig } from '../core/config';
import { UsageError } from '../core/usageError';

export interface ServerSettings {
  /** Bearer tokens accepted (plain, or `sha256:<hex>` of the token); empty: no auth, loopback only. */
  readonly tokens: readonly string[];
  /** Tokens that see every token's runs (same forms). */
  readonly adminTokens: readonly string[];
  /**
   * Asks (and execute/judge calls) admitted at once; undefined: sized from the sandbox engines'
   * run capacity (an ask mostly waits on models and holds no sandbox slot then).
   */
  readonly maxConcurrentRuns?: number;
  /** Work waiting behind them; one more gets 429 with Retry-After. Undefined: 4 × the admitted. */
  readonly queueSize?: number;
  /** Model streams open at once per endpoint and key, across all asks. */
  readonly modelStreams: number;
  /** Finished runs kept in the database; the oldest is deleted first. */
  readonly historySize: number;
  /**
   * Where runs, events and records are kept: `sqlite:PATH` (or a path), `postgres://…`, or
   * `:memory:` (SQLite in memory: nothing survives the process).
   */
  readonly database: string;
  /** Per token (per caller): runs started per minute, runs queued or running, USD per day. */
  readonly quota: {
    readonly runsPerMinute?: number;
    readonly concurrentRuns?: number;
    readonly usdPerDay?: number;
  };
  /** Requests per token (per address without tokens) per window; over it: 429 with Retry-After. */
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
  /** SIGTERM: running asks may finish for this long, then they are cancelled. */
  readonly shutdownMs: number;
  /** Comment pings on an idle event stream keep proxies from closing it. */
  readonly pingMs: number;
  /** How long an Idempotency-Key keeps naming the same run. */
  readonly idempotencyMs: number;
  /** The largest POST /v1/runs body (a project archive, base64, included); other bodies: 256 KiB. */
  readonly maxUploadBytes: number;
  /** Web origins allowed to call (exactly as a browser sends Origin); any other Origin is a 403. */
  readonly allowedOrigins: readonly string[];
}

export const DEFAULT_SETTINGS: ServerSettings = Object.freeze({
  tokens: [],
  adminTokens: [],
  modelStreams: 8,
  historySize: 10_000,
  database: ':memory:',
  quota: Object.freeze({}),
  rateLimit: Object.freeze({ max: 120, windowMs: 60_000 }),
  shutdownMs: 30_000,
  pingMs: 15_000,
  idempotencyMs: 24 * 60 * 60_000,
  maxUploadBytes: 20 * 1024 * 1024,
  allowedOrigins: Object.freeze([]),
});

const serverSchema = z
  .object({
    tokens: z.array(z.string()).optional(),
    adminTokens: z.array(z.string()).optional(),
    maxConcurrentRuns: z.number().int().min(1).max(1024).optional(),
    queueSize: z.number().int().min(0).max(10_000).optional(),
    modelStreams: z.number().int().min(1).max(1024).optional(),
    historySize: z.number().int().min(1).max(10_000_000).optional(),
    database: z.string().min(1).optional(),
    quota: z
      .object({
        runsPerMinute: z.number().int().min(1).optional(),
        concurrentRuns: z.number().int().min(1).optional(),
        usdPerDay: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    rateLimit: z
      .object({ max: z.number().int().min(1), windowMs: z.number().int().min(1000) })
      .strict()
      .optional(),
    shutdownMs: z.number().int().min(0).max(600_000).optional(),
    maxUploadBytes: z
      .number()
      .int()
      .min(256 * 1024)
      .max(1024 * 1024 * 1024)
      .optional(),
    allowedOrigins: z
      .array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin is scheme://host[:port], no path'))
      .optional(),
  })
  .strict();

/** Tokens from the environment (comma-separated), else from the file. */
export function tokensFrom(
  env: Readonly<Record<string, string | undefined>>,
  fromFile: readonly string[] = [],
  variable = 'QUORUM_SERVER_TOKENS',
): string[] {
  const raw = env[variable];
  const listed = raw
    ? raw
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
    : [...fromFile];
  const from = raw
    ? variable
    : `the config's server.${variable === 'QUORUM_SERVER_TOKENS' ? 'tokens' : 'adminTokens'}`;
  for (const [i, token] of listed.entries()) {
    if (token.startsWith('sha256:')) {
      if (!/^sha256:[0-9a-f]{64}$/i.test(token))
        throw new UsageError(`token ${i + 1} of ${from} is not sha256:<64 hex digits>.`);
    } else if (token.length < MIN_TOKEN_CHARS) {
      throw new UsageError(
        `token ${i + 1} of ${from} has ${token.length} characters; a gateway token needs at least ${MIN_TOKEN_CHARS} random ones (e.g. \`openssl rand -hex 32\`).`,
      );
    }
  }
  return listed;
}

/** The shortest plain token accepted (issue 26, M6): 32 characters, e.g. 16 random bytes in hex. */
export const MIN_TOKEN_CHARS = 32;

/** The gateway's own data directory: $QUORUM_DATA_DIR, else $XDG_DATA_HOME/quorum, else ~/.local/share/quorum. */
export function dataDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.QUORUM_DATA_DIR) return env.QUORUM_DATA_DIR;
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(base, 'quorum');
}

/**
 * The database: `server.database` (a relative SQLite path is the config file's neighbour), else
 * $QUORUM_DATABASE_URL, else gateway.sqlite in the data directory. `--database` overrides all.
 */
function databaseFrom(
  fromFile: string | undefined,
  configPath: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const chosen = fromFile ?? env.QUORUM_DATABASE_URL;
  if (!chosen) return join(dataDir(env), 'gateway.sqlite');
  if (/^postgres(ql)?:\/\//i.test(chosen) || chosen === ':memory:') return chosen;
  return resolve(dirname(configPath), chosen.replace(/^sqlite:/i, ''));
}

/**
 * Reads `--config FILE` (or ./quorum.config.json): the `server` section for the gateway, the rest
 * through the one config schema. A missing default file is an empty config.
 */
export function loadServeConfig(
  explicit: string | undefined,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): { config: QuorumConfig; settings: ServerSettings; path?: string } {
  const path = resolve(cwd, explicit ?? 'quorum.config.json');
  let raw: Record<string, unknown> = {};
  if (existsSync(path)) {
    try {
      raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
    }
  } else if (explicit) throw new UsageError(`config file not found: ${path}`);
  const { server, ...rest } = raw;
  const { config, issues } = parseConfig(rest);
  const parsed = serverSchema.safeParse(server ?? {});
  const problems = issues.map(formatIssue);
  if (!parsed.success)
    problems.push(...parsed.error.issues.map((i) => `server.${i.path.join('.')}: ${i.message}`));
  if (problems.length)
    throw new UsageError(`${path} has errors:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const s = parsed.success ? parsed.data : {};
  const settings: ServerSettings = {
    ...DEFAULT_SETTINGS,
    ...s,
    rateLimit: s.rateLimit ?? DEFAULT_SETTINGS.rateLimit,
    tokens: tokensFrom(env, s.tokens),
    adminTokens: tokensFrom(env, s.adminTokens, 'QUORUM_SERVER_ADMIN_TOKENS'),
    quota: s.quota ?? DEFAULT_SETTINGS.quota,
    database: databaseFrom(s.database, path, env),
  };
  return { config, settings, path: existsSync(path) ? path : undefined };
}
