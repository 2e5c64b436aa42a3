import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A loopback engine on a unix socket speaking the Docker API the way Debian's Podman 4.3 answered
 * before every rlimit was set: everything works until the attach of a new container, which Podman
 * uses to create it in the runtime, and which fails with its 409 (the text below is the one it
 * printed), and then keeps the hijacked connection open. The real Podman no longer fails this way
 * (the sandbox sets nproc), so this is how the no-hang path stays tested.
 */
export const PODMAN_RLIMIT_ERROR =
  'preparing container %s for attach: runc: runc create failed: unable to start container process: error during container init: error setting rlimits for ready process: error setting rlimit type 6: operation not permitted: OCI permission denied';

export interface RefusingEngine {
  readonly socket: string;
  /** Containers created (each refused at attach), and removed. */
  readonly counts: { created: number; removed: number; attaches: number };
  close(): Promise<void>;
}

export async function startRefusingEngine(): Promise<RefusingEngine> {
  const socket = join(mkdtempSync(join(tmpdir(), 'quorum-refusing-')), 'engine.sock');
  const counts = { created: 0, removed: 0, attaches: 0 };
  const open = new Set<Socket>();
  let next = 0;
  const json = (body: unknown, status = 200): [number, string] => [status, JSON.stringify(body)];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://engine');
    const path = url.pathname.replace(/^\/v[\d.]+/, '');
    let answer: [number, string];
    if (path === '/_ping') answer = [200, 'OK'];
    else if (path === '/version')
      answer = json({ Version: '4.3.1', Components: [{ Name: 'Podman Engine' }] });
    else if (path.startsWith('/images/')) answer = json({ Id: 'sha256:0' });
    else if (path === '/containers/json') answer = json([]);
    else if (path === '/containers/create') {
      counts.created++;
      answer = json({ Id: `c${++next}`.padEnd(64, '0'), Warnings: [] }, 201);
    } else if (req.method === 'DELETE') {
      counts.removed++;
      answer = [204, ''];
    } else answer = json({ message: `no route ${path}` }, 404);
    req.resume();
    req.on('end', () => {
      res.writeHead(answer[0], { 'Content-Type': 'application/json' });
      res.end(answer[1]);
    });
  });
  // The attach carries `Upgrade: tcp`: Node hands it over raw. Answer 409 and keep the socket.
  server.on('upgrade', (req, sock: Socket) => {
    counts.attaches++;
    open.add(sock);
    sock.on('close', () => open.delete(sock));
    sock.on('error', () => undefined);
    const id = /\/containers\/([^/]+)\/attach/.exec(req.url ?? '')?.[1] ?? '';
    const body = JSON.stringify({
      cause: 'OCI permission denied',
      message: PODMAN_RLIMIT_ERROR.replace('%s', id),
      response: 409,
    });
    sock.write(
      `HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    counts,
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
