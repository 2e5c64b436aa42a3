/**
 * The editor's client of a Quorum gateway (`quorum serve`), for `quorum.server.url`: an ask sent to
 * the gateway instead of local providers and Docker, handed back as the same AskHandle the local
 * session gives, so the panel shows the same cards, streaming and verdict. Events arrive as
 * Server-Sent Events (eventsource-parser) and are re-stamped with the id the host allocated, so the
 * panel's per-ask filtering works unchanged; a dropped stream resumes with Last-Event-ID; `cancel`
 * sends DELETE. No `vscode` import: the caller supplies the URL and the token (from SecretStorage).
 */
import type { EventSourceMessage } from 'eventsource-parser';
import { readEventStream } from '../core/eventStream';
import type { AskHandle } from '../core/session';
import { DEFAULT_LIMITS } from '../core/types';
import type { AskRequest, RunRecord, SessionEvent } from '../core/types';

export interface GatewayTarget {
  /** `https://quorum.example.com` (no trailing slash needed). */
  readonly url: string;
  readonly token?: string;
}

export interface GatewayAskOptions {
  /** Ids of models configured on the gateway; default: its enabled ones. */
  readonly models?: readonly string[];
  readonly execute?: boolean;
  /** The id the host allocated when the user pressed Run; events and the record carry it. */
  readonly askId: string;
}

/** The gateway refused or lost the ask; `advice` says what to do (set the token, retry later...). */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    message: string,
    readonly advice: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface GatewayAskHandle extends AskHandle {
  /** The run's id on the gateway (`/v1/runs/{id}`), once it answered. */
  readonly runId: Promise<string>;
}

const RESUMES = 5;

export function startGatewayAsk(
  target: GatewayTarget,
  request: AskRequest,
  options: GatewayAskOptions,
  onEvent: (event: SessionEvent) => void,
): GatewayAskHandle {
  const base = target.url.replace(/\/+$/, '');
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
  };
  const askId = options.askId;
  const stamp = (record: RunRecord): RunRecord => ({ ...record, askId });
  let latest: RunRecord | undefined;
  let lastId = 0;
  let cancelled = false;
  let setRunId!: (id: string) => void;
  const runId = new Promise<string>((resolve) => (setRunId = resolve));
  let known: string | undefined;
  const sendDelete = (id: string): void => {
    void fetch(`${base}/v1/runs/${id}`, { method: 'DELETE', headers }).catch(() => undefined);
  };

  let end: { status: string; record?: RunRecord; error?: { message: string; advice: string } } | undefined;
  const onMessage = (message: EventSourceMessage): void => {
    if (message.id) lastId = Number(message.id);
    const data = JSON.parse(message.data) as Record<string, unknown>;
    if (!known && typeof data.askId === 'string') {
      known = data.askId;
      setRunId(known);
      if (cancelled) sendDelete(known);
    }
    if (message.event === 'end') {
      end = data as unknown as typeof end;
      return;
    }
    if (typeof data.type !== 'string') return; // the gateway's own `status` events
    const event = { ...data, askId } as unknown as SessionEvent;
    if (event.type === 'session-done' || event.type === 'record-updated') {
      latest = stamp(event.record);
      onEvent({ ...event, record: latest });
    } else onEvent(event);
  };

  const done = (async (): Promise<RunRecord> => {
    let response = await fetch(`${base}/v1/runs`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        prompt: request.instruction,
        context: request.context,
        language: request.language,
        intent: request.intent,
        models: options.models,
        execute: options.execute,
      }),
    }).catch((error: unknown) => {
      throw new GatewayError(
        `Cannot reach the Quorum gateway at ${base}: ${String(error)}`,
        'Check quorum.server.url and that the gateway is running.',
      );
    });
    for (let attempt = 0; ; attempt++) {
      if (!response.ok) throw await refusal(response);
      await readEventStream(response, onMessage).catch(() => undefined);
      if (end || !known || attempt >= RESUMES) break;
      response = await fetch(`${base}/v1/runs/${known}/events`, {
        headers: { ...headers, 'last-event-id': String(lastId) },
      });
    }
    if (!end) throw new GatewayError('The gateway closed the stream before the ask ended.', 'Ask again.');
    if (end.record) return (latest = stamp(end.record));
    throw new GatewayError(end.error?.message ?? `The ask ${end.status}.`, end.error?.advice ?? 'Ask again.');
  })();

  return {
    askId,
    done,
    runId,
    cancel() {
      cancelled = true;
      if (known) sendDelete(known);
    },
    rerun() {
      return Promise.reject(
        new GatewayError('Re-running one candidate is not offered by the gateway.', 'Ask again instead.'),
      );
    },
    record() {
      return (
        latest ?? {
          version: 1,
          askId,
          startedAt: new Date().toISOString(),
          request,
          systemPrompt: '',
          candidates: [],
          limits: DEFAULT_LIMITS,
          images: {},
        }
      );
    },
  };
}

async function refusal(response: Response): Promise<GatewayError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: string; advice?: string };
    const advice =
      response.status === 401
        ? 'Set the gateway token with the command Quorum: Set Gateway Token.'
        : (body.advice ?? 'See the gateway log.');
    return new GatewayError(
      `The Quorum gateway answered ${response.status}: ${body.message ?? text}`,
      advice,
      response.status,
    );
  } catch {
    return new GatewayError(
      `The Quorum gateway answered ${response.status}: ${text}`,
      'See the gateway log.',
      response.status,
    );
  }
}
