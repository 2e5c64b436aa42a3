/**
 * Starts and stops a gateway: the Gateway (sandbox, runs, queue) behind the Fastify app, listening
 * on one address. `close` is the graceful shutdown SIGTERM triggers.
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import type { App } from './app';
import { Gateway } from './gateway';
import type { GatewayInit } from './gateway';

export interface RunningServer {
  /** `http://HOST:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly app: App;
  readonly gateway: Gateway;
  /**
   * Stops listening at once (requests on open connections get 503), lets running asks finish for
   * `deadlineMs` (default: server.shutdownMs), cancels the rest, ends the event streams and removes
   * every container of this server's sandbox.
   */
  close(deadlineMs?: number): Promise<void>;
}

export async function startServer(
  init: GatewayInit,
  listen: { readonly host: string; readonly port: number },
): Promise<RunningServer> {
  const gateway = await Gateway.create(init);
  const app = await buildApp(gateway, init.settings);
  try {
    await app.listen({ host: listen.host, port: listen.port });
  } catch (error) {
    await gateway.shutdown(0);
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    app,
    gateway,
    close(deadlineMs = init.settings.shutdownMs) {
      closed ??= (async () => {
        const stopped = app.close();
        await gateway.shutdown(deadlineMs);
        for (const end of [...app.streams]) end();
        // Keep-alive connections left idle by the ended streams would hold close() for seconds.
        app.server.closeIdleConnections();
        const force = setTimeout(() => app.server.closeAllConnections(), 2_000);
        force.unref();
        await stopped;
        clearTimeout(force);
      })();
      return closed;
    },
  };
}
