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
import { ProjectError } from '../core/project/projectError';
import { projectLanguageOf, relativeToRoot } from '../core/project/root';
import { takeSnapshot } from '../core/project/snapshot';
import { packUpload, sizeOf } from '../core/project/upload';
import { EXIT, UsageError, readAll } from './io';
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
  /**
   * `--file F --project DIR`: an edit ask of F in DIR, run by the gateway on an upload of the
   * project (its snapshot, with the same exclusions as a local edit ask, as a tar.gz).
   */
  readonly project?: {
    readonly dir: string;
    readonly file: string;
    readonly range?: { readonly startLine: number; readonly endLine: number };
  };
}

/** The project's snapshot as the upload of POST /v1/runs `project`; says what it sends. */
async function projectUpload(
  project: NonNullable<RemoteAskOptions['project']>,
  io: CliIo,
): Promise<{ archive: string; file: string; range?: { startLine: number; endLine: number } }> {
  const root = resolve(io.cwd, project.dir);
  const file = relativeToRoot(root, resolve(io.cwd, project.file));
  const language = projectLanguageOf(root, file);
  if (!language)
    throw new UsageError(
      `cannot tell the language of ${file}: edit asks support Python, JavaScript, TypeScript, Go and Rust files`,
    );
  const snapshot = await takeSnapshot({ root, language });
  const { archive, links } = await packUpload(snapshot);
  io.stderr.write(
    `quorum ask: uploading ${root} (${snapshot.files.length - links.length} files, ${sizeOf(archive.length)} as tar.gz; ` +
      `${snapshot.excluded.length} excluded${links.length ? `, ${links.length} links left out` : ''}) for an edit ask of ${file}\n`,
  );
  return {
    archive: archive.toString('base64'),
    file,
    ...(project.range ? { range: { ...project.range } } : {}),
  };
}

export async function remoteAsk(options: RemoteAskOptions, io: CliIo): Promise<number> {
  let project: Awaited<ReturnType<typeof projectUpload>> | undefined;
  try {
    project = options.project && (await projectUpload(options.project, io));
  } catch (error) {
    if (!ProjectError.is(error)) throw error;
    io.stderr.write(`quorum ask: ${error.message}\n  ${error.advice}\n`);
    return error.reason === 'outside-project' ? EXIT.usage : EXIT.failed;
  }
  const context = project
    ? undefined
    : options.file === '-'
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
      ...(project ? { project } : {}),
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
