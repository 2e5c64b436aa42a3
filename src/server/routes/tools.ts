/** POST /v1/execute (one program, `quorum run --json`'s result) and POST /v1/judge (`quorum judge --json`'s verdict). */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { runJson } from '../../core/runJson';
import { verdictJson } from '../../core/verdictJson';
import type { Gateway } from '../gateway';
import { badField } from '../httpError';
import { executeBody, judgeBody } from '../schemas';

/** Aborted when the caller goes away before the answer: a one-shot call has no one else to answer. */
function callerGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  // 'close' comes after the answer too (then nothing is left to stop) or when the connection drops.
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

export function registerToolRoutes(base: FastifyInstance, gateway: Gateway): void {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/v1/execute',
    { schema: { summary: 'Run one program in the sandbox', body: executeBody } },
    async (request, reply) => runJson(await gateway.execute(request.body, callerGone(reply), request.caller)),
  );

  app.post(
    '/v1/judge',
    { schema: { summary: 'Judge given candidates (and tests) by running them', body: judgeBody } },
    async (request, reply) => {
      const body = request.body;
      const ids = body.candidates.map((c) => c.id);
      const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
      if (dup >= 0) throw badField(`candidates[${dup}].id`, `duplicate id "${ids[dup]}"`);
      const verdict = await gateway.judge(
        { ...body, tests: body.tests ?? [] },
        callerGone(reply),
        request.caller,
      );
      return verdictJson(verdict);
    },
  );
}
