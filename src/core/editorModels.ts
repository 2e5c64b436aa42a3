/**
 * Models that only the editor can reach: kind `vscode-lm`, chosen from VS Code's Language Model API
 * (Copilot, or any extension contributing language models) by a selector as `vscode.lm.selectChatModels`
 * takes it. The config schema knows them so quorum.models can list them beside the key-based models;
 * only the extension asks them (src/host/lm/languageModelProvider.ts). The CLI and the gateway reject
 * them with EDITOR_ONLY, since they have no editor to ask.
 */
import { z } from 'zod';
import { MODEL_FIELDS } from './modelFields';
import type { ModelConfig } from './types';

export const EDITOR_MODEL_KIND = 'vscode-lm';

export const EDITOR_ONLY =
  'kind "vscode-lm" uses the models of VS Code\'s Language Model API and works only in the Quorum ' +
  'extension; the CLI and the gateway cannot ask it (remove the entry here, or use a key-based kind)';

/** The models to use, as `vscode.lm.selectChatModels` takes them; at least one field. */
export interface LmSelector {
  readonly vendor?: string;
  readonly family?: string;
  readonly id?: string;
  readonly version?: string;
}

/** A configured editor model: the usual fields, `kind: 'vscode-lm'` and a selector instead of a URL and key. */
export type EditorModelConfig = Omit<ModelConfig, 'kind' | 'baseUrl'> & {
  readonly kind: typeof EDITOR_MODEL_KIND;
  readonly selector: LmSelector;
};

const selectorField = z.string().min(1).optional();

export const editorModelSchema = z
  .object({
    ...MODEL_FIELDS,
    kind: z.literal(EDITOR_MODEL_KIND),
    selector: z
      .object({ vendor: selectorField, family: selectorField, id: selectorField, version: selectorField })
      .strict()
      .refine((s) => Object.values(s).some((v) => v !== undefined), 'name at least a vendor, family or id'),
  })
  .strict();

export function isEditorModelEntry(entry: unknown): boolean {
  return (entry as { kind?: unknown } | null)?.kind === EDITOR_MODEL_KIND;
}
