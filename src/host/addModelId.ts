/** The settings id Add Model gives a new entry (no `vscode`, so unit tests run it). */
import type { ProviderKind } from '../core/types';

/** A settings id from the model name: `groq-llama-3.3-70b`, with `-2`, `-3` while taken. */
export function uniqueModelId(kind: ProviderKind, model: string, taken: ReadonlySet<string>): string {
  const base = `${kind === 'openai-compatible' ? 'local' : kind}-${model}`
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 58);
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}
