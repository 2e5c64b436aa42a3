/**
 * Shared by the integration test files (not a test file itself): activates Quorum and returns the
 * API its activate() returns, and writes settings the way a user would.
 */
import * as vscode from 'vscode';
import type { QuorumTestApi } from '../../../src/host/testApi';

export const EXTENSION_ID = 'quorum-dev.quorum';

/** Tags built by scripts/buildSandboxImages.sh from this machine's own binaries (nothing is pulled). */
export const OFFLINE_IMAGES = {
  python: 'quorum-offline/python:3.11',
  javascript: 'quorum-offline/node:20',
  bash: 'quorum-offline/bash:5',
} as const;

export async function quorumApi(): Promise<QuorumTestApi> {
  const ext = vscode.extensions.getExtension<QuorumTestApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this extension host`);
  return ext.activate();
}

/** Writes user settings under `quorum.` and waits until the extension's snapshot has them. */
export async function setQuorumSettings(values: Record<string, unknown>): Promise<void> {
  const c = vscode.workspace.getConfiguration('quorum');
  for (const [key, value] of Object.entries(values)) {
    await c.update(key, value, vscode.ConfigurationTarget.Global);
  }
}

export async function openEditor(content: string, language = 'python'): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ content, language });
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  editor.options = { insertSpaces: true, tabSize: 4 };
  return editor;
}

/** Closes every editor without save prompts (the tests' documents are untitled and modified). */
export async function closeAllEditors(): Promise<void> {
  for (const editor of [...vscode.window.visibleTextEditors]) {
    await vscode.window.showTextDocument(editor.document, { preview: false });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}

export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
