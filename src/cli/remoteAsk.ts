/**
 * `quorum ask --server URL`: the same ask, run by a gateway (`quorum serve`) instead of this
 * process. The run's events arrive as Server-Sent Events (parsed with eventsource-parser) and feed
 * the same progress lines; the final record is printed by the same renderers, so the output and
 * the exit code match a local ask. A dropped stream is resumed with Last-Event-ID; Ctrl-C cancels
 * the run on the server (DELETE), as it cancels a local one.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EventSourceMessage } from 'eventsource-parser';
import { readEventStream } from '../core/eventStream';
import type { AskRequest, RunRecord, SessionEvent } from '../core/types';
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
  readonly format: 'text' | 'markdown' | 'json';
}

interface End {
  readonly status: string;
  readonly record?: RunRecord;
  readonly error?: { readonly message: string; readonly advice: string };
}

/** How often a dropped stream is picked up again before giving up. */
const RESUMES = 5;

export async function remoteAsk(options: RemoteAskOptions, io: CliIo): Promise<number> {
  const base = options.server.replace(/\/+$/, '');
  const token = io.env.QUORUM_SERVER_TOKEN;
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const context =
    options.file === '-'
      ? await readAll(io.stdin)
      : options.file
        ? readFileSync(resolve(io.cwd, options.file), 'utf8')
        : undefined;
  const { instruction, language, intent } = options.request;
  const body = {
    prompt: instruction || 'Review this code.',
    context,
    language,
    intent,
    models: options.models,
    execute: options.execute,
  };

  const progress = attachProgress(io);
  let runId: string | undefined;
  let lastId = 0;
  let end: End | undefined;
  const onEvent = (message: EventSourceMessage): void => {
    if (message.id) lastId = Number(message.id);
    const data = JSON.parse(message.data) as Record<string, unknown>;
    runId ??= data.askId as string;
    if (message.event === 'end') end = data as unknown as End;
    else if (typeof data.type === 'string') progress(data as unknown as SessionEvent);
  };
  const cancel = (): void => {
    if (runId) void fetch(`${base}/v1/runs/${runId}`, { method: 'DELETE', headers }).catch(() => undefined);
  };
  process.once('SIGINT', cancel);
  try {
    let response = await fetch(`${base}/v1/runs`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    for (let attempt = 0; ; attempt++) {
      if (!response.ok) return await refused(response, io);
      await readEventStream(response, onEvent).catch(() => undefined);
      if (end || !runId || attempt >= RESUMES) break;
      io.stderr.write(`quorum ask: the event stream dropped; resuming after event ${lastId}\n`);
      response = await fetch(`${base}/v1/runs/${runId}/events`, {
        headers: { ...headers, 'last-event-id': String(lastId) },
      });
    }
  } catch (error) {
    io.stderr.write(`quorum ask: cannot reach ${base}: ${(error as Error).message}\n`);
    return EXIT.failed;
  } finally {
    process.off('SIGINT', cancel);
  }
  return printEnd(end, io, options.format);
}

async function refused(response: Response, io: CliIo): Promise<number> {
  const text = await response.text();
  let message = text;
  try {
    const parsed = JSON.parse(text) as { message?: string; advice?: string };
    message = [parsed.message, parsed.advice].filter(Boolean).join('\n');
  } catch {
    // not JSON: print it as it came
  }
  io.stderr.write(`quorum ask: the server answered ${response.status}: ${message}\n`);
  return response.status === 400 ? EXIT.usage : EXIT.failed;
}

function printEnd(end: End | undefined, io: CliIo, format: RemoteAskOptions['format']): number {
  if (!end) {
    io.stderr.write('quorum ask: the server closed the stream before the run ended.\n');
    return EXIT.failed;
  }
  if (end.error && !end.record) io.stderr.write(`quorum ask: ${end.error.message}\n${end.error.advice}\n`);
  const record = end.record;
  if (!record) return EXIT.failed;
  if (format === 'json') io.stdout.write(JSON.stringify(record, null, 2) + '\n');
  else io.stdout.write(format === 'markdown' ? renderMarkdown(record) : renderText(record));
  return record.candidates.some((c) => c.extraction?.main) ? EXIT.ok : EXIT.failed;
}
