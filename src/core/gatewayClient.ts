/**
 * The one client of a Quorum gateway (`quorum serve`), for the editor (`quorum.server.url`) and
 * `quorum ask --server`: it posts the ask to `/v1/runs`, reads the run's Server-Sent Events, resumes
 * a dropped stream with Last-Event-ID, and cancels with DELETE. Each caller decides what the events
 * and the end mean to its user (the panel's cards, the CLI's progress lines and exit code).
 */
import type { AskStrategy } from './strategy/types';
import type { EventSourceMessage } from 'eventsource-parser';
import { readEventStream } from './eventStream';
import type { Intent, Language, RunRecord, SessionEvent } from './types';

export interface GatewayTarget {
  /** `https://quorum.example.com` (no trailing slash needed). */
  readonly url: string;
  readonly token?: string;
}

/** The body of `POST /v1/runs`. */
export interface GatewayRunRequest {
  readonly prompt: string;
  readonly context?: string;
  readonly language?: Language;
  readonly intent?: Intent;
  /** Ids of models configured on the gateway; default: its enabled ones. */
  readonly models?: readonly string[];
  readonly execute?: boolean;
  /** The ask's strategy and the budget's USD (POST /v1/runs `strategy`, `budgetUsd`). */
  readonly strategy?: AskStrategy;
  readonly budgetUsd?: number;
  /** An edit ask of a project: its folder as a tar.gz (base64) and the edited file in it. */
  readonly project?: {
    readonly archive: string;
    readonly file: string;
    readonly range?: { readonly startLine: number; readonly endLine: number };
  };
}

/** The gateway's `end` event: the run's status and, unless it failed outright, its record. */
export interface GatewayRunEnd {
  readonly status: string;
  readonly record?: RunRecord;
  readonly error?: { readonly message: string; readonly advice: string };
}

/**
 * Why a gateway run could not be followed to its end: `unreachable` (no answer, or the connection
 * failed), `refused` (an HTTP error status; `status`, and the gateway's own `serverMessage` and
 * `serverAdvice` when it sent JSON), `dropped` (the stream closed before `end`, resumes used up).
 */
export type GatewayFailure = 'unreachable' | 'refused' | 'dropped';

/** The gateway refused or lost the ask; `advice` says what to do (set the token, retry later...). */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    message: string,
    readonly advice: string,
    readonly status?: number,
    readonly reason: GatewayFailure = 'refused',
    readonly serverMessage?: string,
    readonly serverAdvice?: string,
  ) {
    super(message);
  }
}

export interface GatewayRunHooks {
  /** Every session event of the run, as the gateway sent it (the gateway's own status events are left out). */
  readonly onEvent: (event: SessionEvent) => void;
  /** The stream dropped and is picked up again after event `lastId`. */
  readonly onResume?: (lastId: number) => void;
}

export interface GatewayRun {
  /** The run's id on the gateway (`/v1/runs/{id}`), once its first event arrived. */
  readonly runId: Promise<string>;
  /** The `end` event; rejects with a GatewayError when there is none. */
  readonly done: Promise<GatewayRunEnd>;
  /** Asks the gateway to cancel the run (now, or as soon as its id is known). */
  cancel(): void;
}

/** How often a dropped stream is picked up again before giving up. */
export const GATEWAY_RESUMES = 5;

/** Starts one run on the gateway and follows its events to the end. */
export function startGatewayRun(
  target: GatewayTarget,
  request: GatewayRunRequest,
  hooks: GatewayRunHooks,
): GatewayRun {
  const base = target.url.replace(/\/+$/, '');
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
  };
  const stream = new RunStream(hooks);
  let cancelled = false;
  const sendDelete = (id: string): void => {
    void fetch(`${base}/v1/runs/${id}`, { method: 'DELETE', headers }).catch(() => undefined);
  };
  stream.onRunId = (id) => {
    if (cancelled) sendDelete(id);
  };
  const done = follow(base, headers, request, stream);
  return {
    runId: stream.runId,
    done,
    cancel() {
      cancelled = true;
      if (stream.known) sendDelete(stream.known);
    },
  };
}

/** What one run's event stream has told so far: its id, the last event id, and its end. */
class RunStream {
  known: string | undefined;
  lastId = 0;
  end: GatewayRunEnd | undefined;
  onRunId: (id: string) => void = () => undefined;
  readonly runId: Promise<string>;
  private setRunId!: (id: string) => void;

  constructor(readonly hooks: GatewayRunHooks) {
    this.runId = new Promise<string>((resolve) => (this.setRunId = resolve));
  }

  readonly onMessage = (message: EventSourceMessage): void => {
    if (message.id) this.lastId = Number(message.id);
    const data = JSON.parse(message.data) as Record<string, unknown>;
    if (!this.known && typeof data.askId === 'string') {
      this.known = data.askId;
      this.setRunId(data.askId);
      this.onRunId(data.askId);
    }
    if (message.event === 'end') this.end = data as unknown as GatewayRunEnd;
    else if (typeof data.type === 'string') this.hooks.onEvent(data as unknown as SessionEvent);
  };
}

/** Posts the run, then reads its events, resuming a dropped stream up to GATEWAY_RESUMES times. */
async function follow(
  base: string,
  headers: Record<string, string>,
  request: GatewayRunRequest,
  stream: RunStream,
): Promise<GatewayRunEnd> {
  let response = await reach(base, () =>
    fetch(`${base}/v1/runs`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    }),
  );
  for (let attempt = 0; ; attempt++) {
    if (!response.ok) throw await refusal(response);
    await readEventStream(response, stream.onMessage).catch(() => undefined);
    if (stream.end || !stream.known || attempt >= GATEWAY_RESUMES) break;
    stream.hooks.onResume?.(stream.lastId);
    const runId = stream.known;
    response = await reach(base, () =>
      fetch(`${base}/v1/runs/${runId}/events`, {
        headers: { ...headers, 'last-event-id': String(stream.lastId) },
      }),
    );
  }
  if (!stream.end)
    throw new GatewayError(
      'The gateway closed the stream before the ask ended.',
      'Ask again.',
      undefined,
      'dropped',
    );
  return stream.end;
}

async function reach(base: string, request: () => Promise<Response>): Promise<Response> {
  try {
    return await request();
  } catch (error) {
    throw new GatewayError(
      `Cannot reach the Quorum gateway at ${base}: ${(error as Error).message}`,
      'Check the gateway URL and that the gateway is running.',
      undefined,
      'unreachable',
    );
  }
}

async function refusal(response: Response): Promise<GatewayError> {
  const text = await response.text();
  let body: { message?: string; advice?: string } | undefined;
  try {
    body = JSON.parse(text) as { message?: string; advice?: string };
  } catch {
    // not JSON: the text as it came
  }
  return new GatewayError(
    `The Quorum gateway answered ${response.status}: ${body?.message ?? text}`,
    body?.advice ?? 'See the gateway log.',
    response.status,
    'refused',
    body ? body.message : text,
    body?.advice,
  );
}
