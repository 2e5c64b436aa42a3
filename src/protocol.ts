/**
 * The one message contract between the extension host and the panel webview.
 * Both sides import this file; nothing else crosses the boundary. Names are `noun/verb`.
 * Type-only imports from the core keep the webview bundle free of core code.
 */
import { INTENTS } from './core/types';
import type { Intent, Language, ProviderKind, RunRecord, SessionEvent } from './core/types';
import type { DiffLine } from './core/diff';
import type { SpendEstimate } from './core/spend';
import type { ModelRecordsView } from './core/records/recordsView';

export type { SentContext, SpendEstimate } from './core/spend';
export type {
  ModelRecordView,
  ModelRecordsView,
  RecordBucketView,
  RecordScopeView,
} from './core/records/recordsView';

/** A model as the panel sees it: never a key, only whether one is stored. */
export interface ModelView {
  readonly id: string;
  /** A key-based kind, or `vscode-lm`: a model of the editor's Language Model API. */
  readonly kind: ProviderKind | 'vscode-lm';
  readonly model: string;
  readonly enabled: boolean;
  /** False when the kind needs a key and none is stored. Ollama never needs one. */
  readonly hasKey: boolean;
}

export interface SelectionContext {
  readonly text: string;
  readonly language?: Language;
  readonly file?: string;
  /** True when the whole file is used because nothing was selected. */
  readonly wholeFile: boolean;
}

export interface HistoryEntry {
  readonly askId: string;
  readonly startedAt: string;
  readonly instruction: string;
  readonly pick?: string | null;
  readonly demo?: boolean;
}

/** A recorded ask the demo can answer, as a button: its words and what it sends. */
export interface DemoAskView {
  readonly id: string;
  readonly title: string;
}

export type DiffBase = 'pick' | 'selection';

export type { DiffLine } from './core/diff';

/** Messages from the host to the webview. */
export type HostMessage =
  | {
      readonly type: 'state/init';
      readonly models: readonly ModelView[];
      /** Workspace trusted: execution allowed. */
      readonly trusted: boolean;
      /** Answers come from the recorded demo, not live models. */
      readonly demo: boolean;
      readonly selection?: SelectionContext;
      readonly history: readonly HistoryEntry[];
    }
  | { readonly type: 'models/update'; readonly models: readonly ModelView[]; readonly demo: boolean }
  | { readonly type: 'selection/update'; readonly selection?: SelectionContext }
  | { readonly type: 'trust/update'; readonly trusted: boolean }
  | { readonly type: 'docker/status'; readonly available: boolean; readonly message?: string }
  | { readonly type: 'session/event'; readonly event: SessionEvent }
  | {
      readonly type: 'diff/update';
      readonly base: DiffBase;
      /** Lines per candidate id, against the base. Missing: no diff (the base itself, or no code). */
      readonly diffs: Readonly<Record<string, readonly DiffLine[]>>;
    }
  | { readonly type: 'history/update'; readonly history: readonly HistoryEntry[] }
  | { readonly type: 'record/show'; readonly record: RunRecord }
  /** The estimated input cost of the ask as it stands (see src/core/spend.ts). */
  | { readonly type: 'spend/update'; readonly estimate: SpendEstimate }
  | { readonly type: 'notice/show'; readonly level: 'info' | 'warning' | 'error'; readonly message: string }
  /** The ask the panel requested did not start (no model, superseded, refused): Run is enabled again. */
  | { readonly type: 'ask/refused'; readonly reason: string }
  /**
   * An ask started from outside the form (Quick Fix, keybinding, command, demo button): the form
   * shows its intent and instruction, so Run re-sends this ask and not the previous one.
   */
  | { readonly type: 'draft/set'; readonly instruction: string; readonly intent: Intent }
  /**
   * Whether an enabled model can answer now (a key where one is needed, Ollama reachable), and which
   * enabled models cannot (an Ollama server that does not answer). No model ready: the panel offers
   * the demo and Add Model instead of a Run that ends in provider errors.
   */
  | { readonly type: 'readiness/update'; readonly ready: boolean; readonly unreachable: readonly string[] }
  /**
   * The asks the demo can answer, shown as buttons; `reason` says why they are shown (a prompt the
   * demo has no recording for).
   */
  | { readonly type: 'demo/asks'; readonly asks: readonly DemoAskView[]; readonly reason?: string }
  /** Each model's record (overall and in this workspace), sent at start and after every stored ask. */
  | { readonly type: 'records/update'; readonly records: ModelRecordsView };

