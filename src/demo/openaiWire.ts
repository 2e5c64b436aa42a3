/**
 * The OpenAI chat-completions wire as the real servers send it: SSE chunks with a role chunk first,
 * a finish chunk, an optional usage chunk with empty `choices`, `data: [DONE]`; Groq's variant adds
 * `x_groq.usage` to the finish chunk. Errors use OpenAI's `{ error: { message, type, code } }` body.
 */
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { playPieces } from './pacedStream';
import type { PlaybackEnd } from './pacedStream';
import { approxTokens } from './tokenChunks';
import type { Playback } from './replayTypes';

export interface OpenAIWireFlavour {
  /** Served under Groq's `/openai/v1` prefix. */
  readonly groq: boolean;
  readonly includeUsage: boolean;
}

function usageOf(playback: Playback): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
} {
  const prompt = approxTokens(playback.promptText);
  const completion = approxTokens((playback.recording.reasoning ?? '') + playback.recording.text);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export async function streamChatCompletion(
  res: ServerResponse,
  playback: Playback,
  flavour: OpenAIWireFlavour,
): Promise<PlaybackEnd> {
  const id = `chatcmpl-${randomUUID().replaceAll('-', '').slice(0, 24)}`;
  const created = Math.floor(Date.now() / 1000);
  // OpenAI puts `usage: null` on every chunk once usage was asked for; the last chunk carries the numbers.
  const usageField = flavour.includeUsage ? { usage: null } : {};
  const frame = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: playback.model, system_fingerprint: 'fp_replay', choices, ...usageField, ...extra })}\n\n`;
  const delta = (d: Record<string, string>): string =>
    frame([{ index: 0, delta: d, logprobs: null, finish_reason: null }]);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write(delta({ role: 'assistant', content: '' }));
  const end = await playPieces(res, playback, {
    reasoning: (piece) => delta({ reasoning_content: piece }),
    content: (piece) => delta({ content: piece }),
    malformed: 'data: {"id":"chatcmpl-broken","choices":[{"index":0,"delta":{"content":"\n\n',
  });
  if (end === 'complete') {
    const usage = usageOf(playback);
    const groqExtra = flavour.groq ? { x_groq: { id: `req_${randomUUID()}`, usage } } : {};
    res.write(frame([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], groqExtra));
    if (flavour.includeUsage) res.write(frame([], { usage }));
    res.write('data: [DONE]\n\n');
  }
  if (end !== 'cut' && !res.destroyed) res.end();
  return end;
}

export function chatCompletionJson(playback: Playback): unknown {
  const message: Record<string, string> = { role: 'assistant', content: playback.recording.text };
  if (playback.recording.reasoning) message.reasoning_content = playback.recording.reasoning;
  return {
    id: `chatcmpl-${randomUUID().replaceAll('-', '').slice(0, 24)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: playback.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }],
    usage: usageOf(playback),
  };
}

export function modelsJson(models: readonly string[]): unknown {
  return {
    object: 'list',
    data: models.map((id) => ({ id, object: 'model', created: 1_735_689_600, owned_by: 'quorum-replay' })),
  };
}

const ERROR_BODIES: Record<number, { message: string; type: string; code: string | null }> = {
  401: {
    message: 'Incorrect API key provided. You can find your API key in your account settings.',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
  429: {
    message: 'Rate limit reached for requests. Please try again in 1s.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
  500: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    code: null,
  },
  503: {
    message: 'The engine is currently overloaded, please try again later.',
    type: 'server_error',
    code: null,
  },
};

export function openaiErrorJson(status: number, model?: string): unknown {
  if (status === 404) {
    return {
      error: {
        message: `The model \`${model ?? ''}\` does not exist or you do not have access to it.`,
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      },
    };
  }
  const body = ERROR_BODIES[status] ?? {
    message: `Replay fault ${status}`,
    type: 'server_error',
    code: null,
  };
  return { error: { ...body, param: null } };
}
