/**
 * Reads a Server-Sent Events response body (eventsource-parser does the parsing): the one reader
 * of the gateway's event streams, for `quorum ask --server` and the editor's gateway client.
 */
import { createParser } from 'eventsource-parser';
import type { EventSourceMessage } from 'eventsource-parser';

/** Feeds every event of `response` to `onEvent` until the stream ends. */
export async function readEventStream(
  response: Response,
  onEvent: (message: EventSourceMessage) => void,
): Promise<void> {
  const parser = createParser({ onEvent });
  const decoder = new TextDecoder();
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) return;
    parser.feed(decoder.decode(chunk.value, { stream: true }));
  }
}
