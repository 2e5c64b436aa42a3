/**
 * The HTTP face of the gateway: Fastify 5 with zod schemas (validation and /openapi.json from the
 * same schemas), request ids, a 256 KiB body limit, bearer tokens, per-token rate limits and one
 * error shape. The routes live in ./routes; the work is the Gateway's.
 */
import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { LOCAL_CALLER, isLoopbackAddress, tokenCheck } from './auth';
import type { Caller } from './auth';
import { browserGuard } from './browserGuard';
import type { Gateway } from './gateway';
import { HttpError, badField } from './httpError';
import type { ServerSettings } from './options';
import { uploadTooLarge } from './projectAsk';
import { registerMetaRoutes } from './routes/meta';
import { registerRunRoutes } from './routes/runs';
import { registerToolRoutes } from './routes/tools';
import type { StreamSet } from './sse';

export const BODY_LIMIT = 256 * 1024;
/** Probes a load balancer calls without a token; never rate limited. */
const OPEN_PATHS = new Set(['/healthz', '/readyz']);

/** A probe's caller on a gateway with tokens: it owns nothing and sees nothing. */
const ANONYMOUS: Caller = Object.freeze({ owner: 'anonymous', admin: false });

export type App = FastifyInstance & { readonly streams: StreamSet };

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: the token's hashed id (or `local` without tokens) and whether it is an admin. */
    caller: Caller;
  }
}

/** The client's X-Request-Id when it is a sane one, else a fresh UUID. */
function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:@/+=-]{1,128}$/.test(given) ? given : randomUUID();
}

/** Wrong tokens an address may send per window before every request from it is refused (issue 26, M6). */
export const AUTH_FAILURES = 10;
const AUTH_WINDOW_MS = 60_000;

/**
 * Guessing tokens is slowed to AUTH_FAILURES per minute per address: past that, every request from
 * the address (a valid token too, so a guess cannot be told by its answer) is a 429 until the
 * window ends.
 */
function authThrottle(): {
  check(address: string | undefined): void;
  failed(address: string | undefined): void;
} {
  const windows = new Map<string, { n: number; until: number }>();
  return {
    check(address) {
      const w = windows.get(address ?? '');
      const now = Date.now();
      if (!w || w.until <= now || w.n < AUTH_FAILURES) return;
      const seconds = Math.ceil((w.until - now) / 1000);
      throw new HttpError(
        429,
        'auth-throttled',
        `${w.n} requests with a wrong token came from this address within a minute.`,
        `Wait ${seconds} s, then send a valid token (one of QUORUM_SERVER_TOKENS).`,
        { 'retry-after': String(seconds) },
      );
    },
    failed(address) {
      const key = address ?? '';
      const now = Date.now();
      if (windows.size > 10_000) for (const [k, w] of windows) if (w.until <= now) windows.delete(k);
      const w = windows.get(key);
      if (!w || w.until <= now) windows.set(key, { n: 1, until: now + AUTH_WINDOW_MS });
      else w.n += 1;
    },
  };
}

export async function buildApp(gateway: Gateway, settings: ServerSettings): Promise<App> {
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    logger: false,
    requestIdHeader: false,
    genReqId: requestId,
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const streams: StreamSet = new Set();
  app.decorateRequest('caller', null as unknown as Caller);

  const tokens = tokenCheck(settings.tokens, settings.adminTokens);
  const throttle = authThrottle();
  // Before anything else: a web page's request is refused before it is authenticated or parsed.
  const guard = browserGuard({ tokensRequired: tokens.required, allowedOrigins: settings.allowedOrigins });
  app.addHook('onRequest', (request: FastifyRequest, _reply, done) => {
    try {
      guard.checkCaller(request.headers);
      guard.checkBody(request.method, request.headers);
      authenticate(request);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  const authenticate = (request: FastifyRequest): void => {
    const address = request.socket.remoteAddress;
    if (!tokens.required) {
      // Without tokens the server listens on loopback; this refuses anything that got here anyway.
      if (!isLoopbackAddress(address))
        throw new HttpError(
          403,
          'loopback-only',
          'This gateway has no tokens configured and serves this machine only.',
          'Set QUORUM_SERVER_TOKENS on the server.',
        );
      request.caller = LOCAL_CALLER;
      return;
    }
    const path = request.url.split('?')[0] ?? '';
    if (OPEN_PATHS.has(path)) {
      request.caller = ANONYMOUS;
      return;
    }
    throttle.check(address);
    const who = tokens.identify(request.headers.authorization);
    if (!who) {
      throttle.failed(address);
      throw new HttpError(
        401,
        'unauthorized',
        request.headers.authorization ? 'The bearer token is not valid.' : 'A bearer token is required.',
        'Send Authorization: Bearer <token> (one of QUORUM_SERVER_TOKENS).',
        { 'www-authenticate': 'Bearer realm="quorum"' },
      );
    }
    request.caller = who;
  };
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(rateLimit, {
    max: settings.rateLimit.max,
    timeWindow: settings.rateLimit.windowMs,
    // After authentication, so the limit is per token and a wrong token is a 401, not a count.
    hook: 'preHandler',
    keyGenerator: (request) => (tokens.required ? request.caller.owner : request.ip),
    allowList: (request) => OPEN_PATHS.has(request.url.split('?')[0] ?? ''),
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        'rate-limited',
        `Rate limit: ${context.max} requests per ${context.after}.`,
        `Retry after ${Math.ceil(context.ttl / 1000)} s.`,
        { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
      ),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Quorum gateway',
        version: '1',
        description: 'Ask several models, run their answers in a sandbox, judge.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: settings.tokens.length ? [{ bearer: [] }] : [],
    },
    transform: jsonSchemaTransform,
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (HttpError.is(error)) return reply.code(error.status).headers(error.headers).send(error.body());
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issue = error.validation[0];
      const keys = (issue?.params as { keys?: string[] } | undefined)?.keys;
      const path = issue?.instancePath.replace(/^\//, '').replace(/\//g, '.') ?? '';
      const field = path || keys?.[0] || error.validationContext || 'body';
      const message = keys?.length
        ? `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`
        : issue?.message;
      return reply.code(400).send(badField(field, message ?? 'is not valid').body());
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' && request.routeOptions.url === '/v1/runs')
      return reply.code(413).send(uploadTooLarge(settings.maxUploadBytes).body());
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.code(413).send({
        error: 'too-large',
        message: `The body is over ${BODY_LIMIT / 1024} KiB.`,
        advice: 'Send less context.',
      });
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) gateway.logger.error(`request failed: ${String(error.stack ?? error)}`);
    return reply.code(status).send({
      error: error.code ?? 'error',
      message: status >= 500 ? 'Internal error.' : error.message,
      advice: status >= 500 ? 'See the server log.' : 'Fix the request.',
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: 'not-found',
      message: `No route ${request.method} ${request.url.split('?')[0]}.`,
      advice: 'See /openapi.json.',
    }),
  );

  registerRunRoutes(app, gateway, settings, streams);
  registerToolRoutes(app, gateway);
  registerMetaRoutes(app, gateway);
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await app.ready();
  return Object.assign(app as unknown as FastifyInstance, { streams });
}
