/**
 * GET /v1/records: each model's record over the gateway's finished asks (core/records), and the ask
 * outcomes it is built from (ids, counts, latency and cost; never a prompt or code), so `quorum
 * stats --gateway URL` filters and exports them like the local file. Token-scoped as runs are: a
 * token sees the records of its own runs, an admin token every token's.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { modelRecords } from '../../core/records/modelRecord';
import type { Gateway } from '../gateway';
import { badField } from '../httpError';

/** The most outcomes one response holds (newest kept): about 100 KB per 300 three-model asks. */
export const MAX_RECORD_OUTCOMES = 20_000;

export const recordsQuery = z
  .object({
    since: z
      .string()
      .optional()
      .describe('Only asks started at or after this time (YYYY-MM-DD or ISO 8601).'),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_RECORD_OUTCOMES)
      .optional()
      .describe(`The newest asks counted, at most (default and maximum ${MAX_RECORD_OUTCOMES}).`),
  })
  .strict();

export function registerRecordRoutes(base: FastifyInstance, gateway: Gateway): void {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/records',
    {
      schema: {
        summary:
          "Each model's record (asks, picks, verified, latency, cost, wins per dollar) over the caller's finished asks (an admin's: every token's), with the outcomes it is built from",
        querystring: recordsQuery,
      },
    },
    async (request) => {
      const { since, limit } = request.query;
      const sinceMs = since === undefined ? undefined : Date.parse(since);
      if (sinceMs !== undefined && Number.isNaN(sinceMs))
        throw badField('since', `"${since}" is not a date (YYYY-MM-DD or ISO 8601)`);
      const caller = request.caller;
      const outcomes = await gateway.store.outcomes(caller.admin ? undefined : caller.owner, {
        since: sinceMs,
        limit: limit ?? MAX_RECORD_OUTCOMES,
      });
      return {
        asks: outcomes.length,
        // JSON has no Infinity: a model that wins for free has winsPerDollar null and free true.
        models: modelRecords(outcomes).map((r) => ({
          ...r,
          winsPerDollar:
            r.winsPerDollar === undefined || r.winsPerDollar === Infinity ? null : r.winsPerDollar,
        })),
        outcomes,
      };
    },
  );
}
