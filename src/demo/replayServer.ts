/**
 * A loopback HTTP server that speaks the real OpenAI (and Groq-prefixed) chat-completions wire and
 * Ollama's native wire, replaying recorded answers chosen by model name. `quorum demo` and
 * `npm start` run the real SDKs against it with no key and no network; the tests use its fault
 * knobs to drive every failure path through the same SDKs.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatCompletionJson, modelsJson, openaiErrorJson, streamChatCompletion } from './openaiWire';
import { ollamaChatJson, ollamaErrorJson, ollamaTagsJson, streamOllamaChat } from './ollamaWire';
import { RECORDED_MODEL_NAMES, recordingFor } from './recordings';
import type { Fault, Playback, Recording, ReplayRequest } from './replayTypes';

export interface ReplayServerOptions {
  /** Defaults to loopback; the replay is never meant to be reachable from elsewhere. */
  readonly host?: string;
  readonly port?: number;
  /** Picks the answer for a model and the user's prompt; defaults to the bundled recordings. */
  readonly answers?: (model: string, prompt: string) => Recording | undefined;
  /** Names listed by /v1/models and /api/tags. */
  readonly models?: readonly string[];
  readonly faults?: Readonly<Record<string, Fault>>;
  /** Overrides every recording's pace; tests pass 0. */
  readonly chunkDelayMs?: number;
  readonly ttftMs?: number;
}

export interface ReplayServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: ReplayRequest[];
  /** Sets (or with undefined, clears) the fault for one model name; resets its counter. */
  setFault(model: string, fault: Fault | undefined): void;
  /** Clears faults and the request log. */
  reset(): void;
  close(): Promise<void>;
}

type Wire = 'openai' | 'groq' | 'ollama';

interface ChatBody {
  readonly model?: unknown;
  readonly messages?: unknown;
  readonly stream?: unknown;
  readonly stream_options?: { readonly include_usage?: unknown };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** The user's words, which choose between the recorded prompts. */
function promptOf(body: ChatBody): string {
  if (!Array.isArray(body.messages)) return '';
  return body.messages
    .map((m: unknown) =>
      typeof m === 'object' && m !== null && typeof (m as { content?: unknown }).content === 'string'
        ? (m as { content: string }).content
        : '',
    )
    .join('\n');
}

export async function startReplayServer(options: ReplayServerOptions = {}): Promise<ReplayServer> {
  const answers = options.answers ?? recordingFor;
  const models = options.models ?? RECORDED_MODEL_NAMES;
  const faults = new Map<string, Fault>(Object.entries(options.faults ?? {}));
  const faultHits = new Map<string, number>();
  const requests: ReplayRequest[] = [];

  /** The status a fault imposes on this request, counting down `times`. */
  function faultStatus(model: string): Fault | undefined {
    const fault = faults.get(model);
    if (fault?.status === undefined) return undefined;
    const hits = faultHits.get(model) ?? 0;
    if (fault.times !== undefined && hits >= fault.times) return undefined;
    faultHits.set(model, hits + 1);
    return fault;
  }

  async function chat(wire: Wire, body: ChatBody, res: ServerResponse, log: ReplayRequest): Promise<void> {
    const model = typeof body.model === 'string' ? body.model : '';
    const errorJson = wire === 'ollama' ? ollamaErrorJson : openaiErrorJson;
    const fault = faults.get(model);
    if (fault?.hang) return; // Held open until the client gives up or the server closes.
    const failing = faultStatus(model);
    if (failing?.status !== undefined) {
      log.status = failing.status;
      sendJson(
        res,
        failing.status,
        errorJson(failing.status, model),
        failing.retryAfter ? { 'retry-after': failing.retryAfter } : {},
      );
      return;
    }
    const prompt = promptOf(body);
    const recording = answers(model, prompt);
    if (!recording) {
      log.status = 404;
      sendJson(res, 404, errorJson(404, model));
      return;
    }
    const playback: Playback = {
      model,
      recording,
      promptText: prompt,
      ttftMs: fault?.ttftMs ?? options.ttftMs ?? recording.ttftMs ?? 0,
      chunkDelayMs: fault?.chunkDelayMs ?? options.chunkDelayMs ?? recording.chunkDelayMs ?? 0,
      cutAfterChunks: fault?.cutAfterChunks,
      malformedAfterChunks: fault?.malformedAfterChunks,
    };
    log.status = 200;
    // Ollama streams unless told not to; the OpenAI wire answers in one piece unless told to stream.
    const stream = wire === 'ollama' ? body.stream !== false : body.stream === true;
    if (!stream) {
      sendJson(res, 200, wire === 'ollama' ? ollamaChatJson(playback) : chatCompletionJson(playback));
      return;
    }
    if (wire === 'ollama') await streamOllamaChat(res, playback);
    else
      await streamChatCompletion(res, playback, {
        groq: wire === 'groq',
        includeUsage: body.stream_options?.include_usage === true && !fault?.noUsageChunk,
      });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://replay').pathname;
    const raw = req.method === 'POST' ? await readBody(req) : '';
    let body: unknown = undefined;
    try {
      body = raw ? (JSON.parse(raw) as unknown) : undefined;
    } catch {
      body = raw;
    }
    const chatBody: ChatBody = typeof body === 'object' && body !== null ? body : {};
    const log: ReplayRequest = {
      method: req.method ?? 'GET',
      path,
      model: typeof chatBody.model === 'string' ? chatBody.model : undefined,
      authorization: req.headers.authorization,
      body,
      status: 0,
      clientClosed: false,
      finished: false,
    };
    requests.push(log);
    res.on('close', () => {
      log.finished = res.writableFinished;
      log.clientClosed = !res.writableFinished;
    });
    if (req.method === 'POST' && path.endsWith('/chat/completions')) {
      return chat(path.startsWith('/openai/') ? 'groq' : 'openai', chatBody, res, log);
    }
    if (req.method === 'POST' && path === '/api/chat') return chat('ollama', chatBody, res, log);
    if (req.method === 'GET' && path.endsWith('/models'))
      return sendJson(res, (log.status = 200), modelsJson(models));
    if (req.method === 'GET' && path === '/api/tags')
      return sendJson(res, (log.status = 200), ollamaTagsJson(models));
    if (req.method === 'GET' && path === '/api/version')
      return sendJson(res, (log.status = 200), { version: '0.6.4-replay' });
    sendJson(res, (log.status = 404), {
      error: { message: `Unknown path ${path}`, type: 'invalid_request_error' },
    });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error), type: 'server_error' } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    requests,
    setFault(model, fault) {
      if (fault) faults.set(model, fault);
      else faults.delete(model);
      faultHits.delete(model);
    },
    reset() {
      faults.clear();
      faultHits.clear();
      requests.length = 0;
    },
    close() {
      // Hung and streaming responses would otherwise keep close() waiting forever.
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
