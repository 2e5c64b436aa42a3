/**
 * GET /v1/models (no keys), /v1/runtimes, /v1/queue, /v1/records (./records), /metrics, /healthz,
 * /readyz. /metrics takes
 * the same bearer token as /v1/* (any configured token; without tokens, this machine only), since
 * its counts cover every token's runs; only /healthz and /readyz are open probes.
 */
import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway';
import { registerRecordRoutes } from './records';

export function registerMetaRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.get('/v1/models', { schema: { summary: 'Configured models (never their keys)' } }, () => ({
    models: gateway.config.models.map((m) => ({
      id: m.id,
      kind: m.kind,
      model: m.model,
      enabled: m.enabled,
      // Whether the server holds a key for it (or it needs none); the key itself never leaves.
      usable: gateway.usable(m),
    })),
  }));

  app.get('/v1/runtimes', { schema: { summary: 'Languages and the image each runs in' } }, () => ({
    runtimes: gateway.runtimes(),
    limits: gateway.config.sandbox.limits,
  }));

  app.get('/v1/queue', { schema: { summary: 'Running, queued and capacity' } }, () => ({
    ...gateway.queue.counts,
    // What the admission bound was sized from, and the model streams open per endpoint.
    runSlots: gateway.runSlots,
    modelStreams: gateway.models.use(),
    // On a shared PostgreSQL: which replica answered (running and queued are its own).
    ...(gateway.replicaId ? { replica: gateway.replicaId } : {}),
  }));

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics: queue, runs by state, sandbox slots, model and judge times' } },
    async (_request, reply) => {
      const text = await gateway.metrics.text();
      return reply.header('content-type', gateway.metrics.contentType).send(text);
    },
  );

  registerRecordRoutes(app, gateway);

  app.get('/healthz', { schema: { summary: 'The process is alive' } }, () => ({ ok: true }));

  app.get(
    '/readyz',
    { schema: { summary: 'Engine reachable and a model usable' } },
    async (_request, reply) => {
      const readiness = await gateway.readiness();
      return reply.code(readiness.ready ? 200 : 503).send(readiness);
    },
  );
}
