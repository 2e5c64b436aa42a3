/** POST /v1/execute (one program, `quorum run --json`'s result) and POST /v1/judge (`quorum judge --json`'s verdict). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { runJson } from '../../cli/run';
import { verdictJson } from '../../cli/judge';
import type { Gateway } from '../gateway';
import { badField } from '../httpError';
import { executeBody, judgeBody } from '../schemas';

/** Aborted when the caller goes away before the answer: a one-shot call has no one else to answer. */
function callerGone(request: FastifyRequest): AbortSignal {
  const controller = new AbortController();
  request.raw.socket.once('close', () => controller.abort());
  return controller.signal;
}

export function registerToolRoutes(base: FastifyInstance, gateway: Gateway): void {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/v1/execute',
    { schema: { summary: 'Run one program in the sandbox', body: executeBody } },
    async (request) => runJson(await gateway.execute(request.body, callerGone(request))),
  );

  app.post(
    '/v1/judge',
    { schema: { summary: 'Judge given candidates (and tests) by running them', body: judgeBody } },
    async (request) => {
      const body = request.body;
      const ids = body.candidates.map((c) => c.id);
      const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
      if (dup >= 0) throw badField(`candidates[${dup}].id`, `duplicate id "${ids[dup]}"`);
      const verdict = await gateway.judge({ ...body, tests: body.tests ?? [] }, callerGone(request));
      return verdictJson(verdict);
    },
  );
}
