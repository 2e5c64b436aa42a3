/**
 * The gateway under test: a real `quorum serve` (in this process through startServer, or as a
 * child process through the CLI) in front of the replay server's models, the real SDKs and the
 * real Docker sandbox on the offline images. Helpers speak plain HTTP and parse SSE with
 * eventsource-parser, as any client would.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createParser } from 'eventsource-parser';
import type { EventSourceMessage } from 'eventsource-parser';
import { parseConfig } from '../../src/core/config';
import type { ReplayServer } from '../../src/demo/replayServer';
import { DEFAULT_SETTINGS } from '../../src/server/options';
import type { ServerSettings } from '../../src/server/options';
import { startServer } from '../../src/server/server';
import type { RunningServer } from '../../src/server/server';
import { OFFLINE_IMAGES } from '../sandbox/offlineImages';

export const ENV = { OPENAI_API_KEY: 'sk-test', GROQ_API_KEY: 'gsk-test' };
export const PROMPT = 'Write a Python function primes_up_to(n) that returns the primes <= n';
/** A prompt the replay answers with a program that sleeps: runs long enough to cancel or kill. */
export const SLOW_PROMPT = 'Write a program that sleeps for a minute';
export const SLOW_CODE = 'import time\nprint("started", flush=True)\ntime.sleep(60)\n';

const run = promisify(execFile);

/** The recordings, except that SLOW_PROMPT gets a sleeping program. */
export function slowAnswers(fallback: (model: string, prompt: string) => { text: string } | undefined) {
  return (model: string, prompt: string) =>
    prompt.includes(SLOW_PROMPT)
      ? { text: `Here it is:\n\n\`\`\`python\n${SLOW_CODE}\`\`\`\n` }
      : fallback(model, prompt);
}

export function configFor(replay: ReplayServer, extra: Record<string, unknown> = {}) {
  return {
    models: [
      { id: 'gpt', kind: 'openai', model: 'demo-gpt-4o-mini', baseUrl: `${replay.url}/v1` },
      { id: 'llama', kind: 'groq', model: 'demo-llama-3.3-70b', baseUrl: replay.url },
      { id: 'qwen', kind: 'ollama', model: 'demo-qwen2.5-coder', baseUrl: replay.url },
      { id: 'r1', kind: 'openai-compatible', model: 'demo-deepseek-r1', baseUrl: `${replay.url}/v1` },
    ],
    sandbox: { images: OFFLINE_IMAGES, poolSize: 1 },
    ...extra,
  };
}

export async function startGateway(
  replay: ReplayServer,
  settings: Partial<ServerSettings> = {},
  extra: Record<string, unknown> = {},
): Promise<RunningServer> {
  const { config, issues } = parseConfig(configFor(replay, extra));
  if (issues.length) throw new Error(JSON.stringify(issues));
  return startServer(
    { config, settings: { ...DEFAULT_SETTINGS, ...settings }, env: ENV },
    { host: '127.0.0.1', port: 0 },
  );
}

export interface Child {
  readonly url: string;
  /** Its folder: quorum.config.json and the SQLite database. */
  readonly dir: string;
  readonly process: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
}

/** `quorum serve --port 0` as its own process, through the CLI entry point. */
/** `quorum serve` processes still running: a test that fails half-way leaves its own behind. */
const spawned = new Set<ChildProcess>();
after(() => {
  for (const child of spawned) child.kill('SIGKILL');
});

export async function spawnServe(
  replay: ReplayServer,
  options: {
    env?: Record<string, string>;
    args?: string[];
    config?: Record<string, unknown>;
    /** The server's folder (config, SQLite database): pass an earlier one's to restart it. */
    dir?: string;
  } = {},
): Promise<Child> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'quorum-serve-'));
  writeFileSync(join(dir, 'quorum.config.json'), JSON.stringify(configFor(replay, options.config ?? {})));
  const child = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(require.resolve('tsx')).href,
      join(__dirname, '../../src/cli.ts'),
      'serve',
      '--port',
      '0',
      // The config in the temp folder names the replay server: the test vouches for it.
      '--trust-config',
      ...(options.args ?? []),
    ],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        // Each server its own database (a SQLite file in its folder) unless the test names one.
        QUORUM_DATA_DIR: dir,
        ...ENV,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  spawned.add(child);
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      spawned.delete(child);
      resolve(code ?? signal ?? -1);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${err}`)), 60_000);
    child.stderr.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}:\n${err}`)));
  });
  return { url, dir, process: child, stderr: () => err, exited };
}

/** Ids of the sandbox containers a process owns (by the owner label the sandbox puts on each). */
export async function containersOf(pid: number): Promise<string[]> {
  const { stdout } = await run('docker', [
    'ps',
    '-aq',
    '--filter',
    `label=dev.quorum.owner=${hostname()}:${pid}`,
  ]);
  return stdout.split('\n').filter(Boolean);
}

/**
 * The containers of `pid` that hold a candidate's program run (its bootstrap unpacked one into
 * /work): not waiting pool containers, and not the judge's harness containers (their program is
 * the harness, `_q_main`, which loads the candidate beside its run).
 */
export async function programContainers(pid: number): Promise<string[]> {
  const ids = await containersOf(pid);
  const holding = await Promise.all(
    ids.map((id) =>
      run('docker', [
        'exec',
        id,
        'python3',
        '-c',
        'import os,sys; sys.exit(0 if os.path.exists("/work/.argv") and "_q_main" not in open("/work/main.py").read() else 1)',
      ]).then(
        () => true,
        () => false,
      ),
    ),
  );
  return ids.filter((_, i) => holding[i]);
}

/** Polls until `check` holds, or throws with the last value after `ms`. */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  check: (value: T) => boolean,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

export interface Sse {
  readonly status: number;
  readonly headers: Headers;
  readonly events: EventSourceMessage[];
  readonly comments: string[];
}

/**
 * Reads an event stream with eventsource-parser until it ends, or until `stopAfter` says so (then
 * the client disconnects, as a closed laptop would).
 */
export async function readSse(
  url: string,
  init: RequestInit = {},
  stopAfter?: (event: EventSourceMessage, all: EventSourceMessage[]) => boolean,
  stopOnComment?: (comment: string) => boolean,
): Promise<Sse> {
  const controller = new AbortController();
  const response = await fetch(url, {
    ...init,
    signal: controller.signal,
    headers: { accept: 'text/event-stream', ...(init.headers as Record<string, string>) },
  });
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  let stop = false;
  const parser = createParser({
    onEvent: (event) => {
      events.push(event);
      if (stopAfter?.(event, events)) stop = true;
    },
    onComment: (comment) => {
      comments.push(comment);
      if (stopOnComment?.(comment)) stop = true;
    },
  });
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  const decoder = new TextDecoder();
  try {
    while (reader && !stop) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    if (stop) controller.abort();
  }
  return { status: response.status, headers: response.headers, events, comments };
}

export async function json(
  url: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const { json: payload, ...rest } = init;
  const response = await fetch(url, {
    ...rest,
    method: rest.method ?? (payload === undefined ? 'GET' : 'POST'),
    headers: {
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...(rest.headers as Record<string, string>),
    },
    body: payload === undefined ? rest.body : JSON.stringify(payload),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}
