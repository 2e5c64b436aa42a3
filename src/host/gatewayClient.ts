/**
 * The editor's side of a Quorum gateway (`quorum.server.url`): an ask sent to the gateway instead
 * of local providers and Docker, handed back as the same AskHandle the local session gives, so the
 * panel shows the same cards, streaming and verdict. The wire (SSE, resume, DELETE) is the core's
 * client (core/gatewayClient.ts, shared with `quorum ask --server`); this module re-stamps events
 * with the id the host allocated, so the panel's per-ask filtering works unchanged, and words the
 * errors for the editor. No `vscode` import: the caller supplies the URL and the token.
 */
import { GatewayError, startGatewayRun } from '../core/gatewayClient';
import type { GatewayRunEnd, GatewayTarget } from '../core/gatewayClient';
import type { AskHandle } from '../core/session';
import { DEFAULT_LIMITS } from '../core/types';
import type { AskRequest, RunRecord, SessionEvent } from '../core/types';

export { GatewayError };
export type { GatewayTarget };

export interface GatewayAskOptions {
  /** Ids of models configured on the gateway; default: its enabled ones. */
  readonly models?: readonly string[];
  readonly execute?: boolean;
  /** The id the host allocated when the user pressed Run; events and the record carry it. */
  readonly askId: string;
}

export interface GatewayAskHandle extends AskHandle {
  /** The run's id on the gateway (`/v1/runs/{id}`), once it answered. */
  readonly runId: Promise<string>;
}

export function startGatewayAsk(
  target: GatewayTarget,
  request: AskRequest,
  options: GatewayAskOptions,
  onEvent: (event: SessionEvent) => void,
): GatewayAskHandle {
  const askId = options.askId;
  const stamp = (record: RunRecord): RunRecord => ({ ...record, askId });
  let latest: RunRecord | undefined;
  const run = startGatewayRun(
    target,
    {
      prompt: request.instruction,
      context: request.context,
      language: request.language,
      intent: request.intent,
      models: options.models,
      execute: options.execute,
    },
    {
      onEvent(data) {
        const event = { ...data, askId } as SessionEvent;
        if (event.type === 'session-done' || event.type === 'record-updated') {
          latest = stamp(event.record);
          onEvent({ ...event, record: latest });
        } else onEvent(event);
      },
    },
  );
  const done = run.done.then(
    (end) => (latest = stamp(recordOf(end))),
    (error: unknown) => {
      throw forTheEditor(error);
    },
  );
  return {
    askId,
    done,
    runId: run.runId,
    cancel: () => run.cancel(),
    rerun() {
      return Promise.reject(
        new GatewayError('Re-running one candidate is not offered by the gateway.', 'Ask again instead.'),
      );
    },
    record() {
      return latest ?? emptyRecord(askId, request);
    },
  };
}

/** The run's record, or the gateway's reason for having none as a GatewayError. */
function recordOf(end: GatewayRunEnd): RunRecord {
  if (end.record) return end.record;
  throw new GatewayError(end.error?.message ?? `The ask ${end.status}.`, end.error?.advice ?? 'Ask again.');
}

/** The advice in the editor's words: the setting to check, the command that sets the token. */
function forTheEditor(error: unknown): unknown {
  if (!(error instanceof GatewayError)) return error;
  const advice =
    error.reason === 'unreachable'
      ? 'Check quorum.server.url and that the gateway is running.'
      : error.status === 401
        ? 'Set the gateway token with the command Quorum: Set Gateway Token.'
        : undefined;
  return advice
    ? new GatewayError(
        error.message,
        advice,
        error.status,
        error.reason,
        error.serverMessage,
        error.serverAdvice,
      )
    : error;
}

function emptyRecord(askId: string, request: AskRequest): RunRecord {
  return {
    version: 1,
    askId,
    startedAt: new Date().toISOString(),
    request,
    systemPrompt: '',
    candidates: [],
    limits: DEFAULT_LIMITS,
    images: {},
  };
}
