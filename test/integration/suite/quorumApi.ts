/**
 * Shared by the integration test files (not a test file itself): activates Quorum and returns the
 * API its activate() returns, and writes settings the way a user would.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DEMO_MODELS } from '../../../src/demo/recordings';
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

/**
 * The demo's models on a replay server at `url`, with the sandbox on (offline images, no pull) and
 * `key` stored for each model that needs one; resolves once the host has them all and may run code.
 */
export async function useDemoModels(url: string, key: string): Promise<QuorumTestApi> {
  const models = DEMO_MODELS(url);
  await setQuorumSettings({
    models,
    'sandbox.enabled': true,
    'sandbox.images': OFFLINE_IMAGES,
    'sandbox.pull': false,
  });
  const api = await quorumApi();
  for (const m of models) if (m.kind === 'openai' || m.kind === 'groq') await api.secrets.set(m.id, key);
  await until(() => api.models().length === models.length && api.executionAllowed(), 5000, 'the settings');
  return api;
}

/**
 * Opens `content` in an editor. A real file with a unique name, not an untitled document: VS Code
 * hands out `Untitled-1` again after a close and may return the old, not yet disposed, document.
 */
export async function openEditor(content: string, extension = 'py'): Promise<vscode.TextEditor> {
  const file = join(tmpdir(), `quorum-it-${randomUUID()}.${extension}`);
  await writeFile(file, content, 'utf8');
  const doc = await vscode.workspace.openTextDocument(file);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  editor.options = { insertSpaces: true, tabSize: 4 };
  return editor;
}

/**
 * Closes every editor without save prompts (the tests' documents are untitled and modified), and
 * waits until their documents are gone: a new untitled document may reuse a closed one's URI.
 */
export async function closeAllEditors(): Promise<void> {
  const docs = vscode.window.visibleTextEditors.map((e) => e.document);
  for (const doc of docs) {
    if (doc.isClosed) continue;
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await until(() => docs.every((d) => d.isClosed), 5000, 'the test documents to close').catch(
    () => undefined,
  );
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
