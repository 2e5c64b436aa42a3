/**
 * The first-run demo. When no enabled model can answer (no stored key for a model that needs one,
 * no Ollama reachable) the host offers to start the loopback replay server and ask the recorded demo
 * models instead, labelled as recorded everywhere, and says exactly how to use real models.
 */
import * as vscode from 'vscode';
import { startReplayServer } from '../demo/replayServer';
import { DEMO_ASKS, type DemoAsk } from '../demo/demoAsks';
import { DEMO_LABEL, DEMO_MODELS } from '../demo/recordings';
import type { Logger, ModelConfig } from '../core/types';

export const REAL_MODELS_ADVICE =
  'To use real models: add them to the "quorum.models" setting, then run "Quorum: Set API Key" for ' +
  'each OpenAI, Groq or OpenAI-compatible model, or start Ollama ("ollama serve", then "ollama pull ' +
  'qwen2.5-coder:7b") for a local one.';

const OLLAMA_DEFAULT = 'http://127.0.0.1:11434';

/** True when this model can be asked now: it has its key, or it is a reachable Ollama. */
export type ReadinessCheck = (model: ModelConfig) => Promise<boolean>;

export function readinessCheck(
  needsKey: (model: ModelConfig) => boolean,
  hasKey: (model: ModelConfig) => Promise<boolean>,
  reachable: (url: string) => Promise<boolean> = ollamaReachable,
): ReadinessCheck {
  return async (model) => {
    if (model.kind === 'ollama') return reachable(model.baseUrl ?? OLLAMA_DEFAULT);
    return !needsKey(model) || hasKey(model);
  };
}

/** Whether the demo should be offered: no enabled model is ready (or none is configured). */
export async function demoNeeded(models: readonly ModelConfig[], ready: ReadinessCheck): Promise<boolean> {
  const enabled = models.filter((m) => m.enabled);
  const results = await Promise.all(enabled.map((m) => ready(m).catch(() => false)));
  return !results.includes(true);
}

export async function ollamaReachable(url: string, timeoutMs = 800): Promise<boolean> {
  try {
    const res = await fetch(new URL('/api/tags', url), { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Opens a demo ask's sample file (when the workspace has it) with its function selected, so the ask
 * sends exactly what the recording answers and Apply replaces that function. Undefined when the ask
 * has no file, or the workspace lacks it (the ask is then sent with whatever is selected).
 */
export async function selectDemoTarget(ask: DemoAsk): Promise<vscode.TextEditor | undefined> {
  if (!ask.file || !ask.symbol) return undefined;
  const [uri] = await vscode.workspace.findFiles(`**/${ask.file}`, '**/node_modules/**', 1);
  if (!uri) return undefined;
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  const range = functionRange(document.getText(), ask.symbol);
  if (range) {
    const end = document.lineAt(range.end).range.end;
    editor.selection = new vscode.Selection(range.start, 0, end.line, end.character);
    editor.revealRange(editor.selection);
  }
  return editor;
}

/**
 * The lines of a top-level function `symbol` (Python `def` or TypeScript `function`, with the
 * comment just above it): from its first line to its last indented line or closing brace.
 */
export function functionRange(text: string, symbol: string): { start: number; end: number } | undefined {
  const lines = text.split('\n');
  const head = new RegExp(`^(export )?(def|function) ${symbol}\\(`);
  let start = lines.findIndex((l) => head.test(l));
  if (start < 0) return undefined;
  let end = start;
  while (end + 1 < lines.length && (/^\s+\S/.test(lines[end + 1]) || lines[end + 1] === '}')) end++;
  while (start > 0 && /^\s*(\/\*\*|\*|\/\/|#)/.test(lines[start - 1])) start--;
  return { start, end };
}

export function demoAsk(id: string): DemoAsk | undefined {
  return DEMO_ASKS.find((a) => a.id === id);
}

/** The running demo: a replay server on loopback and the models that point at it. */
export class DemoMode implements vscode.Disposable {
  private server: { readonly url: string; close(): Promise<void> | void } | undefined;
  private demoModels: readonly ModelConfig[] = [];
  private readonly emitter = new vscode.EventEmitter<boolean>();
  readonly onDidChange = this.emitter.event;
  readonly label: string = DEMO_LABEL;

  constructor(private readonly logger: Logger) {}

  get active(): boolean {
    return this.server !== undefined;
  }

  get models(): readonly ModelConfig[] {
    return this.demoModels;
  }

  async start(): Promise<readonly ModelConfig[]> {
    if (this.server) return this.demoModels;
    const server = await startReplayServer();
    this.server = server;
    this.demoModels = DEMO_MODELS(server.url);
    this.logger.info(`demo started: ${DEMO_LABEL} from ${server.url}`);
    this.emitter.fire(true);
    return this.demoModels;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.demoModels = [];
    await server.close();
    this.logger.info('demo stopped: using the configured models');
    this.emitter.fire(false);
  }

  /** One short line with the two ways on; true when the demo is running afterwards. */
  async offer(): Promise<boolean> {
    const choice = await vscode.window.showInformationMessage(
      'Quorum: no model is ready yet.',
      'Try the Demo',
      'Add Model',
    );
    if (choice === 'Try the Demo') {
      await this.start();
      await vscode.commands.executeCommand('quorum.openPanel');
      return true;
    }
    if (choice === 'Add Model') void vscode.commands.executeCommand('quorum.addModel');
    return false;
  }

  dispose(): void {
    void this.stop();
    this.emitter.dispose();
  }
}
