/**
 * The gateway's own settings: the `server` section of quorum.config.json (everything else in the
 * file is the usual Quorum config) and QUORUM_SERVER_TOKENS. Tokens never appear in responses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { formatIssue, parseConfig } from '../core/config';
import type { QuorumConfig } from '../core/config';
import { UsageError } from '../core/usageError';

export interface ServerSettings {
  /** Bearer tokens accepted; empty: no auth, and the server binds loopback only. */
  readonly tokens: readonly string[];
  /** Asks (and execute/judge calls) running at once. */
  readonly maxConcurrentRuns: number;
  /** Work waiting behind them; one more gets 503 with Retry-After. */
  readonly queueSize: number;
  /** Runs kept in memory; the oldest finished one is evicted first. */
  readonly historySize: number;
  /** Requests per token (per address without tokens) per window; over it: 429 with Retry-After. */
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
  /** SIGTERM: running asks may finish for this long, then they are cancelled. */
  readonly shutdownMs: number;
  /** Comment pings on an idle event stream keep proxies from closing it. */
  readonly pingMs: number;
  /** How long an Idempotency-Key keeps naming the same run. */
  readonly idempotencyMs: number;
  /** Web origins allowed to call (exactly as a browser sends Origin); any other Origin is a 403. */
  readonly allowedOrigins: readonly string[];
}

export const DEFAULT_SETTINGS: ServerSettings = Object.freeze({
  tokens: [],
  maxConcurrentRuns: 2,
  queueSize: 8,
  historySize: 200,
  rateLimit: Object.freeze({ max: 120, windowMs: 60_000 }),
  shutdownMs: 30_000,
  pingMs: 15_000,
  idempotencyMs: 24 * 60 * 60_000,
  allowedOrigins: Object.freeze([]),
});

const serverSchema = z
  .object({
    tokens: z.array(z.string().min(16, 'use at least 16 characters')).optional(),
    maxConcurrentRuns: z.number().int().min(1).max(64).optional(),
    queueSize: z.number().int().min(0).max(10_000).optional(),
    historySize: z.number().int().min(1).max(100_000).optional(),
    rateLimit: z
      .object({ max: z.number().int().min(1), windowMs: z.number().int().min(1000) })
      .strict()
      .optional(),
    shutdownMs: z.number().int().min(0).max(600_000).optional(),
    allowedOrigins: z
      .array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin is scheme://host[:port], no path'))
      .optional(),
  })
  .strict();

/** Tokens from the environment (comma-separated), else from the file. */
export function tokensFrom(
  env: Readonly<Record<string, string | undefined>>,
  fromFile: readonly string[] = [],
): string[] {
  const raw = env.QUORUM_SERVER_TOKENS;
  const listed = raw
    ? raw
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
    : [...fromFile];
  return listed;
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
  };
  return { config, settings, path: existsSync(path) ? path : undefined };
}
