/**
 * What keeps a web page from driving a gateway on this machine (issue 26, H2). A page can make the
 * browser send a "simple" cross-origin request (a form POST, no preflight) and, through DNS
 * rebinding, read answers from a server that trusts whoever reaches loopback. So:
 * - a body is parsed only when it is sent as application/json (a form or text/plain body is 415),
 *   which a page can send cross-origin only after a CORS preflight this server never grants;
 * - a request with an Origin header that is not allowed is refused (browsers send Origin on every
 *   cross-origin request and every POST; curl, the SDKs and Node's fetch send none);
 * - without tokens, the Host header must name this machine (127.0.0.1, localhost, [::1]): a
 *   rebinding page's requests carry its own host name.
 */
import { HttpError } from './httpError';
import { isLoopbackAddress } from './auth';

export interface BrowserGuard {
  /** Throws a 403 for a foreign Origin, or (without tokens) a Host that is not this machine. */
  checkCaller(headers: Readonly<Record<string, string | string[] | undefined>>): void;
  /** Throws a 415 for a request body that is not application/json. */
  checkBody(method: string, headers: Readonly<Record<string, string | string[] | undefined>>): void;
}

/** The host name of a Host header (`127.0.0.1:8787`, `[::1]:8787`, `localhost`), lower-cased. */
export function hostNameOf(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(1, trimmed.indexOf(']'));
  return trimmed.replace(/:\d*$/, '');
}

const isLoopbackName = (name: string): boolean =>
  name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name);

const one = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** Whether the request carries a body (a length above 0, or a chunked one). */
function hasBody(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  const length = Number(one(headers['content-length']) ?? 0);
  return length > 0 || one(headers['transfer-encoding']) !== undefined;
}

export function browserGuard(options: {
  /** True when bearer tokens are required: then any Host is fine (a page cannot send the token). */
  readonly tokensRequired: boolean;
  /** Origins allowed to call (server.allowedOrigins), exactly as browsers send them. */
  readonly allowedOrigins: readonly string[];
}): BrowserGuard {
  const allowed = new Set(options.allowedOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase()));
  return {
    checkCaller(headers) {
      const origin = one(headers.origin);
      if (origin !== undefined && !allowed.has(origin.toLowerCase()))
        throw new HttpError(
          403,
          'origin-not-allowed',
          `Requests from the web origin ${JSON.stringify(origin)} are refused: a web page may not drive this gateway.`,
          'Call it from a program (curl, the CLI, the editor), or list the origin in server.allowedOrigins.',
        );
      if (options.tokensRequired) return;
      const host = one(headers.host);
      if (host === undefined || !isLoopbackName(hostNameOf(host)))
        throw new HttpError(
          403,
          'host-not-allowed',
          `The Host ${JSON.stringify(host ?? '')} is not this machine: a gateway without tokens answers only 127.0.0.1, localhost and [::1].`,
          'Use http://127.0.0.1:PORT, or set QUORUM_SERVER_TOKENS to serve other names.',
        );
    },
    checkBody(method, headers) {
      if (method === 'GET' || method === 'HEAD' || !hasBody(headers)) return;
      const type = (one(headers['content-type']) ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json')
        throw new HttpError(
          415,
          'unsupported-media-type',
          `The body is sent as ${JSON.stringify(type || 'no content type')}; this gateway reads JSON only as application/json.`,
          "Send Content-Type: application/json (curl: -H 'content-type: application/json').",
        );
    },
  };
}
