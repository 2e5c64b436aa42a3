/**
 * Runs: POST /v1/runs (202 + links, or the event stream with Accept: text/event-stream),
 * GET /v1/runs/{id}, GET /v1/runs/{id}/events (SSE, resumable), DELETE /v1/runs/{id}, and the
 * original gateway's synchronous POST /api/v1/inference.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { BODY_LIMIT } from '../app';
import type { Gateway } from '../gateway';
import { HttpError } from '../httpError';
import { inferenceResponse } from '../inferenceShape';
import type { ServerSettings } from '../options';
import { linksOf } from '../runEntry';
import { askBody, historyQuery, inferenceBody, runParams } from '../schemas';
import { lastEventId, streamRun } from '../sse';
import type { StreamSet } from '../sse';

const idempotencyKey = (request: FastifyRequest): string | undefined => {
  const key = request.headers['idempotency-key'];
  return typeof key === 'string' && key.length > 0 && key.length <= 200 ? key : undefined;
};

const wantsStream = (request: FastifyRequest): boolean =>
  (request.headers.accept ?? '').includes('text/event-stream');

export function registerRunRoutes(
  base: FastifyInstance,
  gateway: Gateway,
  settings: ServerSettings,
  streams: StreamSet,
): void {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const stream = { pingMs: settings.pingMs, streams };

  app.post(
    '/v1/runs',
    {
      // A project ask carries its folder as a tar.gz (base64): up to server.maxUploadBytes; any
      // other ask stays under the 256 KiB of every body.
      bodyLimit: settings.maxUploadBytes,
      preValidation: (request, _reply, done) => {
        const length = Number(request.headers['content-length'] ?? 0);
        if (length > BODY_LIMIT && !(request.body as { project?: unknown } | undefined)?.project)
          return done(
            new HttpError(
              413,
              'too-large',
              `The body is over ${BODY_LIMIT / 1024} KiB.`,
              'Send less context (only a project ask, with `project`, may be larger).',
            ),
          );
        done();
      },
      schema: {
        summary: 'Start an ask: 202 with links, or its event stream with Accept: text/event-stream',
        body: askBody,
      },
    },
    async (request, reply) => {
      const { entry, created } = await gateway.submit(request.body, request.caller, idempotencyKey(request));
      const headers = { location: linksOf(entry.id).self, 'idempotent-replayed': String(!created) };
      if (wantsStream(request)) return streamRun(entry, request, reply, { ...stream, afterId: 0, headers });
      return reply
        .code(202)
        .headers(headers)
        .send({ id: entry.id, status: entry.status, links: linksOf(entry.id) });
    },
  );

  app.get(
    '/v1/runs',
    {
      schema: {
        summary: "The caller's newest runs (an admin's: every token's), newest first",
        querystring: historyQuery,
      },
    },
    async (request) => ({ runs: await gateway.history(request.caller, request.query.limit ?? 50) }),
  );

  app.get(
    '/v1/runs/:id',
    { schema: { summary: 'The run record plus status', params: runParams } },
    async (request) => (await gateway.get(request.params.id, request.caller)).view(),
  );

  app.get(
    '/v1/runs/:id/events',
    {
      schema: {
        summary: 'Server-Sent Events of a run, from the start or after Last-Event-ID',
        params: runParams,
      },
    },
    async (request, reply) => {
      const entry = await gateway.get(request.params.id, request.caller);
      streamRun(entry, request, reply, { ...stream, afterId: lastEventId(request) });
    },
  );

  app.delete(
    '/v1/runs/:id',
    { schema: { summary: 'Cancel a run; 200 with the record so far', params: runParams } },
    async (request) => (await gateway.cancel(request.params.id, request.caller)).view(),
  );

  app.post(
    '/api/v1/inference',
    {
      schema: {
        summary: "The original gateway's synchronous call: answered when the run completes",
        body: inferenceBody,
      },
    },
    async (request) => {
      const { prompt, execute_code, models } = request.body;
      const { entry } = await gateway.submit(
        { prompt, models, execute: execute_code !== false },
        request.caller,
        idempotencyKey(request),
      );
      // The caller leaving does not cancel the run: it stays at /v1/runs/{id}.
      await entry.finished;
      return inferenceResponse(entry.id, entry.status, entry.record, entry.error);
    },
  );
}
