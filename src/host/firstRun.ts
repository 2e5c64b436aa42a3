/**
 * The first run with nothing set up. Which enabled models can answer now (a key where one is needed,
 * an Ollama that answers at its URL), for the panel's "Try the demo / Add a model" offer; on the
 * first activation of an install, the walkthrough; and, once per install, a one-line notification
 * with the same two buttons, after Workspace Trust is settled and only when the panel is not showing
 * the offer itself.
 */
import * as vscode from 'vscode';
import type { ModelConfig } from '../core/types';
import { keyRule } from './coreLoader';
import { ollamaReachable, readinessCheck } from './demo';
import type { HostServices } from './services';

const OFFERED_KEY = 'quorum.firstRunOffered';
const WALKTHROUGH_KEY = 'quorum.walkthroughShown';
export const WALKTHROUGH_ID = 'quorum-dev.quorum#quorum.gettingStarted';
/** How long the offer waits for the trust dialog to be answered before it shows anyway. */
const TRUST_WAIT_MS = 15_000;

export interface Readiness {
  /** Some enabled model can answer now (always true in demo mode). */
  readonly ready: boolean;
  /** Enabled Ollama models whose server does not answer. */
  readonly unreachable: readonly string[];
}

/** Readiness of the enabled models (or of `only`, the ids an ask is about to use). */
export async function readinessOf(s: HostServices, only?: readonly string[]): Promise<Readiness> {
  if (s.demo.active) return { ready: true, unreachable: [] };
  const config = s.settings.config;
  const chosen = (m: { id: string; enabled: boolean }): boolean => (only ? only.includes(m.id) : m.enabled);
  // The editor's own models (vscode-lm) need no key: the editor asks for consent itself.
  if ((config.editorModels ?? []).some(chosen)) return { ready: true, unreachable: [] };
  const needsKey = await keyRule();
  const probes = new Map<string, Promise<boolean>>();
  const reachable = (url: string): Promise<boolean> => {
    let p = probes.get(url);
    if (!p) probes.set(url, (p = ollamaReachable(url)));
    return p;
  };
  const ready = readinessCheck(needsKey, (m) => s.keys.has(m), reachable);
  const models = config.models.filter(chosen);
  const results = await Promise.all(
    models.map(async (m: ModelConfig) => ({ m, ok: await ready(m).catch(() => false) })),
  );
  return {
    ready: results.some((r) => r.ok),
    unreachable: results.filter((r) => !r.ok && r.m.kind === 'ollama').map((r) => r.m.id),
  };
}

/**
 * Opens the walkthrough on the first activation of an install, unless the user turned startup
 * editors off (workbench.startupEditor: none), as VS Code's own Welcome page does. That is the
 * workbench's setting, not Quorum's, so it is read here rather than through config.ts.
 */
export async function openWalkthroughOnce(state: vscode.Memento): Promise<void> {
  if (state.get<boolean>(WALKTHROUGH_KEY)) return;
  if (vscode.workspace.getConfiguration('workbench').get<string>('startupEditor') === 'none') return;
  await state.update(WALKTHROUGH_KEY, true);
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
}

/**
 * Once per install, when no model is ready: one short line with Add Model and Try the demo. Waits
 * for the trust dialog first (a toast shown under it hides itself unseen), and stays silent when
 * the panel is visible, since the panel shows the same buttons.
 */
export async function offerDemoIfNeeded(
  s: HostServices,
  state: vscode.Memento,
  panelVisible: () => boolean,
): Promise<boolean> {
  try {
    if (state.get<boolean>(OFFERED_KEY) || s.demo.active) return false;
    await trustSettled();
    if ((await readinessOf(s)).ready || s.demo.active || panelVisible()) return false;
    await state.update(OFFERED_KEY, true);
    s.log.logger.info('no model is ready: offering the demo');
    return await s.demo.offer();
  } catch (error) {
    s.log.logger.warn(`first-run check failed: ${String(error)}`);
    return false;
  }
}

function trustSettled(): Promise<void> {
  if (vscode.workspace.isTrusted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, TRUST_WAIT_MS);
    const sub = vscode.workspace.onDidGrantWorkspaceTrust(done);
    function done(): void {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    }
  });
}
