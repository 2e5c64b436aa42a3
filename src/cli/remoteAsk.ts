/**
 * `quorum ask --server URL`: the same ask, run by a gateway (`quorum serve`) instead of this
 * process. The core's gateway client (core/gatewayClient.ts, shared with the editor) posts the run
 * and follows its events, which feed the same progress lines; the final record is printed by the
 * same renderers, so the output and the exit code match a local ask. A dropped stream is resumed
 * with Last-Event-ID; Ctrl-C cancels the run on the server (DELETE), as it cancels a local one.
 */
import type { AskStrategy } from '../core/strategy/types';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GatewayError, startGatewayRun } from '../core/gatewayClient';
import type { GatewayRunEnd } from '../core/gatewayClient';
import type { AskRequest } from '../core/types';
import { EXIT, readAll } from './io';
import type { CliIo } from './io';
import { attachProgress } from './progress';
import { renderMarkdown, renderText } from './report';

export interface RemoteAskOptions {
  readonly server: string;
  readonly request: Omit<AskRequest, 'context'>;
  /** `--file`: a path or `-` for standard input. */
  readonly file?: string;
  readonly models?: readonly string[];
  readonly execute: boolean;
  readonly strategy?: AskStrategy;
  readonly budgetUsd?: number;
  readonly format: 'text' | 'markdown' | 'json';
}

export async function remoteAsk(options: RemoteAskOptions, io: CliIo): Promise<number> {
  const context =
    options.file === '-'
      ? await readAll(io.stdin)
      : options.file
        ? readFileSync(resolve(io.cwd, options.file), 'utf8')
        : undefined;
  const { instruction, language, intent } = options.request;
  const run = startGatewayRun(
    { url: options.server, token: io.env.QUORUM_SERVER_TOKEN },
    {
      prompt: instruction || 'Review this code.',
      context,
      language,
      intent,
      models: options.models,
      execute: options.execute,
      strategy: options.strategy,
      budgetUsd: options.budgetUsd,
    },
    {
      onEvent: attachProgress(io),
      onResume: (lastId) =>
        io.stderr.write(`quorum ask: the event stream dropped; resuming after event ${lastId}\n`),
    },
  );
  const cancel = (): void => run.cancel();
  process.once('SIGINT', cancel);
  try {
    return printEnd(await run.done, io, options.format);
  } catch (error) {
    return failed(error, io);
  } finally {
    process.off('SIGINT', cancel);
  }
}

/** The gateway's refusal or a lost connection, on stderr; a refused request (400) is a usage error. */
function failed(error: unknown, io: CliIo): number {
  if (!(error instanceof GatewayError)) throw error;
  if (error.reason === 'refused') {
    const message = [error.serverMessage, error.serverAdvice].filter(Boolean).join('\n');
    io.stderr.write(`quorum ask: the server answered ${error.status ?? ''}: ${message}\n`);
    return error.status === 400 ? EXIT.usage : EXIT.failed;
  }
  if (error.reason === 'dropped')
    io.stderr.write('quorum ask: the server closed the stream before the run ended.\n');
  else io.stderr.write(`quorum ask: ${error.message}\n${error.advice}\n`);
  return EXIT.failed;
}

function printEnd(end: GatewayRunEnd, io: CliIo, format: RemoteAskOptions['format']): number {
  if (end.error && !end.record) io.stderr.write(`quorum ask: ${end.error.message}\n${end.error.advice}\n`);
  const record = end.record;
  if (!record) return EXIT.failed;
  if (format === 'json') io.stdout.write(JSON.stringify(record, null, 2) + '\n');
  else io.stdout.write(format === 'markdown' ? renderMarkdown(record) : renderText(record));
  return record.candidates.some((c) => c.extraction?.main) ? EXIT.ok : EXIT.failed;
}
