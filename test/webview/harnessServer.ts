/**
 * Serves the harness page, the panel bundle, its CSS and the codicons over loopback, so the page
 * runs under a real CSP with 'self' sources the way the webview runs under its cspSource.
 */
import { build } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');
const SERVED = ['test/webview/', 'dist/', 'media/'];
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** Bundles the panel exactly as esbuild.config.mjs does, so a broken sibling bundle cannot block this suite. */
export async function buildPanelBundle(): Promise<void> {
  mkdirSync(join(REPO, 'dist/codicons'), { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) {
    cpSync(join(REPO, 'node_modules/@vscode/codicons/dist', f), join(REPO, 'dist/codicons', f));
  }
  await build({
    bundle: true,
    sourcemap: 'linked',
    logLevel: 'warning',
    legalComments: 'none',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: [join(REPO, 'src/webview/main.ts')],
    outfile: join(REPO, 'dist/webview.js'),
  });
}

export async function startHarnessServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^\/+/,
      '',
    );
    if (!SERVED.some((prefix) => path.startsWith(prefix)) || path.includes('..')) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(REPO, path)).then(
      (body) =>
        res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/test/webview/harness.html`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
