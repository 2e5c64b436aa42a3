/**
 * Coalesces streamed `delta` events before they cross to the webview: five models streaming token by
 * token would otherwise post hundreds of messages a second. Deltas of one candidate are joined for
 * up to `windowMs`; any other event first flushes what is pending, so the order the panel sees stays
 * the session's order (a card's text is complete before its `candidate-done`). Pure, no `vscode`.
 */
import type { SessionEvent } from '../core/types';

export class DeltaBatcher {
  /** Pending text per candidate of one ask; a batch never mixes asks (see `push`). */
  private pending = new Map<string, string>();
  private pendingAsk: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly emit: (event: SessionEvent) => void,
    private readonly windowMs = 30,
  ) {}

  push(event: SessionEvent): void {
    if (event.type !== 'delta' || event.askId !== this.pendingAsk) this.flush();
    if (event.type !== 'delta') {
      this.emit(event);
      return;
    }
    this.pendingAsk = event.askId;
    this.pending.set(event.candidateId, (this.pending.get(event.candidateId) ?? '') + event.text);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** Sends every pending delta now, one event per candidate, in first-delta order. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    const askId = this.pendingAsk;
    this.pending = new Map();
    this.pendingAsk = undefined;
    if (askId === undefined) return;
    for (const [candidateId, text] of pending) this.emit({ type: 'delta', askId, candidateId, text });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.pending.clear();
  }
}
