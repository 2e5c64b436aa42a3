/** Writes a recording piece by piece at its recorded pace, applying the cut and malformed-line faults. */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { tokenChunks } from './tokenChunks';
import type { Playback } from './replayTypes';

export type PlaybackEnd = 'complete' | 'cut' | 'malformed' | 'client-closed';

export interface PieceEncoder {
  reasoning(piece: string): string;
  content(piece: string): string;
  /** A line the client's JSON parser will choke on. */
  readonly malformed: string;
}

export async function playPieces(
  res: ServerResponse,
  playback: Playback,
  encode: PieceEncoder,
): Promise<PlaybackEnd> {
  const gone = (): boolean => res.destroyed || res.writableEnded;
  if (playback.ttftMs > 0) await sleep(playback.ttftMs);
  const reasoning = tokenChunks(playback.recording.reasoning ?? '');
  for (const piece of reasoning) {
    if (gone()) return 'client-closed';
    res.write(encode.reasoning(piece));
    if (playback.chunkDelayMs > 0) await sleep(playback.chunkDelayMs);
  }
  let sent = 0;
  let flushed: Promise<void> = Promise.resolve();
  for (const piece of tokenChunks(playback.recording.text)) {
    if (gone()) return 'client-closed';
    if (sent === playback.cutAfterChunks) {
      // A dropped connection mid-answer, as when a proxy or the vendor's server dies. Let the
      // client read what was sent first: a reset would otherwise discard its unread bytes.
      await flushed;
      await sleep(25);
      res.socket?.destroy();
      return 'cut';
    }
    if (sent === playback.malformedAfterChunks) {
      res.write(encode.malformed);
      return 'malformed';
    }
    flushed = new Promise((resolve) => res.write(encode.content(piece), () => resolve()));
    sent++;
    if (playback.chunkDelayMs > 0) await sleep(playback.chunkDelayMs);
  }
  return gone() ? 'client-closed' : 'complete';
}
