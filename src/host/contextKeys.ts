/**
 * The context keys the manifest's `when` clauses read: `quorum.running` (Cancel shows only while an
 * ask or a re-run is in flight) and `quorum.hasRun` (Export shows only when there is a run to export).
 * Each is set only when it changes, so streaming events cost nothing here.
 */
import * as vscode from 'vscode';
import type { HostServices } from './services';

export const CONTEXT_KEYS = { running: 'quorum.running', hasRun: 'quorum.hasRun' } as const;

export function trackContextKeys(s: HostServices): vscode.Disposable {
  const last = new Map<string, boolean>();
  const set = (key: string, value: boolean): void => {
    if (last.get(key) === value) return;
    last.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  };
  const refresh = (): void => {
    set(CONTEXT_KEYS.running, s.runner.running);
    set(CONTEXT_KEYS.hasRun, s.runner.state.record !== undefined);
  };
  refresh();
  return vscode.Disposable.from(
    s.runner.onDidChangeRunning(refresh),
    s.runner.onEvent((e) => {
      if (e.type === 'session-done') refresh();
    }),
    s.runner.onHistoryChange(refresh),
  );
}
