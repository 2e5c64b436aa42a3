/** `quorum serve`: the verification gateway over HTTP (see src/server/ and the README's Gateway section). */
import { parseArgs } from 'node:util';
import type { Logger } from '../core/types';
import { isLoopbackHost } from '../server/auth';
import { loadServeConfig } from '../server/options';
import { startServer } from '../server/server';
import { trustOf, withheldKeys } from './configFile';
import { EXIT, UsageError } from './io';
import type { CliIo, Subcommand } from './io';

export const SERVE_HELP = `Usage: quorum serve [--host 127.0.0.1] [--port 8787] [--config FILE] [--database URL]

Serves the Quorum pipeline over HTTP: POST /v1/runs (ask, stream its events), /v1/execute,
/v1/judge, the original POST /api/v1/inference, GET /v1/runs (history), /v1/models,
/v1/runtimes, /v1/queue, /metrics (Prometheus), /healthz, /readyz and /openapi.json. Bodies are JSON sent as
application/json.

Options:
  --host HOST      address to listen on (default 127.0.0.1)
  --port PORT      port (default 8787; 0 picks a free one)
  --config FILE    config file (default: ./quorum.config.json); its "server" section holds
                   tokens, adminTokens, quota, database, maxConcurrentRuns, queueSize,
                   modelStreams, historySize, rateLimit, shutdownMs, allowedOrigins,
                   maxUploadBytes (a project ask's upload)
  --database URL   where runs, events and history are kept: a SQLite file (default:
                   gateway.sqlite in $QUORUM_DATA_DIR, else ~/.local/share/quorum),
                   postgres://user:pass@host/db (several gateways on one database are
                   replicas sharing the runs; QUORUM_REPLICA_ID names one), or :memory:
                   (nothing survives a restart)
  --trust-config   send OPENAI_API_KEY / GROQ_API_KEY to the addresses that file names
  -h, --help       this help

Model keys come from the server's environment (OPENAI_API_KEY, GROQ_API_KEY, QUORUM_<ID>_API_KEY)
and are never returned. Bearer tokens: QUORUM_SERVER_TOKENS (comma-separated) or server.tokens;
without one the server listens on loopback only and answers only Hosts that name this machine;
a request with a web Origin not in server.allowedOrigins is refused. Runs survive a restart or a
kill: finished ones are kept, unfinished ones are run again under the same id.
SIGTERM: stop accepting, let running asks finish (server.shutdownMs), remove every container;
asks cut at the deadline stay queued for the next start.`;

function stderrLogger(io: CliIo): Logger {
  const line = (level: string) => (message: string) => io.stderr.write(`quorum serve: ${level}${message}\n`);
  return { info: line(''), warn: line('warning: '), error: line('error: '), debug: () => undefined };
}

export const serveCommand: Subcommand = async (args, io) => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      config: { type: 'string' },
      database: { type: 'string' },
      'trust-config': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(SERVE_HELP + '\n');
    return EXIT.ok;
  }
  const host = values.host ?? '127.0.0.1';
  const port = Number(values.port ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port: "${values.port}" is not a port`);
  const loaded = loadServeConfig(values.config, io.cwd, io.env);
  const { config, path } = loaded;
  const settings = values.database ? { ...loaded.settings, database: values.database } : loaded.settings;
  const tokenCount = settings.tokens.length + settings.adminTokens.length;
  if (!tokenCount && !isLoopbackHost(host)) {
    throw new UsageError(
      `refusing to listen on ${host} without a token: anyone who reaches it could run code on this machine's engine. ` +
        'Set QUORUM_SERVER_TOKENS (or server.tokens in the config), or listen on 127.0.0.1 behind a proxy.',
    );
  }
  const logger = stderrLogger(io);
  const keyTrust = trustOf(path, io.env, values['trust-config']);
  for (const line of withheldKeys(config.models, io.env, keyTrust)) logger.warn(line);
  const server = await startServer({ config, settings, env: io.env, logger, keyTrust }, { host, port });
  const usable = config.models.filter((m) => m.enabled && server.gateway.usable(m)).map((m) => m.id);
  logger.info(
    `listening on ${server.url} (config ${path ?? 'none'}; models ${usable.join(', ') || 'none usable'}; ${tokenCount ? `${tokenCount} token(s)` : 'no tokens: loopback only'})`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info(`${signal}: shutting down (running asks get ${settings.shutdownMs / 1000} s)`);
  await server.close();
  logger.info('stopped; every container removed');
  return EXIT.ok;
};
