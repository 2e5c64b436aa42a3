/**
 * Starts a real VS Code (the server build from code-server 4.100.3, installed by
 * scripts/installVscodeServer.sh) on a free loopback port with throw-away user data, so the
 * integration suite, the browser test and `npm start` all run the same VS Code the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The repository root, computed from this file so the tests work from any checkout. */
export const REPO_ROOT = resolve(__dirname, '..');

/** Where debugging output (server log, browser console, screenshots, results) goes. */
export const TEST_OUTPUT_DIR = join(REPO_ROOT, '.test-output');

/** Thrown when the VS Code server cannot be found or started; the message says what to do. */
export class VscodeServerError extends Error {
  override readonly name = 'VscodeServerError';
}

/** Where scripts/installVscodeServer.sh keeps its installs (same default, same env var). */
function cacheDir(): string {
  return process.env.QUORUM_CACHE_DIR ?? join(homedir(), '.cache/quorum');
}

/** The install directory used by scripts/installVscodeServer.sh (same default, same env var). */
export function vscodeServerDir(): string {
  return process.env.QUORUM_VSCODE_SERVER_DIR ?? join(cacheDir(), 'vscode-server-1.100.3');
}

/**
 * The install directory of one VS Code version: `oldest` (the engines.vscode floor, 1.100.3),
 * `latest` (the newest code-server 4.x installed), or an explicit `1.x.y`.
 */
export function vscodeServerDirFor(version: string): string {
  if (version === 'oldest' || version === '1.100.3') return vscodeServerDir();
  return join(cacheDir(), `vscode-server-${version}`);
}

/** The Node that runs a server: its own (installed when code-server needs a newer one), else ours. */
function serverNode(dir: string): string {
  const own = join(dir, 'node/bin/node');
  return existsSync(own) ? own : process.execPath;
}

function serverMain(dir: string): string {
  const main = join(dir, 'node_modules/code-server/lib/vscode/out/server-main.js');
  if (!existsSync(main)) {
    throw new VscodeServerError(
      `No VS Code server at ${dir}. Install it with: bash scripts/installVscodeServer.sh`,
    );
  }
  return main;
}

export interface VscodeServerOptions {
  /** Written to <user-data-dir>/User/settings.json before the server starts. */
  readonly userSettings?: Record<string, unknown>;
  /** Extra environment for the server and the extension host it spawns. */
  readonly env?: Record<string, string>;
  /** .vsix files installed into the private extensions dir before the server starts. */
  readonly installExtensions?: readonly string[];
  /** Port to listen on; a free one is chosen when omitted. */
  readonly port?: number;
  /** File that receives the server's stdout and stderr. */
  readonly logFile?: string;
  /** Install directory of the server to run (see vscodeServerDirFor); vscodeServerDir() by default. */
  readonly serverDir?: string;
  /**
   * Lets the workbench honour a development payload (extensionDevelopmentPath, extensionTestsPath):
   * VS Code 1.10x-1.11x always did, newer built workbenches only with the smoke-test driver on.
   */
  readonly developmentPayload?: boolean;
}

export interface RunningVscodeServer {
  readonly port: number;
  readonly origin: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** The workbench URL opening `folder`, optionally with a development/test payload. */
  workbenchUrl(
    folder: string,
    payload?: { extensionDevelopmentPath?: string; extensionTestsPath?: string },
  ): string;
  /** Kills the server and everything it spawned, and removes the throw-away directories. */
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

function runToEnd(child: ChildProcess, what: string): Promise<void> {
  return new Promise((done, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? done() : reject(new VscodeServerError(`${what} exited with code ${String(code)}`)),
    );
  });
}

async function waitUntilServing(origin: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new VscodeServerError(`The VS Code server exited with code ${child.exitCode} before serving.`);
    }
    try {
      const response = await fetch(origin, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new VscodeServerError(`The VS Code server did not answer on ${origin} within ${timeoutMs} ms.`);
}

/** Starts the server and resolves once its workbench page is served. */
/**
 * The server the browser suites (test/e2e) run on: QUORUM_E2E_VSCODE names the version (`oldest`,
 * the default, or `latest`), so the same suite runs on the engines.vscode floor and the current release.
 */
export function e2eServerOptions(): Pick<VscodeServerOptions, 'serverDir' | 'developmentPayload'> {
  const version = process.env.QUORUM_E2E_VSCODE ?? 'oldest';
  return { serverDir: vscodeServerDirFor(version), developmentPayload: true };
}

export async function startVscodeServer(options: VscodeServerOptions = {}): Promise<RunningVscodeServer> {
  const serverDir = options.serverDir ?? vscodeServerDir();
  const main = serverMain(serverDir);
  const node = serverNode(serverDir);
  const root = mkdtempSync(join(tmpdir(), 'quorum-vscode-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  // Read by the server's (code-server patched) workbench as the user's settings.
  writeFileSync(join(userDataDir, 'User/settings.json'), JSON.stringify(options.userSettings ?? {}, null, 2));

  const baseArgs = [
    main,
    '--accept-server-license-terms',
    '--extensions-dir',
    extensionsDir,
    '--user-data-dir',
    userDataDir,
  ];
  const env = { ...process.env, ...options.env };
  for (const vsix of options.installExtensions ?? []) {
    const installer = spawn(node, [...baseArgs, '--install-extension', vsix], {
      env,
      stdio: 'inherit',
    });
    await runToEnd(installer, `Installing ${vsix}`);
  }

  const port = options.port ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const args = [...baseArgs, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token'];
  if (options.developmentPayload) args.push('--enable-smoke-test-driver');
  // A process group of its own, so close() also ends the extension host and file watchers.
  const child = spawn(node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const logFile = options.logFile ?? join(root, 'server.log');
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // If the test process dies without calling close(), the server must not outlive it.
  const killOnExit = (): void => signalGroup('SIGKILL');
  process.once('exit', killOnExit);

  const close = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null) {
      signalGroup('SIGTERM');
      const killer = setTimeout(() => signalGroup('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    }
    log.end();
    rmSync(root, { recursive: true, force: true });
  };

  try {
    await waitUntilServing(origin, child, 60_000);
  } catch (error) {
    await close();
    throw error;
  }

  return {
    port,
    origin,
    userDataDir,
    extensionsDir,
    close,
    workbenchUrl(folder, payload) {
      const url = new URL(origin);
      url.searchParams.set('folder', folder);
      const pairs: [string, string][] = [];
      // The browser workbench addresses server-side paths through the vscode-remote scheme.
      const remote = (path: string): string => `vscode-remote://127.0.0.1:${port}${path}`;
      if (payload?.extensionDevelopmentPath)
        pairs.push(['extensionDevelopmentPath', remote(payload.extensionDevelopmentPath)]);
      if (payload?.extensionTestsPath) pairs.push(['extensionTestsPath', remote(payload.extensionTestsPath)]);
      if (pairs.length) url.searchParams.set('payload', JSON.stringify(pairs));
      return url.toString();
    },
  };
}
