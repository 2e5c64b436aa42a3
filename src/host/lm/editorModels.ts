/**
 * The providers of an ask's `vscode-lm` models (quorum.models entries of that kind), for the
 * pipeline's `extraProviders`: the same choice rule as the other models (the named ids, else the
 * enabled ones), but built here because only the host can reach VS Code's Language Model API.
 */
import type { QuorumConfig } from '../../core/config';
import type { Provider } from '../../core/types';
import { createVscodeLmProvider } from './languageModelProvider';

export function editorProviders(config: QuorumConfig, modelIds?: readonly string[]): Provider[] {
  return (config.editorModels ?? [])
    .filter((m) => (modelIds ? modelIds.includes(m.id) : m.enabled))
    .map((m) => createVscodeLmProvider(m));
}
