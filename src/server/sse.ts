/**
 * Server-Sent Events for one run: `id:` is the event's sequence number, `event:` its type, `data:`
 * its JSON (with `askId`). Replays from the start, or after Last-Event-ID; a comment ping every
 * `pingMs` keeps proxies from closing an idle stream; ends after the run's `end` event. A client
 * that goes away only unsubscribes: the run goes on.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RunEntry, StreamEvent } from './runEntry';

/** Open streams, so a shutdown can end them. */
export type StreamSet = Set<() => void>;

/** Last-Event-ID from the header (what EventSource sends on reconnect) or `?lastEventId=`. */
export function lastEventId(request: FastifyRequest): number {
  const header = request.headers['last-event-id'];
  const query = (request.query as Record<string, unknown> | undefined)?.lastEventId;
  const raw = typeof header === 'string' ? header : typeof query === 'string' ? query : '';
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

export function streamRun(
  entry: RunEntry,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { afterId: number; pingMs: number; streams: StreamSet; headers?: Record<string, string> },
): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': String(request.id),
    ...options.headers,
  });
  res.write(`: run ${entry.id}\n\n`);
  let ended = false;
  let unsubscribe = (): void => undefined;
  const ping = setInterval(() => res.write(': ping\n\n'), options.pingMs);
  const end = (): void => {
    if (ended) return;
    ended = true;
    clearInterval(ping);
    unsubscribe();
    options.streams.delete(end);
    if (!res.writableEnded) res.end();
  };
  const write = (e: StreamEvent): void => {
    if (ended) return;
    res.write(`id: ${e.id}\nevent: ${e.event}\ndata: ${e.data}\n\n`);
    if (e.event === 'end') end();
  };
  options.streams.add(end);
  res.on('close', end);
  unsubscribe = entry.subscribe(options.afterId, write);
  // Resumed after the last event of a finished run: nothing more will come.
  if (entry.terminal) end();
}