/** Messages from the webview to the host. Every one is validated with `isWebviewMessage`. */
export type WebviewMessage =
  | { readonly type: 'webview/ready' }
  | {
      readonly type: 'ask/start';
      readonly instruction: string;
      readonly intent: Intent;
      readonly modelIds: readonly string[];
    }
  | { readonly type: 'ask/cancel' }
  | { readonly type: 'candidate/insert'; readonly candidateId: string; readonly mode: 'cursor' | 'replace' }
  | { readonly type: 'candidate/copy'; readonly candidateId: string }
  | { readonly type: 'candidate/rerun'; readonly candidateId: string }
  | { readonly type: 'candidate/openUntitled'; readonly candidateId: string }
  | { readonly type: 'candidate/openDiff'; readonly candidateId: string; readonly base: DiffBase }
  | { readonly type: 'diff/setBase'; readonly base: DiffBase }
  | { readonly type: 'history/open'; readonly askId: string }
  | { readonly type: 'run/export' }
  | { readonly type: 'model/toggle'; readonly modelId: string; readonly enabled: boolean }
  | { readonly type: 'apiKey/set'; readonly modelId: string }
  | { readonly type: 'log/show' }
  /** Opens the diff preview of the candidate applied to the editor, with Accept and Reject. */
  | { readonly type: 'candidate/apply'; readonly candidateId: string }
  | { readonly type: 'model/add' }
  | { readonly type: 'model/edit'; readonly modelId: string }
  | { readonly type: 'model/remove'; readonly modelId: string }
  /** Asks for the input cost of this ask before it is sent; answered with `spend/update`. */
  | {
      readonly type: 'spend/estimate';
      readonly instruction: string;
      readonly intent: Intent;
      readonly modelIds: readonly string[];
    }
  /** Starts the recorded demo (no key, no Ollama needed). */
  | { readonly type: 'demo/start' }
  /** Runs one of the demo's recorded asks, on its sample file when the workspace has it. */
  | { readonly type: 'demo/ask'; readonly askId: string }
  /** Opens VS Code's Manage Workspace Trust editor. */
  | { readonly type: 'trust/manage' }
  /** Opens the full candidate x test matrix in an editor tab, where there is room. */
  | { readonly type: 'matrix/open' }
  /** Saves the model records as CSV (the Export Model Records command). */
  | { readonly type: 'records/export' };

export type WebviewMessageType = WebviewMessage['type'];

const DIFF_BASES: readonly string[] = ['pick', 'selection'] satisfies readonly DiffBase[];

type Fields = Record<string, unknown>;
const str = (v: unknown): boolean => typeof v === 'string' && v.length <= 100_000;
const id = (v: unknown): boolean => typeof v === 'string' && v.length > 0 && v.length <= 200;

/** Field checks per message type; a message with any other type is rejected. */
const GUARDS: { readonly [K in WebviewMessageType]: (m: Fields) => boolean } = {
  'webview/ready': () => true,
  'ask/start': (m) =>
    str(m.instruction) &&
    (INTENTS as readonly unknown[]).includes(m.intent) &&
    Array.isArray(m.modelIds) &&
    m.modelIds.length <= 50 &&
    m.modelIds.every(id),
  'ask/cancel': () => true,
  'candidate/insert': (m) => id(m.candidateId) && (m.mode === 'cursor' || m.mode === 'replace'),
  'candidate/copy': (m) => id(m.candidateId),
  'candidate/rerun': (m) => id(m.candidateId),
  'candidate/openUntitled': (m) => id(m.candidateId),
  'candidate/openDiff': (m) => id(m.candidateId) && DIFF_BASES.includes(m.base as string),
  'diff/setBase': (m) => DIFF_BASES.includes(m.base as string),
  'history/open': (m) => id(m.askId),
  'run/export': () => true,
  'model/toggle': (m) => id(m.modelId) && typeof m.enabled === 'boolean',
  'apiKey/set': (m) => id(m.modelId),
  'log/show': () => true,
  'candidate/apply': (m) => id(m.candidateId),
  'model/add': () => true,
  'model/edit': (m) => id(m.modelId),
  'model/remove': (m) => id(m.modelId),
  'spend/estimate': (m) =>
    str(m.instruction) &&
    (INTENTS as readonly unknown[]).includes(m.intent) &&
    Array.isArray(m.modelIds) &&
    m.modelIds.length <= 50 &&
    m.modelIds.every(id),
  'demo/start': () => true,
  'demo/ask': (m) => id(m.askId),
  'trust/manage': () => true,
  'matrix/open': () => true,
  'records/export': () => true,
};

/** Validates an untrusted message from the webview against the protocol. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Fields;
  if (typeof m.type !== 'string' || !Object.hasOwn(GUARDS, m.type)) return false;
  return GUARDS[m.type as WebviewMessageType](m);
}
