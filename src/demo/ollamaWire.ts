/**
 * Ollama's native wire as `ollama serve` sends it: /api/chat as NDJSON lines ending with a
 * `done: true` line that carries the counters, /api/tags listing local models, `{ error }` bodies.
 */
import type { ServerResponse } from 'node:http';
import { playPieces } from './pacedStream';
import type { PlaybackEnd } from './pacedStream';
import { approxTokens } from './tokenChunks';
import type { Playback } from './replayTypes';

function finalCounters(playback: Playback, elapsedMs: number): Record<string, unknown> {
  const ns = (ms: number): number => Math.round(ms * 1e6);
  return {
    done_reason: 'stop',
    done: true,
    total_duration: ns(elapsedMs),
    load_duration: ns(Math.min(elapsedMs, 20)),
    prompt_eval_count: approxTokens(playback.promptText),
    prompt_eval_duration: ns(playback.ttftMs),
    eval_count: approxTokens((playback.recording.reasoning ?? '') + playback.recording.text),
    eval_duration: ns(Math.max(0, elapsedMs - playback.ttftMs)),
  };
}

export async function streamOllamaChat(res: ServerResponse, playback: Playback): Promise<PlaybackEnd> {
  const started = Date.now();
  const line = (message: Record<string, string>, extra: Record<string, unknown> = { done: false }): string =>
    JSON.stringify({
      model: playback.model,
      created_at: new Date().toISOString(),
      message: { role: 'assistant', ...message },
      ...extra,
    }) + '\n';
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const end = await playPieces(res, playback, {
    reasoning: (piece) => line({ content: '', thinking: piece }),
    content: (piece) => line({ content: piece }),
    malformed: '{"model":"broken","message":{"role":"assistant","content":"\n',
  });
  if (end === 'complete') res.write(line({ content: '' }, finalCounters(playback, Date.now() - started)));
  if (end !== 'cut' && !res.destroyed) res.end();
  return end;
}

export function ollamaChatJson(playback: Playback): unknown {
  const message: Record<string, string> = { role: 'assistant', content: playback.recording.text };
  if (playback.recording.reasoning) message.thinking = playback.recording.reasoning;
  return {
    model: playback.model,
    created_at: new Date().toISOString(),
    message,
    ...finalCounters(playback, playback.ttftMs),
  };
}

export function ollamaTagsJson(models: readonly string[]): unknown {
  return {
    models: models.map((name) => ({
      name,
      model: name,
      modified_at: '2026-01-01T00:00:00Z',
      size: 4_683_087_332,
      digest: Buffer.from(name).toString('hex').padEnd(64, '0').slice(0, 64),
      details: {
        parent_model: '',
        format: 'gguf',
        family: 'replay',
        families: ['replay'],
        parameter_size: '7.6B',
        quantization_level: 'Q4_K_M',
      },
    })),
  };
}

export function ollamaErrorJson(status: number, model?: string): unknown {
  if (status === 404) return { error: `model '${model ?? ''}' not found` };
  return { error: status === 401 ? 'unauthorized' : `replay fault ${status}` };
}
